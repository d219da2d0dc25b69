"""Figures of "Why this word?" and "Switch heads off": scores of a translation, attribution
beside attention, their agreement, the logit lens, head importance, ablation effects."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from explainer.figures.base import (
    ATTENTION_SCALE,
    base_layout,
    check_matrix,
    heatmap_height,
    masked,
    named_axis,
    position_names,
    token_axis,
)

SURE, UNSURE, LOW = "#2e9d5b", "#f0a202", "#d1495b"
TOWARDS_A, TOWARDS_B = "#e4572e", "#4c78a8"
BEFORE, AFTER = "#9ecae9", "#e4572e"
SIGNED_SCALE = "RdBu_r"  # red: pushes towards the token, blue: away from it; white is 0


def _level_colour(prob: float, threshold: float, high: float) -> str:
    if prob < threshold:
        return LOW
    return UNSURE if prob < high else SURE


def _column_hover(col_hover: Sequence[str] | None, n_rows: int, n_cols: int):
    """Per-cell text from per-column text (pinyin of a Chinese word): Heatmap customdata."""
    if col_hover is None:
        return None
    if len(col_hover) != n_cols:
        raise ValueError(f"{len(col_hover)} column hover texts for {n_cols} columns")
    return [[str(h) for h in col_hover] for _ in range(n_rows)]


def token_heatmap_figure(
    values: np.ndarray,
    row_tokens: Sequence[str],
    col_tokens: Sequence[str],
    title: str = "",
    row_title: str = "",
    col_title: str = "",
    hover: str = "value",
    signed: bool = False,
    col_hover: Sequence[str] | None = None,
    show_values: bool = True,
) -> go.Figure:
    """A [row token × column token] heatmap: weights on the fixed [0, 1] attention scale, or
    signed values (attributions) on a diverging scale centred on 0, symmetric about it.

    Args:
        values: [R, C]; NaN cells are gaps.
        signed: diverging colours, zero white; else the attention scale fixed to [0, 1].
        col_hover: optional text per column shown on hover (pinyin of a Chinese word).
        show_values: print each value in its cell while the matrix is small enough to read.
    """
    z = masked(check_matrix(values, row_tokens, col_tokens, "heatmap"))
    rows, cols = [str(t) for t in row_tokens], [str(t) for t in col_tokens]
    r_names, c_names = position_names(rows), position_names(cols)
    extra = _column_hover(col_hover, len(rows), len(cols))
    if signed:
        bound = float(np.nanmax(np.abs(z))) if np.isfinite(z).any() else 1.0
        bound = bound if bound > 0 else 1.0
        scale = dict(zmin=-bound, zmax=bound, zmid=0.0, colorscale=SIGNED_SCALE)
    else:
        scale = dict(zmin=0.0, zmax=1.0, colorscale=ATTENTION_SCALE)
    template = f"%{{y}} → %{{x}}<br>{hover}: %{{z:.3f}}"
    if extra is not None:
        template += "<br>%{customdata}"
    fig = go.Figure(go.Heatmap(
        z=z, x=c_names, y=r_names, customdata=extra, hoverongaps=False,
        hovertemplate=template + "<extra></extra>",
        colorbar=dict(title=dict(text=hover, side="right"), thickness=12),
        **scale,
    ))
    if show_values and len(cols) <= 12 and len(rows) <= 30:
        fig.update_traces(texttemplate="%{z:.2f}", textfont=dict(size=11))
    fig.update_xaxes(**named_axis(token_axis(cols, col_title, across=True), c_names))
    fig.update_yaxes(**named_axis(token_axis(rows, row_title, reverse=True), r_names))
    return base_layout(fig, title, heatmap_height(len(rows)))


def token_scores_figure(
    tokens: Sequence[str],
    probs: Sequence[float],
    ranks: Sequence[int],
    threshold: float,
    high: float = 0.7,
    title: str = "",
    prob_label: str = "probability",
    rank_label: str = "rank",
) -> go.Figure:
    """One bar per token of a translation: the probability the model gave it, coloured green
    (sure), orange, red (below ``threshold``: a guess); hover adds its rank and −log p."""
    probs = np.asarray(probs, dtype=float)
    ranks = np.asarray(ranks)
    if probs.ndim != 1 or len(tokens) != len(probs) or len(ranks) != len(probs):
        raise ValueError("tokens, probs and ranks must have the same length")
    labels = [str(t) for t in tokens]
    nll = -np.log(np.maximum(probs, 1e-300))
    fig = go.Figure(go.Bar(
        x=list(range(len(labels))), y=probs,
        marker_color=[_level_colour(float(p), threshold, high) for p in probs],
        text=[f"{p:.2f}" for p in probs], textposition="outside", cliponaxis=False,
        customdata=np.stack([ranks.astype(float), nll], axis=1) if len(labels) else None,
        hovertext=labels,
        hovertemplate=(f"%{{hovertext}}<br>{prob_label}: %{{y:.4f}}<br>{rank_label}: "
                       "%{customdata[0]:.0f}<br>−log p: %{customdata[1]:.3f}<extra></extra>"),
    ))
    fig.add_hline(y=threshold, line=dict(color=LOW, dash="dot", width=1))
    fig.update_yaxes(range=[0, 1.15], title=prob_label)
    fig.update_xaxes(**token_axis(labels, across=True))
    return base_layout(fig, title, height=300)


def contrast_figure(
    src_tokens: Sequence[str],
    attribution: Sequence[float],
    token_a: str,
    token_b: str,
    title: str = "",
    value_label: str = "attribution",
    col_hover: Sequence[str] | None = None,
) -> go.Figure:
    """Which source tokens push the model towards A (positive, right) and towards B (negative,
    left): attribution of log p(A) − log p(B), one horizontal bar per source token."""
    values = np.asarray(attribution, dtype=float)
    if values.ndim != 1 or len(values) != len(src_tokens):
        raise ValueError(f"{len(values)} attributions for {len(src_tokens)} source tokens")
    labels = [str(t) for t in src_tokens]
    hover = [f"{lab} {h}".strip() for lab, h in zip(labels, col_hover or [""] * len(labels))]
    fig = go.Figure(go.Bar(
        x=values, y=list(range(len(labels))), orientation="h",
        marker_color=[TOWARDS_A if v >= 0 else TOWARDS_B for v in values],
        hovertext=hover, hovertemplate=f"%{{hovertext}}<br>{value_label}: %{{x:.4f}}"
                                       "<extra></extra>",
    ))
    bound = float(np.max(np.abs(values))) if len(values) else 1.0
    bound = bound * 1.15 if bound > 0 else 1.0
    fig.update_xaxes(range=[-bound, bound], title=f"← {token_b}   ·   {token_a} →",
                     zeroline=True, zerolinecolor="#333")
    fig.update_yaxes(**token_axis(labels, reverse=True))
    return base_layout(fig, title, height=max(220, 70 + 30 * len(labels)))


def agreement_figure(
    rhos: Sequence[Sequence[float]],
    names: Sequence[str],
    tgt_tokens: Sequence[str],
    title: str = "",
    value_label: str = "Spearman ρ",
) -> go.Figure:
    """Per written token, how well two views rank the source tokens alike: one group of bars
    per token, one bar per comparison (Spearman ρ in [−1, 1]; NaN where a row is constant and
    no ranking exists: a gap)."""
    if len(rhos) != len(names):
        raise ValueError(f"{len(rhos)} series for {len(names)} names")
    labels = [str(t) for t in tgt_tokens]
    colours = (TOWARDS_A, TOWARDS_B, SURE, UNSURE)
    fig = go.Figure()
    for i, (rho, name) in enumerate(zip(rhos, names)):
        values = np.asarray(rho, dtype=float)
        if values.ndim != 1 or len(values) != len(labels):
            raise ValueError(f"{len(values)} values for {len(labels)} tokens")
        fig.add_trace(go.Bar(
            x=list(range(len(labels))), y=masked(values), name=str(name),
            marker_color=colours[i % len(colours)], hovertext=labels,
            hovertemplate=f"%{{hovertext}}<br>{name}: %{{y:.3f}}<extra></extra>",
        ))
    fig.update_layout(barmode="group", legend=dict(orientation="h", y=1.15, x=0))
    fig.update_yaxes(range=[-1.05, 1.05], title=value_label, zeroline=True)
    fig.update_xaxes(**token_axis(labels, across=True))
    return base_layout(fig, title, height=300)


def lens_figure(
    top_tokens: Sequence[Sequence[str]],
    top_probs: np.ndarray,
    layer_names: Sequence[str],
    position_labels: Sequence[str],
    answer_probs: np.ndarray | None = None,
    title: str = "",
    layer_title: str = "layer",
    position_title: str = "position",
    prob_label: str = "probability",
    answer_label: str = "P(final answer)",
) -> go.Figure:
    """The logit lens as a layer × position grid: each cell names the word that layer's output
    would predict (its top-1, printed in the cell) and is coloured by its probability.

    Args:
        top_tokens: [L][T] the top prediction per layer and position.
        top_probs: [L, T] its probability.
        layer_names: [L] bottom layer first; drawn with the last layer on top.
        position_labels: [T] what each column is ("I → love").
        answer_probs: optional [L, T], the probability of the model's final answer there.
    """
    probs = check_matrix(top_probs, layer_names, position_labels, "logit-lens grid")
    if len(top_tokens) != probs.shape[0] or any(len(r) != probs.shape[1] for r in top_tokens):
        raise ValueError("top_tokens must be [layers][positions] like top_probs")
    text = [[str(tok) for tok in row] for row in top_tokens]
    cols = [str(c) for c in position_labels]
    c_names = position_names(cols)
    layers = [str(n) for n in layer_names]
    custom = None
    template = "%{y} · %{x}<br>%{text}: %{z:.3f}"
    if answer_probs is not None:
        answer = check_matrix(answer_probs, layer_names, position_labels, "answer probabilities")
        custom = answer
        template += f"<br>{answer_label}: %{{customdata:.3f}}"
    fig = go.Figure(go.Heatmap(
        z=probs, x=c_names, y=layers, text=text, texttemplate="%{text}",
        textfont=dict(size=13), customdata=custom, zmin=0.0, zmax=1.0,
        colorscale=ATTENTION_SCALE,
        colorbar=dict(title=dict(text=prob_label, side="right"), thickness=12),
        hovertemplate=template + "<extra></extra>",
    ))
    fig.update_xaxes(**named_axis(token_axis(cols, position_title, across=True), c_names))
    fig.update_yaxes(title=layer_title, type="category", categoryorder="array",
                     categoryarray=layers)
    return base_layout(fig, title, height=max(260, 90 + 42 * len(layers)))


def head_importance_figure(
    drop: np.ndarray,
    title: str = "",
    layer_title: str = "layer",
    head_title: str = "head",
    value_label: str = "drop in log P",
    marked: Sequence[tuple[int, int]] = (),
) -> go.Figure:
    """A layer × head grid: how much the translation's log-probability falls when that head
    alone is switched off (positive: the head helped). ``marked`` (layer, head) cells are
    framed (the heads switched off on the page)."""
    values = check_matrix(drop, None, None, "head importance")
    n_layers, n_heads = values.shape
    bound = float(np.nanmax(np.abs(values))) if np.isfinite(values).any() else 1.0
    bound = bound if bound > 0 else 1.0
    fig = go.Figure(go.Heatmap(
        z=values, x=list(range(n_heads)), y=list(range(n_layers)), zmin=-bound, zmax=bound,
        zmid=0.0, colorscale=SIGNED_SCALE,
        colorbar=dict(title=dict(text=value_label, side="right"), thickness=12),
        texttemplate="%{z:.2f}" if values.size <= 144 else None,
        hovertemplate=(f"{layer_title} %{{customdata[0]}} · {head_title} %{{customdata[1]}}"
                       f"<br>{value_label}: %{{z:.4f}}<extra></extra>"),
        customdata=[[[layer + 1, head + 1] for head in range(n_heads)]
                    for layer in range(n_layers)],
    ))
    for layer, head in marked:
        fig.add_shape(type="rect", x0=head - 0.5, x1=head + 0.5, y0=layer - 0.5,
                      y1=layer + 0.5, line=dict(color="#111", width=3))
    fig.update_xaxes(title=head_title, tickmode="array", tickvals=list(range(n_heads)),
                     ticktext=[str(h + 1) for h in range(n_heads)], showgrid=False)
    fig.update_yaxes(title=layer_title, tickmode="array", tickvals=list(range(n_layers)),
                     ticktext=[str(layer + 1) for layer in range(n_layers)], showgrid=False)
    return base_layout(fig, title, height=max(220, 80 + 45 * n_layers))


def prob_change_figure(
    tokens: Sequence[str],
    before: Sequence[float],
    after: Sequence[float],
    title: str = "",
    before_label: str = "before",
    after_label: str = "after",
    prob_label: str = "probability",
) -> go.Figure:
    """Per token of the original translation, its probability with every head on (before) and
    with the intervention (after), side by side."""
    before = np.asarray(before, dtype=float)
    after = np.asarray(after, dtype=float)
    if before.shape != after.shape or before.ndim != 1 or len(tokens) != len(before):
        raise ValueError("tokens, before and after must have the same length")
    labels = [str(t) for t in tokens]
    x = list(range(len(labels)))
    fig = go.Figure()
    for values, name, colour in ((before, before_label, BEFORE), (after, after_label, AFTER)):
        fig.add_trace(go.Bar(
            x=x, y=values, name=name, marker_color=colour, hovertext=labels,
            hovertemplate=f"%{{hovertext}}<br>{name}: %{{y:.4f}}<extra></extra>",
        ))
    fig.update_layout(barmode="group", legend=dict(orientation="h", y=1.12, x=0))
    fig.update_yaxes(range=[0, 1.05], title=prob_label)
    fig.update_xaxes(**token_axis(labels, across=True))
    return base_layout(fig, title, height=320)
