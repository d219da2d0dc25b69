"""The bilingual lexicon: word classes, and the tables in ``data/*.tsv`` that fill them.

The words themselves are data, one TSV file per table (see each file's header comment for its
columns); this module only says what a row means. Tables are read once, when the module is
imported, so every draw of the grammar sees the same lists in the same order.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


def load_table(name: str, folder: Path = DATA) -> list[dict[str, str]]:
    """Rows of ``folder/name.tsv`` as dicts keyed by its header, in file order.

    Lines starting with ``#`` and blank lines are skipped; the first other line is the header.
    Cells are split on tabs and kept exactly (no stripping). A row may leave out empty cells at
    its end; a row with more cells than the header is an error.

    Raises:
        ValueError: a row has more cells than the header, naming the file and line.
    """
    path = folder / f"{name}.tsv"
    header: list[str] = []
    rows = []
    with open(path, encoding="utf-8", newline="") as f:
        for number, line in enumerate(f, start=1):
            line = line.rstrip("\r\n")
            if not line.strip() or line.startswith("#"):
                continue
            cells = line.split("\t")
            if not header:
                header = cells
                continue
            if len(cells) > len(header):
                raise ValueError(f"{path}:{number}: {len(cells)} cells, header has {len(header)}")
            rows.append(dict(zip(header, cells + [""] * (len(header) - len(cells)))))
    return rows


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


def _tags(cell: str) -> frozenset[str]:
    return frozenset(t for t in cell.split(",") if t)


# --------------------------------------------------------------------------------------------
# Word classes
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
    zh_at: Z  # 在*公园* / 在*教室里* (在公园里 is read as 在公园)
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
class Spot:
    """A preposition of place with the nouns it suits: on the chair / 椅子上 (data/spots.tsv)."""

    prep: str  # on, under, in, next to
    zh: str  # what follows the noun in Chinese: 上, 下面, 里, 旁边
    tags: frozenset[str]  # noun tags it goes with (surface, container, perch, board)


@dataclass(frozen=True)
class TimeWord:
    en: str
    zh: Z
    kind: str  # past | future | habit (every day) | freq (often: before the verb) | now


# --------------------------------------------------------------------------------------------
# The tables (data/*.tsv)
# --------------------------------------------------------------------------------------------


def _verb(row: dict[str, str]) -> Verb:
    return Verb(row["base"], row["s"], row["ing"], row["past"], zh(row["zh"]),
                _tags(row["objects"]), _tags(row["subjects"]), _tags(row["flags"]))


def _pairs(name: str) -> list[tuple[str, str]]:
    return [(row["en"], row["zh"]) for row in load_table(name)]


PRONOUNS = [Pronoun(r["subj"], r["obj"], r["poss"], r["zh"], r["agr"], r["gender"])
            for r in load_table("pronouns")]
NAMES = [Name(r["en"], r["zh"], r["gender"]) for r in load_table("names")]
NOUNS = [Noun(r["en"], r["plural"], r["zh"], r["measure"], _tags(r["tags"]), r["unit"],
              r["bare"], r["play"]) for r in load_table("nouns")]
ADJECTIVES = [Adjective(r["en"], r["zh"], r["attr"], r["style"], _tags(r["describes"]))
              for r in load_table("adjectives")]

_VERBS = load_table("verbs")
INTRANSITIVE = [_verb(r) for r in _VERBS if r["kind"] == "intransitive"]
TRANSITIVE = [_verb(r) for r in _VERBS if r["kind"] == "transitive"]
# Going somewhere is a verb + place (去学校, 回家); the grammar treats these two by name.
_MOTION = {r["base"]: _verb(r) for r in _VERBS if r["kind"] == "motion"}
GO, COME = _MOTION["go"], _MOTION["come"]

PLACES = [Place(r["name"], r["to"], r["at"], r["zh"], zh(r["zh_at"]), r["zh_in"], r["go"],
                _tags(r["tags"])) for r in load_table("places")]
SPOTS = [Spot(r["prep"], r["zh"], _tags(r["nouns"])) for r in load_table("spots")]
TIME_WORDS = [TimeWord(r["en"], zh(r["zh"]), r["kind"]) for r in load_table("time_words")]
DAYS = [(en, zh(zh_)) for en, zh_ in _pairs("days")]
# Weekdays as time words: kind -> (English form, what goes before the Chinese day).
DAY_TIME = {r["kind"]: (r["en"], r["zh"]) for r in load_table("day_times")}
NUMBERS = _pairs("numbers")
WEATHER = _pairs("weather")
# Sentences people say as a whole: (English, Chinese, accepted English variant or "").
PHRASES = [(r["en"], r["zh"], r["en_alt"]) for r in load_table("phrases")]


def tables() -> dict[str, list]:
    """Every lexicon table by part of speech (for counting and showing the words)."""
    return {
        "pronoun": PRONOUNS,
        "name": NAMES,
        "noun": NOUNS,
        "adjective": ADJECTIVES,
        "intransitive verb": INTRANSITIVE,
        "transitive verb": TRANSITIVE + [GO, COME],
        "place": PLACES,
        "spot": SPOTS,
        "time word": TIME_WORDS,
        "day": DAYS,
        "number": NUMBERS,
        "weather": WEATHER,
        "phrase": PHRASES,
    }
