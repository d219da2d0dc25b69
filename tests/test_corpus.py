"""The sentence generator: lexicon size, grammar, determinism, and a leak-free held-out split."""

from __future__ import annotations

import csv
import hashlib
from collections import defaultdict

import pytest

from models.tokenizer import tokenize
from training import corpus
from training.corpus import (
    SEED_PAIRS,
    Pair,
    english_variant,
    exclusion_set,
    is_held_out,
    lexicon,
    sample_pairs,
)
from training.evaluate import CLASSROOM_FILE as CLASSROOM

# sha256 of the pairs the generator writes. The shipped checkpoint's vocabulary and its held-out
# scores rest on this exact stream, so any change to a table, its order or the grammar's draws
# shows up here. Updated on purpose for issue 15 (the corpus grew where teachers' sentences go:
# places next to things, a time word first, questions without "?", little/small animals, one-way
# pairs such as "the cup" / 杯子, ...); the checkpoint was retrained on the new stream.
FINGERPRINTS = {
    "first 2000 pairs, seed 0": (
        dict(n=2000, seed=0), "cf152b356315b3deaee7245d2d6ce604fffc2493ac353aca593fa6cf337a1e91"),
    "500 held-out pairs, seed 2024 (the evaluation's)": (
        dict(n=500, seed=2024, split="test"),
        "9023ed125471572411af3dd5bde4dd7d1a5f57fab78b8da5c32ecb4103c74459"),
    "2000 training pairs, seed 0, classroom sentences kept out": (
        dict(n=2000, seed=0, split="train", exclude="classroom"),
        "dd5af605e22f115edd22919448a1da85a3808132e96f37bad189054d5e6d5a71"),
}


@pytest.fixture(scope="module")
def stream() -> list[Pair]:
    return sample_pairs(15_000, seed=7)


@pytest.fixture(scope="module")
def train_and_test() -> tuple[list[Pair], list[Pair]]:
    return sample_pairs(15_000, seed=3, split="train"), sample_pairs(1_500, seed=4, split="test")


def test_lexicon_has_300_tagged_entries_of_every_part_of_speech():
    lex = lexicon.tables()
    words = sum(len(v) for k, v in lex.items() if k != "phrase")
    assert words >= 300
    for pos in ("pronoun", "name", "noun", "adjective", "intransitive verb", "transitive verb",
                "place", "time word"):
        assert len(lex[pos]) >= 6, pos
    pronouns = {(p.subj, p.zh) for p in lexicon.PRONOUNS}
    assert {("I", "我"), ("you", "你"), ("he", "他"), ("she", "她"), ("we", "我们"),
            ("they", "他们")} <= pronouns
    verbs = {v.base: v.zh.c for v in lexicon.TRANSITIVE}
    assert {"love": "爱", "like": "喜欢", "eat": "吃", "drink": "喝", "read": "看"}.items() \
        <= verbs.items()
    # Every transitive verb has objects that suit it.
    for verb in lexicon.TRANSITIVE:
        assert verb.objects, verb.base


def test_the_articles_sentences_come_out_of_the_grammar_exactly():
    assert [(p.en, p.zh) for p in corpus.seed_pairs()] == list(SEED_PAIRS)
    assert SEED_PAIRS == (("I love you", "我爱你"), ("Smart John is singing", "聪明的约翰在唱歌"))
    assert all(p.key in corpus.SEED_KEYS for p in corpus.seed_pairs())


def test_the_issues_example_sentences_come_out_of_the_grammar():
    he, you = corpus.subject_np("he"), corpus.subject_np("you")
    tea = corpus.verb_phrase("like", "tea")
    assert corpus.plain(corpus.negation(he, tea)) == ("He does not like tea", "他不喜欢茶")
    assert corpus.plain(corpus.yes_no_question(you, tea)) == ("Do you like tea?", "你喜欢茶吗?")
    she = corpus.subject_np("she")
    assert corpus.plain(corpus.present(she, tea)) == ("She likes tea", "她喜欢茶")
    assert corpus.plain(corpus.progressive(corpus.subject_np("I"), corpus.verb_phrase("sing"))) \
        == ("I am singing", "我在唱歌")
    i = corpus.subject_np("I")
    assert corpus.plain(corpus.present(i, corpus.verb_phrase("eat", "apple"))) \
        == ("I eat apples", "我吃苹果")
    assert corpus.plain(corpus.present(you, corpus.verb_phrase("play", "football"))) \
        == ("You play football", "你踢足球")


def test_the_random_patterns_use_the_same_builders(stream):
    """Sentences like the issue's show up in an ordinary draw, with the same shapes."""
    both = [p for p in stream if p.direction == "both"]
    negations = [p for p in both if p.pattern == "negation" and " does not " in p.en
                 and " not have " not in p.en]
    assert negations and all("不" in p.zh for p in negations)
    # ("Do not run in the classroom" / 不要在教室里跑步 is an imperative, not a question.)
    questions = [p for p in both if p.en.startswith(("Do ", "Does ")) and p.en.endswith("?")]
    assert questions and all(p.zh.endswith("吗?") for p in questions)


def test_at_least_eight_patterns_all_in_use(stream):
    patterns = {p.pattern for p in stream}
    assert len(patterns) >= 15
    assert {"present", "progressive", "negation", "past", "question", "adjective", "location",
            "modal"} <= patterns


def test_english_agreement_is_right(stream):
    for p in stream:
        words = tokenize(p.en)
        for a, b in zip(words, words[1:]):
            assert (a, b) not in {("I", "is"), ("I", "are"), ("He", "are"), ("She", "are"),
                                  ("He", "am"), ("We", "is"), ("They", "is"), ("You", "is"),
                                  ("He", "like"), ("She", "like"), ("I", "likes"),
                                  ("We", "likes"), ("He", "do"), ("She", "do"), ("I", "does")}, p
        if words[:1] == ["Does"]:
            assert words[1] not in ("I", "you", "we", "they"), p


def test_past_sentences_carry_a_time_word_and_le(stream):
    for p in stream:
        if p.pattern == "past" and p.direction == "both":
            assert "了" in p.zh, p
            assert any(w in p.zh for w in ("昨天", "上个", "去年", "今天早上")), p


def test_every_sentence_has_one_translation_each_way(stream):
    """Exact match is only fair when the reference is the only right answer in the corpus."""
    to_zh: dict[tuple, set] = defaultdict(set)
    to_en: dict[tuple, set] = defaultdict(set)
    for p in stream:
        if p.direction in ("both", "en2zh"):
            to_zh[tuple(tokenize(p.en))].add(p.zh)
        if p.direction in ("both", "zh2en"):
            to_en[tuple(tokenize(p.zh))].add(p.en)
    assert not [(k, v) for k, v in to_zh.items() if len(v) > 1]
    assert not [(k, v) for k, v in to_en.items() if len(v) > 1]


def test_one_way_variants_are_read_not_written(stream):
    directions = {p.direction for p in stream}
    assert directions == {"both", "en2zh", "zh2en"}
    for p in stream:
        if p.direction == "both":
            assert "'" not in p.en or p.en.startswith("Let's"), p  # contractions: read only
            assert "正在" not in p.zh, p
    assert english_variant("he does not like tea") == "he doesn't like tea"
    assert english_variant("I am busy") == "I'm busy"
    assert english_variant("she likes tea") == ""
    assert english_variant("my mother studies math") == "my mom learns math"
    assert english_variant("she is studying Chinese") == "she's learning Chinese"


def test_corpus_is_deterministic_under_its_seed():
    assert sample_pairs(500, seed=11) == sample_pairs(500, seed=11)
    assert sample_pairs(500, seed=11) != sample_pairs(500, seed=12)


def _classroom_exclusion() -> frozenset[str]:
    with open(CLASSROOM, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    return exclusion_set([r["source"] for r in rows] + [r["target"] for r in rows])


@pytest.mark.parametrize("name", FINGERPRINTS)
def test_corpus_is_the_stream_the_shipped_model_was_trained_on(name):
    options, expected = FINGERPRINTS[name]
    if options.get("exclude") == "classroom":
        options = {**options, "exclude": _classroom_exclusion()}
    digest = hashlib.sha256()
    for p in sample_pairs(**options):
        line = "\t".join([p.en, p.zh, p.direction, p.pattern, "|".join(p.key)]) + "\n"
        digest.update(line.encode("utf-8"))
    assert digest.hexdigest() == expected


def test_held_out_split_is_by_combination_and_disjoint(train_and_test):
    train, test = train_and_test
    assert all(not is_held_out(p.key) for p in train)
    assert all(is_held_out(p.key) for p in test)
    # No held-out sentence, on either side, occurs anywhere in training.
    train_en = {p.en.rstrip(".") for p in train}
    train_zh = {p.zh.rstrip("。") for p in train}
    for p in test:
        assert p.en.rstrip(".") not in train_en, p
        assert p.zh.rstrip("。") not in train_zh, p
    # ... and no (subject, verb, object) combination is shared.
    assert not {p.key for p in train} & {p.key for p in test}


def test_held_out_combinations_are_new_but_their_words_are_not(train_and_test):
    train, test = train_and_test
    train_tokens = {t for p in train for s in (p.en, p.zh) for t in tokenize(s)}
    test_tokens = {t for p in test for s in (p.en, p.zh) for t in tokenize(s)}
    # A held-out sentence is a new combination of known words (a larger training draw covers
    # the rare remainder; the shipped vocabulary has no unknown held-out token).
    assert len(test_tokens - train_tokens) <= 0.02 * len(test_tokens)


def test_held_out_fraction_is_about_ten_percent(stream):
    held = sum(is_held_out(p.key) for p in stream if p.pattern != "phrase")
    assert 0.07 < held / len(stream) < 0.13
    assert not any(is_held_out(p.key) for p in corpus.seed_pairs())


def test_classroom_file_has_forty_own_sentences_kept_out_of_training():
    with open(CLASSROOM, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    assert len(rows) == 40
    assert sum(r["direction"] == "en2zh" for r in rows) == 20
    assert sum(r["direction"] == "zh2en" for r in rows) == 20
    exclude = _classroom_exclusion()
    kept = sample_pairs(5_000, seed=0, split="train", exclude=exclude)
    for p in kept:
        if p.pattern != "phrase":  # whole phrases (谢谢你) are memorised by design
            assert corpus.normalise(p.en) not in exclude
            assert corpus.normalise(p.zh) not in exclude


def test_things_have_places_next_to_other_things(stream):
    """Prepositions of place (issue 15): on the chair / 椅子上, under the desk / 桌子下面."""
    spots = {" on the chair": "椅子上", " under the desk": "桌子下面", " in the box": "盒子里",
             " in the tree": "树上"}
    seen = set()
    for p in stream:
        for en, cn in spots.items():
            if en in p.en and p.direction != "zh2en":
                seen.add(en)
                assert cn in p.zh, p
    assert len(seen) >= 3


def test_a_time_word_may_come_first_in_both_languages(stream):
    fronted = [p for p in stream if p.direction == "both" and p.en.startswith("Yesterday ")]
    assert fronted
    assert all(p.zh.startswith("昨天") for p in fronted)


def test_progressive_with_a_place_is_taught_one_way(stream):
    """他们在公园踢足球 is "they play football in the park"; the progressive reads 正在."""
    one_way = [p for p in stream if p.pattern == "progressive" and p.direction == "en2zh"
               and "正在" not in p.zh and " in the " in p.en]
    read = [p for p in stream if p.pattern == "progressive" and p.direction == "zh2en"
            and "正在" in p.zh and " in the " in p.en]
    assert one_way and read
    # Nothing teaches the one-way Chinese back into the progressive.
    back = {p.zh.rstrip("。"): p.en for p in stream if p.direction != "en2zh"}
    assert not [p for p in one_way if p.en.rstrip(".") == back.get(p.zh.rstrip("。"), "")]
    for p in read:
        assert " is " in p.en or " are " in p.en or " am " in p.en, p


def test_questions_are_also_read_without_their_question_mark(stream):
    bare = [p for p in stream if p.pattern == "question" and not p.en.endswith("?")
            and not p.en.endswith(".") and p.zh.endswith("?")]
    assert bare and all(p.direction == "en2zh" for p in bare)
    bare_zh = [p for p in stream if p.zh.endswith("吗")]
    assert bare_zh and all(p.direction == "zh2en" and p.en.endswith("?") for p in bare_zh)
