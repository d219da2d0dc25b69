"""The natural classroom set: 100 sentences as teachers type them, not made by the generator."""

from __future__ import annotations

import re

import pytest

from training.corpus import normalise, sample_pairs
from training.evaluate import load_natural, natural_match, natural_sentences
from training.recipe import training_exclusion

CJK = re.compile(r"[\u4e00-\u9fff]")
# The streams that matter: training draws from seed 0 (the recipe's 300,000 training pairs come
# from about the first 335,000 of the stream), the held-out evaluation from seed 2024.
STREAMS = ((0, 350_000), (2024, 100_000))


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    return load_natural()


def test_fifty_sentences_each_way_with_references_in_the_target_language(rows):
    assert len(rows) == 100
    assert sum(r["direction"] == "en2zh" for r in rows) == 50
    assert sum(r["direction"] == "zh2en" for r in rows) == 50
    assert len({normalise(r["source"]) for r in rows}) == 100
    for r in rows:
        to_zh = r["direction"] == "en2zh"
        assert bool(CJK.search(r["source"])) != to_zh, r
        for accepted in r["accepted"]:
            assert bool(CJK.search(accepted)) == to_zh, r
        assert r["accepted"][0] == r["reference"]
        assert len(set(r["accepted"])) == len(r["accepted"]), r  # no alternative twice


def test_the_generator_does_not_produce_them(rows):
    """Neither a source nor its reference, normalised, is in the streams training and
    evaluation draw from (so the set measures what the model makes of sentences it never saw,
    not what it memorised)."""
    mine = {normalise(s) for r in rows for s in (r["source"], r["reference"])}
    for seed, n in STREAMS:
        drawn = {normalise(side) for p in sample_pairs(n, seed=seed) for side in (p.en, p.zh)}
        assert not mine & drawn, (seed, sorted(mine & drawn))


def test_training_keeps_every_accepted_form_out(rows):
    exclude = training_exclusion()
    every = {normalise(s) for s in natural_sentences()}
    assert len(every) > 200  # sources, references and alternatives
    assert every <= exclude
    kept = sample_pairs(20_000, seed=0, split="train", exclude=exclude)
    assert not {normalise(side) for p in kept for side in (p.en, p.zh)} & every


def test_a_match_counts_alternatives_and_ignores_final_punctuation_only():
    accepted = ["我妈妈在做饭。", "我的妈妈在做饭。"]
    assert natural_match("我妈妈在做饭。", accepted)
    assert natural_match("我的妈妈在做饭", accepted)  # an alternative, without its 。
    assert natural_match("我的妈妈在做饭 .", accepted)
    assert not natural_match("我妈妈在做饭吗?", accepted)
    assert not natural_match("妈妈在做饭。", accepted)
    assert natural_match("Does she like milk", ["Does she like milk?"])
    assert not natural_match("Does she likes milk?", ["Does she like milk?"])
