"""The grammar: noun phrases, verb phrases and the sentence patterns that put words together.

Patterns give correct English agreement (I am / he is / she likes) and natural Chinese word
order (time and place before the verb, 吗 for yes/no questions). The words come from
:mod:`training.corpus.lexicon`, the patterns' weights from ``data/patterns.tsv``; all
randomness comes from one ``random.Random``, so a seed fixes every sentence.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace

from training.corpus.lexicon import (
    ADJECTIVES,
    COME,
    DAY_TIME,
    DAYS,
    GO,
    INTRANSITIVE,
    NAMES,
    NOUNS,
    NUMBERS,
    PHRASES,
    PLACES,
    PRONOUNS,
    SPOTS,
    TIME_WORDS,
    TRANSITIVE,
    WEATHER,
    Adjective,
    Noun,
    Spot,
    TimeWord,
    Verb,
    Z,
    load_table,
    zh,
)

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
        self.work_places = [p for p in PLACES if p.tags & {"activity", "work"}]
        # Set when a form is drawn whose Chinese also has another English (the cup / cups both
        # 杯子): the sentence is then taught English -> Chinese only (see Patterns.sentence).
        self.one_way = False
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

    def spot(self, tags: frozenset[str], exclude: str = "") -> tuple[str, Z, str]:
        """(English, Chinese, id) of a spot next to a thing: on the chair / 椅子上, in my
        schoolbag / 我的书包里, in the tree / 树上. ``tags``: which spots (surface, container,
        perch, board); ``exclude``: a noun id that must not be the landmark (a desk on the desk)."""
        spots: list[Spot] = self._cached(("spots", tags), lambda: [
            s for s in SPOTS if s.tags & tags])
        while True:  # a tree is never in the tree: draw again when only the excluded fits
            spot = self.pick(spots)
            nouns = [n for n in self.nouns(spot.tags & tags) if n.id != exclude]
            if nouns:
                break
        noun = self.pick(nouns)
        if noun.clf and self.rng.random() < 0.2:
            poss, poss_zh, _ = self.possessor()
            return f"{spot.prep} {poss} {noun.en}", poss_zh + noun.zh + spot.zh, "spot:" + noun.en
        return f"{spot.prep} the {noun.en}", zh(noun.zh + spot.zh), "spot:" + noun.en

    # -- subjects -----------------------------------------------------------------------------
    def person_subject(self, allow_plural_np: bool = True) -> NP:
        forms = {"pronoun": 5, "name": 4, "adj_name": 1, "the_role": 1.2, "the_adj_role": 0.4,
                 "kin": 1.5, "this_role": 0.4, "poss_role": 0.4}
        if allow_plural_np:
            forms.update({"the_roles": 0.4, "two_names": 0.4, "two_roles": 0.15})
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
        if form == "poss_role":  # our teacher / 我们的老师 (我们老师 is read as the same)
            poss, poss_zh, _ = self.possessor()
            return NP(f"{poss} {noun.en}", Z(poss_zh.c + noun.zh, poss_zh.c[:-1] + noun.zh),
                      noun.id, "3sg", PERSON)
        if form == "two_roles":  # the boys and girls / 男孩们和女孩们
            other = self.pick([n for n in self.nouns({"role"}) if n is not noun])
            return NP(f"the {noun.plural} and {other.plural}",
                      zh(f"{noun.zh}们和{other.zh}们"), noun.id, "pl", PERSON)
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
            if adjective and self.adjectives_for(noun, True):
                forms.update({"this_adj": 0.4, "my_adj": 0.4})  # this small dog / 这只小狗
            if noun.countable:
                forms["num"] = 0.3  # two cats are on the chair / 两只猫在椅子上
        if noun.unit:
            forms = {"the": 1}
        if noun.bare:  # the door
            forms = {"the": 1}
        form = self.weighted(forms)
        agr = "pl" if noun.en in ("shoes", "clothes", "vegetables", "noodles") else "3sg"
        if form == "num":
            en, num_zh = self.pick(NUMBERS[:7])
            return NP(f"{en} {noun.plural}", zh(num_zh + noun.clf + noun.zh), noun.id, "pl",
                      ntags)
        if form in ("this_adj", "my_adj"):
            a = self.pick(self.adjectives_for(noun, True))
            if form == "this_adj":
                this, this_zh = self.pick([("this", "这"), ("that", "那")])
                return NP(f"{this} {a.en} {noun.en}", zh(this_zh + noun.clf + a.attr + noun.zh),
                          noun.id, agr, ntags)
            poss, poss_zh, _ = self.possessor()
            return NP(f"{poss} {a.en} {noun.en}", poss_zh + a.attr + noun.zh, noun.id, agr, ntags)
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
        if form == "the":  # feed the cat / 喂猫; 猫 alone reads "cats", so one way only
            self.one_way = True
            return NP(f"the {noun.en}", zh(noun.zh), noun.id)
        if form == "poss_pl":  # open your books / 打开你的书 (which reads "your book")
            self.one_way = True
            poss, poss_zh, _ = self.possessor()
            return NP(f"{poss} {noun.plural}", poss_zh + noun.zh, noun.id)
        adjectives = self.adjectives_for(noun, True)
        if not adjectives:
            return self.noun_object(noun, form="a")
        a = self.pick(adjectives)
        if form == "adj_a":
            return NP(_a(f"{a.en} {noun.en}"), zh("一" + noun.clf + a.attr + noun.zh), noun.id)
        if form == "num_adj":  # three small ducks / 三只小鸭子
            en, num_zh = self.pick(NUMBERS[:7])
            return NP(f"{en} {a.en} {noun.plural}", zh(num_zh + noun.clf + a.attr + noun.zh),
                      noun.id)
        if form == "the_adj":  # feed the small fish / 喂小鱼 (one way, as "the")
            self.one_way = True
            return NP(f"the {a.en} {noun.en}", zh(a.attr + noun.zh), noun.id)
        return NP(f"{a.en} {noun.plural}", zh(a.attr + noun.zh), noun.id)  # adj_bare

    def object_forms(self, noun: Noun, verb: Verb | None) -> dict[str, float]:
        if noun.countable:
            forms = {"bare": 3, "a": 3, "num": 1, "this": 1, "poss": 1, "the": 1, "poss_pl": 0.3}
            if self.adjectives_for(noun, True):
                forms.update({"adj_a": 1, "adj_bare": 0.7, "num_adj": 0.4, "the_adj": 0.4})
        elif noun.unit:
            forms = {"bare": 3, "a": 2}
        else:
            forms = {"bare": 1}
        if verb is not None and "nobare" in verb.flags:  # 唱歌 is "sing", so no "the song"
            forms = {k: v for k, v in forms.items()
                     if k not in ("bare", "adj_bare", "the", "the_adj")}
        if verb is not None and verb.base == "have" and len(forms) > 1:
            forms.pop("bare", None)  # "I have dogs" is odd; "I have a dog" is not
            for form in ("the", "the_adj", "poss_pl"):  # nor is "I have the dog"
                forms.pop(form, None)
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
            if purpose in ("active", "skill", "permit") and "stative" in v.flags:
                return False
            if purpose == "permit" and "skill" in v.flags:  # can I go? 可以; can you swim? 会
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
        """Sometimes add where it happens: at school <-> 在学校, on the bed <-> 在床上 (before the
        verb in Chinese); people work at work places too (在医院工作)."""
        if "place" in vp.verb.flags and "person" in subject.tags and self.rng.random() < 0.2:
            place = self.pick(self.work_places if vp.verb.base == "work"
                              else self.activity_places)
            return VP(vp.verb, vp.obj_id, vp.rest + " " + place.at, vp.zh, vp.zh_past,
                      place=zh("在" + place.zh_at), noun=vp.noun, obj=vp.obj)
        if "spot" in vp.verb.flags and self.rng.random() < 0.12:
            en, spot_zh, _ = self.spot(frozenset({"surface", "perch", "board"}))
            return VP(vp.verb, vp.obj_id, vp.rest + " " + en, vp.zh, vp.zh_past,
                      place="在" + spot_zh, noun=vp.noun, obj=vp.obj)
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
    def progressive_place_ok(self) -> bool:
        """A progressive with a place (they are playing football in the park) is fine too."""
        return not (self.verb.flags & {"stative", "noprog"})

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
    # English -> Chinese only: the Chinese also translates another English sentence (他们在公园
    # 踢足球 is "they play football in the park"); zh_read, when given, is an unambiguous
    # Chinese (他们正在公园踢足球) taught Chinese -> English instead.
    one_way: bool = False
    zh_read: Z | None = None


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
    """Smart John is singing / 聪明的约翰在唱歌 (正在 is read as the same).

    With a place, Chinese says it as the present does (they are playing football in the park /
    他们在公园踢足球), so that pair goes one way; 他们正在公园踢足球 is read as the progressive.
    """
    if vp.place.c:
        return Sentence(f"{s.en} {_be(s.agr)} {vp.en('ing')}", s.zh + vp.place + vp.zh,
                        _key(s, vp), "progressive", one_way=True,
                        zh_read=s.zh + "正" + vp.place + vp.zh)  # 正 + 在公园
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

    # How often each pattern is drawn (relative weights), from data/patterns.tsv.
    WEIGHTS = {r["pattern"]: float(r["weight"]) for r in load_table("patterns")}

    def sentence(self) -> Sentence:
        pattern = self.weighted(self.WEIGHTS)
        self.one_way = False
        sentence = getattr(self, "p_" + pattern)()
        if self.one_way:  # a one-way form was drawn: nothing of it may be taught back
            sentence = replace(sentence, one_way=True, zh_read=None)
        return sentence

    def front(self) -> bool:
        """Whether a time word goes first: last week they bought apples / 上个星期他们买了苹果
        (and after the subject when it does not: they bought apples last week / 他们上个星期…)."""
        return self.rng.random() < 0.35

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
        elif self.front():  # every morning I drink milk / 每天早上我喝牛奶
            return Sentence(f"{t.en} {s.en} {_verb_form(s.agr, vp)}",
                            t.zh + s.zh + vp.place + vp.zh, self._key(s, vp), "habit")
        else:  # we go to school every day / 我们每天去学校
            en = f"{s.en} {_verb_form(s.agr, vp)} {t.en}"
        return Sentence(en, s.zh + t.zh + vp.place + vp.zh, self._key(s, vp), "habit")

    def p_progressive(self) -> Sentence:
        s, vp = self._s_vp()
        for _ in range(20):
            if vp.progressive_place_ok:
                break
            s, vp = self._s_vp("active")
        if not vp.progressive_place_ok:
            return self.p_present()
        return progressive(s, vp, now=not vp.place.c and self.rng.random() < 0.15)

    def p_past(self) -> Sentence:
        s, vp = self._s_vp("active")
        if self.rng.random() < 0.2:  # I bought a new pen / 我买了一支新笔 (no time word)
            return Sentence(f"{s.en} {vp.en('past')}", s.zh + vp.place + vp.zh_past,
                            self._key(s, vp), "past_plain")
        t = self.time("past")
        if self.front():  # yesterday we went to the zoo / 昨天我们去了动物园
            return Sentence(f"{t.en} {s.en} {vp.en('past')}",
                            t.zh + s.zh + vp.place + vp.zh_past, self._key(s, vp), "past")
        # I ate an apple yesterday / 我昨天吃了一个苹果
        return Sentence(f"{s.en} {vp.en('past')} {t.en}", s.zh + t.zh + vp.place + vp.zh_past,
                        self._key(s, vp), "past")

    def p_future(self) -> Sentence:
        s, vp = self._s_vp("active")
        t = self.time("future")
        neg = self.rng.random() < 0.25
        body = (zh("不") if neg else zh("~要")) + vp.place + vp.zh
        will = "will not" if neg else "will"
        if self.front():  # tomorrow we will go to the park / 明天我们去公园
            return Sentence(f"{t.en} {s.en} {will} {vp.en('base')}", t.zh + s.zh + body,
                            self._key(s, vp), "future")
        # I will go to Beijing tomorrow / 我明天去北京 (要 is read as the same)
        # I will not go to school tomorrow / 我明天不去学校
        return Sentence(f"{s.en} {will} {vp.en('base')} {t.en}", s.zh + t.zh + body,
                        self._key(s, vp), "future")

    def p_negation(self) -> Sentence:
        s, vp = self._s_vp()
        tense = self.weighted({"present": 3, "progressive": 1, "past": 1.5})
        if tense == "progressive" and vp.progressive_ok:
            # he is not singing / 他没有在唱歌
            return Sentence(f"{s.en} {_be(s.agr)} not {vp.en('ing')}",
                            s.zh + zh("没有~没") + "在" + vp.zh, self._key(s, vp), "negation")
        if tense == "past" and vp.past_ok:
            t = self.time("past")
            if self.front():  # this morning I did not eat / 今天早上我没有吃
                return Sentence(f"{t.en} {s.en} did not {vp.en('base')}",
                                t.zh + s.zh + zh("没有~没") + vp.place + vp.zh, self._key(s, vp),
                                "negation")
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
        noun = vp.noun
        if vp.verb.base == "have" and noun is not None and noun.countable and vp.obj is not None \
                and vp.obj.zh.c == "一" + noun.clf + noun.zh and not vp.place.c:
            # do you have a pencil? / 你有铅笔吗? (你有一支铅笔吗? is read as the same)
            return Sentence(f"{_do(s.agr)} {s.en} have {vp.obj.en}?",
                            s.zh + "有" + Z(noun.zh, vp.obj.zh.c) + "吗?", self._key(s, vp),
                            "question", question=True)
        return yes_no_question(s, vp)

    def p_modal(self) -> Sentence:
        modal = self.weighted({"can": 1, "want": 1.3, "like": 1, "may": 0.6})
        s = self.person_subject()
        vp = self.vp(s, {"can": "skill", "may": "permit"}.get(modal, "active"))
        form = self.weighted({"plain": 3, "neg": 1.2, "q": 1.2} if modal != "may"
                             else {"plain": 1, "neg": 0.6, "q": 2})
        key = self._key(s, vp)
        if modal in ("can", "may"):
            # she can swim / 她会游泳 (a skill); can I borrow your pen? / 我可以借你的笔吗?
            en = {"plain": f"{s.en} can {vp.en('base')}",
                  "neg": f"{s.en} cannot {vp.en('base')}",
                  "q": f"can {s.en} {vp.en('base')}?"}[form]
            cn = "会" if modal == "can" else "可以"
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
            if self.rng.random() < 0.3:  # what is she doing in the garden? / 她在花园里做什么?
                place = self.pick(self.activity_places)
                return Sentence(f"what {_be(s.agr)} {s.en} doing {place.at}?",
                                s.zh + "在" + place.zh_at + "做什么?", (s.id, "v:do", place.id),
                                "wh", question=True)
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
        s = self.subject(adj.tags, adjective=self.rng.random() < 0.4)  # the small dog is cute
        if adj.en in s.en.split():  # not "the red pear is red"
            s = self.subject(adj.tags, adjective=False)
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
            # 她是一个老师 is read as the same (only for one person: 他们是一个老师 is wrong)
            one = "一" + noun.clf + noun.zh if obj_en.startswith(("a ", "an ")) else noun.zh
            obj = NP(obj_en, Z(noun.zh, one), noun.id)
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
        form = self.weighted({"plain": 3, "neg": 1, "q": 1})
        if self.rng.random() < 0.45:  # the cat is on the chair / 猫在椅子上
            en, spot_zh, spot_id = self.spot(frozenset({"surface", "container", "perch"}),
                                             exclude=s.id)
            key = (s.id, "at", spot_id)
            if form == "neg":
                return Sentence(f"{s.en} {be} not {en}", s.zh + "不在" + spot_zh, key,
                                "location")
            if form == "q":
                return Sentence(f"{be} {s.en} {en}?", s.zh + "在" + spot_zh + "吗?", key,
                                "location", question=True)
            return Sentence(f"{s.en} {be} {en}", s.zh + "在" + spot_zh, key, "location")
        place = self.pick(PLACES)
        key = (s.id, "at", place.id)
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
        noun = self.pick(self._cached("there_is", lambda: [
            n for n in NOUNS if n.countable and n.tags & {"animal", "thing", "role", "food"}]))
        if self.rng.random() < 0.45:  # there is a pen on the desk / 桌子上有一支笔
            at, where_zh, where_id = self.spot(frozenset({"surface", "container", "perch"}),
                                               exclude=noun.id)
        else:  # there is a cat in the park / 公园里有一只猫
            place = self.pick([p for p in PLACES if "country" not in p.tags])
            at, where_zh, where_id = place.at, zh(place.zh_in), place.id
        form = self.weighted({"a": 5, "num": 2.5, "adj_a": 1, "num_adj": 0.5})
        if not self.adjectives_for(noun, True):
            form = form.removeprefix("adj_").removesuffix("_adj")
        obj = self.noun_object(noun, form=form)
        # there are two cats in the park / 公园里有两只猫
        be = "are" if form.startswith("num") else "is"
        return Sentence(f"there {be} {obj.en} {at}", where_zh + "有" + obj.zh,
                        (where_id, "there", noun.id), "there_is")

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
        form = self.weighted({"please": 3.5, "let": 3, "bare": 1.5, "dont": 1, "please_dont": 1})
        key = self._key(you, vp)
        if form == "please":  # please open the door / 请打开门 ("open the door, please" is read)
            return Sentence(f"please {vp.en('base')}", "请" + vp.place + vp.zh, key,
                            "imperative", en_alt=f"{vp.en('base')}, please")
        if form == "bare":  # open the window / 打开窗户
            return Sentence(vp.en("base"), vp.place + vp.zh, key, "imperative")
        if form in ("dont", "please_dont"):  # (please) do not run in the classroom / (请)不要…
            please, please_zh = ("please ", "请") if form == "please_dont" else ("", "")
            return Sentence(f"{please}do not {vp.en('base')}",
                            please_zh + "不要" + vp.place + vp.zh, key, "imperative")
        # let's play football / 我们踢足球吧
        return Sentence(f"let's {vp.en('base')}", "我们" + vp.place + vp.zh + "吧",
                        ("pron:we", vp.verb.id, vp.obj_id), "imperative")

    def p_phrase(self) -> Sentence:
        i = self.rng.randrange(len(PHRASES))
        en, zh_, en_alt = PHRASES[i]
        return Sentence(en, zh(zh_), ("phrase", str(i), "-"), "phrase",
                        question=en.endswith("?"), fixed=True, en_alt=en_alt)
