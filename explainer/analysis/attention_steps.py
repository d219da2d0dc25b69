"""Step 3 of the article, self-attention, recomputed by hand for one head and one query token.

From the layer's input and the head's W_Q, W_K, W_V, every step of §3.2.1 is redone in float64:
q = x W_Q + b_Q, k_j and v_j likewise, scores q·k_j, division by √d_k, the mask, softmax, and
z = Σ_j w_j v_j. Each step is compared with what the model itself computed (its hooks), so the
page can state that the hand computation *is* the model's output.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from explainer.analysis.views import block_prefix, stage_tokens


def layer_inputs(trace, stage: str, layer: int) -> tuple[np.ndarray, np.ndarray]:
    """What an attention block reads: (query-side input [t, d_model], key/value input [s, d_model]).

    Encoder and decoder self-attention read the layer's input (the embedding + PE for layer 0,
    else the previous layer's ``hook_resid_post``). Cross-attention's queries come from the
    decoder after its self-attention (``hook_resid_mid``); its keys and values from the
    encoder's last layer (§3.2.3).
    """
    n_layers = trace.n_layers
    if not 0 <= layer < n_layers:
        raise ValueError(f"layer {layer} outside 0..{n_layers - 1}")
    if stage == "cross":
        return (trace[f"dec.blocks.{layer}.hook_resid_mid"],
                trace[f"enc.blocks.{n_layers - 1}.hook_resid_post"])
    side = "enc" if stage == "enc" else "dec"
    block_prefix(stage, layer)  # validates the stage name
    name = "hook_input" if layer == 0 else f"blocks.{layer - 1}.hook_resid_post"
    x = trace[f"{side}.{name}"]
    return x, x


@dataclass(frozen=True)
class Steps:
    """Every number of one head's attention for one query, by hand and by the model.

    Shapes use d = d_model, e = d_head (d_k = d_v), s = number of keys.

    Attributes:
        query_token, key_tokens: labels; ``query`` is the query's position.
        x: [d] the query token's input vector; ``x_keys`` [s, d] the key/value inputs.
        W_Q, W_K, W_V: [d, e] this head's projections; ``b_Q``, ``b_K``, ``b_V`` [e].
        q: [e] the query; ``keys``, ``values``: [s, e].
        dots: [s] q·k_j; ``scaled``: [s] dots / √d_k; ``masked``: [s] True where forbidden.
        weights: [s] softmax of the scaled, masked scores (zero where masked; sums to 1).
        weighted: [s, e] w_j · v_j; ``z``: [e] their sum.
        z_model: [e] the model's own ``hook_z`` for this head and query.
        differences: max |hand − model| for q, k, v, scores, weights and z.
    """

    stage: str
    layer: int
    head: int
    query: int
    query_token: str
    key_tokens: list[str]
    x: np.ndarray
    x_keys: np.ndarray
    W_Q: np.ndarray
    W_K: np.ndarray
    W_V: np.ndarray
    b_Q: np.ndarray
    b_K: np.ndarray
    b_V: np.ndarray
    q: np.ndarray
    keys: np.ndarray
    values: np.ndarray
    dots: np.ndarray
    scaled: np.ndarray
    masked: np.ndarray
    weights: np.ndarray
    weighted: np.ndarray
    z: np.ndarray
    z_model: np.ndarray
    differences: dict[str, float]

    @property
    def d_k(self) -> int:
        return int(self.q.shape[0])

    @property
    def sqrt_d_k(self) -> float:
        return float(np.sqrt(self.d_k))

    @property
    def weight_sum(self) -> float:
        return float(self.weights.sum())

    @property
    def n_masked(self) -> int:
        return int(self.masked.sum())

    @property
    def z_difference(self) -> float:
        """max |Σ w_j v_j (by hand) − the model's z|: the number the page states."""
        return self.differences["z"]


def _max_abs(a: np.ndarray, b: np.ndarray) -> float:
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    finite = np.isfinite(a) & np.isfinite(b)
    if np.any(np.isfinite(a) != np.isfinite(b)):
        return float("inf")  # one side masked, the other not: a real disagreement
    return float(np.max(np.abs(a[finite] - b[finite]))) if finite.any() else 0.0


def attention_steps(trace, weights: dict, stage: str, layer: int, head: int,
                    query: int) -> Steps:
    """Recompute head ``head`` of ``stage`` attention in ``layer`` for query position ``query``.

    Args:
        trace: a Trace of the sentence.
        weights: attention projections by name (``explainer.trace.attention_weights``).
        stage: "enc", "dec" or "cross".

    Raises:
        ValueError: layer, head or query out of range.
    """
    prefix = block_prefix(stage, layer)
    x_q, x_kv = layer_inputs(trace, stage, layer)
    n_heads = trace[f"{prefix}.hook_q"].shape[0]
    if not 0 <= head < n_heads:
        raise ValueError(f"head {head} outside 0..{n_heads - 1}")
    if not 0 <= query < x_q.shape[0]:
        raise ValueError(f"query {query} outside 0..{x_q.shape[0] - 1}")
    W = {name: np.asarray(weights[f"{prefix}.{name}"][head], dtype=float)
         for name in ("W_Q", "W_K", "W_V", "b_Q", "b_K", "b_V")}
    x = np.asarray(x_q[query], dtype=float)  # [d]
    x_keys = np.asarray(x_kv, dtype=float)  # [s, d]
    q = x @ W["W_Q"] + W["b_Q"]  # [e]
    keys = x_keys @ W["W_K"] + W["b_K"]  # [s, e]
    values = x_keys @ W["W_V"] + W["b_V"]  # [s, e]
    dots = keys @ q  # [s]
    scaled = dots / np.sqrt(q.shape[0])  # §3.2.1: keeps softmax out of its flat regions
    # The mask is read from the model's scores (−inf where forbidden): padding keys for every
    # stage, and later positions for the decoder's self-attention (§3.2.3).
    masked = np.isneginf(trace[f"{prefix}.hook_scores"][head, query])
    allowed = np.where(masked, -np.inf, scaled)
    shifted = np.exp(allowed - allowed[~masked].max()) if (~masked).any() else np.zeros_like(dots)
    attn = shifted / shifted.sum() if shifted.sum() > 0 else shifted  # softmax
    weighted = attn[:, None] * values  # [s, e]
    z = weighted.sum(axis=0)  # [e]
    z_model = np.asarray(trace[f"{prefix}.hook_z"][head, query], dtype=float)
    differences = {
        "q": _max_abs(q, trace[f"{prefix}.hook_q"][head, query]),
        "k": _max_abs(keys, trace[f"{prefix}.hook_k"][head]),
        "v": _max_abs(values, trace[f"{prefix}.hook_v"][head]),
        "scores": _max_abs(allowed, trace[f"{prefix}.hook_scores"][head, query]),
        "weights": _max_abs(attn, trace[f"{prefix}.hook_pattern"][head, query]),
        "z": _max_abs(z, z_model),
    }
    q_tokens, k_tokens = stage_tokens(trace, stage)
    return Steps(
        stage=stage, layer=int(layer), head=int(head), query=int(query),
        query_token=q_tokens[query], key_tokens=k_tokens, x=x, x_keys=x_keys,
        W_Q=W["W_Q"], W_K=W["W_K"], W_V=W["W_V"], b_Q=W["b_Q"], b_K=W["b_K"], b_V=W["b_V"],
        q=q, keys=keys, values=values, dots=dots, scaled=scaled, masked=masked, weights=attn,
        weighted=weighted, z=z, z_model=z_model, differences=differences,
    )


def score_table(steps: Steps, labels: dict[str, str]) -> pd.DataFrame:
    """One row per key: position, token, q·k_j, ÷√d_k, masked, softmax weight.

    ``labels`` maps "position", "token", "dot", "scaled", "masked", "weight" to the interface
    language. A masked key's scaled score is −∞.
    """
    rows = []
    for j, tok in enumerate(steps.key_tokens):
        rows.append({
            labels["position"]: j,
            labels["token"]: tok,
            labels["dot"]: float(steps.dots[j]),
            labels["scaled"]: -np.inf if steps.masked[j] else float(steps.scaled[j]),
            labels["masked"]: bool(steps.masked[j]),
            labels["weight"]: float(steps.weights[j]),
        })
    return pd.DataFrame(rows)


def difference_table(steps: Steps, labels: dict[str, str]) -> pd.DataFrame:
    """The hand-vs-model check as a two-column table (step, max |difference|)."""
    return pd.DataFrame({labels["step"]: list(steps.differences),
                         labels["difference"]: list(steps.differences.values())})


# The weighted-sum figure draws at most this many w_j·v_j rows (the largest weights).
MAX_SUM_ROWS = 24


def weighted_rows(steps: Steps, limit: int = MAX_SUM_ROWS) -> tuple[np.ndarray, list[int]]:
    """Rows w_j·v_j to draw above their sum z: ([m + 1, d_head], the m key positions).

    All keys when there are at most ``limit``; else the ``limit`` keys with the largest weights,
    in sentence order (the others add little). The last row is always the full z.
    """
    n = len(steps.key_tokens)
    keys = list(range(n))
    if n > limit:
        keys = sorted(np.argsort(-steps.weights, kind="stable")[:limit].tolist())
    return np.vstack([steps.weighted[keys], steps.z[None]]), keys
