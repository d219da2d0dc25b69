"""Masks and padding: 0/1 mask matrices, the padded input matrix, scores with masked gaps."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from explainer.figures.base import base_layout, check_matrix, heatmap_height, masked, token_axis

VISIBLE = "#2a9d8f"
# Above this many cells a heatmap's hover names the row by its position, not its token: a
# token per cell would send hundreds of thousands of strings to the browser.
HOVER_CELLS = 20_000
HIDDEN = "#e9ecef"


def row_hover(rows: Sequence[str], n_cols: int, column: str) -> dict:
    """Heatmap hover text naming each cell's row token, or its row number when large.

    Args:
        column: how the hover names the column, a Plotly template such as "d%{x}".
    """
    if len(rows) * n_cols <= HOVER_CELLS:
        return dict(customdata=np.repeat(np.array(rows, dtype=object)[:, None], n_cols, axis=1),
                    hovertemplate=f"%{{customdata}} · {column}: %{{z:.3f}}<extra></extra>")
    return dict(hovertemplate=f"%{{y}} · {column}: %{{z:.3f}}<extra></extra>")


def mask_figure(
    keep: np.ndarray,
    row_tokens: Sequence[str],
    col_tokens: Sequence[str],
    highlight_row: int | None = None,
    visible_label: str = "1 = may attend",
    hidden_label: str = "0 = masked",
    row_title: str = "query",
    col_title: str = "key",
    title: str = "",
) -> go.Figure:
    """A mask as a 0/1 matrix: 1 where a query (row) may attend to a key (column).

    Args:
        keep: [rows, cols] bool.
        highlight_row: optional row to frame (e.g. the current decoding step).
    """
    values = check_matrix(np.asarray(keep, dtype=float), row_tokens, col_tokens, "mask")
    if not np.isin(values, (0.0, 1.0)).all():
        raise ValueError("a mask holds only 0 and 1")
    rows = [str(t) for t in row_tokens]
    cols = [str(t) for t in col_tokens]
    small = values.size <= 900
    # Token pairs on hover while the matrix is small enough; a 512 × 512 mask would otherwise
    # send a quarter of a million label pairs to the browser.
    hover = values.size <= 4096
    fig = go.Figure(go.Heatmap(
        z=values.astype(int), x=list(range(len(cols))), y=list(range(len(rows))),
        zmin=0, zmax=1, colorscale=[[0, HIDDEN], [0.5, HIDDEN], [0.5, VISIBLE], [1, VISIBLE]],
        xgap=1 if small else 0, ygap=1 if small else 0,
        # 0/1 written in the cells while they are wide enough to hold a digit.
        texttemplate="%{z}" if small and len(cols) <= 16 else None,
        customdata=np.array([[(q, k) for k in cols] for q in rows], dtype=object)
        if hover else None,
        hovertemplate="%{customdata[0]} → %{customdata[1]}: %{z}<extra></extra>" if hover
        else "%{y} → %{x}: %{z}<extra></extra>",
        showscale=False,
    ))
    # The key is two legend entries in a row above the matrix, not ticks on a colour bar: a
    # one-row mask is short, and its colour bar squeezed "1 = …" onto "0 = …".
    for label, colour in ((visible_label, VISIBLE), (hidden_label, HIDDEN)):
        fig.add_trace(go.Scatter(
            x=[None], y=[None], mode="markers", name=label, hoverinfo="skip",
            marker=dict(symbol="square", size=14, color=colour,
                        line=dict(color="#adb5bd", width=1)),
        ))
    fig.update_layout(legend=dict(orientation="h", x=1.0, xanchor="right", y=1.02,
                                  yanchor="bottom"), showlegend=True)
    fig.update_xaxes(**token_axis(cols, col_title, across=True))
    fig.update_yaxes(**token_axis(rows, row_title, reverse=True))
    if highlight_row is not None:
        if not 0 <= highlight_row < len(rows):
            raise ValueError(f"row {highlight_row} out of range for {len(rows)} rows")
        fig.add_shape(type="rect", x0=-0.5, x1=len(cols) - 0.5, y0=highlight_row - 0.5,
                      y1=highlight_row + 0.5, line=dict(color="#e4572e", width=3))
    # A single row (the padding mask) needs little height; a square mask needs its rows.
    height = heatmap_height(len(rows), lo=170 if len(rows) <= 2 else 260)
    fig = base_layout(fig, title, height)
    fig.update_layout(margin=dict(t=40 + (30 if title else 0)))  # room for the key above
    return fig


def padded_matrix_figure(
    matrix: np.ndarray,
    row_tokens: Sequence[str],
    pad_rows: Sequence[bool],
    row_title: str = "position",
    col_title: str = "dimension",
    pad_label: str = "padding",
    title: str = "",
) -> go.Figure:
    """The encoder's input matrix [positions, d_model], padding rows below a dashed line.

    Colour is symmetric around 0 so positive and negative numbers read alike.
    """
    values = check_matrix(matrix, row_tokens, None, "input matrix")
    pad_rows = np.asarray(pad_rows, dtype=bool)
    if pad_rows.shape != (values.shape[0],):
        raise ValueError(f"pad_rows needs {values.shape[0]} entries, got {pad_rows.shape}")
    limit = float(np.abs(values).max()) or 1.0
    rows = [str(t) for t in row_tokens]
    fig = go.Figure(go.Heatmap(
        z=values.astype(np.float32), x=list(range(values.shape[1])), y=list(range(len(rows))),
        zmin=-limit, zmax=limit, zmid=0, colorscale="RdBu_r",
        **row_hover(rows, values.shape[1], "d%{x}"),
        colorbar=dict(thickness=12),
    ))
    fig.update_xaxes(title=col_title, showgrid=False, zeroline=False)
    fig.update_yaxes(**token_axis(rows, row_title, reverse=True))
    if pad_rows.any():
        first = int(np.argmax(pad_rows))
        fig.add_shape(type="line", x0=-0.5, x1=values.shape[1] - 0.5, y0=first - 0.5,
                      y1=first - 0.5, line=dict(color="#111", width=2, dash="dash"))
        fig.add_annotation(x=values.shape[1] - 0.5, y=first - 0.5, xanchor="right",
                           yanchor="top", showarrow=False, text=f"↓ {pad_label}",
                           bgcolor="rgba(255,255,255,0.8)")
    return base_layout(fig, title, heatmap_height(len(rows), per_row=22, hi=760))


def scores_figure(
    scores: np.ndarray,
    row_tokens: Sequence[str],
    col_tokens: Sequence[str],
    masked_cells: np.ndarray,
    row_title: str = "query",
    col_title: str = "key",
    hover: str = "score",
    masked_text: str = "−∞",
    title: str = "",
) -> go.Figure:
    """Attention scores q·k/√d_k with the mask applied: masked cells are gaps marked "−∞".

    Args:
        scores: [rows, cols] as the model left them (−inf, or a large negative number in
            Hugging Face models, where masked).
        masked_cells: [rows, cols] bool, True where the mask forbade attention (the trace's
            ``mask``); those cells are left out of the colour scale.
        masked_text: the mark printed in masked cells of a small matrix.
    """
    raw = check_matrix(scores, row_tokens, col_tokens, "scores")
    masked_cells = np.asarray(masked_cells, dtype=bool)
    if masked_cells.shape != raw.shape:
        raise ValueError(f"mask shape {masked_cells.shape} != scores shape {raw.shape}")
    values = masked(np.where(masked_cells, np.nan, raw))
    rows = [str(t) for t in row_tokens]
    cols = [str(t) for t in col_tokens]
    finite = values[np.isfinite(values)]
    limit = float(np.abs(finite).max()) if finite.size else 1.0
    fig = go.Figure(go.Heatmap(
        z=values, x=list(range(len(cols))), y=list(range(len(rows))),
        zmin=-limit, zmax=limit, zmid=0, colorscale="RdBu_r", hoverongaps=False,
        texttemplate="%{z:.1f}" if values.size <= 400 else None,
        customdata=np.array([[(q, k) for k in cols] for q in rows], dtype=object),
        hovertemplate=f"%{{customdata[0]}} → %{{customdata[1]}}<br>{hover}: %{{z:.3f}}"
        "<extra></extra>",
        colorbar=dict(title=hover, thickness=12),
    ))
    gaps = np.argwhere(masked_cells)
    if 0 < len(gaps) and raw.size <= 400:
        fig.add_trace(go.Scatter(x=gaps[:, 1], y=gaps[:, 0], mode="text",
                                 text=[masked_text] * len(gaps), textfont=dict(color="#888"),
                                 hoverinfo="skip", showlegend=False))
    fig.update_xaxes(**token_axis(cols, col_title, across=True))
    fig.update_yaxes(**token_axis(rows, row_title, reverse=True))
    return base_layout(fig, title, heatmap_height(len(rows)))
