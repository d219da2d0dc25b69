"""Parallel Chinese–English sentences from a hand-written lexicon and grammar.

The model learns translation from examples only, so the examples come from a small grammar we
control: a bilingual lexicon of beginner classroom words, tagged by part of speech, and sentence
patterns that put them together with correct English agreement (I am / he is / she likes) and
natural Chinese word order (time and place before the verb, 吗 for yes/no questions).

Every sentence has exactly one canonical translation each way, so exact match is a fair score.
Where people also write a sentence another way (``doesn't`` for ``does not``, 我妈妈 for
我的妈妈, 正在 for 在), the variant is added for one direction only: the model learns to *read*
it, but always *writes* the canonical form.

The held-out split is by combination: every sentence carries a key (subject, verb, object), and a
fixed 10 % of all keys go to the test set, so the test measures whether the model composes words
it has seen into combinations it has never seen.

    >>> pairs = sample_pairs(3, seed=0)
    >>> len(pairs)
    3
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

# --------------------------------------------------------------------------------------------
# Text with a Chinese variant
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Z:
    """Chinese text ``c`` (canonical: the model writes it) with an accepted variant ``a``.

    Concatenation keeps both, so a sentence built from pieces knows its variant too.
    """

    c: str
    a: str

    def __add__(self, other: Z | str) -> Z:
        other = zh(other)
        return Z(self.c + other.c, self.a + other.a)

    def __radd__(self, other: str) -> Z:
        other = zh(other)
        return Z(other.c + self.c, other.a + self.a)


def zh(text: Z | str) -> Z:
    """``"看~读"`` means canonical 看, accepted variant 读; plain text is its own variant."""
    if isinstance(text, Z):
        return text
    canonical, _, alt = text.partition("~")
    return Z(canonical, alt or canonical)


def _table(text: str) -> list[list[str]]:
    """Rows of a ``|``-separated table, skipping blank lines and ``#`` comments."""
    rows = []
    for line in text.strip().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            rows.append([cell.strip() for cell in line.split("|")])
    return rows


def _tags(cell: str) -> frozenset[str]:
    return frozenset(t for t in cell.split(",") if t)


# --------------------------------------------------------------------------------------------
# Lexicon
# --------------------------------------------------------------------------------------------

# Agreement classes: "1sg" (I am), "3sg" (he is, she likes), "pl" (you/we/they are, they like).


@dataclass(frozen=True)
class Pronoun:
    subj: str  # I
    obj: str  # me
    poss: str  # my
    zh: str  # 我
    agr: str  # "1sg" | "3sg" | "pl" ("you" agrees like a plural: you are, you like)
    gender: str = ""  # "m" | "f" for he/she, so "his name" goes with a boy's name

    @property
    def id(self) -> str:
        return "pron:" + self.subj


@dataclass(frozen=True)
class Name:
    en: str
    zh: str
    gender: str

    @property
    def id(self) -> str:
        return "name:" + self.en


@dataclass(frozen=True)
class Noun:
    en: str  # singular
    plural: str  # "" for nouns without one (tea, music)
    zh: str
    clf: str  # measure word: 一*只*猫, 一*杯*茶; "" when it is never counted
    tags: frozenset[str]
    unit: str = ""  # mass nouns counted in units: "cup" -> a cup of tea / 一杯茶
    bare: str = ""  # English for the bare Chinese object when not the plural: "the door", "TV"
    play: str = ""  # the Chinese verb "play" becomes with this object: 踢足球, 弹钢琴

    @property
    def id(self) -> str:
        return "n:" + self.en

    @property
    def countable(self) -> bool:
        return bool(self.plural) and not self.unit and not self.bare and bool(self.clf)

    @property
    def bare_en(self) -> str:
        """English for the bare Chinese noun as an object: 我喜欢苹果 -> I like *apples*."""
        return self.bare or self.plural or self.en


@dataclass(frozen=True)
class Adjective:
    en: str
    zh: str  # predicate: 她很*聪明*
    attr: str  # before a noun: *聪明的*约翰, *红*苹果; "" when not used before nouns
    style: str  # "hen": 她很聪明 / 她不聪明; "shi": 苹果是红色的 / 苹果不是红色的
    tags: frozenset[str]  # what it describes: person, animal, thing, food, drink, ...

    @property
    def id(self) -> str:
        return "adj:" + self.en


@dataclass(frozen=True)
class Verb:
    base: str  # like
    s: str  # likes
    ing: str  # liking
    past: str  # liked
    zh: Z  # 喜欢 (play: "" -> the object chooses: 踢 / 打 / 弹)
    objects: frozenset[str]  # tags of objects it takes; empty for intransitive verbs
    subjects: frozenset[str]  # "person" and/or "animal"
    flags: frozenset[str] = frozenset()
    # flags: stative (no progressive, no past with a time word), noprog, skill (with can),
    # place (may take a place: 在公园踢足球), what / who (wh-questions), nobare (sing *a* song)

    @property
    def id(self) -> str:
        return "v:" + self.base


@dataclass(frozen=True)
class Place:
    name: str
    to: str  # go *to the park*, go *home*
    at: str  # *in the park*, *at home*
    zh: str  # 公园
    zh_at: str  # 在*公园* / 在*教室里*
    zh_in: str  # *公园里*有一只猫
    go: str = "去"  # 去学校, but 回家
    tags: frozenset[str] = frozenset()  # activity (people do things there), city, country

    @property
    def id(self) -> str:
        return "place:" + self.name

    @property
    def subj(self) -> str:
        """English as a subject: Where is *the library*? (the to-form without "to")."""
        return "the school" if self.name == "school" else self.to.removeprefix("to ")


@dataclass(frozen=True)
class TimeWord:
    en: str
    zh: Z
    kind: str  # past | future | habit (every day) | freq (often: before the verb) | now


PRONOUNS = [
    Pronoun("I", "me", "my", "我", "1sg"),
    Pronoun("you", "you", "your", "你", "pl"),
    Pronoun("he", "him", "his", "他", "3sg", "m"),
    Pronoun("she", "her", "her", "她", "3sg", "f"),
    Pronoun("we", "us", "our", "我们", "pl"),
    Pronoun("they", "them", "their", "他们", "pl"),
]

NAMES = [
    Name(en, zh_, g)
    for en, zh_, g in _table(
        """
        John | 约翰 | m
        Mary | 玛丽 | f
        Tom | 汤姆 | m
        Lily | 莉莉 | f
        Lucy | 露西 | f
        Mike | 迈克 | m
        Anna | 安娜 | f
        David | 大卫 | m
        Peter | 彼得 | m
        Linda | 琳达 | f
        Jack | 杰克 | m
        Amy | 艾米 | f
        Bob | 鲍勃 | m
        Kate | 凯特 | f
        Sam | 山姆 | m
        Emma | 艾玛 | f
        Alice | 爱丽丝 | f
        Li Lei | 李雷 | m
        Han Meimei | 韩梅梅 | f
        Xiao Ming | 小明 | m
        Wang Fang | 王芳 | f
        Zhang Wei | 张伟 | m
        """
    )
]


def _noun(row: list[str]) -> Noun:
    en, plural, zh_, clf, tags, *opts = row
    options = dict(opt.split("=", 1) for opt in opts if opt)
    return Noun(en, "" if plural == "-" else plural, zh_, "" if clf == "-" else clf,
                _tags(tags), **options)


# en | plural | zh | measure word | tags | options (unit=, bare=, play=)
NOUNS = [
    _noun(row)
    for row in _table(
        """
        # people by role: "the teacher" <-> 老师
        teacher | teachers | 老师 | 个 | role
        student | students | 学生 | 个 | role
        doctor | doctors | 医生 | 个 | role
        nurse | nurses | 护士 | 个 | role
        boy | boys | 男孩 | 个 | role
        girl | girls | 女孩 | 个 | role
        man | men | 男人 | 个 | role
        woman | women | 女人 | 个 | role
        child | children | 孩子 | 个 | role
        baby | babies | 宝宝 | 个 | role
        farmer | farmers | 农民 | 个 | role
        driver | drivers | 司机 | 个 | role
        police officer | police officers | 警察 | 个 | role
        worker | workers | 工人 | 个 | role
        singer | singers | 歌手 | 个 | role
        cook | cooks | 厨师 | 个 | role
        writer | writers | 作家 | 个 | role
        # people by relation: my mother <-> 我妈妈 (family: no 的), my friend <-> 我的朋友
        mother | mothers | 妈妈 | 个 | kin,family
        father | fathers | 爸爸 | 个 | kin,family
        brother | brothers | 哥哥 | 个 | kin,family
        sister | sisters | 姐姐 | 个 | kin,family
        little brother | little brothers | 弟弟 | 个 | kin,family
        little sister | little sisters | 妹妹 | 个 | kin,family
        grandmother | grandmothers | 奶奶 | 个 | kin,family
        grandfather | grandfathers | 爷爷 | 个 | kin,family
        aunt | aunts | 阿姨 | 个 | kin,family
        uncle | uncles | 叔叔 | 个 | kin,family
        son | sons | 儿子 | 个 | kin,family
        daughter | daughters | 女儿 | 个 | kin,family
        friend | friends | 朋友 | 个 | kin
        classmate | classmates | 同学 | 个 | kin
        neighbor | neighbors | 邻居 | 个 | kin
        # animals
        cat | cats | 猫 | 只 | animal,pet,drawable
        dog | dogs | 狗 | 只 | animal,pet,drawable
        bird | birds | 鸟 | 只 | animal,pet,drawable
        fish | fish | 鱼 | 条 | animal,pet,food,drawable
        rabbit | rabbits | 兔子 | 只 | animal,pet,drawable
        panda | pandas | 熊猫 | 只 | animal,drawable
        horse | horses | 马 | 匹 | animal,drawable,rideable
        cow | cows | 奶牛 | 头 | animal,drawable
        pig | pigs | 猪 | 头 | animal,drawable
        duck | ducks | 鸭子 | 只 | animal,pet,drawable
        monkey | monkeys | 猴子 | 只 | animal,drawable
        tiger | tigers | 老虎 | 只 | animal,drawable
        elephant | elephants | 大象 | 头 | animal,drawable
        sheep | sheep | 羊 | 只 | animal,drawable
        lion | lions | 狮子 | 只 | animal,drawable
        bear | bears | 熊 | 只 | animal,drawable
        # food you count
        apple | apples | 苹果 | 个 | food,fruit,drawable,washable
        banana | bananas | 香蕉 | 根 | food,fruit
        orange | oranges | 橙子 | 个 | food,fruit
        pear | pears | 梨 | 个 | food,fruit
        peach | peaches | 桃子 | 个 | food,fruit
        watermelon | watermelons | 西瓜 | 个 | food,fruit
        strawberry | strawberries | 草莓 | 个 | food,fruit
        tomato | tomatoes | 西红柿 | 个 | food
        potato | potatoes | 土豆 | 个 | food
        egg | eggs | 鸡蛋 | 个 | food
        cake | cakes | 蛋糕 | 个 | food,makeable
        cookie | cookies | 饼干 | 块 | food,makeable
        sandwich | sandwiches | 三明治 | 个 | food,makeable
        hamburger | hamburgers | 汉堡 | 个 | food
        dumpling | dumplings | 饺子 | 个 | food
        # food and drink by the cup or bowl: "a cup of tea" <-> 一杯茶
        rice | - | 米饭 | 碗 | food | unit=bowl
        noodles | - | 面条 | 碗 | food | unit=bowl
        bread | - | 面包 | 块 | food | unit=piece
        meat | - | 肉 | 块 | food | unit=piece
        chocolate | - | 巧克力 | 块 | food | unit=piece
        ice cream | - | 冰淇淋 | - | food
        vegetables | - | 蔬菜 | - | food,plantable
        tea | - | 茶 | 杯 | drink | unit=cup
        coffee | - | 咖啡 | 杯 | drink | unit=cup
        milk | - | 牛奶 | 杯 | drink | unit=glass
        water | - | 水 | 杯 | drink | unit=glass
        juice | - | 果汁 | 杯 | drink | unit=glass
        # things
        book | books | 书 | 本 | thing,readable,openable,borrowable
        pen | pens | 笔 | 支 | thing,usable,borrowable
        pencil | pencils | 铅笔 | 支 | thing,usable,borrowable
        ruler | rulers | 尺子 | 把 | thing,usable,borrowable
        eraser | erasers | 橡皮 | 块 | thing,usable,borrowable
        schoolbag | schoolbags | 书包 | 个 | thing,openable
        desk | desks | 桌子 | 张 | thing
        chair | chairs | 椅子 | 把 | thing
        computer | computers | 电脑 | 台 | thing,usable
        phone | phones | 手机 | 部 | thing,usable
        ball | balls | 球 | 个 | thing,toy
        kite | kites | 风筝 | 个 | thing,toy,makeable
        toy | toys | 玩具 | 个 | thing,toy
        car | cars | 汽车 | 辆 | thing,washable,drivable,drawable
        bike | bikes | 自行车 | 辆 | thing,rideable,borrowable
        hat | hats | 帽子 | 顶 | thing,wearable
        shirt | shirts | 衬衫 | 件 | thing,wearable,washable
        dress | dresses | 裙子 | 条 | thing,wearable
        umbrella | umbrellas | 雨伞 | 把 | thing,borrowable
        cup | cups | 杯子 | 个 | thing,washable
        bowl | bowls | 碗 | 个 | thing,washable
        box | boxes | 盒子 | 个 | thing,openable
        flower | flowers | 花 | 朵 | thing,plant,drawable,plantable
        tree | trees | 树 | 棵 | thing,plant,drawable,plantable
        house | houses | 房子 | 座 | thing,drawable
        photo | photos | 照片 | 张 | thing
        map | maps | 地图 | 张 | thing,usable
        watch | watches | 手表 | 块 | thing
        key | keys | 钥匙 | 把 | thing
        shoes | - | 鞋 | 双 | thing,wearable | unit=pair
        clothes | - | 衣服 | - | thing,washable
        money | - | 钱 | - | thing
        # things to read, watch, hear
        newspaper | newspapers | 报纸 | 份 | readable
        letter | letters | 信 | 封 | readable,writable
        story | stories | 故事 | 个 | readable,writable
        song | songs | 歌 | 首 | song,listenable
        movie | movies | 电影 | 部 | watchable
        cartoon | cartoons | 动画片 | 部 | watchable
        TV | - | 电视 | - | watchable | bare=TV
        door | - | 门 | - | openable | bare=the door
        window | - | 窗户 | - | openable | bare=the window
        # what you play: the Chinese verb depends on it
        football | - | 足球 | - | sport | play=踢
        basketball | - | 篮球 | - | sport | play=打
        tennis | - | 网球 | - | sport | play=打
        badminton | - | 羽毛球 | - | sport | play=打
        volleyball | - | 排球 | - | sport | play=打
        table tennis | - | 乒乓球 | - | sport | play=打
        baseball | - | 棒球 | - | sport | play=打
        piano | - | 钢琴 | - | instrument | bare=the piano | play=弹
        guitar | - | 吉他 | - | instrument | bare=the guitar | play=弹
        violin | - | 小提琴 | - | instrument | bare=the violin | play=拉
        drums | - | 鼓 | - | instrument | bare=the drums | play=打
        games | - | 游戏 | - | game | play=玩
        chess | - | 象棋 | - | game | play=下
        cards | - | 牌 | - | game | play=打
        # what you study
        Chinese | - | 中文 | - | lang,language
        English | - | 英语 | - | lang,language
        French | - | 法语 | - | lang,language
        Japanese | - | 日语 | - | lang,language
        math | - | 数学 | - | lang
        music | - | 音乐 | - | lang,listenable
        art | - | 美术 | - | lang
        science | - | 科学 | - | lang
        history | - | 历史 | - | lang
        """
    )
]


def _adj(row: list[str]) -> Adjective:
    en, zh_, attr, style, tags = row
    return Adjective(en, zh_, "" if attr == "-" else attr, style, _tags(tags))


# en | predicate | before a noun | style | describes
ADJECTIVES = [
    _adj(row)
    for row in _table(
        """
        smart | 聪明 | 聪明的 | hen | person
        tall | 高 | - | hen | person
        short | 矮 | - | hen | person
        happy | 高兴 | 快乐的 | hen | person
        sad | 难过 | - | hen | person
        busy | 忙 | - | hen | person
        tired | 累 | - | hen | person
        hungry | 饿 | - | hen | person,animal
        thirsty | 渴 | - | hen | person,animal
        kind | 善良 | 善良的 | hen | person
        friendly | 友好 | 友好的 | hen | person
        beautiful | 漂亮 | 漂亮的 | hen | person,plant,wearable
        cute | 可爱 | 可爱的 | hen | person,animal
        young | 年轻 | 年轻的 | hen | person
        strong | 强壮 | 强壮的 | hen | person,animal
        brave | 勇敢 | 勇敢的 | hen | person
        lazy | 懒 | 懒惰的 | hen | person
        quiet | 安静 | 安静的 | hen | person
        fat | 胖 | 胖 | hen | animal
        fine | 好 | - | hen | person
        good | 好 | 好 | hen | readable,watchable,food
        big | 大 | 大 | hen | animal,thing,fruit
        small | 小 | 小 | hen | animal,thing,fruit
        new | 新 | 新 | hen | thing
        old | 旧 | 旧 | hen | thing
        expensive | 贵 | - | hen | thing
        cheap | 便宜 | 便宜的 | hen | thing
        clean | 干净 | 干净的 | hen | thing
        dirty | 脏 | 脏 | hen | wearable
        interesting | 有趣 | 有趣的 | hen | readable,watchable,lang
        delicious | 好吃 | 好吃的 | hen | food
        sweet | 甜 | 甜 | hen | fruit
        hot | 热 | 热 | hen | drink
        cold | 凉 | 凉 | hen | drink
        red | 红色 | 红 | shi | fruit,thing,plant
        blue | 蓝色 | 蓝 | shi | thing
        green | 绿色 | 绿 | shi | fruit,thing,plant
        yellow | 黄色 | 黄 | shi | fruit,thing,plant
        white | 白色 | 白 | shi | animal,thing,plant
        black | 黑色 | 黑 | shi | animal,thing
        pink | 粉色 | 粉色的 | shi | thing,plant
        brown | 棕色 | 棕色的 | shi | animal,thing
        purple | 紫色 | 紫色的 | shi | thing,plant
        """
    )
]


def _verb(row: list[str]) -> Verb:
    base, s, ing, past, zh_, objects, subjects, *flags = row + [""]
    return Verb(base, s, ing, past, zh(zh_), _tags(objects), _tags(subjects), _tags(flags[0]))


# Intransitive verbs. Many are verb + object in Chinese (唱歌 "sing a song" = sing).
# base | 3sg | -ing | past | zh | - | subjects | flags
INTRANSITIVE = [
    _verb(row)
    for row in _table(
        """
        sing | sings | singing | sang | 唱歌 | | person | skill,place
        dance | dances | dancing | danced | 跳舞 | | person | skill,place
        swim | swims | swimming | swam | 游泳 | | person,animal | skill,place
        run | runs | running | ran | 跑步 | | person | place
        sleep | sleeps | sleeping | slept | 睡觉 | | person,animal | place
        cry | cries | crying | cried | 哭 | | person |
        laugh | laughs | laughing | laughed | 笑 | | person |
        smile | smiles | smiling | smiled | 微笑 | | person |
        study | studies | studying | studied | 学习 | | person | place
        work | works | working | worked | 工作 | | person | place
        cook | cooks | cooking | cooked | 做饭 | | person | skill,place
        draw | draws | drawing | drew | 画画 | | person | skill,place
        rest | rests | resting | rested | 休息 | | person | place
        jump | jumps | jumping | jumped | 跳 | | person,animal |
        play | plays | playing | played | 玩 | | person,animal | place
        talk | talks | talking | talked | 说话 | | person |
        write | writes | writing | wrote | 写字 | | person | skill
        skate | skates | skating | skated | 滑冰 | | person | skill,place
        ski | skis | skiing | skied | 滑雪 | | person | skill
        have breakfast | has breakfast | having breakfast | had breakfast | \
            吃早饭 | | person | place
        have lunch | has lunch | having lunch | had lunch | 吃午饭 | | person | place
        have dinner | has dinner | having dinner | had dinner | 吃晚饭 | | person | place
        do homework | does homework | doing homework | did homework | 做作业 | | person | place
        take a walk | takes a walk | taking a walk | took a walk | 散步 | | person | place
        take a shower | takes a shower | taking a shower | took a shower | \
            洗澡 | | person |
        take photos | takes photos | taking photos | took photos | 拍照 | | person | place
        get up | gets up | getting up | got up | 起床 | | person |
        go to bed | goes to bed | going to bed | went to bed | 上床睡觉 | | person |
        clean the room | cleans the room | cleaning the room | cleaned the room | \
            打扫房间 | | person |
        fly a kite | flies a kite | flying a kite | flew a kite | 放风筝 | | person | skill,place
        go shopping | goes shopping | going shopping | went shopping | 去购物 | | person |
        """
    )
]

# Transitive verbs with the tags of the objects that suit them.
# base | 3sg | -ing | past | zh | objects | subjects | flags
TRANSITIVE = [
    _verb(row)
    for row in _table(
        """
        love | loves | loving | loved | 爱 | person,pet | person | stative,who
        like | likes | liking | liked | 喜欢 | \
            person,animal,food,drink,thing,sport,lang,game | person,animal | stative,who,what
        eat | eats | eating | ate | 吃 | food | person,animal | what,place
        drink | drinks | drinking | drank | 喝 | drink | person,animal | what,place
        read | reads | reading | read | 看~读 | readable | person | place
        watch | watches | watching | watched | 看 | watchable | person | place
        see | sees | seeing | saw | 看见 | person,animal,thing | person | noprog,who,what
        buy | buys | buying | bought | 买 | food,thing,readable | person | what
        sell | sells | selling | sold | 卖 | food,thing | person | what
        have | has | having | had | 有 | animal,thing,readable | person | stative,what
        want | wants | wanting | wanted | 想要 | food,drink,thing,pet | person | stative,what
        need | needs | needing | needed | 需要 | thing | person | stative,what
        help | helps | helping | helped | 帮助~帮 | person | person | who
        know | knows | knowing | knew | 认识 | person | person | stative,who
        visit | visits | visiting | visited | 看望 | kin,name | person | who
        miss | misses | missing | missed | 想念 | person | person | stative,who
        meet | meets | meeting | met | 见 | person | person | noprog,who
        wait for | waits for | waiting for | waited for | 等 | person | person |
        ask | asks | asking | asked | 问 | person | person |
        thank | thanks | thanking | thanked | 感谢 | person | person | noprog
        hug | hugs | hugging | hugged | 拥抱 | person,pet | person |
        teach | teaches | teaching | taught | 教 | lang | person | place
        study | studies | studying | studied | 学习~学 | lang | person | place
        speak | speaks | speaking | spoke | 说 | language | person | skill
        write | writes | writing | wrote | 写 | writable | person | place
        draw | draws | drawing | drew | 画 | drawable | person | place
        play | plays | playing | played | | sport,instrument,game | person | skill,place
        make | makes | making | made | 做 | makeable | person |
        wash | washes | washing | washed | 洗 | washable | person |
        open | opens | opening | opened | 打开 | openable | person |
        close | closes | closing | closed | 关上 | openable | person |
        look for | looks for | looking for | looked for | 找 | thing,pet,kin | person | what
        find | finds | finding | found | 找到 | thing,pet | person | noprog
        listen to | listens to | listening to | listened to | 听 | listenable | person | place
        sing | sings | singing | sang | 唱 | song | person | nobare
        ride | rides | riding | rode | 骑 | rideable | person | skill
        drive | drives | driving | drove | 开 | drivable | person | skill
        bring | brings | bringing | brought | 带 | borrowable,toy | person |
        use | uses | using | used | 用 | usable | person |
        borrow | borrows | borrowing | borrowed | 借 | borrowable | person |
        feed | feeds | feeding | fed | 喂 | animal | person |
        grow | grows | growing | grew | 种 | plantable | person |
        wear | wears | wearing | wore | 穿 | wearable | person |
        """
    )
]

# Going somewhere is a verb + place (去学校, 回家).
GO = Verb("go", "goes", "going", "went", zh("去"), frozenset({"place"}),
          frozenset({"person", "animal"}), frozenset({"noprog"}))
COME = Verb("come", "comes", "coming", "came", zh("来"), frozenset({"place"}),
            frozenset({"person"}), frozenset({"noprog"}))

PLACES = [
    Place(name, to, at, zh_, zh_at, zh_in, go or "去", _tags(tags))
    for name, to, at, zh_, zh_at, zh_in, go, tags in _table(
        """
        school | to school | at school | 学校 | 学校 | 学校里 | | activity
        home | home | at home | 家 | 家 | 家里 | 回 | activity
        park | to the park | in the park | 公园 | 公园 | 公园里 | | activity
        library | to the library | in the library | 图书馆 | 图书馆 | 图书馆里 | | activity
        classroom | to the classroom | in the classroom | 教室 | 教室里 | 教室里 | | activity
        playground | to the playground | on the playground | 操场 | 操场上 | 操场上 | | activity
        garden | to the garden | in the garden | 花园 | 花园里 | 花园里 | | activity
        beach | to the beach | on the beach | 海边 | 海边 | 海边 | | activity
        zoo | to the zoo | at the zoo | 动物园 | 动物园 | 动物园里 | |
        supermarket | to the supermarket | at the supermarket | 超市 | 超市 | 超市里 | |
        hospital | to the hospital | at the hospital | 医院 | 医院 | 医院里 | |
        kitchen | to the kitchen | in the kitchen | 厨房 | 厨房 | 厨房里 | |
        cinema | to the cinema | at the cinema | 电影院 | 电影院 | 电影院里 | |
        restaurant | to the restaurant | at the restaurant | 饭店 | 饭店 | 饭店里 | |
        shop | to the shop | at the shop | 商店 | 商店 | 商店里 | |
        farm | to the farm | on the farm | 农场 | 农场 | 农场里 | |
        office | to the office | at the office | 办公室 | 办公室 | 办公室里 | |
        Beijing | to Beijing | in Beijing | 北京 | 北京 | 北京 | | city
        Shanghai | to Shanghai | in Shanghai | 上海 | 上海 | 上海 | | city
        London | to London | in London | 伦敦 | 伦敦 | 伦敦 | | city
        China | to China | in China | 中国 | 中国 | 中国 | | country
        America | to America | in America | 美国 | 美国 | 美国 | | country
        England | to England | in England | 英国 | 英国 | 英国 | | country
        Japan | to Japan | in Japan | 日本 | 日本 | 日本 | | country
        Canada | to Canada | in Canada | 加拿大 | 加拿大 | 加拿大 | | country
        Australia | to Australia | in Australia | 澳大利亚 | 澳大利亚 | 澳大利亚 | | country
        France | to France | in France | 法国 | 法国 | 法国 | | country
        """
    )
]

TIME_WORDS = [
    TimeWord(en, zh(zh_), kind)
    for en, zh_, kind in _table(
        """
        yesterday | 昨天 | past
        yesterday morning | 昨天早上 | past
        last night | 昨天晚上~昨晚 | past
        last week | 上个星期~上周 | past
        last year | 去年 | past
        this morning | 今天早上 | past
        tomorrow | 明天 | future
        tomorrow morning | 明天早上 | future
        tonight | 今天晚上~今晚 | future
        next week | 下个星期~下周 | future
        next year | 明年 | future
        this weekend | 这个周末 | future
        every day | 每天 | habit
        every morning | 每天早上 | habit
        every evening | 每天晚上 | habit
        every week | 每个星期~每周 | habit
        often | 经常 | freq
        always | 总是 | freq
        usually | 通常 | freq
        sometimes | 有时候 | freq
        today | 今天 | now
        now | 现在 | now
        """
    )
]

DAYS = [
    (en, zh(zh_))
    for en, zh_ in _table(
        """
        Monday | 星期一
        Tuesday | 星期二
        Wednesday | 星期三
        Thursday | 星期四
        Friday | 星期五
        Saturday | 星期六
        Sunday | 星期天~星期日
        """
    )
]

# Weekdays as time words: last Monday / 上个星期一, on Monday / 星期一, every Monday / 每个星期一.
DAY_TIME = {"past": ("last {}", "上个"), "future": ("on {}", ""), "habit": ("every {}", "每个")}

# Numbers before a measure word (两个苹果, not 二个苹果); also ages (我十岁, 两岁).
NUMBERS = [
    (en, zh_)
    for en, zh_ in _table(
        """
        two | 两
        three | 三
        four | 四
        five | 五
        six | 六
        seven | 七
        eight | 八
        nine | 九
        ten | 十
        eleven | 十一
        twelve | 十二
        """
    )
]

WEATHER = [
    (en, zh_)
    for en, zh_ in _table(
        """
        hot | 热
        cold | 冷
        warm | 暖和
        cool | 凉快
        """
    )
]

# Sentences people say as a whole. They are memorised, never held out.
# English | Chinese (| an accepted English variant, read only)
PHRASES = _table(
    """
    Hello | 你好
    Hi | 嗨
    Good morning | 早上好
    Good afternoon | 下午好
    Good evening | 晚上好
    Good night | 晚安
    Goodbye | 再见 | Bye
    See you tomorrow | 明天见
    Thank you | 谢谢你~谢谢 | Thanks
    Thank you very much | 非常感谢
    You are welcome | 不客气 | You're welcome
    Sorry | 对不起
    I am sorry | 我很抱歉 | I'm sorry
    How are you? | 你好吗?
    And you? | 你呢?
    Nice to meet you | 很高兴认识你
    Happy birthday | 生日快乐
    Happy New Year | 新年快乐
    Welcome | 欢迎
    Welcome to China | 欢迎来到中国
    What is this? | 这是什么? | What's this?
    What is that? | 那是什么? | What's that?
    Who is that? | 那是谁? | Who's that?
    What day is it today? | 今天星期几?
    What time is it? | 现在几点?
    Please stand up | 请站起来
    Please sit down | 请坐下
    Please be quiet | 请安静
    Listen to me | 听我说
    Look at the blackboard | 看黑板
    Let's begin | 我们开始吧
    Class is over | 下课了
    Good job | 做得好
    I do not know | 我不知道 | I don't know
    I understand | 我明白了
    Yes | 是的
    No | 不是
    OK | 好的
    Excuse me | 打扰一下
    Come in | 请进
    """
)

# The two sentences of the article are app defaults; their combinations always stay in training.
SEED_PAIRS = (("I love you", "我爱你"), ("Smart John is singing", "聪明的约翰在唱歌"))
SEED_KEYS = frozenset({("pron:I", "v:love", "pron:you"), ("name:John", "v:sing", "-")})


def lexicon() -> dict[str, list]:
    """Every lexicon table by part of speech (the app and the tests count and show them)."""
    return {
        "pronoun": PRONOUNS,
        "name": NAMES,
        "noun": NOUNS,
        "adjective": ADJECTIVES,
        "intransitive verb": INTRANSITIVE,
        "transitive verb": TRANSITIVE + [GO, COME],
        "place": PLACES,
        "time word": TIME_WORDS,
        "day": DAYS,
        "number": NUMBERS,
        "weather": WEATHER,
        "phrase": PHRASES,
    }


# --------------------------------------------------------------------------------------------
# Noun phrases
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NP:
    en: str
    zh: Z
    id: str  # the head word, for the held-out key
    agr: str = "3sg"
    tags: frozenset[str] = frozenset()
    gender: str = ""


def _a(word: str) -> str:
    return ("an " if word[0].lower() in "aeiou" else "a ") + word


def _be(agr: str) -> str:
    return {"1sg": "am", "3sg": "is"}.get(agr, "are")


def _was(agr: str) -> str:
    return "were" if agr == "pl" else "was"


def _do(agr: str) -> str:
    return "does" if agr == "3sg" else "do"


PERSON = frozenset({"person"})
ROLE_IDS = frozenset(n.id for n in NOUNS if "role" in n.tags)


def _noun_tags(noun: Noun) -> frozenset[str]:
    """Tags of a noun, with "person" added for people (what adjectives and verbs look at)."""
    return noun.tags | ({"person"} if noun.tags & {"role", "kin"} else set())


class Grammar:
    """Draws random sentences. All randomness comes from ``rng``, so a seed fixes the output."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self._cache: dict = {}
        self.attr_person = [a for a in ADJECTIVES if "person" in a.tags and a.attr.endswith("的")]
        self.activity_places = [p for p in PLACES if "activity" in p.tags]
        self.countries = [p for p in PLACES if "country" in p.tags]
        self.by_kind: dict[str, list[TimeWord]] = {}
        for t in TIME_WORDS:
            self.by_kind.setdefault(t.kind, []).append(t)

    # -- helpers ------------------------------------------------------------------------------
    def time(self, *kinds: str) -> TimeWord:
        """A time word of one of ``kinds``; a quarter of the time a weekday (last Monday,
        on Monday, every Monday), so weekdays are common words, not just one pattern's."""
        day_kinds = [k for k in kinds if k in DAY_TIME]
        if day_kinds and self.rng.random() < 0.25:
            kind = self.pick(day_kinds)
            en, day_zh = self.pick(DAYS)
            en_form, zh_form = DAY_TIME[kind]
            return TimeWord(en_form.format(en), zh(zh_form) + day_zh, kind)
        return self.pick([t for k in kinds for t in self.by_kind[k]])
    def pick(self, items):
        return items[self.rng.randrange(len(items))]

    def weighted(self, options: dict):
        keys = list(options)
        return self.rng.choices(keys, weights=[options[k] for k in keys])[0]

    def _cached(self, key, make):
        """Candidate lists depend only on their key, so each is built once."""
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    def nouns(self, tags) -> list[Noun]:
        return self._cached(("nouns", frozenset(tags)), lambda: [n for n in NOUNS if n.tags & tags])

    def adjectives_for(self, noun: Noun, attributive: bool) -> list[Adjective]:
        tags = _noun_tags(noun)
        return self._cached(
            ("adj", noun.en, attributive),
            lambda: [a for a in ADJECTIVES if a.tags & tags and (a.attr or not attributive)],
        )

    def possessor(self, exclude: str = "") -> tuple[str, Z, str]:
        """(my, 我的, id) for a random pronoun; not the subject's own ("we are our friends")."""
        clash = {exclude} | ({"pron:I", "pron:we"} if exclude in ("pron:I", "pron:we") else set())
        p = self.pick([p for p in PRONOUNS if p.id not in clash])
        return p.poss, zh(p.zh + "的"), p.id

    # -- subjects -----------------------------------------------------------------------------
    def person_subject(self, allow_plural_np: bool = True) -> NP:
        forms = {"pronoun": 5, "name": 4, "adj_name": 1, "the_role": 1.2, "the_adj_role": 0.4,
                 "kin": 1.5, "this_role": 0.4}
        if allow_plural_np:
            forms.update({"the_roles": 0.4, "two_names": 0.4})
        form = self.weighted(forms)
        if form == "pronoun":
            p = self.pick(PRONOUNS)
            return NP(p.subj, zh(p.zh), p.id, p.agr, PERSON, p.gender)
        if form in ("name", "adj_name"):
            n = self.pick(NAMES)
            if form == "name":
                return NP(n.en, zh(n.zh), n.id, "3sg", PERSON, n.gender)
            a = self.pick(self.attr_person)
            return NP(f"{a.en} {n.en}", zh(a.attr + n.zh), n.id, "3sg", PERSON, n.gender)
        if form == "two_names":
            n1, n2 = self.rng.sample(NAMES, 2)
            return NP(f"{n1.en} and {n2.en}", zh(f"{n1.zh}和{n2.zh}"), n1.id, "pl", PERSON)
        if form == "kin":
            noun = self.pick(self.nouns({"kin"}))
            poss, poss_zh, _ = self.possessor()
            return NP(f"{poss} {noun.en}", self.kin_zh(poss_zh, noun), noun.id, "3sg", PERSON)
        noun = self.pick(self.nouns({"role"}))
        if form == "the_role":
            return NP(f"the {noun.en}", zh(noun.zh), noun.id, "3sg", PERSON)
        if form == "the_roles":
            return NP(f"the {noun.plural}", zh(noun.zh + "们"), noun.id, "pl", PERSON)
        if form == "this_role":
            this, this_zh = self.pick([("this", "这"), ("that", "那")])
            return NP(f"{this} {noun.en}", zh(this_zh + noun.clf + noun.zh), noun.id, "3sg",
                      PERSON)
        a = self.pick([a for a in self.adjectives_for(noun, True)])
        return NP(f"the {a.en} {noun.en}", zh(a.attr + noun.zh), noun.id, "3sg", PERSON)

    def kin_zh(self, poss_zh: Z, noun: Noun) -> Z:
        """我妈妈 for family (Chinese drops 的 there), 我的朋友 for friends; the other is read."""
        with_de, without = poss_zh.c + noun.zh, poss_zh.c.removesuffix("的") + noun.zh
        return Z(without, with_de) if "family" in noun.tags else Z(with_de, without)

    def thing_subject(self, tags, adjective: bool = True) -> NP:
        """A non-person subject: the cat / my book / this apple / the big dog."""
        noun = self.pick(self._cached(("thing_subject", frozenset(tags)), lambda: [
            n for n in NOUNS if n.tags & tags
            and not n.tags & {"role", "kin", "sport", "game", "instrument"}]))
        ntags = _noun_tags(noun)
        if "lang" in noun.tags:
            return NP(noun.en, zh(noun.zh), noun.id, "3sg", ntags)
        if noun.bare and not noun.bare.startswith("the "):
            return NP(noun.bare, zh(noun.zh), noun.id, "3sg", ntags)
        forms = {"the": 3, "the_adj": 1} if adjective else {"the": 3}
        if noun.clf and not noun.unit:
            forms.update({"this": 1, "my": 1})
        if noun.unit:
            forms = {"the": 1}
        if noun.bare:  # the door
            forms = {"the": 1}
        form = self.weighted(forms)
        agr = "pl" if noun.en in ("shoes", "clothes", "vegetables", "noodles") else "3sg"
        if form == "the_adj":
            adjs = self.adjectives_for(noun, True)
            if not adjs:
                form = "the"
            else:
                a = self.pick(adjs)
                return NP(f"the {a.en} {noun.en}", zh(a.attr + noun.zh), noun.id, agr, ntags)
        if form == "the":
            return NP(f"the {noun.en}", zh(noun.zh), noun.id, agr, ntags)
        if form == "this":
            this, this_zh = self.pick([("this", "这"), ("that", "那")])
            return NP(f"{this} {noun.en}", zh(this_zh + noun.clf + noun.zh), noun.id, agr, ntags)
        poss, poss_zh, _ = self.possessor()
        return NP(f"{poss} {noun.en}", poss_zh + noun.zh, noun.id, agr, ntags)

    def subject(self, tags: frozenset[str], adjective: bool = True) -> NP:
        if "person" in tags and (not tags - PERSON or self.rng.random() < 0.7):
            return self.person_subject()
        return self.thing_subject(tags - PERSON, adjective)

    # -- objects ------------------------------------------------------------------------------
    def person_object(self, subject: NP, tags: frozenset[str]) -> NP:
        forms = {"pronoun": 3, "name": 3, "kin": 2, "the_role": 1}
        if "kin" in tags and "person" not in tags:  # visit: family, friends and names only
            forms = {"name": 1, "kin": 2}
        form = self.weighted(forms)
        if form == "pronoun":
            p = self.pick([p for p in PRONOUNS if p.id != subject.id])
            return NP(p.obj, zh(p.zh), p.id)
        if form == "name":
            n = self.pick([n for n in NAMES if n.id != subject.id])
            return NP(n.en, zh(n.zh), n.id)
        if form == "kin":
            noun = self.pick(self.nouns({"kin"}))
            poss, poss_zh, _ = self.possessor()
            return NP(f"{poss} {noun.en}", self.kin_zh(poss_zh, noun), noun.id)
        noun = self.pick(self.nouns({"role"}))
        return NP(f"the {noun.en}", zh(noun.zh), noun.id)

    def noun_object(self, noun: Noun, verb: Verb | None = None, form: str = "") -> NP:
        """An object noun phrase in one of the forms the noun allows."""
        if not form:
            forms = self.object_forms(noun, verb)
            form = self.weighted(forms)
        if form == "bare":
            return NP(noun.bare_en, zh(noun.zh), noun.id)
        if form == "a":
            if noun.unit:
                return NP(f"a {noun.unit} of {noun.en}", zh("一" + noun.clf + noun.zh), noun.id)
            return NP(_a(noun.en), zh("一" + noun.clf + noun.zh), noun.id)
        if form == "num":
            en, num_zh = self.pick(NUMBERS[:7])
            return NP(f"{en} {noun.plural}", zh(num_zh + noun.clf + noun.zh), noun.id)
        if form == "this":
            this, this_zh = self.pick([("this", "这"), ("that", "那")])
            return NP(f"{this} {noun.en}", zh(this_zh + noun.clf + noun.zh), noun.id)
        if form == "poss":
            poss, poss_zh, _ = self.possessor()
            return NP(f"{poss} {noun.en}", poss_zh + noun.zh, noun.id)
        adjectives = self.adjectives_for(noun, True)
        if not adjectives:
            return self.noun_object(noun, form="a")
        a = self.pick(adjectives)
        if form == "adj_a":
            return NP(_a(f"{a.en} {noun.en}"), zh("一" + noun.clf + a.attr + noun.zh), noun.id)
        return NP(f"{a.en} {noun.plural}", zh(a.attr + noun.zh), noun.id)  # adj_bare

    def object_forms(self, noun: Noun, verb: Verb | None) -> dict[str, float]:
        if noun.countable:
            forms = {"bare": 3, "a": 3, "num": 1, "this": 1, "poss": 1}
            if self.adjectives_for(noun, True):
                forms.update({"adj_a": 1, "adj_bare": 0.7})
        elif noun.unit:
            forms = {"bare": 3, "a": 2}
        else:
            forms = {"bare": 1}
        if verb is not None and "nobare" in verb.flags:
            forms = {k: v for k, v in forms.items() if k not in ("bare", "adj_bare")}
        if verb is not None and verb.base == "have" and len(forms) > 1:
            forms.pop("bare", None)  # "I have dogs" is odd; "I have a dog" is not
        return forms or {"bare": 1}

    def object_for(self, verb: Verb, subject: NP) -> tuple[NP, Noun | None]:
        tags = verb.objects
        person_ok = bool(tags & {"person", "kin", "name"})
        nouns = self._cached(("objects", tags), lambda: [
            n for n in NOUNS if n.tags & tags and not n.tags & {"role", "kin"}])
        if person_ok and (not nouns or self.rng.random() < 0.5):
            return self.person_object(subject, tags), None
        noun = self.pick(nouns)
        return self.noun_object(noun, verb), noun

    # -- verb phrases -------------------------------------------------------------------------
    def vp(self, subject: NP, purpose: str = "") -> VP:
        """A verb phrase that suits the subject: intransitive, transitive + object, or go + place.

        ``purpose`` narrows the choice: "skill" (can), "active" (no stative verbs), "what" /
        "who" (the object will be asked for).
        """
        animal = "person" not in subject.tags
        kinds = {"vi": 3, "vt": 6, "go": 1.2}
        if purpose in ("what", "who"):
            kinds = {"vt": 1}
        kind = self.weighted(kinds)

        def fits(v: Verb) -> bool:
            if animal and "animal" not in v.subjects:
                return False
            if purpose == "skill" and "skill" not in v.flags:
                return False
            if purpose in ("active", "skill") and "stative" in v.flags:
                return False
            if purpose in ("what", "who") and purpose not in v.flags:
                return False
            return True

        if kind == "go":
            if animal or purpose in ("skill", "what", "who"):
                kind = "vi"
            else:
                verb = self.pick([GO, GO, GO, COME])
                places = [p for p in PLACES if not (verb is COME and p.name == "home")]
                place = self.pick(places)
                go_zh = place.go if verb is GO else "来"
                return VP(verb, place.id, f" {place.to}", zh(go_zh + place.zh),
                          zh(go_zh + "了" + place.zh) if place.go == "去" or verb is COME
                          else zh(go_zh + place.zh + "了"))
        if kind == "vi":
            verbs = self._cached(("vi", animal, purpose), lambda: [v for v in INTRANSITIVE
                                                                   if fits(v)])
            if verbs:
                v = self.pick(verbs)
                vp = VP(v, "-", "", v.zh, v.zh + "了")
                return self.with_place(vp, subject)
        verbs = self._cached(("vt", animal, purpose), lambda: [v for v in TRANSITIVE if fits(v)])
        v = self.pick(verbs)
        if purpose in ("what", "who"):
            what = "什么" if purpose == "what" else "谁"
            return VP(v, purpose, "", v.zh + what, v.zh + "了" + what)
        obj, noun = self.object_for(v, subject)
        verb_zh = zh(noun.play) if v.base == "play" else v.zh
        vp = VP(v, obj.id, " " + obj.en, verb_zh + obj.zh, verb_zh + "了" + obj.zh, noun=noun,
                obj=obj)
        return self.with_place(vp, subject)

    def with_place(self, vp: VP, subject: NP) -> VP:
        """Sometimes add where it happens: at school <-> 在学校 (before the verb in Chinese)."""
        if "place" in vp.verb.flags and "person" in subject.tags and self.rng.random() < 0.2:
            place = self.pick(self.activity_places)
            return VP(vp.verb, vp.obj_id, vp.rest + " " + place.at, vp.zh, vp.zh_past,
                      place=zh("在" + place.zh_at), noun=vp.noun, obj=vp.obj)
        return vp


@dataclass(frozen=True)
class VP:
    """A verb phrase, ready for any tense: English verb + ``rest``; Chinese with and without 了."""

    verb: Verb
    obj_id: str  # object (or place) id for the held-out key, "-" for none
    rest: str  # English after the verb: " an apple", " to school", " football at school"
    zh: Z  # 吃一个苹果
    zh_past: Z  # 吃了一个苹果 / 唱歌了 / 回家了
    place: Z = field(default_factory=lambda: zh(""))  # 在学校 (goes before the verb in Chinese)
    noun: Noun | None = None
    obj: NP | None = None

    @property
    def progressive_ok(self) -> bool:
        return not (self.verb.flags & {"stative", "noprog"}) and not self.place.c

    @property
    def past_ok(self) -> bool:
        return "stative" not in self.verb.flags

    def en(self, form: str) -> str:
        return getattr(self.verb, form) + self.rest


# --------------------------------------------------------------------------------------------
# Sentence patterns
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sentence:
    en: str
    zh: Z
    key: tuple[str, str, str]  # (subject, verb, object) ids: the unit of the held-out split
    pattern: str
    question: bool = False
    fixed: bool = False  # a whole phrase, memorised; never held out
    en_alt: str = ""  # an accepted English variant (read only)


def _verb_form(agr: str, vp: VP) -> str:
    return vp.en("s" if agr == "3sg" else "base")


def _key(s: NP, vp: VP) -> tuple[str, str, str]:
    return (s.id, vp.verb.id, vp.obj_id)


# The four core patterns, as plain functions of a subject and a verb phrase. The random
# patterns below call them, and so can anyone who wants one particular sentence.


def present(s: NP, vp: VP) -> Sentence:
    """I love you / 我爱你; he studies at school / 他在学校学习."""
    return Sentence(f"{s.en} {_verb_form(s.agr, vp)}", s.zh + vp.place + vp.zh, _key(s, vp),
                    "present")


def progressive(s: NP, vp: VP, now: bool = False) -> Sentence:
    """Smart John is singing / 聪明的约翰在唱歌 (正在 is read as the same)."""
    if now:
        return Sentence(f"{s.en} {_be(s.agr)} {vp.en('ing')} now", s.zh + "现在在" + vp.zh,
                        _key(s, vp), "progressive")
    return Sentence(f"{s.en} {_be(s.agr)} {vp.en('ing')}", s.zh + zh("在~正在") + vp.zh,
                    _key(s, vp), "progressive")


def negation(s: NP, vp: VP) -> Sentence:
    """He does not like tea / 他不喜欢茶."""
    return Sentence(f"{s.en} {_do(s.agr)} not {vp.en('base')}", s.zh + "不" + vp.place + vp.zh,
                    _key(s, vp), "negation")


def yes_no_question(s: NP, vp: VP) -> Sentence:
    """Do you like tea? / 你喜欢茶吗?"""
    return Sentence(f"{_do(s.agr)} {s.en} {vp.en('base')}?", s.zh + vp.place + vp.zh + "吗?",
                    _key(s, vp), "question", question=True)


def _find(items, name: str, attr: str):
    for item in items:
        if getattr(item, attr) == name:
            return item
    raise KeyError(f"{name!r} is not in the lexicon")


def subject_np(word: str, adjective: str = "") -> NP:
    """A subject from the lexicon: a pronoun ("I", "he"), or a name, optionally with an
    adjective before it ("John", adjective="smart" -> Smart John / 聪明的约翰)."""
    if word in {p.subj for p in PRONOUNS}:
        p = _find(PRONOUNS, word, "subj")
        return NP(p.subj, zh(p.zh), p.id, p.agr, PERSON, p.gender)
    n = _find(NAMES, word, "en")
    if adjective:
        a = _find(ADJECTIVES, adjective, "en")
        return NP(f"{a.en} {n.en}", zh(a.attr + n.zh), n.id, "3sg", PERSON, n.gender)
    return NP(n.en, zh(n.zh), n.id, "3sg", PERSON, n.gender)


def verb_phrase(verb: str, obj: str = "") -> VP:
    """A verb phrase from the lexicon: intransitive ("sing"), or transitive with an object
    pronoun ("you"), name ("Mary") or bare noun ("tea" -> tea / 茶, "apple" -> apples / 苹果)."""
    if not obj:
        v = _find(INTRANSITIVE, verb, "base")
        return VP(v, "-", "", v.zh, v.zh + "了")
    v = _find(TRANSITIVE, verb, "base")
    noun = None
    if obj in {p.obj for p in PRONOUNS}:
        p = _find(PRONOUNS, obj, "obj")
        o = NP(p.obj, zh(p.zh), p.id)
    elif obj in {n.en for n in NAMES}:
        n = _find(NAMES, obj, "en")
        o = NP(n.en, zh(n.zh), n.id)
    else:
        noun = _find(NOUNS, obj, "en")
        o = NP(noun.bare_en, zh(noun.zh), noun.id)
    verb_zh = zh(noun.play) if noun is not None and v.base == "play" else v.zh
    return VP(v, o.id, " " + o.en, verb_zh + o.zh, verb_zh + "了" + o.zh, noun=noun, obj=o)


class Patterns(Grammar):
    """The sentence patterns. Each returns a :class:`Sentence` without final punctuation."""

    WEIGHTS = {
        "present": 8,
        "progressive": 7,
        "negation": 5,
        "past": 6,
        "future": 3,
        "habit": 4,
        "question": 6,
        "modal": 6,
        "wh": 4,
        "adjective": 7,
        "noun_predicate": 3,
        "location": 3,
        "this_is": 2,
        "there_is": 2,
        "name": 1.5,
        "age": 1.5,
        "from": 1.5,
        "day": 1.5,
        "weather": 1.5,
        "imperative": 1.5,
        "phrase": 2,
    }

    def sentence(self) -> Sentence:
        pattern = self.weighted(self.WEIGHTS)
        return getattr(self, "p_" + pattern)()

    # -- verb tenses --------------------------------------------------------------------------
    def _s_vp(self, purpose: str = "") -> tuple[NP, VP]:
        subject = self.subject(frozenset({"person", "animal"}) if self.rng.random() < 0.15
                               else PERSON)
        return subject, self.vp(subject, purpose)

    def _key(self, s: NP, vp: VP) -> tuple[str, str, str]:
        return _key(s, vp)

    def p_present(self) -> Sentence:
        return present(*self._s_vp())

    def p_habit(self) -> Sentence:
        s, vp = self._s_vp("active")
        t = self.time("habit", "freq")
        if t.kind == "freq":  # he often plays football / 他经常踢足球
            en = f"{s.en} {t.en} {_verb_form(s.agr, vp)}"
        else:  # we go to school every day / 我们每天去学校
            en = f"{s.en} {_verb_form(s.agr, vp)} {t.en}"
        return Sentence(en, s.zh + t.zh + vp.place + vp.zh, self._key(s, vp), "habit")

    def p_progressive(self) -> Sentence:
        s, vp = self._s_vp()
        for _ in range(20):
            if vp.progressive_ok:
                break
            s, vp = self._s_vp("active")
        if not vp.progressive_ok:
            return self.p_present()
        return progressive(s, vp, now=self.rng.random() < 0.15)

    def p_past(self) -> Sentence:
        s, vp = self._s_vp("active")
        t = self.time("past")
        # I ate an apple yesterday / 我昨天吃了一个苹果
        return Sentence(f"{s.en} {vp.en('past')} {t.en}", s.zh + t.zh + vp.place + vp.zh_past,
                        self._key(s, vp), "past")

    def p_future(self) -> Sentence:
        s, vp = self._s_vp("active")
        t = self.time("future")
        neg = self.rng.random() < 0.25
        if neg:  # I will not go to school tomorrow / 我明天不去学校
            return Sentence(f"{s.en} will not {vp.en('base')} {t.en}",
                            s.zh + t.zh + "不" + vp.place + vp.zh, self._key(s, vp), "future")
        # I will go to Beijing tomorrow / 我明天去北京 (要 is read as the same)
        return Sentence(f"{s.en} will {vp.en('base')} {t.en}",
                        s.zh + t.zh + zh("~要") + vp.place + vp.zh, self._key(s, vp), "future")

    def p_negation(self) -> Sentence:
        s, vp = self._s_vp()
        tense = self.weighted({"present": 3, "progressive": 1, "past": 1.5})
        if tense == "progressive" and vp.progressive_ok:
            # he is not singing / 他没有在唱歌
            return Sentence(f"{s.en} {_be(s.agr)} not {vp.en('ing')}",
                            s.zh + zh("没有~没") + "在" + vp.zh, self._key(s, vp), "negation")
        if tense == "past" and vp.past_ok:
            t = self.time("past")
            # I did not eat apples yesterday / 我昨天没有吃苹果
            return Sentence(f"{s.en} did not {vp.en('base')} {t.en}",
                            s.zh + t.zh + zh("没有~没") + vp.place + vp.zh, self._key(s, vp),
                            "negation")
        if vp.verb.base == "have" and vp.noun is not None and vp.noun.countable:
            # I do not have a dog / 我没有狗
            obj = self.noun_object(vp.noun, form="a")
            return Sentence(f"{s.en} {_do(s.agr)} not have {obj.en}",
                            s.zh + "没有" + vp.noun.zh, self._key(s, vp), "negation")
        if vp.verb.base == "have":
            return self.p_present()
        return negation(s, vp)

    def p_question(self) -> Sentence:
        s, vp = self._s_vp()
        tense = self.weighted({"present": 4, "progressive": 2, "past": 2})
        if tense == "progressive" and vp.progressive_ok:
            # is she singing? / 她在唱歌吗?
            return Sentence(f"{_be(s.agr)} {s.en} {vp.en('ing')}?", s.zh + "在" + vp.zh + "吗?",
                            self._key(s, vp), "question", question=True)
        if tense == "past" and vp.past_ok:
            t = self.time("past")
            # did you eat an apple yesterday? / 你昨天吃了一个苹果吗?
            return Sentence(f"did {s.en} {vp.en('base')} {t.en}?",
                            s.zh + t.zh + vp.place + vp.zh_past + "吗?", self._key(s, vp),
                            "question", question=True)
        return yes_no_question(s, vp)

    def p_modal(self) -> Sentence:
        modal = self.weighted({"can": 1, "want": 1.3, "like": 1})
        s = self.person_subject()
        vp = self.vp(s, "skill" if modal == "can" else "active")
        form = self.weighted({"plain": 3, "neg": 1.2, "q": 1.2})
        key = self._key(s, vp)
        if modal == "can":  # she can swim / 她会游泳; I cannot swim / 我不会游泳
            en = {"plain": f"{s.en} can {vp.en('base')}",
                  "neg": f"{s.en} cannot {vp.en('base')}",
                  "q": f"can {s.en} {vp.en('base')}?"}[form]
            cn = "会"
        else:
            word = "want" if modal == "want" else "like"
            verb = word + ("s" if s.agr == "3sg" else "")
            en = {"plain": f"{s.en} {verb} to {vp.en('base')}",
                  "neg": f"{s.en} {_do(s.agr)} not {word} to {vp.en('base')}",
                  "q": f"{_do(s.agr)} {s.en} {word} to {vp.en('base')}?"}[form]
            cn = "想" if modal == "want" else "喜欢"
        body = zh(cn) + vp.place + vp.zh
        if form == "neg":
            return Sentence(en, s.zh + "不" + body, key, "modal")
        if form == "q":
            return Sentence(en, s.zh + body + "吗?", key, "modal", question=True)
        return Sentence(en, s.zh + body, key, "modal")

    def p_wh(self) -> Sentence:
        kind = self.weighted({"what": 3, "who": 2, "who_subj": 2, "doing": 1.5, "where": 1.5,
                              "what_ing": 1.5})
        if kind == "where":  # where is John going? / 约翰要去哪里?
            s = self.person_subject()
            return Sentence(f"where {_be(s.agr)} {s.en} going?", s.zh + "要去哪里?",
                            (s.id, GO.id, "where"), "wh", question=True)
        if kind == "doing":  # what is she doing? / 她在做什么?
            s = self.person_subject()
            return Sentence(f"what {_be(s.agr)} {s.en} doing?", s.zh + "在做什么?",
                            (s.id, "v:do", "what"), "wh", question=True)
        if kind == "who_subj":  # who likes tea? / 谁喜欢茶?
            who = NP("who", zh("谁"), "who", "3sg", PERSON)
            vp = self.vp(who)
            if self.rng.random() < 0.4 and vp.progressive_ok:
                return Sentence(f"who is {vp.en('ing')}?", "谁在" + vp.zh + "?",
                                ("who", vp.verb.id, vp.obj_id), "wh", question=True)
            return Sentence(f"who {vp.en('s')}?", "谁" + vp.place + vp.zh + "?",
                            ("who", vp.verb.id, vp.obj_id), "wh", question=True)
        s = self.person_subject()
        if kind == "what_ing":  # what is he eating? / 他在吃什么?
            vp = self.vp(s, "what")
            if "noprog" in vp.verb.flags or "stative" in vp.verb.flags:
                kind = "what"
            else:
                return Sentence(f"what {_be(s.agr)} {s.en} {vp.en('ing')}?", s.zh + "在" + vp.zh
                                + "?", self._key(s, vp), "wh", question=True)
        purpose = "what" if kind == "what" else "who"
        vp = self.vp(s, purpose)
        if self.rng.random() < 0.25 and vp.past_ok:  # what did you buy yesterday?
            t = self.time("past")
            return Sentence(f"{purpose} did {s.en} {vp.en('base')} {t.en}?",
                            s.zh + t.zh + vp.zh_past + "?", self._key(s, vp), "wh",
                            question=True)
        # what do you like? / 你喜欢什么?  who does Mary love? / 玛丽爱谁?
        return Sentence(f"{purpose} {_do(s.agr)} {s.en} {vp.en('base')}?", s.zh + vp.zh + "?",
                        self._key(s, vp), "wh", question=True)

    # -- to be --------------------------------------------------------------------------------
    def p_adjective(self) -> Sentence:
        adj = self.pick(ADJECTIVES)
        s = self.subject(adj.tags, adjective=False)  # not "the red pear is red"
        key = (s.id, "adj", adj.id)
        forms = {"plain": 4, "very": 1, "neg": 1.5, "q": 1.5, "time": 1.5}
        if adj.style == "shi":  # no "very", no time: 苹果是红色的
            forms = {"plain": 4, "neg": 1.5, "q": 1.5}
        if adj.en == "fine":  # "I am very fine" is not English; 你好吗 means "How are you?"
            forms = {"plain": 4, "neg": 1, "time": 1.5}
        form = self.weighted(forms)
        be = _be(s.agr)
        if form == "time" and "person" in s.tags:
            t = self.pick(self.by_kind["now"] + self.by_kind["past"][:1]
                          + self.by_kind["future"][:1])
            verb = {"past": _was(s.agr), "future": "will be"}.get(t.kind, be)
            # I am busy today / 我今天很忙
            return Sentence(f"{s.en} {verb} {adj.en} {t.en}", s.zh + t.zh + "很" + adj.zh, key,
                            "adjective")
        if form == "time":
            form = "plain"
        if adj.style == "shi":  # the apple is red / 苹果是红色的
            en = {"plain": f"{s.en} {be} {adj.en}", "neg": f"{s.en} {be} not {adj.en}",
                  "q": f"{be} {s.en} {adj.en}?"}[form]
            cn = {"plain": s.zh + "是" + adj.zh + "的", "neg": s.zh + "不是" + adj.zh + "的",
                  "q": s.zh + "是" + adj.zh + "的吗?"}[form]
        else:  # she is smart / 她很聪明
            en = {"plain": f"{s.en} {be} {adj.en}", "very": f"{s.en} {be} very {adj.en}",
                  "neg": f"{s.en} {be} not {adj.en}", "q": f"{be} {s.en} {adj.en}?"}[form]
            cn = {"plain": s.zh + "很" + adj.zh, "very": s.zh + "非常" + adj.zh,
                  "neg": s.zh + "不" + adj.zh, "q": s.zh + adj.zh + "吗?"}[form]
        return Sentence(en, cn, key, "adjective", question=form == "q")

    def p_noun_predicate(self) -> Sentence:
        s = self.person_subject(allow_plural_np=False)
        if s.id in ROLE_IDS:  # "the teacher is a doctor" is odd: people and family only
            p = self.pick(PRONOUNS)
            s = NP(p.subj, zh(p.zh), p.id, p.agr, PERSON, p.gender)
        form = self.weighted({"plain": 3, "neg": 1, "q": 1, "who": 0.6})
        be = _be(s.agr)
        if form == "who":  # who is she? / 她是谁?
            return Sentence(f"who {be} {s.en}?", s.zh + "是谁?", (s.id, "be", "who"),
                            "noun_predicate", question=True)
        if self.rng.random() < 0.6:
            noun = self.pick(self.nouns({"role"}))
            # she is a teacher / 她是老师; we are students / 我们是学生
            obj_en = noun.plural if s.agr == "pl" and s.id != "pron:you" else _a(noun.en)
            if s.id == "pron:you":
                obj_en = _a(noun.en)
            obj = NP(obj_en, zh(noun.zh), noun.id)
        else:
            plural = s.agr == "pl" and s.id != "pron:you"
            # "we are his friends", but not "we are his fathers"
            noun = self.pick([n for n in self.nouns({"kin"}) if not plural
                              or "family" not in n.tags])
            poss, poss_zh, _ = self.possessor(exclude=s.id)
            if plural:
                obj = NP(f"{poss} {noun.plural}", self.kin_zh(poss_zh, noun), noun.id)
            else:
                obj = NP(f"{poss} {noun.en}", self.kin_zh(poss_zh, noun), noun.id)
        key = (s.id, "be", obj.id)
        if form == "neg":
            return Sentence(f"{s.en} {be} not {obj.en}", s.zh + "不是" + obj.zh, key,
                            "noun_predicate")
        if form == "q":
            return Sentence(f"{be} {s.en} {obj.en}?", s.zh + "是" + obj.zh + "吗?", key,
                            "noun_predicate", question=True)
        return Sentence(f"{s.en} {be} {obj.en}", s.zh + "是" + obj.zh, key, "noun_predicate")

    def p_location(self) -> Sentence:
        if self.rng.random() < 0.25:  # where is the library? / 图书馆在哪里?
            place = self.pick([p for p in PLACES if p.name != "home"])
            return Sentence(f"where is {place.subj}?", zh(place.zh + "在哪里?"),
                            (place.id, "at", "where"), "location", question=True)
        s = self.subject(frozenset({"person", "animal", "thing"}))
        be = _be(s.agr)
        if self.rng.random() < 0.2:  # where is my pen? / 我的笔在哪里?
            return Sentence(f"where {be} {s.en}?", s.zh + "在哪里?", (s.id, "at", "where"),
                            "location", question=True)
        place = self.pick(PLACES)
        key = (s.id, "at", place.id)
        form = self.weighted({"plain": 3, "neg": 1, "q": 1})
        if form == "neg":  # they are not at home / 他们不在家
            return Sentence(f"{s.en} {be} not {place.at}", s.zh + "不在" + place.zh_at, key,
                            "location")
        if form == "q":
            return Sentence(f"{be} {s.en} {place.at}?", s.zh + "在" + place.zh_at + "吗?", key,
                            "location", question=True)
        # the teacher is in the classroom / 老师在教室里
        return Sentence(f"{s.en} {be} {place.at}", s.zh + "在" + place.zh_at, key, "location")

    def p_this_is(self) -> Sentence:
        this, this_zh = self.pick([("this", "这"), ("that", "那")])
        kind = self.weighted({"thing": 3, "person": 1.5})
        if kind == "person":
            obj = self.person_object(NP("", zh(""), ""), frozenset({"person"}))
            if obj.id.startswith("pron:"):
                obj = self.person_object(NP("", zh(""), obj.id), frozenset({"kin"}))
        else:
            noun = self.pick(self._cached("this_is", lambda: [
                n for n in NOUNS if n.countable and not n.tags & {"role", "kin"}]))
            obj = self.noun_object(noun, form=self.weighted({"a": 3, "poss": 2, "adj_a": 1}))
        key = (f"det:{this}", "be", obj.id)
        form = self.weighted({"plain": 3, "neg": 1, "q": 1})
        if form == "neg":  # this is not my book / 这不是我的书
            return Sentence(f"{this} is not {obj.en}", this_zh + "不是" + obj.zh, key, "this_is")
        if form == "q":  # is this your book? / 这是你的书吗?
            return Sentence(f"is {this} {obj.en}?", this_zh + "是" + obj.zh + "吗?", key,
                            "this_is", question=True)
        # this is my book / 这是我的书
        return Sentence(f"{this} is {obj.en}", this_zh + "是" + obj.zh, key, "this_is")

    def p_there_is(self) -> Sentence:
        place = self.pick([p for p in PLACES if "country" not in p.tags])
        noun = self.pick(self._cached("there_is", lambda: [
            n for n in NOUNS if n.countable and n.tags & {"animal", "thing", "role"}]))
        if self.rng.random() < 0.7:  # there is a cat in the park / 公园里有一只猫
            obj = self.noun_object(noun, form="a")
            en = f"there is {obj.en} {place.at}"
        else:  # there are two cats in the park / 公园里有两只猫
            obj = self.noun_object(noun, form="num")
            en = f"there are {obj.en} {place.at}"
        return Sentence(en, place.zh_in + "有" + obj.zh, (place.id, "there", noun.id), "there_is")

    def p_name(self) -> Sentence:
        p = self.pick([p for p in PRONOUNS if p.agr != "pl" or p.subj == "you"])
        if self.rng.random() < 0.3:  # what is your name? / 你叫什么名字?
            return Sentence(f"what is {p.poss} name?", zh(p.zh + "叫什么名字?"),
                            (p.id, "name", "what"), "name", question=True)
        names = [n for n in NAMES if not p.gender or n.gender == p.gender]
        n = self.pick(names)
        # my name is John / 我叫约翰
        return Sentence(f"{p.poss} name is {n.en}", zh(p.zh + "叫" + n.zh), (p.id, "name", n.id),
                        "name")

    def p_age(self) -> Sentence:
        s = self.person_subject(allow_plural_np=False)
        be = _be(s.agr)
        if self.rng.random() < 0.25:  # how old are you? / 你几岁?
            return Sentence(f"how old {be} {s.en}?", s.zh + "几岁?", (s.id, "age", "what"),
                            "age", question=True)
        en, zh_ = self.pick(NUMBERS)
        # I am ten years old / 我十岁
        return Sentence(f"{s.en} {be} {en} years old", s.zh + zh_ + "岁",
                        (s.id, "age", "num:" + en), "age")

    def p_from(self) -> Sentence:
        s = self.person_subject(allow_plural_np=False)
        if self.rng.random() < 0.25:  # where are you from? / 你来自哪里?
            return Sentence(f"where {_be(s.agr)} {s.en} from?", s.zh + "来自哪里?",
                            (s.id, "from", "where"), "from", question=True)
        c = self.pick(self.countries)
        # I am from China / 我来自中国
        return Sentence(f"{s.en} {_be(s.agr)} from {c.name}", s.zh + "来自" + c.zh,
                        (s.id, "from", c.id), "from")

    def p_day(self) -> Sentence:
        when, when_zh, be = self.pick([("today", "今天", "is"), ("tomorrow", "明天", "is"),
                                       ("yesterday", "昨天", "was")])
        day, day_zh = self.pick(DAYS)
        # today is Monday / 今天是星期一
        return Sentence(f"{when} {be} {day}", when_zh + "是" + day_zh, (when, "day", day), "day")

    def p_weather(self) -> Sentence:
        en, zh_ = self.pick(WEATHER + [("good", "好")])
        when, when_zh, verb = self.pick([("today", "今天", "is"), ("yesterday", "昨天", "was"),
                                         ("tomorrow", "明天", "will be")])
        if en == "good" or self.rng.random() < 0.5:
            # the weather is good today / 今天天气很好
            return Sentence(f"the weather {verb} {en} {when}", zh(when_zh + "天气很" + zh_),
                            ("weather", when, en), "weather")
        # it is hot today / 今天很热
        return Sentence(f"it {verb} {en} {when}", zh(when_zh + "很" + zh_), ("it", when, en),
                        "weather")

    def p_imperative(self) -> Sentence:
        you = NP("you", zh("你"), "pron:you", "pl", PERSON)
        vp = self.vp(you, "active")
        if self.rng.random() < 0.5:  # please open the door / 请打开门
            return Sentence(f"please {vp.en('base')}", "请" + vp.place + vp.zh,
                            self._key(you, vp), "imperative")
        # let's play football / 我们踢足球吧
        return Sentence(f"let's {vp.en('base')}", "我们" + vp.place + vp.zh + "吧",
                        ("pron:we", vp.verb.id, vp.obj_id), "imperative")

    def p_phrase(self) -> Sentence:
        i = self.rng.randrange(len(PHRASES))
        en, zh_, *alt = PHRASES[i]
        return Sentence(en, zh(zh_), ("phrase", str(i), "-"), "phrase",
                        question=en.endswith("?"), fixed=True, en_alt=alt[0] if alt else "")


# --------------------------------------------------------------------------------------------
# Surface: capitals, punctuation, English contractions
# --------------------------------------------------------------------------------------------

_CONTRACTIONS = [
    (r"\bdo not\b", "don't"),
    (r"\bdoes not\b", "doesn't"),
    (r"\bdid not\b", "didn't"),
    (r"\bis not\b", "isn't"),
    (r"\bare not\b", "aren't"),
    (r"\bwas not\b", "wasn't"),
    (r"\bcannot\b", "can't"),
    (r"\bwill not\b", "won't"),
    (r"^I am\b", "I'm"),
    (r"^you are\b", "you're"),
    (r"^he is\b", "he's"),
    (r"^she is\b", "she's"),
    (r"^we are\b", "we're"),
    (r"^they are\b", "they're"),
    (r"^it is\b", "it's"),
    (r"^what is\b", "what's"),
    (r"^where is\b", "where's"),
    (r"^who is\b", "who's"),
    (r"^that is\b", "that's"),
]
_ENGLISH_VARIANTS = [
    (r"\bmother\b", "mom"),
    (r"\bfather\b", "dad"),
    (r"\b(stud(?:y|ies|ying|ied)) (Chinese|English|French|Japanese|math)\b", None),
]
_LEARN = {"study": "learn", "studies": "learns", "studying": "learning", "studied": "learned"}
_REWRITES = [(re.compile(p), r) for p, r in _CONTRACTIONS] + [
    (re.compile(p), r or (lambda m: f"{_LEARN[m.group(1)]} {m.group(2)}"))
    for p, r in _ENGLISH_VARIANTS
]


def english_variant(en: str) -> str:
    """The sentence as people also write it (contractions, mom, learn); "" when there is none."""
    out = en
    for pattern, repl in _REWRITES:
        out = pattern.sub(repl, out)
    return out if out != en else ""


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


# --------------------------------------------------------------------------------------------
# Pairs and the held-out split
# --------------------------------------------------------------------------------------------

DIRECTIONS = ("both", "en2zh", "zh2en")  # a pair teaches both ways, or is read one way only
TEST_FRACTION = 0.10
SPLIT_SEED = 0


@dataclass(frozen=True)
class Pair:
    """One parallel sentence pair.

    ``direction`` "both" pairs teach both ways; "en2zh" pairs carry an English variant the model
    should read (doesn't) and "zh2en" pairs a Chinese variant (我妈妈), never written by it.
    """

    en: str
    zh: str
    direction: str
    pattern: str
    key: tuple[str, str, str]

    def examples(self) -> list[tuple[str, str, str]]:
        """(source, target, target language) for each direction this pair teaches."""
        out = []
        if self.direction in ("both", "en2zh"):
            out.append((self.en, self.zh, "zh"))
        if self.direction in ("both", "zh2en"):
            out.append((self.zh, self.en, "en"))
        return out


def is_held_out(key: tuple[str, str, str], split_seed: int = SPLIT_SEED,
                fraction: float = TEST_FRACTION) -> bool:
    """True when a (subject, verb, object) combination belongs to the test set.

    A hash, not a random draw, so the split is the same however many sentences are sampled.
    Phrases and the article's two sentences are never held out.
    """
    if key[0] == "phrase" or key in SEED_KEYS:
        return False
    digest = hashlib.sha256(f"{split_seed}|{'|'.join(key)}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < fraction


def realise(sentence: Sentence, rng: random.Random, variant_rate: float = 0.3) -> list[Pair]:
    """Final text of a sentence (capital, punctuation) and its one-way variants."""
    if sentence.en.endswith("?"):  # questions carry their "?" already
        end_en = end_zh = ""
    else:  # statements with or without a full stop, as people type them
        end_en, end_zh = rng.choice([("", ""), (".", "。")])
    en = _capitalise(sentence.en) + end_en
    pairs = [Pair(en, sentence.zh.c + end_zh, "both", sentence.pattern, sentence.key)]
    if sentence.zh.a != sentence.zh.c and rng.random() < variant_rate * 2:
        pairs.append(Pair(en, sentence.zh.a + end_zh, "zh2en", sentence.pattern, sentence.key))
    en_alt = rng.random() < variant_rate and (sentence.en_alt or english_variant(sentence.en))
    if en_alt:
        pairs.append(Pair(_capitalise(en_alt) + end_en, sentence.zh.c + end_zh, "en2zh",
                          sentence.pattern, sentence.key))
    return pairs


def generate(seed: int = 0) -> Iterator[Pair]:
    """An endless, seeded stream of pairs (both splits mixed; see :func:`sample_pairs`)."""
    rng = random.Random(seed)
    patterns = Patterns(rng)
    while True:
        yield from realise(patterns.sentence(), rng)


def sample_pairs(n: int, seed: int = 0, split: str = "all", split_seed: int = SPLIT_SEED,
                 exclude: frozenset[str] = frozenset()) -> list[Pair]:
    """``n`` pairs from the seeded stream, keeping only one split.

    Args:
        n: how many pairs to return.
        seed: the stream's seed; the same seed gives the same pairs.
        split: "train" (combinations not held out), "test" (held-out ones) or "all".
        split_seed: which combinations are held out (see :func:`is_held_out`).
        exclude: sentences (either side) that must not appear, e.g. a test file's.
    """
    if split not in ("train", "test", "all"):
        raise ValueError(f"split must be train, test or all, not {split!r}")
    out = []
    for pair in generate(seed):
        if split != "all" and is_held_out(pair.key, split_seed) != (split == "test"):
            continue
        if exclude and pair.pattern != "phrase" and (
            _norm(pair.en) in exclude or _norm(pair.zh) in exclude
        ):
            continue  # phrases are memorised by design, so they are never kept out
        out.append(pair)
        if len(out) == n:
            return out
    raise AssertionError("unreachable")


def _norm(text: str) -> str:
    """Compare sentences as the tokenizer sees them (NFKC, spaces, final punctuation)."""
    import unicodedata

    text = unicodedata.normalize("NFKC", text).strip()
    return re.sub(r"[\s.。!?]+$", "", text)


def exclusion_set(sentences) -> frozenset[str]:
    """Normalised forms of sentences to keep out of training (see :func:`sample_pairs`)."""
    return frozenset(_norm(s) for s in sentences)


def plain(sentence: Sentence) -> tuple[str, str]:
    """(English, Chinese) as written, capitalised, without final punctuation."""
    return _capitalise(sentence.en), sentence.zh.c


def seed_pairs() -> list[Pair]:
    """The article's two sentences, built by the grammar (always part of training)."""
    built = [present(subject_np("I"), verb_phrase("love", "you")),
             progressive(subject_np("John", "smart"), verb_phrase("sing"))]
    return [Pair(*plain(s), "both", s.pattern, s.key) for s in built]
