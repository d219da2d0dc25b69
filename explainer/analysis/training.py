"""The training film and the cost, as numbers for figures: curves, gradient norms, a fixed
embedding map, how sharp attention is, and label smoothing's target distribution.

Everything takes plain values (training.json's log, arrays from traces and weights).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from explainer.analysis.walk_pca import Projection, fixed_sign_pca


def curve(log: Sequence[Mapping], key: str) -> tuple[np.ndarray, np.ndarray]:
    """(steps, values) of ``key`` over the log records that have it, in step order."""
    rows = sorted((r for r in log if r.get(key) is not None), key=lambda r: r["step"])
    return (np.array([r["step"] for r in rows], dtype=int),
            np.array([float(r[key]) for r in rows], dtype=float))


def nearest_record(log: Sequence[Mapping], step: int, key: str = "loss") -> Mapping | None:
    """The log record with ``key`` whose step is nearest ``step`` (None if no record has it)."""
    rows = [r for r in log if r.get(key) is not None]
    if not rows:
        return None
    return min(rows, key=lambda r: (abs(r["step"] - step), r["step"]))


def layer_order(name: str) -> tuple[int, int]:
    """Sort key for gradient-norm groups: embed, then enc.0, enc.1, ..., then dec.0, ..."""
    if name == "embed":
        return (0, 0)
    side, _, layer = name.partition(".")
    return ({"enc": 1, "dec": 2}.get(side, 3), int(layer) if layer.isdigit() else 0)


def grad_norms_at(log: Sequence[Mapping], step: int) -> tuple[int, list[str], np.ndarray]:
    """(logged step, layer names, norms) of the per-layer gradient norms nearest ``step``.

    Raises:
        ValueError: no record has gradient norms.
    """
    record = nearest_record(log, step, "grad_norm")
    if record is None:
        raise ValueError("this training log has no gradient norms")
    names = sorted(record["grad_norm"], key=layer_order)
    return int(record["step"]), names, np.array([record["grad_norm"][n] for n in names])


def grad_norm_matrix(log: Sequence[Mapping]) -> tuple[np.ndarray, list[str], np.ndarray]:
    """(steps [n], layer names [L], norms [L, n]) over every record with gradient norms."""
    rows = sorted((r for r in log if r.get("grad_norm")), key=lambda r: r["step"])
    if not rows:
        raise ValueError("this training log has no gradient norms")
    names = sorted(rows[-1]["grad_norm"], key=layer_order)
    values = np.array([[r["grad_norm"].get(n, np.nan) for r in rows] for n in names])
    return np.array([r["step"] for r in rows], dtype=int), names, values


def grad_norm_range(log: Sequence[Mapping]) -> tuple[float, float]:
    """(smallest positive, largest) gradient norm over the whole log: a fixed axis."""
    _, _, values = grad_norm_matrix(log)
    positive = values[np.isfinite(values) & (values > 0)]
    if positive.size == 0:
        raise ValueError("this training log has no positive gradient norms")
    return float(positive.min()), float(positive.max())


def embedding_axes(embedding: np.ndarray, skip: int = 0) -> Projection:
    """Two sign-fixed principal axes of an embedding matrix [vocab, d] (rows from ``skip`` on:
    the special tokens are left out). Fitted once, on the final snapshot, the same axes show
    every step, so the points' motion is the training's, not the projection's."""
    return fixed_sign_pca(np.asarray(embedding)[skip:], 2)


def project_rows(axes: Projection, embedding: np.ndarray, ids: Sequence[int]) -> np.ndarray:
    """[len(ids), 2]: the embedding rows of ``ids`` on fixed axes."""
    return axes.transform(np.asarray(embedding)[list(ids)])


def sharpness(pattern: np.ndarray) -> float:
    """How focused attention is: the mean over rows of the largest weight, in [1/keys, 1].

    Uniform attention (noise at W0 looks like this) gives 1/keys; one clear key per query
    gives 1. ``pattern`` is [..., query, key] (heads averaged in by the mean).
    """
    values = np.asarray(pattern, dtype=float)
    if values.ndim < 2 or values.shape[-1] == 0:
        raise ValueError(f"an attention pattern is [..., query, key], got {values.shape}")
    return float(values.max(axis=-1).mean())


def smoothed_target(vocab_size: int, right: int, eps: float, pad_id: int | None = 0
                    ) -> np.ndarray:
    """Label smoothing's target (§5.4) as PyTorch's cross-entropy builds it: 1 − ε on the
    right word plus ε spread evenly over the whole vocabulary, the right word included.

    ``pad_id`` is only for the caller's reference: PyTorch spreads over every class, padding
    too (``ignore_index`` drops padded *positions*, not the padding class).
    """
    if not 0 <= right < vocab_size:
        raise ValueError(f"right id {right} is outside the vocabulary of {vocab_size}")
    target = np.full(vocab_size, eps / vocab_size)
    target[right] += 1.0 - eps
    return target


def one_hot(vocab_size: int, right: int) -> np.ndarray:
    target = np.zeros(vocab_size)
    target[right] = 1.0
    return target


def top_entries(probs: np.ndarray, right: int, k: int = 8) -> np.ndarray:
    """Ids of the ``k`` most probable entries, the right one always among them (first)."""
    order = [int(i) for i in np.argsort(-np.asarray(probs), kind="stable") if int(i) != right]
    return np.array([right] + order[: max(0, k - 1)], dtype=int)


def cost_table(tokens: Sequence[str], p_right: np.ndarray, neg_log: np.ndarray,
               smoothed: np.ndarray, labels: Mapping[str, str]):
    """A DataFrame: one row per target token (token, p(right), −log p, smoothed loss)."""
    import pandas as pd

    return pd.DataFrame({
        labels["token"]: list(tokens),
        labels["p_right"]: np.round(np.asarray(p_right, dtype=float), 4),
        labels["neg_log"]: np.round(np.asarray(neg_log, dtype=float), 4),
        labels["smoothed"]: np.round(np.asarray(smoothed, dtype=float), 4),
    })


def change_groups(names: Sequence[str], change: np.ndarray, limit: int = 16
                  ) -> tuple[list[str], np.ndarray]:
    """The ``limit`` parameters that changed most (names and ‖ΔW‖), largest first."""
    order = np.argsort(-np.asarray(change, dtype=float), kind="stable")[:limit]
    return [names[i] for i in order], np.asarray(change, dtype=float)[order]


def heads_mean(pattern: np.ndarray) -> np.ndarray:
    """[head, query, key] -> [query, key]: the heads' attention averaged (rows still sum to 1)."""
    values = np.asarray(pattern, dtype=float)
    if values.ndim != 3:
        raise ValueError(f"expected [head, query, key], got {values.shape}")
    return values.mean(axis=0)
