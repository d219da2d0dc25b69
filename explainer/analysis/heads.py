"""Multi-head attention (§3.2.2): every head of every layer, how they differ, how they are mixed.

Patterns are stacked [layer, head, query, key]; long inputs are pooled into blocks so a grid of
small heatmaps stays light (row sums stay 1: queries are averaged, keys summed within a block).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from explainer.analysis.walk_pca import fixed_sign_pca

# A cell of the all-heads grid stands for at most GRID_BINS × GRID_BINS blocks; the large
# single-head view keeps full resolution up to DETAIL_BINS tokens.
GRID_BINS = 48
DETAIL_BINS = 128
# A head "looks at" a place when at least this much of its attention goes there on average.
DOMINANT = 0.5
CATEGORIES = ("self", "previous", "next", "first", "last")


def stage_patterns(trace, stage: str) -> np.ndarray:
    """Attention weights of every layer and head of a stage [layer, head, query, key]."""
    return np.stack([trace.pattern(stage, layer) for layer in range(trace.n_layers_of(stage))])


def stage_masked(trace, stage: str) -> np.ndarray:
    """[query, key] True where the stage's mask forbids attention (same in every layer/head)."""
    return np.asarray(trace.mask(stage), dtype=bool)


@dataclass(frozen=True)
class Pooled:
    """Attention pooled into blocks of positions.

    Attributes:
        pattern: [..., query blocks, key blocks]; NaN where a whole block is masked.
        query_labels, key_labels: tokens when ``block`` is (1, 1), else position ranges "8–15".
        block: (query block size, key block size) in positions.
    """

    pattern: np.ndarray
    query_labels: list[str]
    key_labels: list[str]
    block: tuple[int, int]

    @property
    def pooled(self) -> bool:
        return self.block != (1, 1)


def _starts(n: int, max_bins: int) -> tuple[np.ndarray, int]:
    size = int(np.ceil(n / max_bins)) if n > max_bins else 1
    return np.arange(0, n, size), size


def _range_labels(starts: np.ndarray, n: int, tokens) -> list[str]:
    ends = list(starts[1:] - 1) + [n - 1]
    return [str(tokens[s]) if s == e else f"{s}–{e}" for s, e in zip(starts, ends)]


def pool_attention(patterns: np.ndarray, masked: np.ndarray, query_tokens, key_tokens,
                   max_bins: int = GRID_BINS) -> Pooled:
    """Shrink attention [..., q, k] to at most ``max_bins`` blocks per axis.

    Query blocks take the mean of their rows, key blocks the sum of their columns, so each
    pooled row still sums to 1 and the colour scale [0, 1] still applies. Inputs no longer
    than ``max_bins`` come back unchanged, labelled with their tokens.
    """
    patterns = np.asarray(patterns, dtype=float)
    masked = np.asarray(masked, dtype=bool)
    n_q, n_k = patterns.shape[-2:]
    if masked.shape != (n_q, n_k) or len(query_tokens) != n_q or len(key_tokens) != n_k:
        raise ValueError(f"pattern {patterns.shape[-2:]}, mask {masked.shape} and "
                         f"{len(query_tokens)}×{len(key_tokens)} labels disagree")
    q_starts, q_size = _starts(n_q, max_bins)
    k_starts, k_size = _starts(n_k, max_bins)
    if q_size == 1 and k_size == 1:
        return Pooled(np.where(masked, np.nan, patterns), [str(t) for t in query_tokens],
                      [str(t) for t in key_tokens], (1, 1))
    q_counts = np.diff(np.append(q_starts, n_q))
    summed = np.add.reduceat(np.add.reduceat(patterns, q_starts, axis=-2), k_starts, axis=-1)
    pooled = summed / q_counts[:, None]
    allowed = np.add.reduceat(np.add.reduceat((~masked).astype(int), q_starts, 0), k_starts, 1)
    pooled = np.where(allowed == 0, np.nan, pooled)
    return Pooled(pooled, _range_labels(q_starts, n_q, query_tokens),
                  _range_labels(k_starts, n_k, key_tokens), (q_size, k_size))


def _entropy_bits(rows: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.where(rows > 0, np.log2(np.where(rows > 0, rows, 1.0)), 0.0)
    return -(rows * logs).sum(-1)


def head_summary(trace, stage: str) -> pd.DataFrame:
    """One row per (layer, head): how spread its attention is and where it mostly looks.

    Columns: ``layer``, ``head`` (0-based), ``entropy`` (mean over queries, bits),
    ``spread`` (entropy ÷ its maximum log2(#allowed keys), 0 = one key, 1 = even),
    the mean weight on ``self``, ``previous``, ``next``, ``first``, ``last`` key (NaN where
    the idea does not apply, e.g. "self" for cross-attention), and ``looks_at``: the category
    holding at least half the attention on average, else ``broad``.
    """
    patterns = stage_patterns(trace, stage)  # [L, H, q, k]
    masked = stage_masked(trace, stage)
    n_q, n_k = masked.shape
    n_allowed = (~masked).sum(-1)  # [q]
    max_bits = np.log2(np.maximum(n_allowed, 1))
    rows_q = np.arange(n_q)
    rows = []
    for layer in range(patterns.shape[0]):
        for head in range(patterns.shape[1]):
            p = patterns[layer, head]
            bits = _entropy_bits(p)
            has_choice = max_bits > 0
            spread = (bits[has_choice] / max_bits[has_choice]).mean() if has_choice.any() else 0.0
            place = {"first": p[:, 0].mean(), "last": p[:, n_k - 1].mean()}
            if stage == "cross":
                place.update(self=np.nan, previous=np.nan, next=np.nan)
            else:
                place["self"] = p[rows_q, rows_q].mean()
                place["previous"] = p[rows_q[1:], rows_q[1:] - 1].mean() if n_q > 1 else np.nan
                place["next"] = p[rows_q[:-1], rows_q[:-1] + 1].mean() if n_q > 1 else np.nan
            best = max((k for k in CATEGORIES if np.isfinite(place[k])),
                       key=lambda k: place[k])
            rows.append({"layer": layer, "head": head, "entropy": float(bits.mean()),
                         "spread": float(spread),
                         **{k: float(place[k]) for k in CATEGORIES},
                         "looks_at": best if place[best] >= DOMINANT else "broad"})
    return pd.DataFrame(rows)


def summary_grid(summary: pd.DataFrame, column: str) -> np.ndarray:
    """A summary column laid out as [layer, head] for a heatmap."""
    grid = summary.pivot(index="layer", columns="head", values=column)
    return grid.to_numpy()


@dataclass(frozen=True)
class HeadMix:
    """How one token's heads are concatenated and mixed by W_O (§3.2.2).

    Attributes:
        z: [head, d_head] each head's output for the token (``trace.attn(…, "z")``).
        concat: [head·d_head] the heads side by side: Concat(head_1, …, head_h).
        W_O: [head·d_head, d_model] the output projection as one matrix.
        b_O: [d_model].
        out: [d_model] concat @ W_O + b_O, by hand; ``out_model``: the model's own (``"out"``).
        contributions: [head, d_model] z_h @ W_O[h], each head's share of ``out``.
        difference: max |out − out_model|.
    """

    z: np.ndarray
    concat: np.ndarray
    W_O: np.ndarray
    b_O: np.ndarray
    out: np.ndarray
    out_model: np.ndarray
    contributions: np.ndarray
    difference: float

    @property
    def contribution_norms(self) -> np.ndarray:
        """[head] length of each head's contribution vector."""
        return np.linalg.norm(self.contributions, axis=1)


def mix_heads(trace, weights, stage: str, layer: int, pos: int) -> HeadMix:
    """Concatenate the heads' z for query position ``pos`` and apply W_O, by hand.

    ``weights`` is the model's ``Weights`` (``w.attn(stage, layer, "W_O")``)."""
    z_all = np.asarray(trace.attn(stage, layer, "z"), dtype=float)  # [head, q, e]
    if not 0 <= pos < z_all.shape[1]:
        raise ValueError(f"position {pos} outside 0..{z_all.shape[1] - 1}")
    W_O = np.asarray(weights.attn(stage, layer, "W_O"), dtype=float)  # [head, e, d]
    b_O = np.asarray(weights.attn(stage, layer, "b_O"), dtype=float)
    z = z_all[:, pos]  # [head, e]
    contributions = np.einsum("he,hed->hd", z, W_O)
    concat = z.reshape(-1)
    W_O_flat = W_O.reshape(-1, W_O.shape[-1])
    out = concat @ W_O_flat + b_O
    out_model = np.asarray(trace.attn(stage, layer, "out")[pos], dtype=float)
    return HeadMix(z, concat, W_O_flat, b_O, out, out_model, contributions,
                   float(np.max(np.abs(out - out_model))))


@dataclass(frozen=True)
class QueryKeyMap:
    """One head's queries and keys in one shared 2-D projection.

    Attributes:
        queries: [query, 2]; keys: [key, 2].
        explained: [2] variance fraction per component.
        top_key: [query] the key each query gives the most weight.
    """

    queries: np.ndarray
    keys: np.ndarray
    explained: np.ndarray
    top_key: np.ndarray


def query_key_map(trace, stage: str, layer: int, head: int) -> QueryKeyMap:
    """Joint PCA of head ``head``'s q and k vectors (fitted on both, so they share axes)."""
    q = np.asarray(trace.attn(stage, layer, "q")[head], dtype=float)
    k = np.asarray(trace.attn(stage, layer, "k")[head], dtype=float)
    projection = fixed_sign_pca(np.vstack([q, k]), 2)
    top = np.argmax(trace.pattern(stage, layer)[head], axis=-1)
    return QueryKeyMap(projection.points[: len(q)], projection.points[len(q):],
                       projection.explained, top)


def grid_frame(patterns: np.ndarray, query_labels, key_labels) -> pd.DataFrame:
    """Long table of a [layer, head, query, key] grid: one row per cell (1-based layer and head;
    ``query_pos`` and ``key_pos`` keep repeated labels apart)."""
    patterns = np.asarray(patterns, dtype=float)
    n_layers, n_heads, n_q, n_k = patterns.shape
    layer, head, query, key = np.meshgrid(np.arange(n_layers), np.arange(n_heads),
                                          np.arange(n_q), np.arange(n_k), indexing="ij")
    q_labels = np.asarray([str(t) for t in query_labels], dtype=object)
    k_labels = np.asarray([str(t) for t in key_labels], dtype=object)
    return pd.DataFrame({
        "layer": layer.ravel() + 1, "head": head.ravel() + 1,
        "query_pos": query.ravel(), "query": q_labels[query.ravel()],
        "key_pos": key.ravel(), "key": k_labels[key.ravel()],
        "weight": patterns.ravel(),
    })


def summary_table(summary: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    """The head summary for the screen: 1-based layer and head, rounded, columns and the
    "looks at" category in the interface language (``labels`` maps every column name and
    category to its words)."""
    shown = summary.copy()
    shown["layer"] += 1
    shown["head"] += 1
    shown["looks_at"] = shown["looks_at"].map(labels)
    return shown.round(3).rename(columns=labels)
