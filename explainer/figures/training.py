"""Figures of training: the loss curve with a step marked, gradient norms per layer, the
embedding map on fixed axes, a token's targets (one-hot and label-smoothed), each token's
cost, and how much each matrix changed in one step."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from explainer.figures.base import base_layout

LOSS_COLOUR = "#1f77b4"
MATCH_COLOUR = "#2ca02c"
MARK_COLOUR = "#d62728"


def _same_length(name: str, *arrays) -> None:
    lengths = {len(a) for a in arrays}
    if len(lengths) != 1:
        raise ValueError(f"{name}: lengths differ {sorted(lengths)}")


def loss_curve_figure(steps: np.ndarray, losses: np.ndarray, marked: int | None = None,
                      match_steps: np.ndarray | None = None,
                      match_values: np.ndarray | None = None, title: str = "",
                      step_title: str = "step", loss_title: str = "loss",
                      match_title: str = "exact match", log_x: bool = True) -> go.Figure:
    """Loss against step (left axis), held-out exact match (right axis, 0–1), the chosen step
    as a vertical line. ``log_x``: step 0 cannot sit on a log axis, so it is drawn at step 1."""
    steps = np.asarray(steps)
    losses = np.asarray(losses, dtype=float)
    _same_length("loss curve", steps, losses)
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_trace(go.Scatter(x=np.maximum(steps, 1) if log_x else steps, y=losses,
                             mode="lines", name=loss_title, line=dict(color=LOSS_COLOUR),
                             hovertemplate=f"{step_title} %{{x}}<br>{loss_title} %{{y:.3f}}"
                                           "<extra></extra>"), secondary_y=False)
    if match_steps is not None and match_values is not None:
        match_steps = np.asarray(match_steps)
        _same_length("exact match", match_steps, match_values)
        fig.add_trace(go.Scatter(x=np.maximum(match_steps, 1) if log_x else match_steps,
                                 y=np.asarray(match_values, dtype=float), mode="lines+markers",
                                 name=match_title, line=dict(color=MATCH_COLOUR, dash="dot"),
                                 hovertemplate=f"{step_title} %{{x}}<br>{match_title} "
                                               "%{y:.0%}<extra></extra>"), secondary_y=True)
        fig.update_yaxes(title_text=match_title, range=[0, 1.02], tickformat=".0%",
                         tickvals=[0, 0.25, 0.5, 0.75, 1.0], secondary_y=True, showgrid=False)
    if marked is not None:
        fig.add_vline(x=max(marked, 1) if log_x else marked, line=dict(color=MARK_COLOUR,
                                                                          width=2))
    fig.update_xaxes(title_text=step_title, type="log" if log_x else "linear")
    fig.update_yaxes(title_text=loss_title, secondary_y=False, rangemode="tozero")
    fig.update_layout(legend=dict(orientation="h", y=1.02, yanchor="bottom", x=1, xanchor="right"))
    return base_layout(fig, title, 320)


def grad_norms_figure(names: Sequence[str], norms: np.ndarray, title: str = "",
                      norm_title: str = "‖∇L‖", layer_title: str = "layer",
                      value_range: Sequence[float] | None = None) -> go.Figure:
    """One bar per layer group (embed, enc.0, ..., dec.0, ...): the gradient's L2 norm, on a
    log axis. ``value_range`` (lowest, highest over the whole run) holds the axis still
    between steps, so shrinking gradients show as shrinking bars."""
    norms = np.asarray(norms, dtype=float)
    _same_length("gradient norms", list(names), norms)
    fig = go.Figure(go.Bar(x=list(names), y=norms, marker_color=LOSS_COLOUR,
                           hovertemplate="%{x}: %{y:.4f}<extra></extra>"))
    fig.update_xaxes(title_text=layer_title, type="category")
    fig.update_yaxes(title_text=norm_title, type="log")
    if value_range is not None:
        lo, hi = (float(v) for v in value_range)
        if not 0 < lo <= hi:
            raise ValueError(f"a log axis needs 0 < lowest <= highest, got {value_range}")
        fig.update_yaxes(range=[np.log10(lo) - 0.1, np.log10(hi) + 0.1])
    return base_layout(fig, title, 300)


def embedding_map_figure(points: np.ndarray, labels: Sequence[str], x_range: Sequence[float],
                         y_range: Sequence[float], groups: Sequence[str] | None = None,
                         title: str = "", x_title: str = "PC 1", y_title: str = "PC 2"
                         ) -> go.Figure:
    """Words as labelled points on fixed axes (``x_range``, ``y_range`` held the same for every
    step, so a point's motion between steps is the embedding's own). ``groups`` colours points
    (e.g. source and translation words)."""
    points = np.asarray(points, dtype=float)
    if points.ndim != 2 or points.shape[1] != 2:
        raise ValueError(f"points must be [n, 2], got {points.shape}")
    _same_length("embedding map", points, list(labels))
    groups = list(groups) if groups is not None else [""] * len(points)
    _same_length("embedding map groups", points, groups)
    fig = go.Figure()
    for group in dict.fromkeys(groups):
        rows = [i for i, g in enumerate(groups) if g == group]
        fig.add_trace(go.Scatter(
            x=points[rows, 0], y=points[rows, 1], mode="markers+text", name=group or None,
            text=[labels[i] for i in rows], textposition="top center",
            marker=dict(size=11), showlegend=bool(group),
            hovertemplate="%{text}: (%{x:.2f}, %{y:.2f})<extra></extra>"))
    fig.update_xaxes(title_text=x_title, range=list(x_range), zeroline=True)
    fig.update_yaxes(title_text=y_title, range=list(y_range), zeroline=True)
    return base_layout(fig, title, 380)


def target_distribution_figure(labels: Sequence[str], one_hot: np.ndarray,
                               smoothed: np.ndarray, model: np.ndarray, title: str = "",
                               names: Sequence[str] = ("one-hot", "label smoothing", "model"),
                               prob_title: str = "probability", floor: float = 1e-5
                               ) -> go.Figure:
    """For one target token, over a few vocabulary entries: the one-hot target, the
    label-smoothed target (§5.4) and the model's distribution, side by side, on a log axis
    from ``floor`` to 1 (smoothing's share per word, ε/vocab, would be invisible on a linear
    one; one-hot's zeros stay empty)."""
    _same_length("target distribution", list(labels), one_hot, smoothed, model)
    x = list(range(len(labels)))
    fig = go.Figure()
    for values, name, colour in zip((one_hot, smoothed, model), names,
                                    ("#7f7f7f", MATCH_COLOUR, LOSS_COLOUR)):
        fig.add_trace(go.Bar(x=x, y=np.asarray(values, dtype=float), name=name,
                             marker_color=colour,
                             hovertemplate=f"{name}: %{{y:.4f}}<extra></extra>"))
    fig.update_xaxes(tickmode="array", tickvals=x, ticktext=[str(t) for t in labels],
                     tickangle=0)
    fig.update_yaxes(title_text=prob_title, type="log", range=[np.log10(floor), 0.05])
    fig.update_layout(barmode="group")
    return base_layout(fig, title, 320)


def token_cost_figure(tokens: Sequence[str], neg_log: np.ndarray, p_right: np.ndarray,
                      title: str = "", cost_title: str = "−log p(right word)",
                      prob_title: str = "p(right word)") -> go.Figure:
    """One bar per target token: −log p of the right word; its probability on hover."""
    neg_log = np.asarray(neg_log, dtype=float)
    _same_length("token costs", list(tokens), neg_log, p_right)
    x = list(range(len(tokens)))
    fig = go.Figure(go.Bar(
        x=x, y=neg_log, marker_color=MARK_COLOUR,
        customdata=np.asarray(p_right, dtype=float),
        hovertemplate=f"{cost_title}: %{{y:.3f}}<br>{prob_title}: %{{customdata:.3f}}"
                      "<extra></extra>"))
    fig.update_xaxes(tickmode="array", tickvals=x, ticktext=[str(t) for t in tokens],
                     tickangle=0)
    fig.update_yaxes(title_text=cost_title, rangemode="tozero")
    return base_layout(fig, title, 300)


def weight_change_figure(names: Sequence[str], change: np.ndarray, title: str = "",
                         change_title: str = "‖ΔW‖") -> go.Figure:
    """Horizontal bars, largest first: how far one step moved each matrix (Frobenius norm)."""
    change = np.asarray(change, dtype=float)
    _same_length("weight change", list(names), change)
    y = list(range(len(names)))
    fig = go.Figure(go.Bar(x=change, y=y, orientation="h", marker_color=LOSS_COLOUR,
                           hovertemplate="%{text}: %{x:.4f}<extra></extra>",
                           text=list(names), textposition="none"))
    fig.update_yaxes(tickmode="array", tickvals=y, ticktext=list(names), autorange="reversed")
    fig.update_xaxes(title_text=change_title, rangemode="tozero")
    return base_layout(fig, title, max(260, 60 + 22 * len(names)))
