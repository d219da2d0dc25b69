"""Token vectors as coloured strips, the vocabulary map, nearest neighbours."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from explainer.figures.base import base_layout, check_matrix, masked, token_axis

VECTOR_SCALE = "RdBu_r"  # blue negative, white zero, red positive
HIGHLIGHT = "#d62728"
VOCAB_GREY = "#b8c2cc"
NEIGHBOUR_TEXT = "#5c6b7a"
HOVER_CELLS = 20_000  # above this many cells, hover shows the row number, not its label


def symmetric_range(values: np.ndarray) -> float:
    """Largest finite |value| (1 when there is none), so zero sits at the colour scale's middle."""
    finite = np.abs(values[np.isfinite(values)])
    top = float(finite.max()) if finite.size else 0.0
    return top if top > 0 else 1.0


def robust_range(values: np.ndarray, percentile: float = 99.5) -> float:
    """The ``percentile`` of finite |values| (the largest when that is 0): a colour range that a
    handful of outliers cannot wash out (trained models have a few huge dimensions); cells
    beyond it show the end colour, and hover still gives their value."""
    values = np.asarray(values, dtype=float)
    finite = np.abs(values[np.isfinite(values)])
    top = float(np.percentile(finite, percentile)) if finite.size else 0.0
    return top if top > 0 else symmetric_range(values)


def vector_strips_figure(
    values: np.ndarray,
    row_labels: Sequence[str],
    title: str = "",
    dim_title: str = "dimension",
    value_title: str = "value",
    row_title: str = "",
    limit: float | None = None,
    row_height: int = 26,
) -> go.Figure:
    """Vectors as horizontal strips: one row per vector, one cell per dimension.

    Args:
        values: [rows, dims]; NaN cells are gaps.
        row_labels: one label per row; rows are integer positions, so repeats keep their row.
        limit: colour range ±limit (default: ``robust_range`` of the values), centred on zero.
    """
    values = masked(check_matrix(values, row_labels, None, "vectors"))
    top = float(limit) if limit else robust_range(values)
    labels = [str(r) for r in row_labels]
    if values.size <= HOVER_CELLS:
        custom = np.repeat(np.array(labels, dtype=object)[:, None], values.shape[1], axis=1)
        hover = "%{customdata}<br>" + dim_title + " %{x}: %{z:.4f}<extra></extra>"
    else:  # long inputs: a label per cell would weigh megabytes; the axis names the rows
        custom, hover = None, "#%{y}<br>" + dim_title + " %{x}: %{z:.4f}<extra></extra>"
    fig = go.Figure(go.Heatmap(
        z=values,
        x=list(range(values.shape[1])),
        y=list(range(values.shape[0])),
        zmin=-top, zmax=top, zmid=0.0,
        colorscale=VECTOR_SCALE,
        customdata=custom,
        hovertemplate=hover,
        hoverongaps=False,
        colorbar=dict(title=value_title, thickness=12),
    ))
    fig.update_xaxes(title=dim_title, showgrid=False, zeroline=False)
    fig.update_yaxes(**token_axis(labels, row_title, reverse=True))
    height = int(min(1400, max(200, 100 + row_height * values.shape[0])))
    return base_layout(fig, title, height)


def vocab_map_figure(
    points: np.ndarray,
    vocab: Sequence[str],
    highlight_points: np.ndarray,
    highlight_labels: Sequence[str],
    title: str = "",
    axis_titles: Sequence[str] = ("PC1", "PC2"),
    vocab_name: str = "vocabulary",
    sentence_name: str = "sentence",
    show_labels: bool = True,
    neighbour_points: np.ndarray | None = None,
    neighbour_labels: Sequence[str] = (),
    neighbour_name: str = "nearest words",
) -> go.Figure:
    """Vocabulary entries as grey points, the sentence's tokens on top, labelled, and
    optionally some nearest words labelled in grey.

    Args:
        points: [m, 2] projected embeddings of the vocabulary entries drawn (all, or a sample
            of a large vocabulary).
        vocab: [m] their tokens, hover text of the grey points.
        highlight_points: [n, 2] the sentence's tokens (repeats drawn twice, same place).
        highlight_labels: [n] their labels (e.g. "1: John").
        neighbour_points, neighbour_labels: [p, 2] and [p] vocabulary words to name on the map
            (e.g. the sentence tokens' nearest neighbours).
    """
    points = np.asarray(points, dtype=float)
    marks = np.asarray(highlight_points, dtype=float).reshape(-1, 2)
    if points.ndim != 2 or points.shape[1] != 2 or len(vocab) != points.shape[0]:
        raise ValueError(f"vocabulary points {points.shape} do not match {len(vocab)} tokens")
    if len(highlight_labels) != marks.shape[0]:
        raise ValueError(f"{marks.shape[0]} sentence points but {len(highlight_labels)} labels")
    near = np.zeros((0, 2)) if neighbour_points is None else \
        np.asarray(neighbour_points, dtype=float).reshape(-1, 2)
    if len(neighbour_labels) != near.shape[0]:
        raise ValueError(f"{near.shape[0]} neighbour points but {len(neighbour_labels)} labels")
    # WebGL keeps a vocabulary of tens of thousands of points responsive.
    fig = go.Figure(go.Scattergl(
        x=points[:, 0], y=points[:, 1], mode="markers", name=vocab_name,
        text=[str(v) for v in vocab], hovertemplate="%{text}<extra></extra>",
        marker=dict(size=5, color=VOCAB_GREY, opacity=0.7),
    ))
    # WebGL traces draw above SVG ones: the labelled points are WebGL too, so the grey cloud
    # cannot cover them.
    if near.shape[0]:
        fig.add_trace(go.Scattergl(
            x=near[:, 0], y=near[:, 1], name=neighbour_name, mode="markers+text",
            text=[str(s) for s in neighbour_labels], textposition="bottom center",
            textfont=dict(color=NEIGHBOUR_TEXT, size=12), hovertemplate="%{text}<extra></extra>",
            marker=dict(size=7, color=NEIGHBOUR_TEXT),
        ))
    fig.add_trace(go.Scattergl(
        x=marks[:, 0], y=marks[:, 1], name=sentence_name,
        mode="markers+text" if show_labels else "markers",
        text=[str(s) for s in highlight_labels], textposition="top center",
        hovertemplate="%{text}<extra></extra>",
        marker=dict(size=11, color=HIGHLIGHT, line=dict(width=1, color="white")),
    ))
    fig.update_xaxes(title=axis_titles[0], zeroline=False)
    fig.update_yaxes(title=axis_titles[1], zeroline=False)
    fig.update_layout(legend=dict(orientation="h", y=-0.15))
    return base_layout(fig, title, 520)


def neighbours_figure(tokens: Sequence[str], cosines: Sequence[float], title: str = "",
                      value_title: str = "cosine similarity") -> go.Figure:
    """Nearest neighbours as horizontal bars, most similar on top (cosine in [−1, 1])."""
    cosines = np.asarray(cosines, dtype=float)
    if cosines.shape != (len(tokens),):
        raise ValueError(f"{len(tokens)} tokens but {cosines.shape} similarities")
    labels = [str(t) for t in tokens]
    fig = go.Figure(go.Bar(
        x=cosines, y=list(range(len(labels))), orientation="h",
        marker_color=HIGHLIGHT, text=[f"{c:.3f}" for c in cosines], textposition="auto",
        customdata=labels, hovertemplate="%{customdata}: %{x:.4f}<extra></extra>",
    ))
    fig.update_yaxes(**token_axis(labels, reverse=True))
    fig.update_xaxes(title=value_title, range=[min(0.0, float(cosines.min(initial=0))), 1.0])
    return base_layout(fig, title, int(max(220, 70 + 30 * len(labels))))
