"""The tiny corpus: every sentence of a small grammar, split by (subject, verb, object).

``python -m training.train --preset tiny`` and the training film (:mod:`training.film`) learn
from it. Its words (``training/data/tiny_lexicon.tsv``) are a slice of the full lexicon, put
together by the full grammar's own ``present`` and ``progressive`` patterns, so "I love you /
我爱你" and "Smart John is singing / 聪明的约翰在唱歌" are in it, and a small model learns it
in a minute or two on two CPU cores.

The sentences are enumerated, not sampled, and the same hash as the full corpus
(:func:`training.corpus.is_held_out`) keeps about 10 % of the (subject, verb, object)
combinations out of training: the held-out score measures composition (he + helps + Mary in
a new combination), not memory.

    >>> train, heldout = split()
    >>> ("I love you", "我爱你") in {(p.en, p.zh) for p in train}
    True
"""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

from training.corpus import Pair, is_held_out, plain, present, progressive
from training.corpus.grammar import subject_np, verb_phrase

LEXICON = Path(__file__).resolve().parent / "data" / "tiny_lexicon.tsv"
# Each training pair appears this many times per pass, so an epoch is a useful size for the
# batcher (a few hundred steps) and the two directions mix in every batch.
REPEAT = 4


def _rows(path: Path = LEXICON) -> list[dict[str, str]]:
    lines = [line for line in path.read_text(encoding="utf-8").splitlines()
             if line and not line.startswith("#")]
    return [{k: (v or "") for k, v in row.items()} for row in csv.DictReader(lines,
                                                                              delimiter="\t")]


@lru_cache(maxsize=1)
def sentences() -> tuple[Pair, ...]:
    """Every (English, Chinese) sentence of the tiny grammar, as "both"-way pairs."""
    rows = _rows()
    subjects = [r["en"] for r in rows if r["role"] == "subject"]
    adjectives = [r["en"] for r in rows if r["role"] == "adjective"]
    pronouns = {"I": "me", "you": "you", "he": "him", "she": "her", "we": "us", "they": "them"}
    nps = []
    for word in subjects:
        nps.append(subject_np(word))
        if word not in pronouns:  # Smart John, Happy Mary: adjectives go before names
            nps += [subject_np(word, adjective) for adjective in adjectives]
    vps = []  # (verb phrase, progressive allowed)
    for r in rows:
        prog = r["progressive"] == "yes"
        if r["role"] == "intransitive":
            vps.append((verb_phrase(r["en"]), prog))
        elif r["role"] == "transitive":
            objects = ([pronouns.get(s, s) for s in subjects] if r["objects"] == "person"
                       else r["objects"].split(","))
            vps += [(verb_phrase(r["en"], o), prog) for o in objects]
    out = []
    for np_ in nps:
        for vp, prog in vps:
            if vp.obj_id == np_.id:
                continue  # "I love me"
            built = [present(np_, vp)] + ([progressive(np_, vp)] if prog else [])
            out += [Pair(*plain(s), "both", s.pattern, s.key) for s in built]
    return tuple(out)


def split() -> tuple[list[Pair], list[Pair]]:
    """(training pairs, held-out pairs): held-out combinations never appear in training."""
    train = [p for p in sentences() if not is_held_out(p.key)]
    heldout = [p for p in sentences() if is_held_out(p.key)]
    return train, heldout


def training_pairs() -> list[Pair]:
    """The training pairs, :data:`REPEAT` times (the batcher shuffles them)."""
    return split()[0] * REPEAT


def heldout_examples(n: int = 150) -> dict[str, list[tuple[str, str]]]:
    """Up to ``n`` held-out (source, reference) pairs per direction, spread over the set."""
    heldout = split()[1]
    step = max(1, len(heldout) // n)
    chosen = heldout[::step][:n]
    return {"en2zh": [(p.en, p.zh) for p in chosen], "zh2en": [(p.zh, p.en) for p in chosen]}
