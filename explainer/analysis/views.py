"""Read the pieces a page shows out of a Trace: one head's pattern, token tables, labels.

Pages pick and place; the slicing and averaging happen here, in numpy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from models.tokenizer import EOS, SPECIALS

STAGES = ("enc", "dec", "cross")  # encoder self-, decoder self-, encoder–decoder attention


def block_prefix(stage: str, layer: int) -> str:
    """Trace-name prefix of an attention block: ``enc.blocks.0.attn`` / ``dec.blocks.0.cross``."""
    if stage not in STAGES:
        raise ValueError(f"stage must be one of {STAGES}, got {stage!r}")
    side = "enc" if stage == "enc" else "dec"
    kind = "cross" if stage == "cross" else "attn"
    return f"{side}.blocks.{int(layer)}.{kind}"


def stage_tokens(trace, stage: str) -> tuple[list[str], list[str]]:
    """(query tokens, key tokens) of an attention stage."""
    if stage == "enc":
        return list(trace.src_tokens), list(trace.src_tokens)
    if stage == "dec":
        return list(trace.tgt_tokens), list(trace.tgt_tokens)
    return list(trace.tgt_tokens), list(trace.src_tokens)


@dataclass(frozen=True)
class PatternView:
    pattern: np.ndarray  # [query, key]
    masked: np.ndarray  # [query, key] bool: True where the mask forbade attention
    query_tokens: list[str]
    key_tokens: list[str]


def attention_pattern(trace, stage: str, layer: int, head: int | None) -> PatternView:
    """One head's attention pattern, or the mean over heads when ``head`` is None.

    ``masked`` marks cells whose score was −inf (the same in every head), so figures can draw
    them as gaps.
    """
    prefix = block_prefix(stage, layer)
    patterns = trace[f"{prefix}.hook_pattern"]  # [head, query, key]
    scores = trace[f"{prefix}.hook_scores"]  # [head, query, key]
    if head is not None and not 0 <= int(head) < patterns.shape[0]:
        raise ValueError(f"head {head} out of range 0..{patterns.shape[0] - 1}")
    pattern = patterns.mean(axis=0) if head is None else patterns[int(head)]
    q_tokens, k_tokens = stage_tokens(trace, stage)
    return PatternView(pattern, np.isneginf(scores[0]), q_tokens, k_tokens)


def token_table(tokens, ids, unknown, labels: dict[str, str]) -> pd.DataFrame:
    """Position, token, id and known/unknown status, one row per token.

    ``labels`` maps "position", "token", "id", "status", "known", "unknown", "special" to the
    interface language's words.
    """
    unknown = set(unknown)
    rows = []
    for pos, (tok, idx) in enumerate(zip(tokens, ids)):
        if tok in unknown:
            status = labels["unknown"]
        elif tok in SPECIALS:
            status = labels.get("special", tok)
        else:
            status = labels["known"]
        rows.append({labels["position"]: pos, labels["token"]: tok, labels["id"]: int(idx),
                     labels["status"]: status})
    return pd.DataFrame(rows)


def finished(trace) -> bool:
    """True when the decoder ended its output with ``<eos>`` by itself."""
    return bool(trace.output_tokens) and trace.output_tokens[-1] == EOS
