"""Add & Norm and feed-forward figures: per-token statistics, histograms, the feed-forward's
hidden activity, and the residual stream's size through the layers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from explainer.figures.base import base_layout, check_matrix, heatmap_height, token_axis
from explainer.figures.masks import row_hover

BEFORE = "#f28e2b"
AFTER = "#4e79a7"
NORMALISED = "#59a14f"
PALETTE = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1",
           "#ff9da7", "#9c755f", "#bab0ac")


def _series_colours(n: int) -> tuple[str, ...]:
    """Before is orange, after blue, the normalised middle step green, whatever is present."""
    return {1: (AFTER,), 2: (BEFORE, AFTER), 3: (BEFORE, NORMALISED, AFTER)}.get(n, PALETTE)


def token_stats_figure(
    tokens: Sequence[str],
    series: Mapping[str, tuple[Sequence[float], Sequence[float]]],
    mean_title: str = "mean",
    std_title: str = "standard deviation",
    title: str = "",
) -> go.Figure:
    """Per-token mean and standard deviation, side by side, one bar group per series.

    Args:
        tokens: one label per position (repeats kept: integer axis).
        series: name -> (means [pos], stds [pos]), e.g. "before LayerNorm", "after".
    """
    if not series:
        raise ValueError("at least one series is needed")
    labels = [str(t) for t in tokens]
    fig = make_subplots(rows=1, cols=2, subplot_titles=(mean_title, std_title),
                        horizontal_spacing=0.1)
    colours = _series_colours(len(series))
    for i, (name, (means, stds)) in enumerate(series.items()):
        if len(means) != len(labels) or len(stds) != len(labels):
            raise ValueError(f"series {name!r} needs one mean and one std per token")
        for col, values in ((1, means), (2, stds)):
            fig.add_trace(go.Bar(
                x=list(range(len(labels))), y=np.asarray(values, dtype=float), name=name,
                marker_color=colours[i % len(colours)], legendgroup=name, showlegend=col == 1,
                customdata=labels, hovertemplate="%{customdata}: %{y:.3f}<extra>" + name
                + "</extra>",
            ), row=1, col=col)
    for col in (1, 2):
        fig.update_xaxes(**token_axis(labels, across=True), row=1, col=col)
    fig.update_layout(barmode="group", legend=dict(orientation="h", y=-0.2))
    return base_layout(fig, title, height=380)


def histogram_figure(
    series: Mapping[str, np.ndarray],
    value_title: str = "value",
    count_title: str = "count",
    title: str = "",
    bins: int = 60,
) -> go.Figure:
    """Overlaid histograms of every number in each matrix (e.g. before vs after LayerNorm).

    All series share one set of bins so their shapes compare. Counted here, so the browser
    gets ``bins`` bars per series, not every number (a 512 × 384 matrix is 196,608 of them).
    """
    if not series:
        raise ValueError("at least one series is needed")
    flat = {name: np.asarray(v, dtype=float).ravel() for name, v in series.items()}
    everything = np.concatenate(list(flat.values()))
    if everything.size == 0 or not np.isfinite(everything).all():
        raise ValueError("histogram values must be finite and not empty")
    lo, hi = float(everything.min()), float(everything.max())
    if hi == lo:
        lo, hi = lo - 0.5, hi + 0.5
    edges = np.linspace(lo, hi, bins + 1)
    centres = (edges[:-1] + edges[1:]) / 2
    fig = go.Figure()
    colours = _series_colours(len(flat))
    for i, (name, values) in enumerate(flat.items()):
        counts, _ = np.histogram(values, bins=edges)
        fig.add_trace(go.Bar(x=centres, y=counts, width=edges[1] - edges[0], name=name,
                             opacity=0.6, marker_color=colours[i % len(colours)],
                             marker_line_width=0,
                             hovertemplate="%{x:.3f}: %{y}<extra>" + name + "</extra>"))
    fig.update_layout(barmode="overlay", bargap=0, legend=dict(orientation="h", y=-0.2))
    fig.update_xaxes(title=value_title)
    fig.update_yaxes(title=count_title)
    return base_layout(fig, title, height=360)


def ffn_hidden_figure(
    hidden: np.ndarray,
    tokens: Sequence[str],
    row_title: str = "token",
    col_title: str = "hidden unit",
    value_title: str = "activation",
    title: str = "",
) -> go.Figure:
    """The feed-forward layer's hidden activations [positions, d_ff], after its non-linearity.

    Zero is white, so the units switched off show as blank cells; the small negative values
    GELU lets through are pale pink (switched off too, nearly). Values above the 99th
    percentile share the darkest colour.
    """
    values = check_matrix(hidden, tokens, None, "hidden activations")
    if not np.isfinite(values).all():
        raise ValueError("hidden activations must be finite")
    rows = [str(t) for t in tokens]
    positive = values[values > 0]
    # The colour scale ends at the 99th percentile: one outlier unit (BERTs have a few, at 20
    # and more) would otherwise leave every ordinary activation pale. Hover shows true values.
    top = float(np.percentile(positive, 99)) if positive.size else 1.0
    low = float(min(values.min(), 0.0))
    zero = -low / (top - low)  # where 0 sits on the colour scale
    scale = [[zero, "#ffffff"], [zero + 0.15 * (1 - zero), "#c6dbef"], [1, "#08306b"]]
    if low < 0:
        scale = [[0, "#f4b6a6"]] + scale
    fig = go.Figure(go.Heatmap(
        z=values.astype(np.float32), x=list(range(values.shape[1])), y=list(range(len(rows))),
        zmin=low,
        zmax=top, colorscale=scale,
        **row_hover(rows, values.shape[1], "unit %{x}"),
        colorbar=dict(title=value_title, thickness=12),
    ))
    fig.update_xaxes(title=col_title, showgrid=False, zeroline=False)
    fig.update_yaxes(**token_axis(rows, row_title, reverse=True))
    return base_layout(fig, title, heatmap_height(len(rows), hi=700))


def zero_share_figure(
    shares: Sequence[float],
    tokens: Sequence[str],
    overall: float,
    share_title: str = "share of zeros",
    overall_label: str = "all tokens",
    title: str = "",
) -> go.Figure:
    """Per token, the share of hidden units switched off (ReLU: exactly 0), with the overall
    share as a dashed line."""
    shares = np.asarray(shares, dtype=float)
    if shares.shape != (len(tokens),):
        raise ValueError("one share per token is needed")
    if ((shares < 0) | (shares > 1)).any() or not 0 <= overall <= 1:
        raise ValueError("shares are fractions in [0, 1]")
    labels = [str(t) for t in tokens]
    fig = go.Figure(go.Bar(
        x=list(range(len(labels))), y=shares, marker_color=AFTER, customdata=labels,
        text=[f"{s:.0%}" for s in shares], textposition="inside", insidetextanchor="end",
        hovertemplate="%{customdata}: %{y:.1%}<extra></extra>", showlegend=False,
    ))
    fig.add_hline(y=overall, line=dict(color=BEFORE, dash="dash"),
                  annotation_text=f"{overall_label}: {overall:.1%}",
                  annotation_position="top left", annotation_font=dict(color=BEFORE))
    fig.update_xaxes(**token_axis(labels, across=True))
    fig.update_yaxes(range=[0, 1.08], title=share_title, tickformat=".0%")
    return base_layout(fig, title, height=340)


def stream_norm_figure(
    norms: np.ndarray,
    checkpoint_labels: Sequence[str],
    is_sum: Sequence[bool],
    tokens: Sequence[str],
    sum_label: str = "before LayerNorm",
    norm_label: str | None = "after LayerNorm",
    value_title: str = "‖x‖",
    title: str = "",
) -> go.Figure:
    """Each token's residual-stream size (L2 norm) at every checkpoint through the layers.

    Args:
        norms: [checkpoint, pos].
        checkpoint_labels: one label per checkpoint (x axis, in order).
        is_sum: True for checkpoints taken before LayerNorm (drawn as open diamonds).
        sum_label, norm_label: legend words for the two marker symbols; ``norm_label`` None
            leaves the circle out of the legend (a pre-LN stream is never normalised).
    """
    values = check_matrix(norms, checkpoint_labels, tokens, "norms")
    is_sum = np.asarray(is_sum, dtype=bool)
    if is_sum.shape != (values.shape[0],):
        raise ValueError("one is_sum flag per checkpoint is needed")
    x = list(range(values.shape[0]))
    fig = go.Figure()
    symbols = ["diamond-open" if s else "circle" for s in is_sum]
    for pos, tok in enumerate(tokens):
        fig.add_trace(go.Scatter(
            x=x, y=values[:, pos], mode="lines+markers", name=f"{pos}: {tok}",
            line=dict(color=PALETTE[pos % len(PALETTE)], width=1.5),
            marker=dict(symbol=symbols, size=9),
            customdata=list(checkpoint_labels),
            hovertemplate=f"{pos}: {tok}<br>%{{customdata}}<br>{value_title} = %{{y:.2f}}"
            "<extra></extra>",
        ))
    # Two invisible traces explain the marker symbols in the legend.
    for label, symbol in ((sum_label, "diamond-open"), (norm_label, "circle")):
        if label is None:
            continue
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=label,
                                 marker=dict(symbol=symbol, size=9, color="#555")))
    fig.update_xaxes(tickmode="array", tickvals=x, ticktext=list(checkpoint_labels),
                     tickangle=-45, showgrid=False)
    fig.update_yaxes(title=value_title, rangemode="tozero")
    return base_layout(fig, title, height=460)
