"""Parallel Chinese–English sentences from a hand-written lexicon and grammar.

The model learns translation from examples only, so the examples come from a small grammar we
control: a bilingual lexicon of beginner classroom words, tagged by part of speech
(``data/*.tsv``, read by :mod:`~training.corpus.lexicon`), and sentence patterns
(:mod:`~training.corpus.grammar`) that put them together with correct English agreement and
natural Chinese word order. :mod:`~training.corpus.pairs` turns sentences into pairs, adds
one-way variants and splits them by (subject, verb, object) combination.

    >>> pairs = sample_pairs(3, seed=0)
    >>> len(pairs)
    3
"""

from training.corpus import lexicon  # the module: lexicon.tables(), lexicon.NOUNS, ...
from training.corpus.grammar import (
    negation,
    present,
    progressive,
    subject_np,
    verb_phrase,
    yes_no_question,
)
from training.corpus.pairs import (
    SEED_KEYS,
    SEED_PAIRS,
    TEST_FRACTION,
    Pair,
    english_variant,
    exclusion_set,
    generate,
    is_held_out,
    normalise,
    plain,
    sample_pairs,
    seed_pairs,
)

__all__ = [
    "SEED_KEYS", "SEED_PAIRS", "TEST_FRACTION", "Pair", "english_variant", "exclusion_set",
    "generate", "is_held_out", "lexicon", "negation", "normalise", "plain", "present",
    "progressive", "sample_pairs", "seed_pairs", "subject_np", "verb_phrase", "yes_no_question",
]
