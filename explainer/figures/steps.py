"""Self-attention step by step (§3.2.1): projection matrices, scores, softmax weights."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from explainer.figures.base import base_layout, check_matrix, token_axis
from explainer.figures.embedding import HIGHLIGHT, VECTOR_SCALE, symmetric_range

SCORE_COLOUR = "#8d99ae"
MASKED_COLOUR = "#ced4da"


def projection_matrices_figure(
    matrices: Sequence[np.ndarray],
    names: Sequence[str],
    title: str = "",
    row_title: str = "d_model",
    col_title: str = "d_head",
) -> go.Figure:
    """W_Q, W_K, W_V side by side, each titled with its name and shape, one shared colour scale.

    Args:
        matrices: [d_model, d_head] arrays (any equal shapes).
        names: one name per matrix, e.g. "W_Q".
    """
    if len(matrices) != len(names) or not matrices:
        raise ValueError(f"{len(matrices)} matrices but {len(names)} names")
    mats = [check_matrix(m, None, None, str(n)) for m, n in zip(matrices, names)]
    if any(m.shape != mats[0].shape for m in mats):
        raise ValueError(f"matrices differ in shape: {[m.shape for m in mats]}")
    top = max(symmetric_range(m) for m in mats)
    rows, cols = mats[0].shape
    fig = make_subplots(rows=1, cols=len(mats), horizontal_spacing=0.04,
                        subplot_titles=[f"{n}  [{rows} × {cols}]" for n in names])
    for i, (m, n) in enumerate(zip(mats, names), start=1):
        fig.add_trace(go.Heatmap(
            z=m, coloraxis="coloraxis", name=str(n),
            hovertemplate=f"{n}[%{{y}}, %{{x}}] = %{{z:.4f}}<extra></extra>",
        ), row=1, col=i)
        fig.update_xaxes(title=col_title, showgrid=False, zeroline=False, row=1, col=i)
        fig.update_yaxes(autorange="reversed", showgrid=False, zeroline=False,
                         title=row_title if i == 1 else None, row=1, col=i)
    fig.update_layout(coloraxis=dict(colorscale=VECTOR_SCALE, cmin=-top, cmax=top, cmid=0.0,
                                     colorbar=dict(thickness=12)))
    return base_layout(fig, title, 420)


def score_bars_figure(
    key_tokens: Sequence[str],
    dots: np.ndarray,
    scaled: np.ndarray,
    masked: np.ndarray,
    dot_name: str = "q·k",
    scaled_name: str = "q·k / √d_k",
    masked_name: str = "masked",
    title: str = "",
) -> go.Figure:
    """Raw scores q·k_j and scaled scores q·k_j/√d_k per key; masked keys get a grey mark.

    Args:
        dots, scaled: [s] scores; masked: [s] bool (their scaled bar is left out).
    """
    dots, scaled, masked = (np.asarray(a) for a in (dots, scaled, masked))
    n = len(key_tokens)
    if not dots.shape == scaled.shape == masked.shape == (n,):
        raise ValueError(f"{n} keys but scores {dots.shape}, {scaled.shape}, mask {masked.shape}")
    labels = [str(t) for t in key_tokens]
    x = list(range(n))
    shown = np.where(masked.astype(bool), np.nan, scaled.astype(float))
    fig = go.Figure()
    fig.add_trace(go.Bar(x=x, y=dots.astype(float), name=dot_name, marker_color=SCORE_COLOUR,
                         customdata=labels, hovertemplate="%{customdata}: %{y:.4f}<extra>"
                         + dot_name + "</extra>"))
    fig.add_trace(go.Bar(x=x, y=shown, name=scaled_name, marker_color=HIGHLIGHT,
                         customdata=labels, hovertemplate="%{customdata}: %{y:.4f}<extra>"
                         + scaled_name + "</extra>"))
    if masked.any():
        idx = np.flatnonzero(masked)
        fig.add_trace(go.Scatter(x=idx.tolist(), y=[0.0] * len(idx), mode="markers",
                                 name=masked_name, marker=dict(symbol="x", size=12,
                                                               color=MASKED_COLOUR),
                                 hovertemplate="%{x}: −∞<extra>" + masked_name + "</extra>"))
    fig.update_xaxes(**token_axis(labels, across=True))
    fig.update_layout(barmode="group", legend=dict(orientation="h", y=-0.25))
    return base_layout(fig, title, 360)


def weight_bars_figure(
    key_tokens: Sequence[str],
    weights: np.ndarray,
    masked: np.ndarray | None = None,
    title: str = "",
    weight_name: str = "weight",
    sum_text: str = "Σ = {total:.4f}",
) -> go.Figure:
    """Softmax weights as bars on a fixed [0, 1] axis, with their sum written on the chart.

    Args:
        weights: [s] non-negative weights of one query (they sum to 1).
        masked: optional [s] bool; masked keys are drawn as pale, empty bars.
        sum_text: annotation, formatted with ``total``.
    """
    weights = np.asarray(weights, dtype=float)
    n = len(key_tokens)
    if weights.shape != (n,):
        raise ValueError(f"{n} keys but {weights.shape} weights")
    masked = np.zeros(n, bool) if masked is None else np.asarray(masked, dtype=bool)
    if masked.shape != (n,):
        raise ValueError(f"{n} keys but mask {masked.shape}")
    labels = [str(t) for t in key_tokens]
    colours = [MASKED_COLOUR if m else HIGHLIGHT for m in masked]
    fig = go.Figure(go.Bar(
        x=list(range(n)), y=weights, marker_color=colours, name=weight_name,
        text=[f"{w:.3f}" for w in weights] if n <= 24 else None, textposition="outside",
        customdata=labels, hovertemplate="%{customdata}: %{y:.4f}<extra></extra>",
    ))
    fig.update_xaxes(**token_axis(labels, across=True))
    fig.update_yaxes(title=weight_name, range=[0.0, 1.08])
    total = sum_text.format(total=float(weights.sum()))
    return base_layout(fig, f"{title}   {total}" if title else total, 380)
