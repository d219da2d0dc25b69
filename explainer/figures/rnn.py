"""Figures of the page "RNN vs attention": exact match by length, encode time as the sentence
grows, the path from the first word to the last, and the GRU's hidden state word by word."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from explainer.figures.base import base_layout
from explainer.figures.space import token_colour

MODEL_COLORS = {"gru": "#e45756", "gru-attention": "#b279a2", "transformer": "#4c78a8",
                "attention": "#4c78a8"}


def length_figure(clauses: Sequence[int], curves: Sequence[Sequence[float]],
                  names: Sequence[str], kinds: Sequence[str], trained_max: int,
                  tokens: Sequence[float] | None = None, title: str = "",
                  x_title: str = "clauses", y_title: str = "exact match",
                  beyond_label: str = "longer than training") -> go.Figure:
    """Held-out exact match against sentence length, one line per model; the lengths beyond
    training are shaded.

    Args:
        clauses: [k] clause counts (x).
        curves: per model, exact match [k] (0 … 1).
        names: per model, the legend name; kinds: per model, its colour key ("gru", …).
        trained_max: the longest clause count seen in training.
        tokens: [k] mean tokens per sentence at each count, shown on hover.
    """
    xs = np.asarray(clauses, dtype=float)
    if not len(curves) == len(names) == len(kinds):
        raise ValueError("curves, names and kinds need one entry per model")
    hover_tokens = np.asarray(tokens if tokens is not None else np.zeros_like(xs), dtype=float)
    if hover_tokens.shape != xs.shape:
        raise ValueError(f"{hover_tokens.size} token counts for {xs.size} lengths")
    fig = go.Figure()
    if xs.size and trained_max < xs.max():
        fig.add_vrect(x0=trained_max + 0.5, x1=xs.max() + 0.5, fillcolor="#eeeeee",
                      line_width=0, layer="below", annotation_text=beyond_label,
                      annotation_position="top left")
    for ys, name, kind in zip(curves, names, kinds):
        ys = np.asarray(ys, dtype=float)
        if ys.shape != xs.shape:
            raise ValueError(f"model {name!r}: {ys.size} values for {xs.size} lengths")
        fig.add_trace(go.Scatter(
            x=xs, y=ys, mode="lines+markers", name=name, customdata=hover_tokens,
            line=dict(color=MODEL_COLORS.get(kind, "#54a24b"), width=3),
            hovertemplate=f"{name}<br>{x_title} %{{x}} (≈%{{customdata:.0f}} tokens): "
                          f"%{{y:.1%}}<extra></extra>",
        ))
    fig.update_xaxes(title=x_title, tickvals=list(xs), dtick=1)
    fig.update_yaxes(title=y_title, tickformat=".0%", range=[0, 1.05])
    fig.update_layout(legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0))
    return base_layout(fig, title, height=400)


def speed_figure(lengths: Sequence[int], series: Sequence[Sequence[float]],
                 names: Sequence[str], kinds: Sequence[str], title: str = "",
                 x_title: str = "tokens", y_title: str = "milliseconds") -> go.Figure:
    """Milliseconds to encode one sentence against its length, log–log, one line per series.

    Args:
        lengths: [k] sentence lengths in tokens.
        series: per line, milliseconds [k] (e.g. GRU on CPU, attention on CPU, … on GPU).
        names, kinds: per line, legend name and colour key; a kind ending in ":gpu" is dashed.
    """
    xs = np.asarray(lengths, dtype=float)
    if not len(series) == len(names) == len(kinds):
        raise ValueError("series, names and kinds need one entry per line")
    fig = go.Figure()
    for ys, name, kind in zip(series, names, kinds):
        ys = np.asarray(ys, dtype=float)
        if ys.shape != xs.shape:
            raise ValueError(f"line {name!r}: {ys.size} times for {xs.size} lengths")
        base_kind, _, where = kind.partition(":")
        fig.add_trace(go.Scatter(
            x=xs, y=ys, mode="lines+markers", name=name,
            line=dict(color=MODEL_COLORS.get(base_kind, "#54a24b"), width=3,
                      dash="dash" if where == "gpu" else "solid"),
            hovertemplate=f"{name}<br>%{{x}} {x_title}: %{{y:.2f}} ms<extra></extra>",
        ))
    fig.update_xaxes(title=x_title, type="log")
    fig.update_yaxes(title=y_title, type="log")
    fig.update_layout(legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0))
    return base_layout(fig, title, height=400)


def path_figure(tokens: Sequence[str], rnn_label: str = "RNN", attention_label: str = "attention",
                title: str = "", hop_label: str = "steps") -> go.Figure:
    """The path from the first word to the last: the RNN's chain (n - 1 hops through every
    state between) above, self-attention's direct link (one hop) below.

    Args:
        tokens: [n] the sentence's tokens (n >= 1); repeated words keep their own node.
    """
    n = len(tokens)
    if n < 1:
        raise ValueError("a sentence needs at least one token")
    xs = np.arange(n, dtype=float)
    fig = go.Figure()
    rows = {rnn_label: 1.0, attention_label: 0.0}
    for label, y in rows.items():
        fig.add_trace(go.Scatter(
            x=xs, y=np.full(n, y), mode="markers+text", text=list(tokens),
            textposition="top center", showlegend=False,
            marker=dict(size=16, color=[token_colour(i) for i in range(n)],
                        line=dict(color="black", width=1)),
            hovertemplate="%{text}<extra>" + label + "</extra>",
        ))
    # RNN: each state hands the sentence on to the next; the first word reaches the last only
    # through all of them.
    for i in range(n - 1):
        fig.add_annotation(x=xs[i + 1], y=1.0, ax=xs[i], ay=1.0, xref="x", yref="y", axref="x",
                           ayref="y", showarrow=True, arrowhead=2, arrowwidth=2,
                           arrowcolor=MODEL_COLORS["gru"], text="")
    # Attention: the last word's query reads every key directly, the first one included.
    if n > 1:
        for i in range(n - 1):
            width = 3 if i == 0 else 1
            fig.add_trace(go.Scatter(
                x=[xs[i], (xs[i] + xs[-1]) / 2, xs[-1]],
                y=[0.0, -0.12 - 0.5 * (xs[-1] - xs[i]) / max(n - 1, 1), 0.0],
                mode="lines", line=dict(color=MODEL_COLORS["attention"], width=width,
                                        shape="spline"),
                showlegend=False, hoverinfo="skip"))
    hops = {rnn_label: max(n - 1, 0), attention_label: 1 if n > 1 else 0}
    fig.update_yaxes(tickvals=[1.0, 0.0],
                     ticktext=[f"{k}: {v} {hop_label}" for k, v in hops.items()],
                     range=[-0.8, 1.4], showgrid=False, zeroline=False)
    fig.update_xaxes(visible=False, range=[-0.7, n - 0.3])
    return base_layout(fig, title, height=300)


def hidden_path_figure(points: np.ndarray, tokens: Sequence[str], title: str = "",
                       axis_titles: Sequence[str] = ("PC1", "PC2"),
                       step_label: str = "after") -> go.Figure:
    """The GRU's one hidden vector after each word, projected: a single path, word by word.

    Args:
        points: [n, 2] projected hidden states (row i: after reading token i).
        tokens: [n] the tokens read.
    """
    points = np.asarray(points, dtype=float)
    if points.ndim != 2 or points.shape[1] != 2 or points.shape[0] != len(tokens):
        raise ValueError(f"points must be [{len(tokens)}, 2], got {points.shape}")
    n = len(tokens)
    labels = [f"{step_label} {i}: {tok}" for i, tok in enumerate(tokens)]
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=points[:, 0], y=points[:, 1], mode="lines",
                             line=dict(color="#bbbbbb", width=2), showlegend=False,
                             hoverinfo="skip"))
    fig.add_trace(go.Scatter(
        x=points[:, 0], y=points[:, 1], mode="markers+text", text=list(tokens),
        textposition="top center", customdata=labels, showlegend=False,
        marker=dict(size=[10] * (n - 1) + [16], color=[token_colour(i) for i in range(n)],
                    line=dict(color="black", width=1)),
        hovertemplate="%{customdata}<extra></extra>",
    ))
    fig.update_xaxes(title=axis_titles[0])
    fig.update_yaxes(title=axis_titles[1])
    return base_layout(fig, title, height=420)
