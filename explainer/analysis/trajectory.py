"""The vector space: each token's vector followed through the pipeline, in one projection.

Stages: the token embedding (scaled as the model scales it), + positions (the model's input),
then the residual stream after each sub-layer of every layer (attention, [cross-attention,]
feed-forward). One PCA is fitted on every stage's vectors together, so all stages share the
same axes and a token's path shows how attention moves it (the article: "John" now carries
"Smart" and "singing").
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from explainer.analysis.embedding import unit_rows
from explainer.analysis.walk_pca import fixed_sign_pca

# Residual-stream point each sub-layer kind leaves behind (``Trace.resid``'s ``where``).
AFTER = {"attn": "mid", "cross": "cross", "ffn": "post"}


def stages(trace, side: str = "enc", substeps: bool = True) -> list[tuple[str, int | None]]:
    """The pipeline's stages on one side as (kind, layer).

    ``kind`` is "embed", "pe", "attn", "cross" or "ffn" (the sub-layer just applied);
    ``layer`` is None for the first two. Without ``substeps`` only the end of each layer is kept.

    Raises:
        ValueError: the model has no such side.
    """
    if side not in trace.sides:
        raise ValueError(f"side must be one of {trace.sides}, got {side!r}")
    has_cross = side == "dec" and "cross" in trace.stages
    out: list[tuple[str, int | None]] = [("embed", None), ("pe", None)]
    for layer in range(trace.n_layers_of(side)):
        if substeps:
            out.append(("attn", layer))
            if has_cross:
                out.append(("cross", layer))
        out.append(("ffn", layer))
    return out


def stage_vectors(trace, side: str, kind: str, layer: int | None) -> np.ndarray:
    """The vectors [pos, d_model] of one stage (see ``stages``)."""
    if kind == "embed":
        return trace.embed(side, "embed")
    if kind == "pe":
        return trace.embed(side, "input")
    return trace.resid(side, int(layer), AFTER[kind])


@dataclass(frozen=True)
class Trajectories:
    """Every token's path through the stages, projected.

    Attributes:
        points: [stage, token, k] coordinates in the shared projection.
        explained: [k] variance fraction per component.
        stages: (kind, layer) per stage, as ``stages`` returns them.
    """

    points: np.ndarray
    explained: np.ndarray
    stages: list[tuple[str, int | None]]


def trajectories(trace, side: str = "enc", substeps: bool = True, n_components: int = 2,
                 positions: list[int] | None = None) -> Trajectories:
    """Project every stage's vectors [stage, token, d_model] with one shared PCA.

    Args:
        positions: the tokens to follow (default all); the PCA is fitted on these only.
    """
    chosen = stages(trace, side, substeps)
    vectors = np.stack([np.asarray(stage_vectors(trace, side, kind, layer), dtype=float)
                        for kind, layer in chosen])
    if positions is not None:
        vectors = vectors[:, list(positions)]
    n_stages, n_tokens, d = vectors.shape
    projection = fixed_sign_pca(vectors.reshape(-1, d), n_components)
    points = projection.points.reshape(n_stages, n_tokens, -1)
    return Trajectories(points, projection.explained, chosen)


def cosine_paths(trace, pos: int, side: str = "enc", substeps: bool = True) -> np.ndarray:
    """Cosine similarity [stage, token] between token ``pos``'s vector and every token's, per stage.

    Before attention a token only resembles tokens with similar embeddings; after it, tokens
    that attended to each other point more nearly the same way.
    """
    out = []
    for kind, layer in stages(trace, side, substeps):
        unit = unit_rows(stage_vectors(trace, side, kind, layer))
        if not 0 <= pos < unit.shape[0]:
            raise ValueError(f"position {pos} outside 0..{unit.shape[0] - 1}")
        out.append(unit @ unit[pos])
    return np.stack(out)


@dataclass(frozen=True)
class Intake:
    """What one token's self-attention added to it, word by word, at every layer of a side.

    The attention output of query ``i`` is, before its bias, a sum over the key tokens ``j``:
    out_i = Σ_j m_j with m_j = Σ_h w_h,ij · v_h,j W_O,h (§3.2.2). ``m_j`` is exactly what
    word j moved token i by: the article's "John now carries Smart and singing". Its length
    ‖m_j‖ measures how much (the weight alone ignores how long v_j W_O is; Kobayashi et al.
    2020, "Attention is not only a weight").

    Attributes:
        shares: [layer, key] ‖m_j‖ / Σ_j ‖m_j‖: each word's share of the move (rows sum to 1).
        weights: [layer, key] the attention weights, mean over heads.
        messages: [layer, key, d_model] the m_j themselves.
        bias: [layer, d_model] b_O, the part of the output no word brought.
    """

    shares: np.ndarray
    weights: np.ndarray
    messages: np.ndarray
    bias: np.ndarray


def attention_intake(trace, weights, side: str, pos: int) -> Intake:
    """Split token ``pos``'s self-attention output on ``side`` into one message per key token,
    layer by layer (see ``Intake``). ``weights``: the model's ``Weights`` (W_O, b_O)."""
    stage = side  # a side's own self-attention stage is named as the side ("enc", "dec")
    if stage not in trace.stages:
        raise ValueError(f"no self-attention on side {side!r}; stages: {trace.stages}")
    n = len(trace.stage_tokens(stage)[0])
    if not 0 <= int(pos) < n:
        raise ValueError(f"position {pos} outside 0..{n - 1}")
    shares, mean_weights, messages, biases = [], [], [], []
    for layer in range(trace.n_layers_of(stage)):
        pattern = np.asarray(trace.pattern(stage, layer)[:, int(pos), :], dtype=float)  # [h, k]
        values = np.asarray(trace.attn(stage, layer, "v"), dtype=float)  # [h, k, e]
        W_O = np.asarray(weights.attn(stage, layer, "W_O"), dtype=float)  # [h, e, d]
        # One matrix product per head (BLAS), not a three-way einsum: 512 tokens stay fast.
        message = sum((pattern[h][:, None] * values[h]) @ W_O[h]
                      for h in range(len(W_O)))  # [k, d_model]
        norms = np.linalg.norm(message, axis=1)
        shares.append(norms / (norms.sum() or 1.0))
        mean_weights.append(pattern.mean(axis=0))
        messages.append(message)
        biases.append(np.asarray(weights.attn(stage, layer, "b_O"), dtype=float))
    return Intake(np.stack(shares), np.stack(mean_weights), np.stack(messages),
                  np.stack(biases))


def intake_columns(intake: Intake, positions) -> np.ndarray:
    """The [layer, m] share columns of ``positions`` (e.g. all but the special tokens)."""
    return np.asarray(intake.shares, dtype=float)[:, list(positions)]


def top_intake(intake: Intake, pos: int, keep=None) -> list[tuple[int, int, float]]:
    """Per layer, the word other than ``pos`` itself that moved it most: (layer, key position,
    share). ``keep``: positions that may be named (e.g. not the special tokens)."""
    allowed = set(range(intake.shares.shape[1]) if keep is None else keep) - {int(pos)}
    out = []
    for layer, row in enumerate(intake.shares):
        if allowed:
            j = max(sorted(allowed), key=lambda k: row[k])
            out.append((layer, int(j), float(row[j])))
    return out


def companions(cosines: np.ndarray, chosen: int, limit: int = 10,
               allowed=None) -> list[int]:
    """Tokens to draw beside ``chosen`` in a similarity-path chart: all when few, else the
    ``limit`` most similar at the last stage, in sentence order ([stage, token] cosines in).
    ``allowed``: only these positions may be drawn (e.g. all but the special tokens)."""
    cosines = np.asarray(cosines, dtype=float)
    keep = set(range(cosines.shape[1]) if allowed is None else allowed)
    others = [i for i in range(cosines.shape[1]) if i != chosen and i in keep]
    if len(others) > limit:
        ranked = sorted(others, key=lambda i: -cosines[-1, i])[:limit]
        others = sorted(ranked)
    return others


def cosine_columns(cosines: np.ndarray, positions: list[int]) -> np.ndarray:
    """The [stage, m] columns of ``cosines`` for ``positions``."""
    return np.asarray(cosines, dtype=float)[:, list(positions)]


def trajectory_frame(paths: Trajectories, stage_labels, tokens) -> pd.DataFrame:
    """Long table of the projected paths: one row per (stage, token) with PC coordinates."""
    n_stages, n_tokens, k = paths.points.shape
    if len(stage_labels) != n_stages or len(tokens) != n_tokens:
        raise ValueError("one label per stage and per token needed")
    rows = []
    for s, label in enumerate(stage_labels):
        for i, tok in enumerate(tokens):
            rows.append({"stage": label, "position": i, "token": tok,
                         **{f"PC{c + 1}": float(paths.points[s, i, c]) for c in range(k)}})
    return pd.DataFrame(rows)


def cosine_frame(cosines: np.ndarray, stage_labels, tokens) -> pd.DataFrame:
    """[stage, token] cosines as a table indexed by stage, one column per ``position: token``."""
    cosines = np.asarray(cosines, dtype=float)
    return pd.DataFrame(cosines, index=list(stage_labels),
                        columns=[f"{i}: {t}" for i, t in enumerate(tokens)])
