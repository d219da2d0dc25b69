"""Multi-head attention: every layer × head at a glance, head summaries, W_O mixing, q/k map."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from explainer.figures.base import (
    ATTENTION_SCALE,
    base_layout,
    check_matrix,
    is_cjk,
    masked,
    token_axis,
)
from explainer.figures.embedding import HIGHLIGHT, VECTOR_SCALE, robust_range

QUERY_COLOUR = "#1f77b4"
KEY_COLOUR = "#ff7f0e"
# Cells per small heatmap up to which hover names both tokens (a label per cell costs bytes).
NAMED_HOVER_CELLS = 1024
LABELLED_POINTS = 40
EDGE_LABELS = 12  # up to this many tokens the grid's outer axes carry the token labels
# Below the grid, token labels under every head fit up to this many labels across the row.
BOTTOM_LABELS = 40
# Above this many heads, column titles shrink to the head's number (12 "Head n" overlap).
FULL_TITLES = 6
_RANGE = re.compile(r"^\d+–\d+$")  # a pooled block's label: its first and last position


def model_view_figure(
    patterns: np.ndarray,
    query_labels: Sequence[str],
    key_labels: Sequence[str],
    row_titles: Sequence[str],
    col_titles: Sequence[str],
    title: str = "",
    hover: str = "weight",
) -> go.Figure:
    """A grid of small attention heatmaps: rows are layers, columns heads (BertViz's model view).

    Drawn as one heatmap on one pair of axes, the heads tiled side by side and parted by grey
    lines. Plotly.js lays out every subplot's axes on its own: 6 × 12 subplots took 1.4–2.5 s
    to draw in Chromium here, the same cells tiled into one heatmap 30–150 ms (and building it
    in Python 0.8 s less). Rows and columns are categories named "Layer 3 · 1: John" and
    "Head 5 · 2: is", so hover names layer, head and both tokens at any length for the cost of
    one label per row and per column, not per cell.

    Args:
        patterns: [layer, head, query, key] weights in [0, 1]; NaN cells (masked) are gaps.
        row_titles, col_titles: one per layer and per head.
    """
    patterns = np.asarray(patterns, dtype=float)
    if patterns.ndim != 4:
        raise ValueError(f"patterns must be [layer, head, query, key], got {patterns.shape}")
    n_layers, n_heads, n_q, n_k = patterns.shape
    if len(query_labels) != n_q or len(key_labels) != n_k:
        raise ValueError(f"patterns are {n_q}×{n_k} but labels {len(query_labels)}×"
                         f"{len(key_labels)}")
    if len(row_titles) != n_layers or len(col_titles) != n_heads:
        raise ValueError("need one title per layer and one per head")
    q_labels = [str(t) for t in query_labels]
    k_labels = [str(t) for t in key_labels]
    rows, heads = [str(t) for t in row_titles], [str(t) for t in col_titles]
    # Above FULL_TITLES heads, "Head 1Head 2…" would run together: the columns show numbers
    # (hover keeps the full title).
    shown_heads = heads if n_heads <= FULL_TITLES else [str(i + 1) for i in range(n_heads)]
    # [layer, head, q, k] -> [layer·q, head·k]: row l·n_q + i is layer l's query i.
    tiled = masked(patterns).transpose(0, 2, 1, 3).reshape(n_layers * n_q, n_heads * n_k)
    y_names = [f"{row} · {_place(i, label)}" for row in rows for i, label in enumerate(q_labels)]
    x_names = [f"{head} · {_place(j, label)}" for head in heads for j, label in enumerate(k_labels)]
    fig = go.Figure(go.Heatmap(
        z=tiled.astype(np.float32), x=x_names, y=y_names, coloraxis="coloraxis",
        hoverongaps=False, name="",
        hovertemplate=f"%{{y}} → %{{x}}<br>{hover}: %{{z:.3f}}<extra></extra>",
    ))
    # Grey lines between the blocks (white vanished beside the near-white of weights near 0,
    # dark would read as a high weight); block titles above (heads) and beside (layers),
    # upright in every language (Chinese turned on its side is unreadable).
    line = dict(color="#9e9e9e", width=2)
    shapes = [dict(type="line", xref="x", yref="paper", x0=h * n_k - 0.5, x1=h * n_k - 0.5,
                   y0=0, y1=1, line=line) for h in range(1, n_heads)]
    shapes += [dict(type="line", xref="paper", yref="y", x0=0, x1=1, y0=layer * n_q - 0.5,
                    y1=layer * n_q - 0.5, line=line) for layer in range(1, n_layers)]
    notes = [dict(text=name, xref="x", x=h * n_k + (n_k - 1) / 2, yref="paper", y=1.0,
                  yanchor="bottom", showarrow=False) for h, name in enumerate(shown_heads)]
    notes += [dict(text=name, xref="paper", x=1.0, xanchor="left", xshift=6, yref="y",
                   y=layer * n_q + (n_q - 1) / 2, showarrow=False)
              for layer, name in enumerate(rows)]
    x_axis = dict(type="category", showticklabels=False, showgrid=False, zeroline=False)
    y_axis = dict(type="category", showticklabels=False, showgrid=False, zeroline=False,
                  autorange="reversed")
    if max(n_q, n_k) <= EDGE_LABELS:
        # Short sentences: every layer's query tokens down the left edge.
        y_axis.update(showticklabels=True, tickmode="array", tickvals=y_names,
                      ticktext=q_labels * n_layers)
        if n_heads * n_k <= BOTTOM_LABELS:  # and every head's key tokens along the bottom
            x_axis.update(showticklabels=True, tickmode="array", tickvals=x_names,
                          ticktext=k_labels * n_heads,
                          tickangle=0 if is_cjk(k_labels) else -90)
    fig.update_layout(
        xaxis=x_axis, yaxis=y_axis, shapes=shapes, annotations=notes,
        coloraxis=dict(colorscale=ATTENTION_SCALE, cmin=0.0, cmax=1.0,
                       colorbar=dict(title=hover, thickness=12, xref="container", x=1.0,
                                     xanchor="right")),
    )
    cell = 150 if n_heads <= 4 else 110
    fig = base_layout(fig, title, 60 + cell * n_layers)
    # Room on the right for the layer titles and the colour bar beyond them.
    fig.update_layout(margin=dict(r=150, t=(60 if title else 30)))
    return fig


def _place(position: int, label: str) -> str:
    """A token label with its position ("2: John"), so repeated words stay apart; a pooled
    block's label ("0–9") already names its positions."""
    return label if _RANGE.match(label) else f"{position}: {label}"


def head_summary_figure(
    spread: np.ndarray,
    looks_at: Sequence[Sequence[str]],
    row_titles: Sequence[str],
    col_titles: Sequence[str],
    title: str = "",
    value_title: str = "spread",
) -> go.Figure:
    """[layer, head] grid coloured by how spread each head's attention is (0 focused, 1 even),
    each cell labelled with where the head mostly looks."""
    spread = check_matrix(spread, row_titles, col_titles, "spread grid")
    text = np.asarray(looks_at, dtype=object)
    if text.shape != spread.shape:
        raise ValueError(f"labels {text.shape} do not match grid {spread.shape}")
    # Many heads make narrow cells: smaller labels keep "previous" inside its cell.
    size = 14 if spread.shape[1] <= 8 else 11
    fig = go.Figure(go.Heatmap(
        z=spread, x=list(range(spread.shape[1])), y=list(range(spread.shape[0])),
        zmin=0.0, zmax=1.0, colorscale="YlGnBu", text=text, texttemplate="%{text}",
        textfont=dict(size=size), colorbar=dict(title=value_title, thickness=12),
        hovertemplate="%{text}<br>" + value_title + ": %{z:.2f}<extra></extra>",
    ))
    fig.update_xaxes(**token_axis(list(col_titles)), side="top")
    fig.update_yaxes(**token_axis(list(row_titles), reverse=True))
    return base_layout(fig, title, 90 + 60 * spread.shape[0])


def head_mix_figure(
    concat: np.ndarray,
    W_O: np.ndarray,
    out: np.ndarray,
    n_heads: int,
    concat_name: str = "Concat(head₁…headₕ)",
    matrix_name: str = "W_O",
    out_name: str = "output",
    title: str = "",
) -> go.Figure:
    """The multiplication Concat(heads) · W_O = output, drawn as its three pieces.

    Args:
        concat: [h·d_head] the heads' outputs side by side (a column on the left).
        W_O: [h·d_head, d_model] (rows split into head blocks by lines).
        out: [d_model] the result (a row below the matrix).
    """
    concat = np.asarray(concat, dtype=float).ravel()
    W_O = check_matrix(W_O, None, None, "W_O")
    out = np.asarray(out, dtype=float).ravel()
    if W_O.shape != (concat.size, out.size):
        raise ValueError(f"W_O {W_O.shape} does not map {concat.size} to {out.size}")
    if n_heads < 1 or concat.size % n_heads:
        raise ValueError(f"{concat.size} values do not split into {n_heads} heads")
    d_head = concat.size // n_heads
    fig = make_subplots(rows=2, cols=2, column_widths=[0.07, 0.93], row_heights=[0.86, 0.14],
                        horizontal_spacing=0.02, vertical_spacing=0.04,
                        subplot_titles=[concat_name, f"{matrix_name}  [{W_O.shape[0]} × "
                                        f"{W_O.shape[1]}]", "", f"{out_name}  [{out.size}]"])
    # The concat column is narrow: its title, centred over it, ran off the figure's left edge
    # ("Concat(z₁…z_h)" cut). It starts at the column's left edge instead and reads rightwards.
    fig.layout.annotations[0].update(x=0.0, xanchor="left")
    # A few outlier weights (and outlier dimensions of the output, common in trained models)
    # would wash everything else out: the colour range stops at the 99.5th percentile.
    vec_top = max(robust_range(concat), robust_range(out))
    fig.add_trace(go.Heatmap(z=concat[:, None], coloraxis="coloraxis2",
                             hovertemplate="%{y}: %{z:.4f}<extra></extra>"), row=1, col=1)
    # float32: W_O is d_model² numbers (147,456 for a 384-wide model, 1.9 MB of JSON as
    # float64); hover shows 4 decimals, which float32 holds exactly enough.
    fig.add_trace(go.Heatmap(z=W_O.astype(np.float32), coloraxis="coloraxis",
                             hovertemplate="[%{y}, %{x}] = %{z:.4f}<extra></extra>"), row=1, col=2)
    fig.add_trace(go.Heatmap(z=out[None, :], coloraxis="coloraxis2",
                             hovertemplate="%{x}: %{z:.4f}<extra></extra>"), row=2, col=2)
    # The head blocks' borders, as one list of shapes (add_hline validates the whole layout per
    # line: 22 lines took a quarter of the multi-head page's script time).
    fig.update_layout(shapes=[
        dict(type="line", xref=f"{axis} domain", x0=0, x1=1, yref=y_ref,
             y0=boundary * d_head - 0.5, y1=boundary * d_head - 0.5,
             line=dict(color="black", width=1.5))
        for boundary in range(1, n_heads) for axis, y_ref in (("x", "y"), ("x2", "y2"))
    ])
    tick_vals = [h * d_head + (d_head - 1) / 2 for h in range(n_heads)]
    fig.update_yaxes(autorange="reversed", showgrid=False, zeroline=False, tickmode="array",
                     tickvals=tick_vals, ticktext=[f"h{h + 1}" for h in range(n_heads)],
                     row=1, col=1)
    fig.update_yaxes(autorange="reversed", showgrid=False, zeroline=False, showticklabels=False,
                     row=1, col=2)
    fig.update_xaxes(showticklabels=False, showgrid=False, zeroline=False)
    fig.update_yaxes(showticklabels=False, showgrid=False, row=2, col=2)
    top = robust_range(W_O)
    fig.update_layout(
        coloraxis=dict(colorscale=VECTOR_SCALE, cmin=-top, cmax=top, showscale=False),
        coloraxis2=dict(colorscale=VECTOR_SCALE, cmin=-vec_top, cmax=vec_top, showscale=False),
    )
    return base_layout(fig, title, 620)


def head_share_figure(norms: np.ndarray, head_labels: Sequence[str], title: str = "",
                      value_title: str = "|z_h · W_O[h]|", head_title: str = "") -> go.Figure:
    """Length of each head's contribution to the output, one bar per head."""
    norms = np.asarray(norms, dtype=float)
    if norms.shape != (len(head_labels),):
        raise ValueError(f"{len(head_labels)} heads but {norms.shape} values")
    fig = go.Figure(go.Bar(x=list(range(len(head_labels))), y=norms, marker_color=HIGHLIGHT,
                           text=[f"{v:.1f}" for v in norms], textposition="auto", textangle=0,
                           hovertemplate="%{y:.4f}<extra></extra>"))
    fig.update_xaxes(**token_axis(list(head_labels), head_title))
    fig.update_yaxes(title=value_title, rangemode="tozero")
    return base_layout(fig, title, 300)


def query_key_figure(
    queries: np.ndarray,
    keys: np.ndarray,
    query_tokens: Sequence[str],
    key_tokens: Sequence[str],
    top_key: Sequence[int] | None = None,
    query_name: str = "query",
    key_name: str = "key",
    title: str = "",
    axis_titles: Sequence[str] = ("PC1", "PC2"),
) -> go.Figure:
    """One head's queries (circles) and keys (diamonds) in a shared plane; a dotted line joins
    each query to the key it weights most.

    Args:
        queries: [t, 2]; keys: [s, 2]; top_key: [t] key index per query.
    """
    queries = check_matrix(queries, query_tokens, None, "query points")
    keys = check_matrix(keys, key_tokens, None, "key points")
    if queries.shape[1] != 2 or keys.shape[1] != 2:
        raise ValueError("query and key points must be 2-D")
    fig = go.Figure()
    if top_key is not None:
        top_key = [int(k) for k in top_key]
        if len(top_key) != len(query_tokens) or any(not 0 <= k < len(key_tokens)
                                                    for k in top_key):
            raise ValueError("top_key needs one valid key index per query")
        xs, ys = [], []
        for qi, kj in enumerate(top_key):
            xs += [queries[qi, 0], keys[kj, 0], None]
            ys += [queries[qi, 1], keys[kj, 1], None]
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", hoverinfo="skip", showlegend=False,
                                 line=dict(color="#adb5bd", width=1, dash="dot")))
    show = max(len(query_tokens), len(key_tokens)) <= LABELLED_POINTS
    for pts, toks, name, colour, symbol, pos in (
        (queries, query_tokens, query_name, QUERY_COLOUR, "circle", "top center"),
        (keys, key_tokens, key_name, KEY_COLOUR, "diamond", "bottom center"),
    ):
        labels = [f"{i}: {t}" for i, t in enumerate(toks)]
        fig.add_trace(go.Scatter(
            x=pts[:, 0], y=pts[:, 1], name=name, mode="markers+text" if show else "markers",
            text=labels, textposition=pos, textfont=dict(color=colour),
            marker=dict(size=11, symbol=symbol, color=colour, line=dict(width=1, color="white")),
            hovertemplate="%{text}<extra>" + name + "</extra>",
        ))
    fig.update_xaxes(title=axis_titles[0], zeroline=False)
    fig.update_yaxes(title=axis_titles[1], zeroline=False)
    fig.update_layout(legend=dict(orientation="h", y=-0.15))
    return base_layout(fig, title, 480)
