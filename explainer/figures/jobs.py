"""The live training job's curves: the loss falling and held-out exact match rising."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from explainer.figures.base import base_layout


def _pairs(points: Sequence[Sequence[float]], what: str) -> np.ndarray:
    values = np.asarray(points, dtype=float) if len(points) else np.zeros((0, 2))
    if values.ndim != 2 or values.shape[1] != 2:
        raise ValueError(f"{what} must be [[step, value], ...], got shape {values.shape}")
    return values


def training_curve_figure(loss: Sequence[Sequence[float]],
                          exact_match: Sequence[Sequence[float]] = (), title: str = "",
                          loss_name: str = "loss", match_name: str = "exact match",
                          step_title: str = "step", cap_steps: int | None = None) -> go.Figure:
    """Loss per step (left axis) and held-out exact match (right axis, 0 to 1).

    Args:
        loss: [[step, loss], ...] as the trainer logged it.
        exact_match: [[step, fraction], ...] (fractions in [0, 1]).
        cap_steps: the run's planned number of steps; the x axis spans it, so the curve grows
            into a fixed frame instead of rescaling every few seconds.
    """
    losses = _pairs(loss, "loss")
    matches = _pairs(exact_match, "exact_match")
    if matches.size and ((matches[:, 1] < 0) | (matches[:, 1] > 1)).any():
        raise ValueError("exact match must be fractions between 0 and 1")
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=losses[:, 0], y=losses[:, 1], mode="lines", name=loss_name,
                             line=dict(color="#d62728", width=2)))
    fig.add_trace(go.Scatter(x=matches[:, 0], y=matches[:, 1], mode="lines+markers",
                             name=match_name, yaxis="y2", line=dict(color="#1f77b4", width=2)))
    base_layout(fig, title, height=320)
    top = max(cap_steps or 0, float(losses[:, 0].max()) if losses.size else 0,
              float(matches[:, 0].max()) if matches.size else 0, 1)
    fig.update_layout(
        xaxis=dict(title=step_title, range=[0, top]),
        yaxis=dict(title=loss_name, rangemode="tozero"),
        yaxis2=dict(title=match_name, overlaying="y", side="right", range=[0, 1.02],
                    tickformat=".0%", dtick=0.25, showgrid=False),
        legend=dict(orientation="h", y=1.12, x=0),
    )
    return fig
