"""Do two views of "which source word mattered" agree? Rank agreement per written token.

Attention says where a head read from; attribution (gradients) says which input changed the
output. They need not agree, and where they do not, attention is the one students over-read.
Spearman's ρ compares the two rankings of the source tokens row by row; it ignores scale, so a
gradient in log-probability units and a weight in [0, 1] can be compared.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import rankdata


def _spearman(a: np.ndarray, b: np.ndarray) -> float:
    """Spearman ρ of two vectors (average ranks for ties); NaN when either is constant."""
    ra, rb = rankdata(a), rankdata(b)
    ra, rb = ra - ra.mean(), rb - rb.mean()
    denom = np.sqrt((ra ** 2).sum() * (rb ** 2).sum())
    return float((ra * rb).sum() / denom) if denom > 0 else float("nan")


def rank_agreement(attribution: np.ndarray, attention: np.ndarray, keep: np.ndarray | None = None,
                   absolute: bool = True) -> np.ndarray:
    """Spearman's ρ between the rows of two [T, S] matrices.

    Args:
        attribution: [T, S] per written token, a score per source token (any sign).
        attention: [T, S] the other view (cross-attention, rollout).
        keep: optional [S] bool, the source columns to compare (e.g. special tokens left out).
        absolute: rank attribution by magnitude: a word that pushes strongly *against* the
            token mattered as much as one that pushes for it, and attention has no sign.

    Returns:
        [T] float64 in [−1, 1]; NaN for a row with fewer than two columns or a constant row.
    """
    a = np.asarray(attribution, dtype=np.float64)
    b = np.asarray(attention, dtype=np.float64)
    if a.ndim != 2 or a.shape != b.shape:
        raise ValueError(f"both views must be [T, S] of one shape, got {a.shape} and {b.shape}")
    cols = np.ones(a.shape[1], dtype=bool) if keep is None else np.asarray(keep, dtype=bool)
    if cols.shape != (a.shape[1],):
        raise ValueError(f"keep has shape {cols.shape}, expected ({a.shape[1]},)")
    if absolute:
        a = np.abs(a)
    out = np.full(a.shape[0], np.nan)
    if cols.sum() < 2:
        return out
    for i in range(a.shape[0]):
        x, y = a[i, cols], b[i, cols]
        ok = np.isfinite(x) & np.isfinite(y)
        if ok.sum() >= 2:
            out[i] = _spearman(x[ok], y[ok])
    return out


def non_special(tokens, specials) -> np.ndarray:
    """[S] bool, True for tokens that are not special (<eos>, [CLS], <2zh> ...)."""
    specials = set(specials)
    return np.array([str(t) not in specials for t in tokens], dtype=bool)


def attention_to_source(trace, layer: int, n_src: int | None = None) -> np.ndarray:
    """[T, S]: where each written token looked among the source tokens, heads averaged, in one
    layer: cross-attention for an encoder–decoder; for a decoder-only model its self-attention
    over the prompt (the first ``n_src`` keys). Masked cells are NaN."""
    from explainer.analysis.decoding import written_attention

    view = written_attention(trace, layer, None)
    pattern = np.where(view.masked, np.nan, view.pattern)
    if n_src is not None:
        pattern = pattern[:, : int(n_src)]
    return pattern


def visible(tokens, specials, show_specials: bool) -> list[int]:
    """Positions to draw: all of them, or all but the special tokens."""
    if show_specials:
        return list(range(len(tokens)))
    specials = set(specials)
    return [i for i, tok in enumerate(tokens) if str(tok) not in specials]


def lens_grid(lens, hide=()) -> tuple[list[list[str]], np.ndarray, np.ndarray, list[str]]:
    """The logit lens's top-1 per layer and position, its probability, the probability of the
    final answer, and column labels "input → answer"; ``hide``: positions left out."""
    cols = [t for t in range(len(lens.tgt_tokens)) if t not in set(hide)]
    top = [[lens.top_tokens[layer][t][0] for t in cols] for layer in range(len(lens.layers))]
    probs = np.asarray(lens.top_probs, dtype=np.float64)[:, cols, 0]
    answer = np.asarray(lens.next_prob, dtype=np.float64)[:, cols]
    labels = [f"{lens.tgt_tokens[t]} → {lens.next_tokens[t]}" for t in cols]
    return top, probs, answer, labels


def first_layer_with_answer(lens) -> list[int | None]:
    """Per position, the first layer (index into ``lens.layers``) whose top-1 already is the
    final answer and stays so in every layer above it (None: only the last layer has it)."""
    out = []
    n = len(lens.layers)
    for t, answer in enumerate(lens.next_tokens):
        hits = [lens.top_tokens[layer][t][0] == answer for layer in range(n)]
        first = None
        for layer in range(n - 1, -1, -1):
            if not hits[layer]:
                break
            first = layer
        out.append(first)
    return out


@dataclass(frozen=True)
class Views:
    """Three views of "which source word mattered" for each written token, aligned.

    Attributes:
        rows, cols: labels of the rows (written tokens) and columns (source tokens or words).
        col_hover: per column, pinyin of a Chinese word ("" otherwise).
        attribution: [R, C] gradients (signed); attention, rollout: [R, C] weights, or None
            when the trace's rows do not line up with the attribution's.
        rho_attention, rho_rollout: [R] Spearman ρ of |attribution| against each (or None).
    """

    rows: list[str]
    cols: list[str]
    col_hover: list[str]
    attribution: np.ndarray
    attention: np.ndarray | None
    rollout: np.ndarray | None
    rho_attention: np.ndarray | None
    rho_rollout: np.ndarray | None


def compare_views(attribution, tgt_tokens, src_tokens, attention=None, rollout=None,
                  specials=(), show_specials: bool = True, words: bool = False) -> Views:
    """Line attribution, attention and rollout up for the page: special tokens dropped when
    asked, Chinese characters grouped into words (columns summed: an attribution is additive,
    an attention row keeps its sum), and the per-token rank agreement of what is shown.

    Args:
        attribution: [T, S]; attention, rollout: [T, S] or None (skipped when shapes differ).
    """
    from explainer.analysis.words import group_columns, word_groups

    a = np.asarray(attribution, dtype=np.float64)
    if a.shape != (len(tgt_tokens), len(src_tokens)):
        raise ValueError(f"attribution {a.shape} does not fit {len(tgt_tokens)} × "
                         f"{len(src_tokens)} tokens")
    others = []
    for other in (attention, rollout):
        other = None if other is None else np.asarray(other, dtype=np.float64)
        others.append(other if other is not None and other.shape == a.shape else None)
    rows = visible(tgt_tokens, specials, show_specials)
    cols = visible(src_tokens, specials, show_specials)
    if not rows or not cols:  # nothing but special tokens: show them rather than nothing
        rows, cols = list(range(len(tgt_tokens))), list(range(len(src_tokens)))
    pick = np.ix_(rows, cols)
    shown = [a[pick]] + [None if o is None else o[pick] for o in others]
    col_tokens = [str(src_tokens[j]) for j in cols]
    groups = word_groups(col_tokens, specials)
    if words:
        shown = [None if m is None else group_columns(m, groups) for m in shown]
        col_labels, hover = list(groups.labels), list(groups.pinyin)
    else:
        col_labels = col_tokens
        hover = [word_groups([tok]).pinyin[0] for tok in col_tokens]
    att, attn, roll = shown
    return Views(
        rows=[str(tgt_tokens[i]) for i in rows], cols=col_labels, col_hover=hover,
        attribution=att, attention=attn, rollout=roll,
        rho_attention=None if attn is None else rank_agreement(att, attn),
        rho_rollout=None if roll is None else rank_agreement(att, roll),
    )


def encoder_view(trace, show_specials: bool = True, words: bool = False
                 ) -> tuple[np.ndarray, list[str], list[str]] | None:
    """The encoder's attention rollout [S, S] as the page draws it: special tokens dropped when
    asked (rows renormalised over what is left), Chinese characters grouped into words (rows
    averaged, columns summed); with its labels and per-column pinyin. None without an encoder.
    """
    from explainer.analysis.rollout import encoder_rollout
    from explainer.analysis.words import group_square, word_groups

    if "enc" not in trace.sides:
        return None
    matrix = encoder_rollout(trace)
    tokens = list(trace.src_tokens)
    specials = trace.caps.special_tokens
    keep = visible(tokens, specials, show_specials) or list(range(len(tokens)))
    matrix = matrix[np.ix_(keep, keep)]
    total = matrix.sum(axis=1, keepdims=True)
    matrix = np.divide(matrix, total, out=np.zeros_like(matrix), where=total > 0)
    kept = [str(tokens[i]) for i in keep]
    groups = word_groups(kept, specials)
    if words:
        return group_square(matrix, groups), list(groups.labels), list(groups.pinyin)
    return matrix, kept, [word_groups([tok]).pinyin[0] for tok in kept]
