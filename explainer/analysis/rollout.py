"""Attention rollout (Abnar & Zuidema 2020, "Quantifying Attention Flow in Transformers").

One layer's attention says where each position reads from *that layer's input*, which is
already a mixture of tokens. Rollout follows the mixing down the stack: average the heads,
add the identity for the residual connection (half the information stays where it is),
renormalise each row, and multiply the layers' matrices. Row i of the result is a
distribution over the input tokens: how much of position i's top-layer vector comes from each.

It ignores what the feed-forward layers, LayerNorms and value vectors do, so it is a picture of
where information *can* flow, not a measured attribution; the app shows it beside gradients.
"""

from __future__ import annotations

import numpy as np

from explainer.contract import Trace


def _normalise(rows: np.ndarray) -> np.ndarray:
    total = rows.sum(axis=-1, keepdims=True)
    return np.divide(rows, total, out=np.zeros_like(rows), where=total > 0)


def layer_matrix(pattern: np.ndarray, add_residual: bool = True) -> np.ndarray:
    """One layer's mixing matrix: heads averaged, plus I for the residual, rows renormalised.

    Args:
        pattern: [head, q, k] (or [q, k]) attention weights, rows summing to 1.
        add_residual: add the identity (square patterns only: self-attention).

    Returns:
        [q, k], rows summing to 1.
    """
    a = np.asarray(pattern, dtype=np.float64)
    if a.ndim == 3:
        a = a.mean(axis=0)
    if a.ndim != 2:
        raise ValueError(f"a pattern is [head, q, k] or [q, k], got shape {np.shape(pattern)}")
    if add_residual:
        if a.shape[0] != a.shape[1]:
            raise ValueError(f"the residual is added to square patterns only, got {a.shape}")
        a = a + np.eye(a.shape[0])
    return _normalise(a)


def rollout(patterns: list[np.ndarray], add_residual: bool = True) -> np.ndarray:
    """Attention rollout over a stack of self-attention layers.

    ``R_1 = Â_1``, ``R_l = Â_l · R_{l−1}``, with ``Â_l = norm(mean_heads(A_l) + I)``.

    Args:
        patterns: per layer, bottom first, [head, n, n] (or [n, n]) attention weights.
        add_residual: add the identity before renormalising (the paper's choice).

    Returns:
        [n, n] float64; row i is a distribution over the input positions (sums to 1).

    Raises:
        ValueError: no layers, or layers of different sizes.
    """
    if not len(patterns):
        raise ValueError("rollout needs at least one layer's attention")
    result = None
    for pattern in patterns:
        a = layer_matrix(pattern, add_residual)
        if result is not None and a.shape[1] != result.shape[0]:
            raise ValueError(f"layers differ in size: {a.shape} after {result.shape}")
        result = a if result is None else a @ result
    return result


def encoder_rollout(trace: Trace) -> np.ndarray:
    """[S, S]: rollout of the encoder's self-attention; row i: where encoder output i comes
    from among the source tokens."""
    if "enc" not in trace.sides:
        raise ValueError("this model has no encoder")
    return rollout([trace.pattern("enc", layer) for layer in range(trace.n_layers_of("enc"))])


def decoder_rollout(trace: Trace) -> np.ndarray:
    """[T, S]: for each decoder position, how its top-layer vector draws on the source tokens.

    Encoder–decoder. Let ``E`` [S, S] be the encoder rollout (the memory's rows as mixtures of
    source tokens), ``D̂_l`` [T, T] decoder layer l's self-attention (heads averaged, + I,
    rows renormalised) and ``C_l`` [T, S] its cross-attention, heads averaged. The source
    content of the decoder's positions starts at ``R_0 = 0`` (they read target tokens only), and
    per layer

        R ← D̂_l · R                 (self-attention mixes positions; residual kept)
        R ← ½ · R + ½ · C_l · E     (cross-attention adds memory; half stays, as in rollout)

    The rows of the result are renormalised to sum to 1: row t says, of what position t took
    from the source, how much came from each source token. (Tracking the target tokens too,
    as [T, T + S], gives the same source block before that renormalisation.)

    Decoder-only (GPT-2): the rollout of the self-attention, rows from the last prompt position
    on (each predicts a written token), columns the prompt's tokens, rows renormalised.

    Returns:
        [T, S] float64 (decoder-only: [T_written, n_prompt]), rows summing to 1.
    """
    if "dec" not in trace.sides:
        raise ValueError("this model has no decoder")
    n_dec = trace.n_layers_of("dec")
    if "cross" not in trace.stages:
        full = rollout([trace.pattern("dec", layer) for layer in range(n_dec)])
        n_prompt = trace.n_prompt or full.shape[0]
        return _normalise(full[n_prompt - 1:, :n_prompt])
    memory = encoder_rollout(trace)  # [S, S]
    t = trace.pattern("dec", 0).shape[-1]
    r = np.zeros((t, memory.shape[0]))  # [T, S]
    for layer in range(n_dec):
        r = layer_matrix(trace.pattern("dec", layer)) @ r
        cross = layer_matrix(trace.pattern("cross", layer), add_residual=False)  # [T, S]
        r = 0.5 * r + 0.5 * cross @ memory
    return _normalise(r)
