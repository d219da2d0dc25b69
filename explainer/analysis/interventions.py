"""What switching heads off did: numbers for the "Switch heads off" page, from the re-runs."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from explainer.analysis.decoding import written_attention


@dataclass(frozen=True)
class Effect:
    """The effect of an intervention on the unchanged translation.

    Attributes:
        before, after: [T] probability of each token of the unchanged translation, without and
            with the intervention (teacher-forced on the same tokens).
        total_before, total_after: log P of the whole unchanged translation.
        changed: the changed model writes other tokens.
        biggest: position of the token whose probability moved most.
    """

    before: np.ndarray
    after: np.ndarray
    total_before: float
    total_after: float
    changed: bool
    biggest: int | None


def effect(ablated) -> Effect:
    """Summarise an ``explainer.why.Ablated``."""
    lb = np.asarray(ablated.logprob_before, dtype=np.float64)
    la = np.asarray(ablated.logprob_after, dtype=np.float64)
    before, after = np.exp(lb), np.exp(la)
    return Effect(
        before=before, after=after, total_before=float(lb.sum()), total_after=float(la.sum()),
        changed=list(ablated.tokens) != list(ablated.base_tokens),
        biggest=int(np.argmax(np.abs(after - before))) if len(before) else None,
    )


def attention_view(trace, layer: int) -> tuple[np.ndarray, list[str], list[str]]:
    """(pattern [T, K] with masked cells NaN, written tokens, key tokens): where each written
    token looked in one layer, heads averaged (cross-attention, or a GPT's self-attention)."""
    view = written_attention(trace, layer, None)
    return np.where(view.masked, np.nan, view.pattern), list(view.written), list(view.key_tokens)


def head_label(head) -> str:
    """("cross", 2, 3) -> "cross L3 H4": layers and heads counted from 1, as the charts do."""
    stage, layer, number = head
    return f"{stage} L{int(layer) + 1} H{int(number) + 1}"


def importance_table(top, labels: dict[str, str], name_of, n: int = 10) -> pd.DataFrame:
    """The ``n`` most important heads, most important first.

    Args:
        top: (head, drop) pairs, most important first (``Importance.top``).
        labels: maps "rank", "head", "cli", "drop" to interface words.
        name_of: a head's written form for the command line (``explainer.why.format_head``).
    """
    rows = []
    for rank, (head, drop) in enumerate(list(top)[: max(int(n), 0)], start=1):
        rows.append({labels["rank"]: rank, labels["head"]: head_label(head),
                     labels["cli"]: name_of(head), labels["drop"]: round(float(drop), 4)})
    return pd.DataFrame(rows)


def marked_cells(heads, stage: str) -> list[tuple[int, int]]:
    """(layer, head) of the chosen heads that belong to ``stage``."""
    return [(int(layer), int(number)) for s, layer, number in heads if s == stage]
