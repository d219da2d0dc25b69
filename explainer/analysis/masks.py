"""Padding and masks: what the model may look at, read from the scores it computed.

The article pads every sentence to a fixed 512 × 512 matrix "with zeros". The model pads with a
``<pad>`` token and gives every padded *key* a score of −inf, so softmax gives it a weight of
exactly 0 (§3.2.3 uses the same trick for the decoder's future positions).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from models.tokenizer import PAD


def is_pad(tokens) -> np.ndarray:
    """[n] bool: True at padding positions."""
    return np.array([tok == PAD for tok in tokens], dtype=bool)


def encoder_keep(trace, layer: int = 0) -> np.ndarray:
    """Encoder self-attention mask as applied: [src, src] bool, True = may attend.

    Padded keys (columns) are False for every query, padded queries included.
    """
    return ~np.isneginf(trace[f"enc.blocks.{int(layer)}.attn.hook_scores"][0])


def cross_keep(trace, layer: int = 0) -> np.ndarray:
    """Encoder–decoder attention mask as applied: [tgt, src] bool."""
    return ~np.isneginf(trace[f"dec.blocks.{int(layer)}.cross.hook_scores"][0])


def padding_mask(trace) -> np.ndarray:
    """[1, src] int: 1 for a real token, 0 for ``<pad>``: the row the model's mask repeats
    for every query."""
    return encoder_keep(trace)[:1].astype(int)


def padded_input(trace) -> np.ndarray:
    """The encoder's input matrix [src (padded), d_model]: embedding × √d_model + PE (§3.4–3.5).

    Padded rows are not zero here: ``<pad>`` has an embedding and its position a PE. They are
    kept out of every result by the mask instead, which is what the article's zeros are for.
    """
    return trace["enc.hook_input"]


def pad_attention_table(trace, labels: dict[str, str]) -> pd.DataFrame:
    """Largest and total attention weight that any query gives to padded keys, per block.

    Rows: encoder self-attention and encoder–decoder attention of every layer. With the mask
    both columns are exactly 0. ``labels`` maps "block", "layer", "largest", "total", "enc",
    "cross".
    """
    pad = is_pad(trace.src_tokens)
    rows = []
    for stage, kind in (("enc", "attn"), ("cross", "cross")):
        side = "enc" if stage == "enc" else "dec"
        for layer in range(trace.n_layers):
            pattern = trace[f"{side}.blocks.{layer}.{kind}.hook_pattern"]  # [head, q, src]
            on_pads = pattern[..., pad]
            rows.append({
                labels["block"]: labels[stage],
                labels["layer"]: layer + 1,
                labels["largest"]: float(on_pads.max()) if on_pads.size else 0.0,
                labels["total"]: float(on_pads.sum()),
            })
    return pd.DataFrame(rows)


def padding_effect(plain, padded) -> dict[str, float | bool]:
    """How much padding changed the real tokens' results (nothing, up to float rounding).

    Compares the encoder's output at the real positions, the decoder's logits, and the text.

    Returns:
        {"encoder": max |Δ| of enc output, "logits": max |Δ| of logits (over the steps both
        wrote), "same_translation": bool}.
    """
    n = len(plain.src_tokens)
    last = plain.n_layers - 1
    enc_a = plain[f"enc.blocks.{last}.hook_resid_post"]
    enc_b = padded[f"enc.blocks.{last}.hook_resid_post"][:n]
    t = min(len(plain.tgt_tokens), len(padded.tgt_tokens))
    log_a = plain["dec.hook_logits"][:t]
    log_b = padded["dec.hook_logits"][:t]
    return {
        "encoder": float(np.abs(enc_a - enc_b).max()),
        "logits": float(np.abs(log_a - log_b).max()) if t else 0.0,
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


def default_pad(n_tokens: int, max_len: int) -> int:
    """A first size to show: the smallest offered size with some padding in it."""
    sizes = pad_sizes(n_tokens, max_len)
    bigger = [s for s in sizes if s > n_tokens]
    return bigger[0] if bigger else sizes[-1]
