"""Figures of the translation page: next-token probabilities, cross-attention, beam search."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from explainer.figures.attention import attention_heatmap_figure
from explainer.figures.base import base_layout, token_axis

CHOSEN = "#e4572e"
OTHER = "#4c78a8"
DRAWN = "#9ecae9"


def next_token_figure(
    tokens: Sequence[str],
    probs: Sequence[float],
    chosen: Sequence[bool],
    drawn: Sequence[float] | None = None,
    prob_label: str = "probability",
    drawn_label: str = "sampled from",
    title: str = "",
) -> go.Figure:
    """Horizontal bars of the most likely next tokens, the chosen one in a second colour.

    Args:
        tokens: candidate tokens, most likely first (repeats allowed: integer axis).
        probs: the model's probability for each (softmax of the logits).
        chosen: True for the token the decoder wrote.
        drawn: optional probability under the sampling distribution (temperature, top-k),
            drawn as a second, lighter bar beside the first.
    """
    n = len(tokens)
    if len(probs) != n or len(chosen) != n or (drawn is not None and len(drawn) != n):
        raise ValueError("tokens, probs, chosen (and drawn) must have the same length")
    probs = np.asarray(probs, dtype=float)
    labels = [str(t) for t in tokens]
    y = list(range(n))
    fig = go.Figure(go.Bar(
        x=probs, y=y, orientation="h", name=prob_label,
        marker_color=[CHOSEN if c else OTHER for c in chosen],
        text=[f"{p:.3f}" for p in probs], textposition="outside", cliponaxis=False,
        customdata=labels, hovertemplate="%{customdata}: %{x:.4f}<extra></extra>",
    ))
    if drawn is not None:
        drawn = np.asarray(drawn, dtype=float)
        fig.add_trace(go.Bar(
            x=drawn, y=y, orientation="h", name=drawn_label, marker_color=DRAWN,
            marker_line=dict(color=[CHOSEN if c else OTHER for c in chosen], width=1.5),
            text=[f"{p:.3f}" for p in drawn], textposition="outside", cliponaxis=False,
            customdata=labels, hovertemplate="%{customdata}: %{x:.4f}<extra></extra>",
        ))
        fig.update_layout(barmode="group", legend=dict(orientation="h", y=-0.15))
    top = float(max(probs.max(initial=0), 0 if drawn is None else drawn.max(initial=0)))
    fig.update_xaxes(range=[0, min(1.0, top) * 1.2 + 0.02], title=prob_label)
    fig.update_yaxes(**token_axis(labels, reverse=True))
    return base_layout(fig, title, height=max(240, 70 + 34 * n * (2 if drawn is not None else 1)))


def highlight_row(fig: go.Figure, row: int, n_cols: int, colour: str = CHOSEN) -> go.Figure:
    """Frame one row of a heatmap drawn on integer axes."""
    fig.add_shape(type="rect", x0=-0.5, x1=n_cols - 0.5, y0=row - 0.5, y1=row + 0.5,
                  line=dict(color=colour, width=3), fillcolor="rgba(0,0,0,0)")
    return fig


def cross_attention_figure(
    pattern: np.ndarray,
    written_tokens: Sequence[str],
    source_tokens: Sequence[str],
    step: int | None = None,
    title: str = "",
    row_title: str = "written",
    col_title: str = "source",
    hover: str = "weight",
    show_values: bool = True,
    masked_cells: np.ndarray | None = None,
) -> go.Figure:
    """Where each written token looked: one row per token written, one column per key token
    (the source for cross-attention, the text so far for a decoder-only model).

    Args:
        pattern: [written, key] weights (rows sum to 1).
        step: optional row to frame (the current decoding step).
        show_values: print each weight in its cell when the matrix is small enough to read.
        masked_cells: optional [written, key] bool, True where the mask forbade attention
            (drawn as gaps).
    """
    fig = attention_heatmap_figure(pattern, written_tokens, source_tokens, title=title,
                                   query_title=row_title, key_title=col_title, hover=hover,
                                   masked_cells=masked_cells)
    # Numbers in cells only while they fit: a dozen columns in half a page.
    if show_values and len(source_tokens) <= 12 and len(written_tokens) <= 30:
        fig.update_traces(texttemplate="%{z:.2f}", textfont=dict(size=11))
    if step is not None:
        if not 0 <= step < len(written_tokens):
            raise ValueError(f"step {step} out of range for {len(written_tokens)} rows")
        highlight_row(fig, step, len(source_tokens))
    return fig


PRUNED = "#b0b0b0"
FINISHED = "#2e9d5b"


def beam_tree_figure(
    tokens: Sequence[Sequence[str]],
    parents: np.ndarray,
    log_probs: np.ndarray,
    finished: np.ndarray,
    path: Sequence[tuple[int, int]],
    start_token: str,
    step_title: str = "step",
    score_label: str = "log P",
    title: str = "",
    status: np.ndarray | None = None,
    scores: np.ndarray | None = None,
    penalties: Sequence[float] | None = None,
    status_names: dict[str, str] | None = None,
    selected: tuple[int, int] | None = None,
) -> go.Figure:
    """Beam search as a tree: a column per step, a node per kept candidate, edges to parents.

    Every node kept at a step is drawn: the chosen hypothesis in orange, finished sentences as
    squares, nodes pruned at the next step (none of their continuations stayed in the beam) as
    grey crosses. Each node's ``customdata`` is its (step, node), so a click can name it.

    Args:
        tokens: [step][node] tokens of the kept candidates.
        parents: [step, width] parent node in the previous step (−1: start token / empty).
        log_probs: [step, width] log-probability of each node's prefix.
        finished: [step, width] True where a node ended its sentence (``<eos>``).
        path: (step, node) pairs of the hypothesis to highlight (the best one).
        status: optional [step, width] "best", "kept", "pruned", "finished", "end"
            (``analysis.decoding.beam_nodes``); pruned nodes are drawn grey.
        scores: optional [step, width] log P / lp, shown on hover with ``penalties`` [step].
        status_names: interface words for the statuses (hover).
        selected: optional (step, node) to ring (the node whose step is shown below).
    """
    parents = np.asarray(parents)
    log_probs = np.asarray(log_probs, dtype=float)
    finished = np.asarray(finished, dtype=bool)
    if not (parents.shape == log_probs.shape == finished.shape) or parents.ndim != 2:
        raise ValueError("parents, log_probs and finished must share one [step, width] shape")
    if len(tokens) != parents.shape[0] or any(
            len(row) > parents.shape[1] for row in tokens):
        raise ValueError("tokens must have one row per step, no wider than the arrays")
    for extra, name in ((status, "status"), (scores, "scores")):
        if extra is not None and np.shape(extra) != parents.shape:
            raise ValueError(f"{name} must have the [step, width] shape {parents.shape}")
    if penalties is not None and len(penalties) != parents.shape[0]:
        raise ValueError("penalties must have one value per step")
    names = status_names or {}
    on_path = set(path)
    edge_x, edge_y, best_x, best_y = [], [], [], []
    node_x, node_y, node_text, node_hover, node_symbol, node_colour = [], [], [], [], [], []
    node_custom = []
    for step, row in enumerate(tokens):
        for node, tok in enumerate(row):
            parent = int(parents[step, node])
            px, py = (step, parent) if step > 0 else (0, 0)
            xs, ys = (best_x, best_y) if (step, node) in on_path else (edge_x, edge_y)
            xs += [px, step + 1, None]
            ys += [py, node, None]
            node_x.append(step + 1)
            node_y.append(node)
            node_text.append(str(tok))
            node_custom.append([step, node])
            what = "" if status is None else str(status[step, node])
            hover = f"{tok}<br>{score_label} = {log_probs[step, node]:.3f}"
            if penalties is not None:
                hover += f"<br>lp = {float(penalties[step]):.3f}"
            if scores is not None:
                hover += f"<br>{score_label} / lp = {float(scores[step, node]):.3f}"
            if what:
                hover += f"<br>{names.get(what, what)}"
            node_hover.append(hover)
            pruned = what == "pruned"
            node_symbol.append("square" if finished[step, node]
                               else ("x" if pruned else "circle"))
            node_colour.append(CHOSEN if (step, node) in on_path
                               else (PRUNED if pruned else OTHER))
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=edge_x, y=edge_y, mode="lines", hoverinfo="skip",
                             line=dict(color="#bbbbbb", width=1.2), showlegend=False))
    fig.add_trace(go.Scatter(x=best_x, y=best_y, mode="lines", hoverinfo="skip",
                             line=dict(color=CHOSEN, width=3), showlegend=False))
    fig.add_trace(go.Scatter(x=[0], y=[0], mode="markers+text", text=[start_token],
                             textposition="top center", marker=dict(size=11, color="#333"),
                             hoverinfo="text", hovertext=[start_token], showlegend=False))
    fig.add_trace(go.Scatter(
        x=node_x, y=node_y, mode="markers+text", text=node_text, textposition="top center",
        marker=dict(size=12, color=node_colour, symbol=node_symbol), hovertext=node_hover,
        hoverinfo="text", showlegend=False, customdata=node_custom,
    ))
    if selected is not None:
        step, node = selected
        fig.add_shape(type="circle", x0=step + 1 - 0.22, x1=step + 1 + 0.22, y0=node - 0.3,
                      y1=node + 0.3, line=dict(color="#111", width=2))
    width = parents.shape[1]
    fig.update_xaxes(title=step_title, tickmode="linear", dtick=1, showgrid=False,
                     zeroline=False, range=[-0.5, len(tokens) + 0.5])
    # Slot 0 (the most likely candidate) on top; room above it for its label.
    fig.update_yaxes(visible=False, autorange=False, range=[width - 0.5, -0.9])
    fig.update_layout(clickmode="event+select", dragmode=False)
    return base_layout(fig, title, height=max(260, 90 + 55 * width))
