"""Read the pieces a page shows out of a Trace: one head's pattern, token tables, labels.

Pages pick and place; the slicing and averaging happen here, in numpy. Everything is read
through the trace's accessors (``trace.pattern``, ``trace.mask``), so it works for any model.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from explainer.contract import STAGES

__all__ = [
    "STAGES", "PatternView", "Visible", "attention_pattern", "first_word", "focus_token",
    "main_tokens", "remap_choice", "special_positions",
    "stage_tokens", "token_table", "unknown_token", "visible_positions",
]


def stage_tokens(trace, stage: str) -> tuple[list[str], list[str]]:
    """(query tokens, key tokens) of an attention stage the model has."""
    queries, keys = trace.stage_tokens(stage)
    return list(queries), list(keys)


def main_tokens(trace) -> tuple[list[str], list[int]]:
    """The tokens and ids of the side the user typed into (``caps.main_side``): the encoder's
    input, or a decoder-only model's prompt and what it wrote."""
    side = trace.caps.main_side
    ids = trace.src_ids if side == "enc" else trace.tgt_ids
    return list(trace.tokens(side)), [int(i) for i in ids]


@dataclass(frozen=True)
class PatternView:
    pattern: np.ndarray  # [query, key]
    masked: np.ndarray  # [query, key] bool: True where the mask forbade attention
    query_tokens: list[str]
    key_tokens: list[str]


def attention_pattern(trace, stage: str, layer: int, head: int | None) -> PatternView:
    """One head's attention pattern, or the mean over heads when ``head`` is None.

    ``masked`` is the stage's mask (the same in every head), so figures can draw forbidden
    cells as gaps.
    """
    patterns = trace.pattern(stage, layer)  # [head, query, key]
    if head is not None and not 0 <= int(head) < patterns.shape[0]:
        raise ValueError(f"head {head} out of range 0..{patterns.shape[0] - 1}")
    pattern = patterns.mean(axis=0) if head is None else patterns[int(head)]
    q_tokens, k_tokens = stage_tokens(trace, stage)
    return PatternView(pattern, np.asarray(trace.mask(stage), dtype=bool), q_tokens, k_tokens)


def special_positions(tokens: Sequence[str], specials: Iterable[str]) -> list[int]:
    """Positions holding one of the tokenizer's special tokens ([CLS], [SEP], <eos>, …)."""
    specials = set(specials)
    return [i for i, tok in enumerate(tokens) if tok in specials]


@dataclass(frozen=True)
class Visible:
    """Which query rows and key columns an attention view keeps.

    Attributes:
        keep_q, keep_k: kept positions, in order.
        query_tokens, key_tokens: their tokens.
        hidden: the tokens left out (queries first, then keys), for a note.
    """

    keep_q: list[int]
    keep_k: list[int]
    query_tokens: list[str]
    key_tokens: list[str]
    hidden: list[str]

    def apply(self, values: np.ndarray, masked: np.ndarray | None = None):
        """(values [..., q', k'], masked [q', k'] or None, query tokens, key tokens): the
        arguments ``heads.pool_attention`` takes. Rows are not renormalised: a row's missing
        share went to the hidden keys."""
        values = np.asarray(values)[..., self.keep_q, :][..., self.keep_k]
        if masked is not None:
            masked = np.asarray(masked, dtype=bool)[np.ix_(self.keep_q, self.keep_k)]
        return values, masked, list(self.query_tokens), list(self.key_tokens)


def visible_positions(query_tokens: Sequence[str], key_tokens: Sequence[str],
                      specials: Iterable[str], hide: bool = True) -> Visible:
    """Keep every position, or (``hide``) all but the special tokens ([CLS], [SEP], <eos>…).
    A view with nothing but special tokens on an axis keeps that axis whole."""
    q_special = special_positions(query_tokens, specials) if hide else []
    k_special = special_positions(key_tokens, specials) if hide else []
    keep_q = [i for i in range(len(query_tokens)) if i not in set(q_special)] or \
        list(range(len(query_tokens)))
    keep_k = [j for j in range(len(key_tokens)) if j not in set(k_special)] or \
        list(range(len(key_tokens)))
    hidden = [query_tokens[i] for i in range(len(query_tokens)) if i not in keep_q]
    hidden += [key_tokens[j] for j in range(len(key_tokens)) if j not in keep_k]
    return Visible(keep_q, keep_k, [query_tokens[i] for i in keep_q],
                   [key_tokens[j] for j in keep_k], hidden)


def first_word(tokens: Sequence[str], specials: Iterable[str]) -> int:
    """The first position that is not a special token (0 when all are): a token picker's
    natural start ([CLS] is no word, and its neighbours say little)."""
    specials = set(specials)
    return next((i for i, tok in enumerate(tokens) if tok not in specials), 0)


# Word-start marks of the tokenizers we read: GPT-2's byte BPE ("Ġ": a space before), and
# SentencePiece's "▁"; WordPiece marks the opposite, a piece that continues a word ("##ing").
_WORD_START = ("Ġ", "▁")
_CONTINUES = "##"
_WORD = re.compile(r"[^\W\d_]+")
_SENTENCE_END = re.compile(r"[.!?。！？]\s*$")


def _bare(token: str) -> str:
    """A token without its tokenizer's word marks, case-folded ("ĠJohn", "▁John" -> "john")."""
    token = str(token)
    if token.startswith(_CONTINUES):
        token = token[len(_CONTINUES):]
    return token.lstrip("".join(_WORD_START)).casefold()


def proper_nouns(sentence: str) -> list[str]:
    """Words typed with a capital letter where a sentence does not start ("John" in "Smart
    John is singing" and in "John saw John"), case-folded, in order of first appearance. "I"
    is no name, and a word that starts a sentence is capitalised for that reason alone."""
    sentence = str(sentence)
    found: list[str] = []
    for match in _WORD.finditer(sentence):
        word, before = match.group(0), sentence[: match.start()]
        starts_sentence = not before.strip() or bool(_SENTENCE_END.search(before))
        if word[0].isupper() and word != "I" and not starts_sentence:
            found.append(word.casefold())
    return list(dict.fromkeys(found))


def is_word(token: str, specials: Iterable[str] = ()) -> bool:
    """A token that starts a word: not special, not punctuation, not a continuing piece."""
    token = str(token)
    return (token not in set(specials) and not token.startswith(_CONTINUES)
            and any(ch.isalnum() for ch in token))


def focus_token(tokens: Sequence[str], specials: Iterable[str], sentence: str = "") -> int:
    """The position a token picker starts at: the word the article would talk about.

    The rule, in order: (1) the first token of a name, a word typed with a capital letter
    somewhere other than the start of a sentence ("John" in "Smart John is singing"; in "John
    saw John" the first John, since the second shows it is a name); (2) else the first token
    that starts a word (我 in 我爱你, "Do" in "Do you like tea?"): not a special token like
    [CLS] or <2zh>, not punctuation, not a piece that continues a word ("##ing"); (3) else the
    first non-special token (``first_word``). Tokens are matched to the typed words without
    the tokenizer's marks and case, so an uncased BERT's "john" and GPT-2's "ĠJohn" count.
    """
    specials = set(specials)
    bare = [_bare(tok) for tok in tokens]
    for name in proper_nouns(sentence):
        for i, tok in enumerate(tokens):
            if tok not in specials and bare[i] == name:
                return i
        # A name the tokenizer split ("Jo" "hn"): its first piece.
        for i, tok in enumerate(tokens):
            if is_word(tok, specials) and len(bare[i]) >= 2 and name.startswith(bare[i]):
                return i
    for i, tok in enumerate(tokens):
        if is_word(tok, specials):
            return i
    return first_word(tokens, specials)


def remap_choice(old_tokens: Sequence[str], new_tokens: Sequence[str], old_index,
                 fallback: int) -> int:
    """Where a token picker stands after its tokens changed (another attention block, side or
    sentence): on the same token, at its occurrence nearest the old position, when the new
    tokens hold it; else at ``fallback``. Keeps a picker from naming a token the page no
    longer computes for."""
    n = len(new_tokens)
    fallback = int(fallback) if 0 <= int(fallback) < n else 0
    if not isinstance(old_index, int) or not 0 <= old_index < len(old_tokens):
        return fallback
    token = old_tokens[old_index]
    same = [i for i, tok in enumerate(new_tokens) if tok == token]
    if not same:
        return fallback
    return min(same, key=lambda i: (abs(i - old_index), i))


def unknown_token(specials: Iterable[str]) -> str:
    """The tokenizer's unknown-word token among its specials ("<unk>", "[UNK]"), or ""."""
    return next((tok for tok in specials if "unk" in tok.lower()), "")


def token_table(tokens, ids, unknown, labels: dict[str, str],
                specials: Iterable[str] = ()) -> pd.DataFrame:
    """Position, token, id and known/unknown/special status, one row per token.

    ``labels`` maps "position", "token", "id", "status", "known", "unknown" (and optionally
    "special") to the interface language's words; ``specials`` are the model's special tokens
    (``trace.caps.special_tokens``).
    """
    unknown = set(unknown)
    specials = set(specials)
    unk = unknown_token(specials)
    rows = []
    for pos, (tok, idx) in enumerate(zip(tokens, ids)):
        if tok in unknown or (unk and tok == unk):
            status = labels["unknown"]
        elif tok in specials:
            status = labels.get("special", tok)
        else:
            status = labels["known"]
        rows.append({labels["position"]: pos, labels["token"]: tok, labels["id"]: int(idx),
                     labels["status"]: status})
    return pd.DataFrame(rows)
