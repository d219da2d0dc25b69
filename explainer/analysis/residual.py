"""Add & Norm and the feed-forward layer (§3.1, §3.3), read from a trace.

Every sub-layer is wrapped as LayerNorm(x + Sublayer(x)) (§3.1, "post-LN"). The trace holds x,
the attention sub-layers' outputs and the normalised results, so the sum before LayerNorm is
x + Sublayer(x), computed here. The feed-forward output is not a hook of its own: it is
ReLU-hidden @ W_2 + b_2, computed when those weights are given.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

SUBLAYERS = {"enc": ("attn", "ffn"), "dec": ("attn", "cross", "ffn")}


def layer_input(trace, side: str, layer: int) -> np.ndarray:
    """The residual stream entering a layer: ``*.hook_input`` or the previous resid_post."""
    if layer == 0:
        return trace[f"{side}.hook_input"]
    return trace[f"{side}.blocks.{layer - 1}.hook_resid_post"]


def _ffn_weight_names(side: str, layer: int) -> tuple[str, str]:
    prefix = f"{side}.blocks.{int(layer)}.ffn.W_2"
    return f"{prefix}.weight", f"{prefix}.bias"


def has_ffn_weights(weights: dict | None, side: str, layer: int) -> bool:
    return weights is not None and all(n in weights for n in _ffn_weight_names(side, layer))


def ffn_output(trace, side: str, layer: int, weights: dict) -> np.ndarray:
    """FFN(x) = ReLU(x W_1 + b_1) W_2 + b_2 (§3.3), from the captured hidden layer: [pos, d_model].

    ``weights`` holds ``{side}.blocks.{layer}.ffn.W_2.weight`` [d_model, d_ff] (torch's Linear
    layout) and ``.bias`` [d_model].
    """
    w_name, b_name = _ffn_weight_names(side, layer)
    hidden = trace[f"{side}.blocks.{int(layer)}.ffn.hook_hidden"]  # [pos, d_ff]
    return hidden.astype(np.float64) @ np.asarray(weights[w_name], np.float64).T + weights[b_name]


@dataclass(frozen=True)
class AddNorm:
    """One Add & Norm: x, the sub-layer's output, their sum, and LayerNorm(sum) from the model.

    ``out`` and ``total`` are None for the feed-forward sub-layer when its weights are not given.
    """

    x: np.ndarray  # [pos, d_model] sub-layer input (the residual stream)
    out: np.ndarray | None  # [pos, d_model] Sublayer(x)
    total: np.ndarray | None  # [pos, d_model] x + Sublayer(x), before LayerNorm
    after: np.ndarray  # [pos, d_model] LayerNorm(x + Sublayer(x)), as captured
    tokens: list[str]


def add_norm(trace, side: str, layer: int, sublayer: str, weights: dict | None = None) -> AddNorm:
    """The residual sum before LayerNorm and the result after, for one sub-layer.

    Args:
        side: "enc" or "dec".
        sublayer: "attn", "cross" (decoder only) or "ffn".
        weights: needed for "ffn" only (see ``ffn_output``).
    """
    if side not in SUBLAYERS or sublayer not in SUBLAYERS[side]:
        raise ValueError(f"no sub-layer {sublayer!r} on side {side!r}")
    if not 0 <= int(layer) < trace.n_layers:
        raise ValueError(f"layer {layer} out of range 0..{trace.n_layers - 1}")
    block = f"{side}.blocks.{int(layer)}"
    tokens = list(trace.src_tokens if side == "enc" else trace.tgt_tokens)
    if sublayer == "attn":
        x, out, after = (layer_input(trace, side, layer), trace[f"{block}.attn.hook_out"],
                         trace[f"{block}.hook_resid_mid"])
    elif sublayer == "cross":
        x, out, after = (trace[f"{block}.hook_resid_mid"], trace[f"{block}.cross.hook_out"],
                         trace[f"{block}.hook_resid_cross"])
    else:
        x = trace[f"{block}.hook_resid_mid" if side == "enc" else f"{block}.hook_resid_cross"]
        out = ffn_output(trace, side, layer, weights) if has_ffn_weights(
            weights, side, layer) else None
        after = trace[f"{block}.hook_resid_post"]
    x = np.asarray(x, dtype=np.float64)
    total = None if out is None else x + out
    return AddNorm(x, None if out is None else np.asarray(out, np.float64), total,
                   np.asarray(after, np.float64), tokens)


def normalise(total: np.ndarray, eps: float = 1e-5) -> np.ndarray:
    """LayerNorm's first half: each row minus its mean, divided by its standard deviation
    (population std, as LayerNorm uses). The model then scales by γ and shifts by β."""
    total = np.asarray(total, dtype=np.float64)
    mean = total.mean(axis=-1, keepdims=True)
    var = total.var(axis=-1, keepdims=True)
    return (total - mean) / np.sqrt(var + eps)


def token_stats(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-row mean and (population) standard deviation: ([pos], [pos])."""
    matrix = np.asarray(matrix, dtype=np.float64)
    return matrix.mean(axis=-1), matrix.std(axis=-1)


def stats_table(view: AddNorm, labels: dict[str, str]) -> pd.DataFrame:
    """Per token: mean and std before LayerNorm (when known) and after.

    ``labels`` maps "position", "token", "mean_before", "std_before", "mean_after", "std_after".
    """
    mean_a, std_a = token_stats(view.after)
    frame = {labels["position"]: np.arange(len(view.tokens)), labels["token"]: view.tokens}
    if view.total is not None:
        mean_b, std_b = token_stats(view.total)
        frame[labels["mean_before"]] = np.round(mean_b, 4)
        frame[labels["std_before"]] = np.round(std_b, 4)
    frame[labels["mean_after"]] = np.round(mean_a, 4)
    frame[labels["std_after"]] = np.round(std_a, 4)
    return pd.DataFrame(frame)


@dataclass(frozen=True)
class FfnActivity:
    hidden: np.ndarray  # [pos, d_ff] after ReLU
    zero_share: np.ndarray  # [pos] fraction of exact zeros per position
    overall: float  # fraction of exact zeros in the whole matrix
    tokens: list[str]


def ffn_activity(trace, side: str, layer: int) -> FfnActivity:
    """The feed-forward layer's hidden activations after ReLU (§3.3) and how many are 0.

    ReLU sets every negative pre-activation to exactly 0, so the share of zeros says how many
    of the d_ff hidden units each token switched off.
    """
    hidden = trace[f"{side}.blocks.{int(layer)}.ffn.hook_hidden"]
    zero = hidden == 0
    tokens = list(trace.src_tokens if side == "enc" else trace.tgt_tokens)
    return FfnActivity(hidden, zero.mean(axis=-1), float(zero.mean()), tokens)


@dataclass(frozen=True)
class StreamNorms:
    """The size (L2 norm) of every token's residual-stream vector at each checkpoint."""

    norms: np.ndarray  # [checkpoint, pos]
    checkpoints: list[tuple[int, str, str]]  # (layer or −1 for the input, sublayer, "sum"/"norm")
    tokens: list[str]


def stream_norms(trace, side: str, weights: dict | None = None) -> StreamNorms:
    """How the residual stream's size changes through the layers.

    Checkpoints: the input (embedding + PE), then for every layer and sub-layer the sum
    x + Sublayer(x) before LayerNorm (skipped for the feed-forward when its weights are not
    given) and the result after it.
    """
    if side not in SUBLAYERS:
        raise ValueError(f"side must be 'enc' or 'dec', got {side!r}")
    rows = [np.linalg.norm(trace[f"{side}.hook_input"], axis=-1)]
    checkpoints: list[tuple[int, str, str]] = [(-1, "input", "norm")]
    for layer in range(trace.n_layers):
        for sub in SUBLAYERS[side]:
            view = add_norm(trace, side, layer, sub, weights)
            if view.total is not None:
                rows.append(np.linalg.norm(view.total, axis=-1))
                checkpoints.append((layer, sub, "sum"))
            rows.append(np.linalg.norm(view.after, axis=-1))
            checkpoints.append((layer, sub, "norm"))
    tokens = list(trace.src_tokens if side == "enc" else trace.tgt_tokens)
    return StreamNorms(np.stack(rows), checkpoints, tokens)


def norms_table(norms: StreamNorms, checkpoint_labels: list[str],
                labels: dict[str, str]) -> pd.DataFrame:
    """Checkpoints as rows, tokens as columns (position-prefixed, so repeats stay apart)."""
    if len(checkpoint_labels) != norms.norms.shape[0]:
        raise ValueError("one label per checkpoint is needed")
    columns = [f"{i}: {tok}" for i, tok in enumerate(norms.tokens)]
    frame = pd.DataFrame(np.round(norms.norms, 4), columns=columns)
    frame.insert(0, labels["checkpoint"], checkpoint_labels)
    return frame
