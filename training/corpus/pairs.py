"""Sentence pairs: final surface text, one-way variants, the held-out split and sampling.

Every sentence has exactly one canonical translation each way, so exact match is a fair score.
Where people also write a sentence another way (``doesn't`` for ``does not``, 我妈妈 for
我的妈妈, 正在 for 在), the variant is added for one direction only: the model learns to *read*
it, but always *writes* the canonical form.

The held-out split is by combination: every sentence carries a key (subject, verb, object), and a
fixed 10 % of all keys go to the test set, so the test measures whether the model composes words
it has seen into combinations it has never seen.
"""

from __future__ import annotations

import hashlib
import random
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from training.corpus.grammar import (
    Patterns,
    Sentence,
    present,
    progressive,
    subject_np,
    verb_phrase,
)
from training.corpus.lexicon import load_table

# --------------------------------------------------------------------------------------------
# Surface: capitals, punctuation, English variants (data/english_variants.tsv)
# --------------------------------------------------------------------------------------------

_REWRITES = [(re.compile(r["pattern"]), r["replacement"])
             for r in load_table("english_variants")]


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

# The two sentences of the article are app defaults; their combinations always stay in training.
SEED_PAIRS = (("I love you", "我爱你"), ("Smart John is singing", "聪明的约翰在唱歌"))
SEED_KEYS = frozenset({("pron:I", "v:love", "pron:you"), ("name:John", "v:sing", "-")})


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
    if sentence.one_way:  # its Chinese also means another English: read it the other way
        pairs = [Pair(en, sentence.zh.c + end_zh, "en2zh", sentence.pattern, sentence.key)]
        read = sentence.zh_read
        if read is not None:
            pairs.append(Pair(en, read.c + end_zh, "zh2en", sentence.pattern, sentence.key))
            if read.a != read.c and rng.random() < variant_rate * 2:
                pairs.append(Pair(en, read.a + end_zh, "zh2en", sentence.pattern, sentence.key))
    else:
        pairs = [Pair(en, sentence.zh.c + end_zh, "both", sentence.pattern, sentence.key)]
        if sentence.zh.a != sentence.zh.c and rng.random() < variant_rate * 2:
            pairs.append(Pair(en, sentence.zh.a + end_zh, "zh2en", sentence.pattern,
                              sentence.key))
    if sentence.question and rng.random() < variant_rate:
        # Questions typed without their question mark (does she like milk) are read too.
        pairs.append(Pair(en.removesuffix("?"), sentence.zh.c, "en2zh", sentence.pattern,
                          sentence.key))
        if not sentence.one_way:
            pairs.append(Pair(en, sentence.zh.c.removesuffix("?"), "zh2en", sentence.pattern,
                              sentence.key))
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

    Returns:
        ``n`` pairs, in stream order.
    """
    if split not in ("train", "test", "all"):
        raise ValueError(f"split must be train, test or all, not {split!r}")
    out = []
    for pair in generate(seed):
        if split != "all" and is_held_out(pair.key, split_seed) != (split == "test"):
            continue
        if exclude and pair.pattern != "phrase" and (
            normalise(pair.en) in exclude or normalise(pair.zh) in exclude
        ):
            continue  # phrases are memorised by design, so they are never kept out
        out.append(pair)
        if len(out) == n:
            return out
    raise AssertionError("unreachable")


def normalise(text: str) -> str:
    """Compare sentences as the tokenizer sees them (NFKC, spaces, final punctuation)."""
    text = unicodedata.normalize("NFKC", text).strip()
    return re.sub(r"[\s.。!?]+$", "", text)


def exclusion_set(sentences) -> frozenset[str]:
    """Normalised forms of sentences to keep out of training (see :func:`sample_pairs`)."""
    return frozenset(normalise(s) for s in sentences)


def plain(sentence: Sentence) -> tuple[str, str]:
    """(English, Chinese) as written, capitalised, without final punctuation."""
    return _capitalise(sentence.en), sentence.zh.c


def seed_pairs() -> list[Pair]:
    """The article's two sentences, built by the grammar (always part of training)."""
    built = [present(subject_np("I"), verb_phrase("love", "you")),
             progressive(subject_np("John", "smart"), verb_phrase("sing"))]
    return [Pair(*plain(s), "both", s.pattern, s.key) for s in built]
