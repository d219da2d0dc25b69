"""Attention heatmaps."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from explainer.figures.base import (
    ATTENTION_SCALE,
    base_layout,
    check_matrix,
    heatmap_height,
    masked,
    named_axis,
    position_names,
    token_axis,
)


def attention_heatmap_figure(
    pattern: np.ndarray,
    query_tokens: Sequence[str],
    key_tokens: Sequence[str],
    title: str = "",
    query_title: str = "query",
    key_title: str = "key",
    masked_cells: np.ndarray | None = None,
    hover: str = "weight",
) -> go.Figure:
    """One head's attention: rows are queries, columns keys, colour fixed to [0, 1].

    Args:
        pattern: [query, key] weights (rows sum to 1).
        query_tokens, key_tokens: labels; repeated tokens keep their own rows (integer axes).
        masked_cells: optional [query, key] bool, True where the mask forbade attention; those
            cells are drawn as gaps rather than as a (misleading) zero.
    """
    values = check_matrix(pattern, query_tokens, key_tokens, "attention pattern")
    if masked_cells is not None:
        masked_cells = np.asarray(masked_cells, dtype=bool)
        if masked_cells.shape != values.shape:
            raise ValueError(f"mask shape {masked_cells.shape} != pattern shape {values.shape}")
        values = np.where(masked_cells, np.nan, values)
    values = masked(values)
    q_labels = [str(t) for t in query_tokens]
    k_labels = [str(t) for t in key_tokens]
    # Rows and columns are named "2: John" (position and token, so repeated words stay apart):
    # hover names both tokens for one label per row and per column, where a (query, key) pair
    # per cell cost 360 kB and a tenth of a second to draw at 128 tokens.
    q_names, k_names = position_names(q_labels), position_names(k_labels)
    fig = go.Figure(
        go.Heatmap(
            z=values,
            x=k_names,
            y=q_names,
            zmin=0.0,
            zmax=1.0,
            colorscale=ATTENTION_SCALE,
            hovertemplate=f"%{{y}} → %{{x}}<br>{hover}: %{{z:.3f}}<extra></extra>",
            hoverongaps=False,
            colorbar=dict(title=hover, thickness=12),
        )
    )
    fig.update_xaxes(**named_axis(token_axis(k_labels, key_title, across=True), k_names))
    fig.update_yaxes(**named_axis(token_axis(q_labels, query_title, reverse=True), q_names))
    return base_layout(fig, title, heatmap_height(len(q_labels)))
