"""Chinese words, not only characters: group character tokens into words (jieba) with pinyin.

Our tokenizer reads Chinese one character at a time, so a heatmap of 我们昨天在学校吃了米饭 has
eleven columns where a reader sees seven words. Grouping sums a word's columns (attention a
row gives to 学 and to 校 is attention it gives to 学校), so every row still sums to what it
summed to before; grouped rows are averaged, so a row of a pattern stays a distribution.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

_CJK_ONLY = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+$")
# Word-start markers of subword tokenizers (SentencePiece "▁", GPT-2 "Ġ"): not part of a word.
_MARKERS = "▁Ġ"


@dataclass(frozen=True)
class WordGroups:
    """Token positions grouped into words, in order.

    Attributes:
        groups: per word, the positions of its tokens (consecutive, every position once).
        labels: per word, its text (the tokens joined; a lone token keeps its own text).
        pinyin: per word, its pinyin with tone marks ("" for a word with no Chinese).
    """

    groups: tuple[tuple[int, ...], ...]
    labels: tuple[str, ...]
    pinyin: tuple[str, ...]

    @property
    def n_tokens(self) -> int:
        return sum(len(g) for g in self.groups)

    def __len__(self) -> int:
        return len(self.groups)


def _chinese_text(token: str) -> str | None:
    """The Chinese characters of a token made only of them (markers stripped), else None."""
    core = str(token).strip(_MARKERS)
    return core if core and _CJK_ONLY.match(core) else None


@lru_cache(maxsize=1)
def _jieba():
    import jieba

    jieba.setLogLevel(logging.WARNING)  # its dictionary-loading chatter is not an error
    return jieba


@lru_cache(maxsize=4096)
def segment_text(text: str) -> tuple[str, ...]:
    """jieba's words for a run of Chinese characters (precise mode, no HMM guessing of new
    words, so a sentence segments the same way on every machine)."""
    return tuple(w for w in _jieba().lcut(text, HMM=False) if w)


@lru_cache(maxsize=4096)
def pinyin(text: str) -> str:
    """Pinyin with tone marks, syllables separated by spaces ("学校" → "xué xiào")."""
    from pypinyin import Style, lazy_pinyin

    return " ".join(lazy_pinyin(str(text), style=Style.TONE))


def word_groups(tokens, specials=()) -> WordGroups:
    """Group consecutive Chinese tokens into jieba's words; every other token stays alone.

    Args:
        tokens: [S] tokens in order (characters for our model, subwords for others).
        specials: tokens never grouped (<eos>, [CLS], ...).
    """
    tokens = [str(tok) for tok in tokens]
    specials = set(specials)
    groups: list[tuple[int, ...]] = []
    i = 0
    while i < len(tokens):
        if tokens[i] in specials or _chinese_text(tokens[i]) is None:
            groups.append((i,))
            i += 1
            continue
        run = []  # a run of Chinese tokens, each with its characters' offsets
        start = 0
        while i < len(tokens) and tokens[i] not in specials and _chinese_text(tokens[i]):
            chars = _chinese_text(tokens[i])
            run.append((i, start, start + len(chars)))
            start += len(chars)
            i += 1
        text = "".join(_chinese_text(tokens[j]) for j, _, _ in run)
        # Each token joins the word that holds its first character.
        ends, end = [], 0
        for word in segment_text(text):
            end += len(word)
            ends.append(end)
        current, last_word = [], None
        for j, first, _ in run:
            word_index = int(np.searchsorted(ends, first, side="right"))
            if last_word is not None and word_index != last_word:
                groups.append(tuple(current))
                current = []
            current.append(j)
            last_word = word_index
        groups.append(tuple(current))
    labels = tuple(
        tokens[g[0]] if len(g) == 1 else "".join(_chinese_text(tokens[j]) for j in g)
        for g in groups)
    readings = tuple(pinyin(_chinese_text(label)) if _chinese_text(label) else ""
                     for label in labels)
    return WordGroups(tuple(groups), labels, readings)


def _check(n: int, words: WordGroups, what: str) -> None:
    if words.n_tokens != n:
        raise ValueError(f"{what} has {n} tokens but the groups cover {words.n_tokens}")


def group_columns(matrix: np.ndarray, words: WordGroups) -> np.ndarray:
    """[R, S] → [R, W]: each word's columns summed (row sums are unchanged).

    NaN cells (masked) count as 0; a column that was NaN in every row stays NaN.
    """
    matrix = np.asarray(matrix, dtype=np.float64)
    if matrix.ndim != 2:
        raise ValueError(f"expected a 2-D matrix, got shape {matrix.shape}")
    _check(matrix.shape[1], words, "the matrix's columns")
    out = np.empty((matrix.shape[0], len(words)))
    for w, group in enumerate(words.groups):
        cols = matrix[:, list(group)]
        out[:, w] = np.nansum(cols, axis=1)
        out[np.all(np.isnan(cols), axis=1), w] = np.nan
    return out


def group_rows(matrix: np.ndarray, words: WordGroups) -> np.ndarray:
    """[S, C] → [W, C]: each word's rows averaged (a row that summed to 1 still does)."""
    matrix = np.asarray(matrix, dtype=np.float64)
    if matrix.ndim != 2:
        raise ValueError(f"expected a 2-D matrix, got shape {matrix.shape}")
    _check(matrix.shape[0], words, "the matrix's rows")
    return np.stack([np.nanmean(matrix[list(g)], axis=0) if not np.all(np.isnan(matrix[list(g)]))
                     else np.full(matrix.shape[1], np.nan) for g in words.groups])


def group_square(matrix: np.ndarray, words: WordGroups) -> np.ndarray:
    """[S, S] → [W, W] (self-attention, encoder rollout): rows averaged, columns summed, so a
    row that was a distribution over tokens is one over words."""
    return group_columns(group_rows(matrix, words), words)
