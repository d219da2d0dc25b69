"""Step 3 of the article, self-attention, recomputed by hand for one head and one query token.

From the block's input (its LayerNorm for a pre-LN model such as GPT-2) and the head's W_Q, W_K,
W_V, every step of §3.2.1 is redone in float64:
q = x W_Q + b_Q, k_j and v_j likewise, scores q·k_j, division by √d_k, the mask, softmax, and
z = Σ_j w_j v_j. Each step is compared with what the model itself computed (its hooks), so the
page can state that the hand computation *is* the model's output.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from explainer.analysis.views import stage_tokens
from explainer.contract import side_of

# LayerNorm's ε. Weights hold γ and β but not ε; 1e-5 is GPT-2's, torch's default and ours.
# For the pre-LN recomputation the difference it makes is far below the check's tolerance.
LN_EPS = 1e-5
# The on-screen check calls hand and model equal below this max |difference|. The model sums
# d_model products in float32 and we in float64; measured on ours, all-MiniLM-L6-v2 and small
# GPT-2 and Marian models, the largest difference over every layer, head and stage was 3e-6.
# Families may get their own entry should a real model need more room.
TOLERANCE: dict[str, float] = {}
DEFAULT_TOLERANCE = 1e-4


def tolerance(caps) -> float:
    """The largest max |hand − model| the page still calls equal, for this model."""
    return TOLERANCE.get(caps.family, DEFAULT_TOLERANCE)


def layer_norm(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray,
               eps: float = LN_EPS) -> np.ndarray:
    """LayerNorm over the last axis (§3.1, Ba et al.): γ · (x − mean) / √(var + ε) + β."""
    x = np.asarray(x, dtype=float)
    mean = x.mean(axis=-1, keepdims=True)
    var = x.var(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * np.asarray(gamma, float) + np.asarray(beta, float)


def layer_inputs(trace, stage: str, layer: int) -> tuple[np.ndarray, np.ndarray]:
    """The residual stream an attention block starts from: (query side [t, d_model],
    key/value side [s, d_model]).

    Self-attention reads its block's input (``resid(side, layer, "pre")``: the embedding +
    positions for layer 0, else the previous layer's output). Cross-attention's queries come
    from the decoder after its self-attention (``resid("dec", layer, "mid")``); its keys and
    values from the encoder's last layer (§3.2.3). A pre-LN model normalises the query side
    first (see ``block_inputs``).
    """
    n_layers = trace.n_layers_of(stage)
    if not 0 <= layer < n_layers:
        raise ValueError(f"layer {layer} outside 0..{n_layers - 1}")
    if stage == "cross":
        return trace.resid("dec", layer, "mid"), trace.final("enc")
    x = trace.resid(side_of(stage), layer, "pre")
    return x, x


def block_inputs(trace, weights, stage: str, layer: int) -> tuple[np.ndarray, np.ndarray]:
    """What W_Q (first) and W_K, W_V (second) multiply: ``layer_inputs`` for a post-LN model;
    for a pre-LN model (GPT-2) LayerNorm of them with the block's own γ, β. Cross-attention's
    keys and values are the encoder's output, which needs no second norm."""
    x_q, x_kv = layer_inputs(trace, stage, layer)
    if trace.caps.norm != "pre":
        return np.asarray(x_q, float), np.asarray(x_kv, float)
    sublayer = "cross" if stage == "cross" else "attn"
    gamma, beta = weights.norm(side_of(stage), layer, sublayer)
    normed_q = layer_norm(x_q, gamma, beta)
    return normed_q, (np.asarray(x_kv, float) if stage == "cross" else normed_q)


@dataclass(frozen=True)
class Steps:
    """Every number of one head's attention for one query, by hand and by the model.

    Shapes use d = d_model, e = d_head (d_k = d_v), s = number of keys.

    Attributes:
        query_token, key_tokens: labels; ``query`` is the query's position.
        x_resid: [d] the query token's vector on the residual stream as the block starts.
        x: [d] what W_Q multiplies: ``x_resid``, or its LayerNorm in a pre-LN model
            (``normed``); ``x_keys`` [s, d] what W_K and W_V multiply.
        W_Q, W_K, W_V: [d, e] this head's projections; ``b_Q``, ``b_K``, ``b_V`` [e].
        q: [e] the query; ``keys``, ``values``: [s, e].
        dots: [s] q·k_j; ``scaled``: [s] dots / √d_k; ``masked``: [s] True where forbidden.
        weights: [s] softmax of the scaled, masked scores (zero where masked; sums to 1).
        weighted: [s, e] w_j · v_j; ``z``: [e] their sum.
        z_model: [e] the model's own z for this head and query (``trace.attn(…, "z")``).
        differences: max |hand − model| for q, k, v, scores, weights and z.
    """

    stage: str
    layer: int
    head: int
    query: int
    query_token: str
    key_tokens: list[str]
    x_resid: np.ndarray
    normed: bool
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
    return float(np.max(np.abs(a - b))) if a.size else 0.0


def attention_steps(trace, weights, stage: str, layer: int, head: int, query: int) -> Steps:
    """Recompute head ``head`` of ``stage`` attention in ``layer`` for query position ``query``.

    Args:
        trace: a Trace of the sentence (any model).
        weights: the model's ``Weights`` (``w.attn(stage, layer, "W_Q")`` …, ``w.norm``).
        stage: one of ``trace.stages``.

    Raises:
        ValueError: layer, head or query out of range, or a stage the model lacks.
    """
    if stage not in trace.stages:
        raise ValueError(f"this model has no {stage!r} attention (it has {trace.stages})")
    x_q, x_kv = block_inputs(trace, weights, stage, layer)
    n_heads = trace.caps.n_heads
    if not 0 <= head < n_heads:
        raise ValueError(f"head {head} outside 0..{n_heads - 1}")
    if not 0 <= query < x_q.shape[0]:
        raise ValueError(f"query {query} outside 0..{x_q.shape[0] - 1}")
    W = {name: np.asarray(weights.attn(stage, layer, name)[head], dtype=float)
         for name in ("W_Q", "W_K", "W_V", "b_Q", "b_K", "b_V")}
    x = x_q[query]  # [d]
    x_keys = x_kv  # [s, d]
    q = x @ W["W_Q"] + W["b_Q"]  # [e]
    keys = x_keys @ W["W_K"] + W["b_K"]  # [s, e]
    values = x_keys @ W["W_V"] + W["b_V"]  # [s, e]
    dots = keys @ q  # [s]
    scaled = dots / np.sqrt(q.shape[0])  # §3.2.1: keeps softmax out of its flat regions
    # The mask is the trace's (padding keys; later positions for a decoder's self-attention,
    # §3.2.3), never guessed from the scores: Hugging Face masks with large finite numbers.
    masked = np.asarray(trace.mask(stage)[query], dtype=bool)
    allowed = np.where(masked, -np.inf, scaled)
    shifted = np.exp(allowed - allowed[~masked].max()) if (~masked).any() else np.zeros_like(dots)
    attn = shifted / shifted.sum() if shifted.sum() > 0 else shifted  # softmax
    weighted = attn[:, None] * values  # [s, e]
    z = weighted.sum(axis=0)  # [e]
    part = {name: trace.attn(stage, layer, name)[head]
            for name in ("q", "k", "v", "scores", "pattern", "z")}
    z_model = np.asarray(part["z"][query], dtype=float)
    open_keys = ~masked
    differences = {
        "q": _max_abs(q, part["q"][query]),
        "k": _max_abs(keys, part["k"]),
        "v": _max_abs(values, part["v"]),
        # Masked scores are whatever the model left there (−inf, −10⁹, …): compare the others.
        "scores": _max_abs(scaled[open_keys], part["scores"][query][open_keys]),
        "weights": _max_abs(attn, part["pattern"][query]),
        "z": _max_abs(z, z_model),
    }
    q_tokens, k_tokens = stage_tokens(trace, stage)
    x_resid = np.asarray(layer_inputs(trace, stage, layer)[0][query], dtype=float)
    return Steps(
        stage=stage, layer=int(layer), head=int(head), query=int(query),
        query_token=q_tokens[query], key_tokens=k_tokens, x_resid=x_resid,
        normed=trace.caps.norm == "pre", x=x, x_keys=x_keys,
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
