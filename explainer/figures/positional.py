"""Positions (§3.5): the position matrix, its waves, before/after points, position similarity.

Sinusoidal codes lie in [−1, 1] and are drawn on that fixed range; learned rows (BERT, GPT-2)
are drawn as they are, on their own symmetric range.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from explainer.figures.base import base_layout, check_matrix
from explainer.figures.embedding import HIGHLIGHT, VECTOR_SCALE, robust_range

BEFORE_COLOUR = "#8d99ae"
# Above this many tokens the before/after plot drops its text labels (hover still names them).
LABELLED_POINTS = 40
LABEL_SPOTS = ("top left", "bottom right", "top right", "bottom left")


def _positions(positions, n: int) -> list[int]:
    positions = [int(p) for p in positions]
    if len(positions) != n:
        raise ValueError(f"{n} rows but {len(positions)} positions")
    return positions


def pe_heatmap_figure(
    pe: np.ndarray,
    positions: Sequence[int],
    n_sentence: int = 0,
    title: str = "",
    position_title: str = "position",
    dim_title: str = "dimension",
    sentence_label: str = "sentence",
    limit: float | None = 1.0,
    value_title: str = "PE",
) -> go.Figure:
    """The position matrix: rows are positions, columns dimensions, colour centred on 0.

    Args:
        pe: [P, d_model] the encodings of ``positions`` (which may be thinned: 0, 4, 8, …).
        n_sentence: the sentence's length; a line marks where it ends (when rows go past it).
        limit: colour range ±limit; 1 for sinusoidal codes, None for the data's own range
            (learned rows: ``robust_range``, so a few outlier dimensions do not wash it out).
    """
    pe = check_matrix(pe, None, None, "PE matrix")
    rows = _positions(positions, pe.shape[0])
    top = float(limit) if limit else robust_range(pe)
    fig = go.Figure(go.Heatmap(
        z=pe, x=list(range(pe.shape[1])), y=rows, zmin=-top, zmax=top, zmid=0.0,
        colorscale=VECTOR_SCALE, colorbar=dict(title=value_title, thickness=12),
        hovertemplate=position_title + " %{y}, " + dim_title + " %{x}: %{z:.4f}<extra></extra>",
    ))
    if 0 < n_sentence <= rows[-1]:
        fig.add_hline(y=n_sentence - 0.5, line=dict(color=HIGHLIGHT, width=2, dash="dash"),
                      annotation_text=sentence_label, annotation_position="bottom right",
                      annotation=dict(bgcolor="rgba(255,255,255,0.85)", font=dict(color=HIGHLIGHT)))
    fig.update_xaxes(title=dim_title, showgrid=False, zeroline=False)
    fig.update_yaxes(title=position_title, autorange="reversed", showgrid=False, zeroline=False)
    return base_layout(fig, title, 460)


def pe_waves_figure(
    positions: Sequence[int],
    columns: np.ndarray,
    dims: Sequence[int],
    sentence_tokens: Sequence[str] = (),
    title: str = "",
    position_title: str = "position",
    dim_label: str = "dim",
    kinds: Sequence[str] | None = None,
    value_range: tuple[float, float] | None = (-1.1, 1.1),
) -> go.Figure:
    """Chosen position dimensions as curves over positions; the sentence's positions as dots.

    Args:
        positions: [P] x values (positions, possibly thinned).
        columns: [P, m] values of the ``m`` chosen dimensions at those positions.
        dims: [m] which dimensions those are (legend: "dim 4 (sin)").
        sentence_tokens: the sentence, token at position i marks column values at x = i
            (only positions present in ``positions`` are marked).
        kinds: [m] the wave each dimension carries ("sin", "cos"; "" names none). Default:
            the paper's interleaved layout (even dimensions sin, odd cos).
        value_range: the y range; None fits the data (learned rows are not bounded by 1).
    """
    columns = check_matrix(columns, None, None, "PE columns")
    xs = _positions(positions, columns.shape[0])
    if len(dims) != columns.shape[1]:
        raise ValueError(f"{columns.shape[1]} columns but {len(dims)} dimension numbers")
    if kinds is None:
        kinds = ["sin" if int(dim) % 2 == 0 else "cos" for dim in dims]
    if len(kinds) != len(dims):
        raise ValueError(f"{len(dims)} dimensions but {len(kinds)} wave kinds")
    where = {x: i for i, x in enumerate(xs)}
    marked = [(i, tok) for i, tok in enumerate(sentence_tokens) if i in where]
    fig = go.Figure()
    for col, (dim, kind) in enumerate(zip(dims, kinds)):
        name = f"{dim_label} {dim} ({kind})" if kind else f"{dim_label} {dim}"
        fig.add_trace(go.Scatter(x=xs, y=columns[:, col], mode="lines", name=name,
                                 legendgroup=name,
                                 hovertemplate=f"{name}<br>%{{x}}: %{{y:.4f}}<extra></extra>"))
        if marked:
            fig.add_trace(go.Scatter(
                x=[i for i, _ in marked], y=[columns[where[i], col] for i, _ in marked],
                mode="markers", legendgroup=name, showlegend=False,
                marker=dict(size=9, color=HIGHLIGHT, line=dict(width=1, color="white")),
                text=[str(tok) for _, tok in marked],
                hovertemplate="%{x}: %{text}<br>%{y:.4f}<extra></extra>",
            ))
    fig.update_xaxes(title=position_title, zeroline=False)
    fig.update_yaxes(range=list(value_range) if value_range else None, zeroline=True)
    fig.update_layout(legend=dict(orientation="h", y=-0.2))
    return base_layout(fig, title, 380)


def before_after_figure(
    before: np.ndarray,
    after: np.ndarray,
    tokens: Sequence[str],
    before_name: str = "embedding",
    after_name: str = "embedding + PE",
    title: str = "",
    axis_titles: Sequence[str] = ("PC1", "PC2"),
    gap_pair: tuple[int, int] | None = None,
    gap_label: str = "",
) -> go.Figure:
    """The sentence's vectors before (hollow) and after (filled) adding PE, joined by a line.

    Args:
        before, after: [n, 2] projected points of the same n tokens; repeated words keep
            their own points (before PE they coincide, after they part).
        gap_pair: two positions (a repeated word's copies) joined by a solid line after PE,
            with ``gap_label`` (their distance) written over its middle.
    """
    before = check_matrix(before, tokens, None, "before points")
    after = check_matrix(after, tokens, None, "after points")
    if before.shape[1] != 2 or after.shape != before.shape:
        raise ValueError(f"before {before.shape} and after {after.shape} must both be [n, 2]")
    if gap_pair is not None and not all(0 <= int(i) < len(tokens) for i in gap_pair):
        raise ValueError(f"gap_pair {gap_pair} must index the {len(tokens)} tokens")
    labels = [f"{i}: {tok}" for i, tok in enumerate(tokens)]
    show_text = len(tokens) <= LABELLED_POINTS
    # Copies of a repeated word land close together: each copy puts its label on another side.
    seen: dict[str, int] = {}
    spots = []
    for tok in tokens:
        spots.append(LABEL_SPOTS[seen.get(tok, 0) % len(LABEL_SPOTS)])
        seen[tok] = seen.get(tok, 0) + 1
    xs, ys = [], []
    for b, a in zip(before, after):
        xs += [b[0], a[0], None]
        ys += [b[1], a[1], None]
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", hoverinfo="skip", showlegend=False,
                             line=dict(color="#adb5bd", width=1, dash="dot")))
    fig.add_trace(go.Scatter(
        x=before[:, 0], y=before[:, 1], name=before_name,
        mode="markers", text=labels,
        marker=dict(size=12, symbol="circle-open", color=BEFORE_COLOUR, line=dict(width=2)),
        hovertemplate="%{text}<extra>" + before_name + "</extra>",
    ))
    fig.add_trace(go.Scatter(
        x=after[:, 0], y=after[:, 1], name=after_name,
        mode="markers+text" if show_text else "markers", text=labels, textposition=spots,
        marker=dict(size=11, color=HIGHLIGHT, line=dict(width=1, color="white")),
        hovertemplate="%{text}<extra>" + after_name + "</extra>",
    ))
    if gap_pair is not None:
        a, b = (int(i) for i in gap_pair)
        fig.add_trace(go.Scatter(
            x=[after[a, 0], after[b, 0]], y=[after[a, 1], after[b, 1]], mode="lines",
            line=dict(color=HIGHLIGHT, width=3), hoverinfo="skip", showlegend=False,
        ))
        fig.add_annotation(x=(after[a, 0] + after[b, 0]) / 2, y=(after[a, 1] + after[b, 1]) / 2,
                           text=gap_label, showarrow=False, yshift=14,
                           font=dict(color=HIGHLIGHT, size=15))
    fig.update_xaxes(title=axis_titles[0], zeroline=False)
    fig.update_yaxes(title=axis_titles[1], zeroline=False, scaleanchor="x", scaleratio=1)
    fig.update_layout(legend=dict(orientation="h", y=-0.15))
    return base_layout(fig, title, 480)


def pe_similarity_figure(
    similarity: np.ndarray,
    positions: Sequence[int],
    title: str = "",
    position_title: str = "position",
    value_title: str = "PE·PE",
) -> go.Figure:
    """Dot products between the position vectors of every pair of positions [P, P].

    For sinusoidal codes the diagonal is d_model / 2 (each sin²+cos² pair adds 1), nearby
    positions score high, and the score depends only on the distance between positions.
    """
    sim = check_matrix(similarity, None, None, "PE similarity")
    pos = _positions(positions, sim.shape[0])
    if sim.shape[1] != sim.shape[0]:
        raise ValueError(f"similarity must be square, got {sim.shape}")
    # Sequential scale over the data's own range: the values are mostly positive, and a scale
    # centred on 0 would paint them all the same red.
    fig = go.Figure(go.Heatmap(
        z=sim, x=pos, y=pos, colorscale="Viridis",
        colorbar=dict(title=value_title, thickness=12),
        hovertemplate="%{y} · %{x}: %{z:.3f}<extra></extra>",
    ))
    fig.update_xaxes(title=position_title, showgrid=False, zeroline=False)
    fig.update_yaxes(title=position_title, autorange="reversed", showgrid=False, zeroline=False,
                     scaleanchor="x", scaleratio=1)
    return base_layout(fig, title, 480)
