"""Padding and masks: what the model may look at, read from the masks it used.

The article pads every sentence to a fixed 512 × 512 matrix "with zeros". Our model pads with a
``<pad>`` token and masks every padded *key*: its score becomes −inf, so softmax gives it a
weight of exactly 0 (§3.2.3 uses the same trick for the decoder's future positions). Hugging
Face models mask with a large finite negative number instead; either way the trace's boolean
``trace.mask(stage)`` says which cells were forbidden, so nothing here looks at the scores.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# What a mask does, as the masks page names it.
MASK_KINDS = ("none", "causal", "padding", "causal_padding", "other")


def keep(trace, stage: str) -> np.ndarray:
    """[query, key] bool, True where the model let the query attend to the key."""
    return ~np.asarray(trace.mask(stage))


def padded_keys(trace) -> np.ndarray:
    """[src] bool: True at padded encoder positions, the keys that no query may attend to."""
    return np.asarray(trace.mask("enc")).all(axis=0)


def padding_mask(trace) -> np.ndarray:
    """[1, src] int: 1 for a real token, 0 for padding: the row the model's mask repeats
    for every query."""
    return (~padded_keys(trace))[None, :].astype(int)


def mask_kind(mask: np.ndarray) -> str:
    """Name what a [query, key] mask (True = forbidden) does.

    "none": nothing is hidden; "causal": exactly the future (keys after the query) is hidden;
    "padding": the same columns are hidden from every query; "causal_padding": both; "other":
    anything else.
    """
    mask = np.asarray(mask, dtype=bool)
    if not mask.any():
        return "none"
    q, k = mask.shape
    future = np.triu(np.ones((q, k), dtype=bool), k=1 + (k - q))
    columns = mask.all(axis=0)
    if np.array_equal(mask, future):
        return "causal"
    if np.array_equal(mask, np.broadcast_to(columns, mask.shape)):
        return "padding"
    if np.array_equal(mask, future | columns[None, :]):
        return "causal_padding"
    return "other"


def padded_input(trace) -> np.ndarray:
    """The encoder's input matrix [src (padded), d_model]: embedding × √d_model + PE (§3.4–3.5).

    Padded rows are not zero here: ``<pad>`` has an embedding and its position a PE. They are
    kept out of every result by the mask instead, which is what the article's zeros are for.
    """
    return trace.embed("enc", "input")


def pad_attention_table(trace, labels: dict[str, str]) -> pd.DataFrame:
    """Largest and total attention weight that any query gives to padded keys, per block.

    Rows: every attention stage whose keys are the padded source (encoder self-attention and,
    in an encoder–decoder, cross-attention), every layer. With the mask both columns are
    exactly 0. ``labels`` maps "block", "layer", "largest", "total", "enc", "cross".
    """
    pad = padded_keys(trace)
    rows = []
    for stage in ("enc", "cross"):
        if stage not in trace.stages:
            continue
        for layer in range(trace.n_layers_of(stage)):
            on_pads = trace.pattern(stage, layer)[..., pad]  # [head, query, pads]
            rows.append({
                labels["block"]: labels[stage],
                labels["layer"]: layer + 1,
                labels["largest"]: float(on_pads.max()) if on_pads.size else 0.0,
                labels["total"]: float(on_pads.sum()),
            })
    return pd.DataFrame(rows)


def padding_effect(plain, padded) -> dict[str, float | bool]:
    """How much padding changed the real tokens' results (nothing, up to float rounding).

    Compares the encoder's output at the real positions, the decoder's logits (when the model
    has them), and the text.

    Returns:
        {"encoder": max |Δ| of enc output, "logits": max |Δ| of logits (over the steps both
        wrote; 0 without a language-model head), "same_translation": bool}.
    """
    n = len(plain.src_tokens)
    enc_a = plain.final("enc")
    enc_b = padded.final("enc")[:n]
    logits = 0.0
    if plain.caps.has_logits and padded.caps.has_logits:
        # The LM head sits on the last side: the decoder's steps, or an encoder's real tokens.
        side = plain.caps.sides[-1]
        t = min(len(plain.tokens(side)), len(padded.tokens(side)))
        if t:
            logits = float(np.abs(plain.logits()[:t] - padded.logits()[:t]).max())
    return {
        "encoder": float(np.abs(enc_a - enc_b).max()),
        "logits": logits,
        "same_translation": plain.translation == padded.translation,
    }


def pad_sizes(n_tokens: int, max_len: int) -> list[int]:
    """Sizes to pad to, from the sentence itself up to the model's max_len (the article's 512).

    Powers of two above the sentence length, plus the length itself and max_len.
    """
    n_tokens = max(1, min(int(n_tokens), int(max_len)))
    sizes = {n_tokens, int(max_len)}
    size = 8
    while size < max_len:
        if size > n_tokens:
            sizes.add(size)
        size *= 2
    return sorted(sizes)


def window(n: int, limit: int = 64) -> int:
    """How many positions a heatmap shows: all up to ``limit`` (a 512 × 512 heatmap would be a
    quarter of a million cells, too many to read or to send to a browser)."""
    return min(int(n), int(limit))


def window_around(n: int, row: int, limit: int = 64) -> tuple[int, int]:
    """(start, stop) of at most ``limit`` consecutive positions of ``n`` that include ``row``,
    the first ones when they do (so a short text is shown whole)."""
    if not 0 <= int(row) < int(n):
        raise ValueError(f"row {row} out of range 0..{n - 1}")
    size = window(n, limit)
    start = min(max(0, int(row) - size + 1), int(n) - size)
    return start, start + size


def default_pad(n_tokens: int, max_len: int) -> int:
    """A first size to show: the smallest offered size with some padding in it."""
    sizes = pad_sizes(n_tokens, max_len)
    bigger = [s for s in sizes if s > n_tokens]
    return bigger[0] if bigger else sizes[-1]
