"""Add & Norm and the feed-forward layer (§3.1, §3.3), read from a trace, for any model.

Two placements of LayerNorm (``trace.caps.norm``):

* post-LN, as the paper (§3.1) and BERT: ``out = LayerNorm(x + Sublayer(x))``. The trace holds x,
  the sub-layer's output, the sum before LayerNorm (``sum_before_norm``) and the result.
* pre-LN, as GPT-2: ``out = x + Sublayer(LayerNorm(x))``. The stream x itself is never
  normalised; each sub-layer reads a normalised copy, recomputed here from the model's γ and β.

Everything shown is read from the trace; recomputing it from the weights is the page's check.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

# The stream a sub-layer reads, and the stream after its residual sum.
_AFTER = {"attn": "mid", "cross": "cross", "ffn": "post"}


def sublayers(trace, side: str) -> tuple[str, ...]:
    """The sub-layers of one layer on ``side``: ("attn", "ffn"), with "cross" between them in
    an encoder–decoder's decoder."""
    if side not in trace.sides:
        raise ValueError(f"this model has no {side!r} side (it has {trace.sides})")
    if side == "dec" and "cross" in trace.stages:
        return ("attn", "cross", "ffn")
    return ("attn", "ffn")


def stream_before(trace, side: str, layer: int, sublayer: str) -> np.ndarray:
    """The residual stream a sub-layer's Add starts from [pos, d_model]."""
    subs = sublayers(trace, side)
    if sublayer not in subs:
        raise ValueError(f"no sub-layer {sublayer!r} on side {side!r}")
    if sublayer == "attn":
        return trace.resid(side, layer, "pre")
    return trace.resid(side, layer, _AFTER[subs[subs.index(sublayer) - 1]])


def sublayer_output(trace, side: str, layer: int, sublayer: str) -> np.ndarray:
    """Sublayer(…) [pos, d_model]: attention's ``out`` or the feed-forward's ``out``."""
    if sublayer == "ffn":
        return trace.ffn(side, layer, "out")
    return trace.attn("cross" if sublayer == "cross" else side, layer, "out")


def layer_norm(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray,
               eps: float = 1e-5) -> np.ndarray:
    """γ ⊙ (x − μ) / √(σ² + ε) + β over the last axis, in float64 (population variance)."""
    return normalise(x, eps) * np.asarray(gamma, np.float64) + np.asarray(beta, np.float64)


def normalise(total: np.ndarray, eps: float = 1e-5) -> np.ndarray:
    """LayerNorm's first half: each row minus its mean, divided by its standard deviation
    (population std, as LayerNorm uses). The model then scales by γ and shifts by β."""
    total = np.asarray(total, dtype=np.float64)
    mean = total.mean(axis=-1, keepdims=True)
    var = total.var(axis=-1, keepdims=True)
    return (total - mean) / np.sqrt(var + eps)


_erf = np.frompyfunc(math.erf, 1, 1)


def activation(name: str, x: np.ndarray) -> np.ndarray:
    """The feed-forward non-linearity by the name ``caps.activation`` gives, in float64.

    "relu": max(0, x) (§3.3). "gelu": x·Φ(x) (BERT). "gelu_new" / "gelu_tanh" /
    "gelu_pytorch_tanh": GPT-2's tanh approximation. "silu" / "swish": x·sigmoid(x).

    Raises:
        ValueError: an activation this module does not know.
    """
    x = np.asarray(x, dtype=np.float64)
    if name == "relu":
        return np.maximum(x, 0.0)
    if name == "gelu":
        return 0.5 * x * (1.0 + _erf(x / math.sqrt(2.0)).astype(np.float64))
    if name in ("gelu_new", "gelu_tanh", "gelu_pytorch_tanh", "gelu_fast"):
        return 0.5 * x * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x**3)))
    if name in ("silu", "swish"):
        return x / (1.0 + np.exp(-x))
    raise ValueError(f"unknown activation {name!r}")


def activation_family(name: str) -> str:
    """"relu", "gelu" (exact or tanh-approximated), "silu" (swish) or "other"."""
    if name == "relu":
        return "relu"
    if name.startswith("gelu"):
        return "gelu"
    if name in ("silu", "swish"):
        return "silu"
    return "other"


@dataclass(frozen=True)
class Check:
    """A recomputation against what the model computed.

    Attributes:
        diff: max |recomputed − captured|.
        scale: max |captured|, to judge the difference against.
    """

    diff: float
    scale: float

    @property
    def ok(self) -> bool:
        """Agreement up to float32 rounding (relative 1e-3 of the values' size)."""
        return within(self.diff, self.scale)


def _check(recomputed: np.ndarray, captured: np.ndarray) -> Check:
    captured = np.asarray(captured, np.float64)
    diff = float(np.abs(np.asarray(recomputed, np.float64) - captured).max())
    return Check(diff, float(np.abs(captured).max()))


def within(diff: float | None, scale: float, rtol: float = 1e-3) -> bool:
    """Whether a recomputation agrees with the model up to float32 rounding."""
    return diff is not None and diff <= rtol * max(1.0, float(scale))


@dataclass(frozen=True)
class AddNorm:
    """One sub-layer with its residual sum and its LayerNorm, as the model placed it.

    Attributes:
        norm: "post" (LayerNorm(x + Sublayer(x))) or "pre" (x + Sublayer(LayerNorm(x))).
        x: [pos, d_model] the residual stream before the sub-layer.
        normed: [pos, d_model] pre-LN only: LayerNorm(x), what the sub-layer read (recomputed
            with the model's γ, β); None for post-LN or without weights.
        out: [pos, d_model] Sublayer(…), as captured.
        total: [pos, d_model] x + Sublayer(…), as captured (post-LN: before its LayerNorm;
            pre-LN: the new stream).
        after: [pos, d_model] the stream after the block: LayerNorm(total) for post-LN, total
            for pre-LN, as captured.
        checks: recomputations from numbers and weights vs what the model computed: "sum"
            (x + out vs total), "norm" (post-LN: LayerNorm(total) with γ, β vs after).
        tokens: one per position.
    """

    norm: str
    x: np.ndarray
    normed: np.ndarray | None
    out: np.ndarray
    total: np.ndarray
    after: np.ndarray
    tokens: list[str]
    checks: dict[str, Check] = field(default_factory=dict)

    @property
    def before_norm(self) -> np.ndarray:
        """What the LayerNorm of this sub-layer received: the sum (post-LN) or x (pre-LN)."""
        return self.total if self.norm == "post" else self.x

    @property
    def after_norm(self) -> np.ndarray | None:
        """What that LayerNorm gave back: the block's output (post-LN) or LayerNorm(x) (pre-LN,
        None without weights)."""
        return self.after if self.norm == "post" else self.normed


def add_norm(trace, side: str, layer: int, sublayer: str, weights=None) -> AddNorm:
    """The residual sum and its LayerNorm for one sub-layer, read from the trace.

    Args:
        side: "enc" or "dec" (one the model has).
        sublayer: "attn", "cross" (an encoder–decoder's decoder only) or "ffn".
        weights: ``explainer.contract.Weights``, for the checks and pre-LN's LayerNorm(x).
    """
    subs = sublayers(trace, side)  # raises for a side the model lacks
    if sublayer not in subs:
        raise ValueError(f"no sub-layer {sublayer!r} on side {side!r}")
    if not 0 <= int(layer) < trace.n_layers_of(side):
        raise ValueError(f"layer {layer} out of range 0..{trace.n_layers_of(side) - 1}")
    x = np.asarray(stream_before(trace, side, layer, sublayer), np.float64)
    out = np.asarray(sublayer_output(trace, side, layer, sublayer), np.float64)
    after = np.asarray(trace.resid(side, layer, _AFTER[sublayer]), np.float64)
    norm = trace.caps.norm
    total = (np.asarray(trace.sum_before_norm(side, layer, sublayer), np.float64)
             if norm == "post" else after)
    checks = {"sum": _check(x + out, total)}
    normed = None
    if weights is not None:
        gamma, beta = weights.norm(side, layer, sublayer)
        if norm == "post":
            checks["norm"] = _check(layer_norm(total, gamma, beta, trace.caps.norm_eps), after)
        else:
            normed = layer_norm(x, gamma, beta, trace.caps.norm_eps)
    return AddNorm(norm, x, normed, out, total, after, list(trace.tokens(side)), checks)


def token_stats(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-row mean and (population) standard deviation: ([pos], [pos])."""
    matrix = np.asarray(matrix, dtype=np.float64)
    return matrix.mean(axis=-1), matrix.std(axis=-1)


def stats_table(view: AddNorm, labels: dict[str, str]) -> pd.DataFrame:
    """Per token: mean and std of what LayerNorm received and, when known, of what it gave.

    ``labels`` maps "position", "token", "mean_before", "std_before", "mean_after", "std_after".
    """
    mean_b, std_b = token_stats(view.before_norm)
    frame = {labels["position"]: np.arange(len(view.tokens)), labels["token"]: view.tokens,
             labels["mean_before"]: np.round(mean_b, 4), labels["std_before"]: np.round(std_b, 4)}
    if view.after_norm is not None:
        mean_a, std_a = token_stats(view.after_norm)
        frame[labels["mean_after"]] = np.round(mean_a, 4)
        frame[labels["std_after"]] = np.round(std_a, 4)
    return pd.DataFrame(frame)


@dataclass(frozen=True)
class FfnCheck:
    """The feed-forward recomputed from its weights, against what the model computed."""

    out: Check  # hidden @ W_2 + b_2 vs the captured output
    hidden: Check | None  # act(input @ W_1 + b_1) vs the captured hidden; None: unknown act


def ffn_check(trace, side: str, layer: int, weights, view: AddNorm | None = None) -> FfnCheck:
    """FFN(x) = act(x W_1 + b_1) W_2 + b_2 (§3.3) recomputed with the model's weights.

    The input is the stream before the feed-forward (post-LN) or its LayerNorm (pre-LN).
    """
    hidden = trace.ffn(side, layer, "hidden")  # [pos, d_ff]
    w1, b1 = weights.ffn(side, layer, "W_1"), weights.ffn(side, layer, "b_1")
    w2, b2 = weights.ffn(side, layer, "W_2"), weights.ffn(side, layer, "b_2")
    out = _check(np.asarray(hidden, np.float64) @ np.asarray(w2, np.float64) + b2,
                 trace.ffn(side, layer, "out"))
    view = view or add_norm(trace, side, layer, "ffn", weights)
    x_in = view.x if view.norm == "post" else view.normed
    try:
        pre = x_in @ np.asarray(w1, np.float64) + b1
        found = _check(activation(trace.caps.activation, pre), hidden)
    except ValueError:
        found = None
    return FfnCheck(out, found)


@dataclass(frozen=True)
class FfnActivity:
    hidden: np.ndarray  # [pos, d_ff] after the activation
    off_share: np.ndarray  # [pos] fraction of hidden units at or below 0
    overall: float  # fraction at or below 0 in the whole matrix
    tokens: list[str]


def ffn_activity(trace, side: str, layer: int) -> FfnActivity:
    """The feed-forward layer's hidden activations (§3.3) and how many are switched off.

    ReLU sets every negative pre-activation to exactly 0; GELU lets small negative values
    through (down to about −0.17), so "off" is counted as "at or below 0", which for ReLU is
    exactly the zeros.
    """
    hidden = trace.ffn(side, layer, "hidden")
    off = hidden <= 0
    return FfnActivity(hidden, off.mean(axis=-1), float(off.mean()), list(trace.tokens(side)))


@dataclass(frozen=True)
class StreamNorms:
    """The size (L2 norm) of every token's residual-stream vector at each checkpoint."""

    norms: np.ndarray  # [checkpoint, pos]
    # (layer or −1 for the input, sub-layer, kind): kind "input", "sum" (x + Sublayer, post-LN
    # before its LayerNorm; pre-LN: the stream itself) or "norm" (after LayerNorm, post-LN).
    checkpoints: list[tuple[int, str, str]]
    tokens: list[str]


def stream_norms(trace, side: str) -> StreamNorms:
    """How the residual stream's size changes through the layers.

    Post-LN: the input, then per sub-layer the sum x + Sublayer(x) and the result after its
    LayerNorm. Pre-LN: the input, then the stream after each residual sum (it is never
    normalised itself, so it grows).
    """
    subs = sublayers(trace, side)
    rows = [np.linalg.norm(trace.embed(side, "input"), axis=-1)]
    checkpoints: list[tuple[int, str, str]] = [(-1, "input", "input")]
    post = trace.caps.norm == "post"
    for layer in range(trace.n_layers_of(side)):
        for sub in subs:
            if post:
                rows.append(np.linalg.norm(trace.sum_before_norm(side, layer, sub), axis=-1))
                checkpoints.append((layer, sub, "sum"))
                rows.append(np.linalg.norm(trace.resid(side, layer, _AFTER[sub]), axis=-1))
                checkpoints.append((layer, sub, "norm"))
            else:
                rows.append(np.linalg.norm(trace.resid(side, layer, _AFTER[sub]), axis=-1))
                checkpoints.append((layer, sub, "sum"))
    return StreamNorms(np.stack(rows), checkpoints, list(trace.tokens(side)))


def first_tokens(norms: StreamNorms, limit: int) -> StreamNorms:
    """The first ``limit`` tokens' lines only (one line per token stops being readable, and a
    512-token input would send 512 traces to the browser)."""
    return StreamNorms(norms.norms[:, :limit], norms.checkpoints, norms.tokens[:limit])


def norms_table(norms: StreamNorms, checkpoint_labels: list[str],
                labels: dict[str, str]) -> pd.DataFrame:
    """Checkpoints as rows, tokens as columns (position-prefixed, so repeats stay apart)."""
    if len(checkpoint_labels) != norms.norms.shape[0]:
        raise ValueError("one label per checkpoint is needed")
    columns = [f"{i}: {tok}" for i, tok in enumerate(norms.tokens)]
    frame = pd.DataFrame(np.round(norms.norms, 4), columns=columns)
    frame.insert(0, labels["checkpoint"], checkpoint_labels)
    return frame
