"""Chinese words from characters: jieba's groups, pinyin, and grouped matrices that keep sums."""

from __future__ import annotations

import numpy as np
import pytest

from explainer.analysis.words import (
    group_columns,
    group_rows,
    group_square,
    pinyin,
    word_groups,
)

SENTENCE = list("我们昨天在学校吃了米饭") + ["<eos>"]


def test_characters_are_grouped_into_jieba_words_and_specials_stay_alone():
    words = word_groups(SENTENCE, ["<eos>"])
    assert words.labels == ("我们", "昨天", "在", "学校", "吃", "了", "米饭", "<eos>")
    assert [i for g in words.groups for i in g] == list(range(len(SENTENCE)))
    assert words.pinyin[3] == "xué xiào"
    assert words.pinyin[-1] == ""


def test_english_tokens_and_subword_markers_are_kept_apart():
    words = word_groups(["Smart", "John", "▁我们", "昨", "天"])
    assert words.groups == ((0,), (1,), (2,), (3, 4))
    assert words.labels[2] == "▁我们"
    assert words.pinyin[2] == "wǒ men"


def test_grouped_columns_keep_every_row_sum_and_add_the_words_columns():
    words = word_groups(SENTENCE, ["<eos>"])
    rng = np.random.default_rng(0)
    rows = rng.dirichlet(np.ones(len(SENTENCE)), size=4)
    grouped = group_columns(rows, words)
    assert grouped.shape == (4, len(words))
    np.testing.assert_allclose(grouped.sum(axis=1), 1.0)
    np.testing.assert_allclose(grouped[:, 3], rows[:, 5] + rows[:, 6])


def test_grouped_square_matrix_rows_stay_distributions():
    words = word_groups(SENTENCE, ["<eos>"])
    rng = np.random.default_rng(1)
    square = rng.dirichlet(np.ones(len(SENTENCE)), size=len(SENTENCE))
    grouped = group_square(square, words)
    assert grouped.shape == (len(words), len(words))
    np.testing.assert_allclose(grouped.sum(axis=1), 1.0)
    np.testing.assert_allclose(group_rows(square, words)[0], square[:2].mean(axis=0))


def test_masked_cells_count_as_zero_and_a_fully_masked_word_stays_a_gap():
    words = word_groups(["我", "们", "好"])
    matrix = np.array([[0.5, np.nan, 0.5], [np.nan, np.nan, 1.0]])
    grouped = group_columns(matrix, words)
    assert grouped[0, 0] == pytest.approx(0.5)
    assert np.isnan(grouped[1, 0])


def test_groups_that_do_not_fit_the_matrix_are_refused():
    words = word_groups(["我", "们"])
    with pytest.raises(ValueError, match="groups cover"):
        group_columns(np.ones((2, 3)), words)


def test_pinyin_has_tone_marks():
    assert pinyin("我爱你") == "wǒ ài nǐ"
