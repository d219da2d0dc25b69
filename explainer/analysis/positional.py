"""Step 2 of the article, positional encoding (§3.5): the vector learns where its word stands.

PE(pos, 2i) = sin(pos / 10000^(2i/d_model)), PE(pos, 2i+1) = cos(pos / 10000^(2i/d_model)).
The closed form is computed here in numpy and checked against the model's own ``hook_pos``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from explainer.analysis.walk_pca import fixed_sign_pca

# The PE heatmap, waves and similarity span at least this many positions (a 4-word sentence
# would show a quarter of one slow wave) and thin to at most MAX_DRAWN positions.
MIN_SPAN = 50
MAX_DRAWN = 128


def positional_encoding(n_positions: int, d_model: int) -> np.ndarray:
    """The sinusoidal table [n_positions, d_model] of §3.5, in float64."""
    if n_positions < 1 or d_model < 2 or d_model % 2:
        raise ValueError("need at least one position and an even d_model")
    pos = np.arange(n_positions, dtype=float)[:, None]  # [pos, 1]
    two_i = np.arange(0, d_model, 2, dtype=float)  # [d_model / 2]
    angle = pos / np.power(10000.0, two_i / d_model)  # [pos, d_model / 2]
    pe = np.empty((n_positions, d_model))
    pe[:, 0::2] = np.sin(angle)
    pe[:, 1::2] = np.cos(angle)
    return pe


def span(n_tokens: int, max_len: int) -> int:
    """How many positions the PE figures cover: the sentence, but at least ``MIN_SPAN``."""
    return int(min(max_len, max(n_tokens, MIN_SPAN)))


def drawn_positions(n_positions: int, limit: int = MAX_DRAWN) -> np.ndarray:
    """Every position up to ``limit`` of them; beyond, an even thinning (first and last kept)."""
    if n_positions <= limit:
        return np.arange(n_positions)
    return np.unique(np.linspace(0, n_positions - 1, limit).round().astype(int))


def wavelength(dim: int, d_model: int) -> float:
    """Period in positions of dimension ``dim``'s wave: 2π · 10000^(2i/d_model)."""
    return float(2 * np.pi * 10000.0 ** ((dim - dim % 2) / d_model))


def pe_difference(model_pe: np.ndarray) -> float:
    """max |model's PE − closed form| over the sentence's positions ([n, d_model] in)."""
    model_pe = np.asarray(model_pe, dtype=float)
    closed = positional_encoding(model_pe.shape[0], model_pe.shape[1])
    return float(np.max(np.abs(model_pe - closed))) if model_pe.size else 0.0


def similarity(pe: np.ndarray) -> np.ndarray:
    """Dot products between the PE vectors of every pair of positions [P, P]."""
    pe = np.asarray(pe, dtype=float)
    return pe @ pe.T


@dataclass(frozen=True)
class InputSum:
    """Embedding + PE = input, for one token.

    Attributes:
        rows: [3, d_model] embedding (×√d_model), PE, and the model's input at that position.
        difference: max |embedding + PE − input| (dropout is off in eval, so ≈ 0).
    """

    rows: np.ndarray
    difference: float


def input_sum(trace, pos: int, side: str = "enc") -> InputSum:
    """The three strips for token ``pos``: ``hook_embed``, ``hook_pos`` and ``hook_input``."""
    embed, pe, inp = (trace[f"{side}.{name}"] for name in ("hook_embed", "hook_pos", "hook_input"))
    if not 0 <= pos < embed.shape[0]:
        raise ValueError(f"position {pos} outside 0..{embed.shape[0] - 1}")
    rows = np.stack([embed[pos], pe[pos], inp[pos]]).astype(float)
    return InputSum(rows, float(np.max(np.abs(rows[0] + rows[1] - rows[2]))))


@dataclass(frozen=True)
class BeforeAfter:
    """The sentence's vectors before and after adding PE, in one shared 2-D projection.

    Attributes:
        before, after: [n, 2] points of ``hook_embed`` and ``hook_input``.
        explained: [2] variance fraction per component (fitted on both sets together).
        repeated: groups of positions holding the same token, for tokens that occur twice or
            more ("John saw John" -> [[0, 2]]).
    """

    before: np.ndarray
    after: np.ndarray
    explained: np.ndarray
    repeated: list[list[int]]


def before_after(trace, side: str = "enc") -> BeforeAfter:
    """Project embeddings and embeddings + PE jointly, so the two sets share axes."""
    before = np.asarray(trace[f"{side}.hook_embed"], dtype=float)
    after = np.asarray(trace[f"{side}.hook_input"], dtype=float)
    projection = fixed_sign_pca(np.vstack([before, after]), 2)
    n = before.shape[0]
    tokens = trace.src_tokens if side == "enc" else trace.tgt_tokens
    return BeforeAfter(projection.points[:n], projection.points[n:], projection.explained,
                       repeated_groups(tokens))


def repeated_groups(tokens) -> list[list[int]]:
    """Positions of each token that occurs more than once, in order of first occurrence."""
    groups: dict[str, list[int]] = {}
    for i, tok in enumerate(tokens):
        groups.setdefault(tok, []).append(i)
    return [group for group in groups.values() if len(group) > 1]


def copies_distance(vectors: np.ndarray, group: list[int]) -> float:
    """Distance between the first two copies of a repeated token, in the vectors' own space
    ([n, d] in): exactly 0 before PE (same embedding row), not after."""
    if len(group) < 2:
        return 0.0
    vectors = np.asarray(vectors, dtype=float)
    return float(np.linalg.norm(vectors[group[0]] - vectors[group[1]]))


def position_frame(values: np.ndarray, positions, columns_prefix: str = "d") -> pd.DataFrame:
    """A [positions, columns] matrix as a table indexed by position (for CSV downloads).

    ``columns_prefix`` "d" names columns d0, d1, … (dimensions); "" names them by position.
    """
    values = np.asarray(values, dtype=float)
    positions = [int(p) for p in positions]
    if values.shape[0] != len(positions):
        raise ValueError(f"{values.shape[0]} rows but {len(positions)} positions")
    if columns_prefix:
        columns = [f"{columns_prefix}{j}" for j in range(values.shape[1])]
    else:
        columns = positions
    return pd.DataFrame(values, index=pd.Index(positions, name="position"), columns=columns)
