"""The credit example: generated people as points, coloured by good or bad credit."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from explainer.figures.base import base_layout

GOOD_COLOUR = "#2a9d8f"
BAD_COLOUR = "#e76f51"


def credit_scatter_figure(
    points: np.ndarray,
    good: Sequence[bool],
    good_label: str = "good credit",
    bad_label: str = "bad credit",
    title: str = "",
    axis_titles: Sequence[str] = ("PC1", "PC2", "PC3"),
    hover: Sequence[str] | None = None,
) -> go.Figure:
    """People as points in 2-D or 3-D (one trace per class, so the legend toggles them).

    Args:
        points: [n, 2] or [n, 3] projected coordinates.
        good: [n] True for good credit.
        hover: optional [n] text per person (e.g. "person 12").
    """
    points = np.asarray(points, dtype=float)
    good = np.asarray(good, dtype=bool)
    if points.ndim != 2 or points.shape[1] not in (2, 3):
        raise ValueError(f"points must be [n, 2] or [n, 3], got {points.shape}")
    if good.shape != (points.shape[0],):
        raise ValueError(f"{points.shape[0]} points but {good.shape} labels")
    if hover is not None and len(hover) != points.shape[0]:
        raise ValueError(f"{points.shape[0]} points but {len(hover)} hover texts")
    three_d = points.shape[1] == 3
    fig = go.Figure()
    for mask, name, colour, symbol in ((good, good_label, GOOD_COLOUR, "circle"),
                                        (~good, bad_label, BAD_COLOUR, "x")):
        text = None if hover is None else [hover[i] for i in np.flatnonzero(mask)]
        common = dict(name=name, mode="markers", text=text,
                      hovertemplate="%{text}<extra>" + name + "</extra>" if text else None)
        if three_d:
            fig.add_trace(go.Scatter3d(
                x=points[mask, 0], y=points[mask, 1], z=points[mask, 2],
                marker=dict(size=4, color=colour, symbol=symbol),
                **common))
        else:
            fig.add_trace(go.Scatter(
                x=points[mask, 0], y=points[mask, 1],
                marker=dict(size=8, color=colour, symbol=symbol, line=dict(width=0)),
                **common))
    if three_d:
        fig.update_layout(scene=dict(xaxis_title=axis_titles[0], yaxis_title=axis_titles[1],
                                     zaxis_title=axis_titles[2]))
    else:
        fig.update_xaxes(title=axis_titles[0], zeroline=False)
        fig.update_yaxes(title=axis_titles[1], zeroline=False)
    fig.update_layout(legend=dict(orientation="h", y=-0.15))
    return base_layout(fig, title, 460)
