"""Figures of the page "BERT: fill in the blank": a blank's guesses, where a blank looked in
every layer and head, one head's row up close, and what pre-training bought."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from explainer.figures.base import (
    ATTENTION_SCALE,
    base_layout,
    heatmap_height,
    token_axis,
)

GUESS_COLOR = "#4c78a8"
COVERED_COLOR = "#f58518"  # the covered word itself, when it is among the guesses
RUN_COLORS = ("#f58518", "#4c78a8", "#54a24b", "#b279a2")


def guesses_figure(tokens: Sequence[str], probs: Sequence[float], title: str = "",
                   value_title: str = "probability", covered: int | None = None) -> go.Figure:
    """One blank's best guesses as horizontal bars, the best on top.

    Args:
        tokens: [k] the guessed tokens, best first.
        probs: [k] their probabilities (softmax over the whole vocabulary, 0 … 1).
        title: the chart's title (e.g. which word was covered).
        value_title: the probability axis' title.
        covered: index into ``tokens`` of the covered word itself, drawn in another colour.
    """
    values = np.asarray(probs, dtype=float)
    if values.ndim != 1 or len(tokens) != values.size:
        raise ValueError(f"{values.size} probabilities for {len(tokens)} tokens")
    if values.size and (values.min() < 0 or values.max() > 1 + 1e-9):
        raise ValueError("probabilities must lie in [0, 1]")
    if covered is not None and not 0 <= covered < values.size:
        raise ValueError(f"covered index {covered} is outside the {values.size} guesses")
    labels = [str(token) for token in tokens]
    colors = [COVERED_COLOR if i == covered else GUESS_COLOR for i in range(values.size)]
    fig = go.Figure(go.Bar(
        x=values, y=list(range(values.size)), orientation="h", marker_color=colors,
        text=[f"{p:.1%}" for p in values], textposition="outside", cliponaxis=False,
        customdata=labels, hovertemplate=f"%{{customdata}}<br>{value_title}: %{{x:.2%}}"
        "<extra></extra>",
    ))
    top = float(values.max()) if values.size else 1.0
    fig.update_xaxes(title=value_title, tickformat=".0%", range=[0, min(1.0, top * 1.25) or 1.0],
                     showgrid=True)
    fig.update_yaxes(**token_axis(labels, reverse=True))
    return base_layout(fig, title, height=int(min(480, 120 + 34 * max(values.size, 1))))


def mask_grid_figure(values: np.ndarray, key_tokens: Sequence[str], layer_labels: Sequence[str],
                     head_labels: Sequence[str], title: str = "", hover: str = "weight",
                     key_title: str = "key", blank: int | None = None) -> go.Figure:
    """Where one position (a blank) looked, in every layer and head: one row per layer and
    head, one column per key, colour fixed to [0, 1] so heads compare.

    Args:
        values: [layer, head, key] attention weights of the blank's row (each row sums to 1).
        key_tokens: [key] labels; repeated tokens keep their own columns (integer axis).
        layer_labels, head_labels: names of the layers and heads ("Layer 1", "Head 1").
        blank: the blank's own column, outlined.
    """
    values = np.asarray(values, dtype=float)
    if values.ndim != 3:
        raise ValueError(f"values must be [layer, head, key], got shape {values.shape}")
    n_layers, n_heads, n_keys = values.shape
    if (len(layer_labels), len(head_labels), len(key_tokens)) != values.shape:
        raise ValueError(f"values {values.shape} but {len(layer_labels)} layer, "
                         f"{len(head_labels)} head and {len(key_tokens)} key labels")
    if blank is not None and not 0 <= blank < n_keys:
        raise ValueError(f"blank {blank} is outside the {n_keys} keys")
    keys = [str(token) for token in key_tokens]
    rows = [f"{layer} · {head}" for layer in layer_labels for head in head_labels]
    flat = values.reshape(n_layers * n_heads, n_keys)  # [layer * head, key]
    custom = np.array([[(row, f"{k}: {key}") for k, key in enumerate(keys)] for row in rows],
                      dtype=object)
    fig = go.Figure(go.Heatmap(
        z=flat, x=list(range(n_keys)), y=list(range(len(rows))), zmin=0.0, zmax=1.0,
        colorscale=ATTENTION_SCALE, customdata=custom, colorbar=dict(title=hover, thickness=12),
        hovertemplate=f"%{{customdata[0]}} → %{{customdata[1]}}<br>{hover}: %{{z:.3f}}"
        "<extra></extra>",
    ))
    fig.update_xaxes(**token_axis(keys, key_title, across=True))
    fig.update_yaxes(tickmode="array", tickvals=list(range(len(rows))), ticktext=rows,
                     autorange="reversed", showgrid=False, zeroline=False)
    for layer in range(1, n_layers):  # a line between layers
        fig.add_hline(y=layer * n_heads - 0.5, line=dict(color="white", width=3))
    if blank is not None:
        fig.add_shape(type="rect", x0=blank - 0.5, x1=blank + 0.5, y0=-0.5,
                      y1=len(rows) - 0.5, line=dict(color=COVERED_COLOR, width=2))
    return base_layout(fig, title, heatmap_height(len(rows), per_row=24))


def attention_row_figure(weights: Sequence[float], key_tokens: Sequence[str], title: str = "",
                         value_title: str = "weight", key_title: str = "key",
                         highlight: int | None = None) -> go.Figure:
    """One query's attention over the keys, as bars on a fixed [0, 1] axis (so two models' rows
    compare): how much of what that position gathers comes from each word.

    Args:
        weights: [key] one row of an attention pattern (sums to 1).
        key_tokens: [key] labels (integer axis: repeated words keep their bars).
        highlight: the query's own position, drawn in another colour.
    """
    values = np.asarray(weights, dtype=float)
    if values.ndim != 1 or values.size != len(key_tokens):
        raise ValueError(f"{values.size} weights for {len(key_tokens)} keys")
    if highlight is not None and not 0 <= highlight < values.size:
        raise ValueError(f"highlight {highlight} is outside the {values.size} keys")
    keys = [str(token) for token in key_tokens]
    colors = [COVERED_COLOR if i == highlight else GUESS_COLOR for i in range(values.size)]
    fig = go.Figure(go.Bar(
        x=list(range(values.size)), y=values, marker_color=colors,
        customdata=[f"{i}: {key}" for i, key in enumerate(keys)],
        hovertemplate=f"%{{customdata}}<br>{value_title}: %{{y:.3f}}<extra></extra>",
    ))
    fig.update_xaxes(**token_axis(keys, key_title, across=True))
    fig.update_yaxes(title=value_title, range=[0, 1], showgrid=True)
    return base_layout(fig, title, height=340)


def pretraining_figure(steps: Sequence[Sequence[int]], values: Sequence[Sequence[float]],
                       names: Sequence[str], first_steps: Sequence[int | None], target: float,
                       marks: Sequence[str], title: str = "", step_title: str = "step",
                       value_title: str = "exact match", target_label: str = "target"
                       ) -> go.Figure:
    """Held-out exact match against training steps, one line per run, the target as a dashed
    line and the first step at which each run reached it as a star.

    Args:
        steps, values: per run, the evaluated steps [n] and exact match there [n] (0 … 1).
        names: per run, its name in the legend (e.g. "from the MLM's matrices").
        first_steps: per run, the first step at which it reached ``target`` (a step of its
            curve), or None when it never did.
        target: the exact match both runs aim for (0.9).
        marks: per run, the star's label ("step 1100"); unused where ``first_steps`` is None.
    """
    if not len(steps) == len(values) == len(names) == len(first_steps) == len(marks):
        raise ValueError("steps, values, names, first_steps and marks need one entry per run")
    fig = go.Figure()
    for i, (xs, ys, name, first, mark) in enumerate(
            zip(steps, values, names, first_steps, marks)):
        xs, ys = np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)
        if xs.shape != ys.shape or xs.ndim != 1:
            raise ValueError(f"run {name!r}: {xs.shape} steps but {ys.shape} values")
        color = RUN_COLORS[i % len(RUN_COLORS)]
        fig.add_trace(go.Scatter(
            x=xs, y=ys, mode="lines+markers", name=name, line=dict(color=color, width=2),
            hovertemplate=f"{name}<br>{step_title} %{{x:.0f}}: %{{y:.1%}}<extra></extra>",
        ))
        if first is not None:
            where = np.flatnonzero(xs == first)
            if where.size == 0:
                raise ValueError(f"run {name!r}: step {first} is not on its curve")
            fig.add_trace(go.Scatter(
                x=[first], y=[ys[where[0]]], mode="markers+text", showlegend=False,
                marker=dict(symbol="star", size=16, color=color,
                            line=dict(color="black", width=1)),
                text=[mark], textposition="top left", textfont=dict(color=color),
                hovertemplate=f"{name}<br>{mark}<extra></extra>",
            ))
    fig.add_hline(y=target, line=dict(color="grey", dash="dash"),
                  annotation_text=target_label, annotation_position="top left")
    fig.update_xaxes(title=step_title, showgrid=True, rangemode="tozero")
    fig.update_yaxes(title=value_title, tickformat=".0%", range=[0, 1.05], showgrid=True)
    fig.update_layout(legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0))
    return base_layout(fig, title, height=420)
