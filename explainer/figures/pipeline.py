"""The paper's Figure 1, redrawn for the model shown (one column per side it has) with the
shapes of the current sentence, and the article's fixed-size input matrix drawn to scale."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import plotly.graph_objects as go

from explainer.figures.base import base_layout

# Colours of the paper's Figure 1: embeddings pink, attention orange, Add & Norm yellow,
# feed-forward blue, linear purple, softmax green.
COLOURS = {
    "embed": "#f9d3d3", "pos": "#fbe6e6", "attn": "#fcdcb0", "norm": "#f6f2bd",
    "ffn": "#c6e4f3", "linear": "#ddd2f1", "softmax": "#cfeec9",
}
# A stage's kind (``explainer.analysis.pipeline.Stage.kind``) -> its colour group.
KIND_COLOUR = {
    "embed": "embed", "pos": "pos", "embed_norm": "norm", "attn": "attn", "cross": "attn",
    "add_norm": "norm", "ln": "norm", "add": "norm", "ffn": "ffn", "final_norm": "norm",
    "linear": "linear", "softmax": "softmax",
}
BOX_W, BOX_H = 3.9, 0.72
STEP = 1.02  # vertical distance between the centres of two boxes
FRAME_GAP = 0.5  # extra room where the "N×" frame begins or ends
TOKENS_Y = 0.35
INK = "#222222"
X_RANGE = (-1.5, 11.5)
COMPARE_ROOM = 1.0  # extra x range on each side when the paper's layer count is written too


def _clip(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _shape_text(shape: Sequence[int], compact: bool = False) -> str:
    return (" × " if not compact else "×").join(str(int(n)) for n in shape)


def _arrow(x0: float, y0: float, x1: float, y1: float) -> dict:
    return dict(x=x1, y=y1, ax=x0, ay=y0, xref="x", yref="y", axref="x", ayref="y",
                showarrow=True, arrowhead=2, arrowsize=1.1, arrowwidth=1.4, arrowcolor="#555",
                text="")


def _label(x: float, y: float, text: str, size: int, **extra) -> dict:
    return dict(x=x, y=y, text=text, showarrow=False, font=dict(size=size, color=INK), **extra)


def _column_layout(boxes: Sequence[Mapping]) -> tuple[list[float], tuple[float, float] | None]:
    """Centre y of every stage of one column (tokens first), and the y extent of its "N×"
    frame around the repeated stages (None when it has none)."""
    ys = [TOKENS_Y]
    y, inside = 1.45 - STEP, False
    first = last = None
    for box in boxes[1:]:
        block = bool(box.get("in_block"))
        if block != inside:
            y += FRAME_GAP
            inside = block
        y += STEP
        ys.append(y)
        if block:
            first = y if first is None else first
            last = y
    frame = None if first is None else (first - BOX_H / 2 - 0.3, last + BOX_H / 2 + 0.3)
    return ys, frame


def pipeline_figure(
    columns: Sequence[Sequence[Mapping]],
    n_layers: Sequence[int],
    token_texts: Sequence[str],
    top_label: str,
    top_text: str = "",
    compare: Sequence[Sequence[Sequence[int]]] | None = None,
    compare_layers: int | None = None,
    compare_label: str = "paper",
    title: str = "",
) -> go.Figure:
    """Figure 1 of the paper, drawn for the model shown, boxes labelled with live shapes.

    One column per side the model has (an encoder–decoder has two, with the encoder's output
    feeding every decoder layer's cross-attention; a BERT or a GPT-2 has one).

    Args:
        columns: per column, its stages bottom to top, each a mapping with "label" (display
            name), "kind" (``KIND_COLOUR``'s keys, or "tokens" for the first entry, drawn as
            text), "shape" and "in_block" (True for the stages repeated N times).
        n_layers: N per column, printed beside its frame.
        token_texts: per column, the tokens it reads as short text.
        top_label, top_text: what comes out at the top (e.g. "Output Probabilities" and the
            written text), above the last column.
        compare: optional second set of shapes, same layout (the paper's base model).
        compare_layers: N of the compared model.
        compare_label: word for the compared model.

    Raises:
        ValueError: counts that do not match, an unknown kind, a column not starting with its
            tokens.
    """
    if not 1 <= len(columns) <= 2:
        raise ValueError("Figure 1 has one or two columns")
    if len(n_layers) != len(columns) or len(token_texts) != len(columns):
        raise ValueError("one n_layers and one token text per column are needed")
    for boxes in columns:
        if not boxes or boxes[0].get("kind") != "tokens":
            raise ValueError("every column starts with its tokens")
        unknown = {b["kind"] for b in boxes[1:]} - set(KIND_COLOUR)
        if unknown:
            raise ValueError(f"unknown stage kinds {sorted(unknown)}")
    if compare is not None and [len(c) for c in compare] != [len(c) for c in columns]:
        raise ValueError("compare needs one shape per stage, column by column")
    xs = [5.0] if len(columns) == 1 else [2.3, 7.7]
    layouts = [_column_layout(boxes) for boxes in columns]
    top_y = max(ys[-1] for ys, _ in layouts) + 1.1
    # Shapes and annotations are collected and set once: Plotly re-validates every earlier
    # annotation on each add_annotation call, which made this figure take most of a second.
    shapes: list[dict] = []
    notes: list[dict] = []
    hover_x, hover_y, hover_text = [], [], []
    for c, (boxes, x, (ys, frame)) in enumerate(zip(columns, xs, layouts)):
        left = c == 0
        if frame is not None:
            y0, y1 = frame
            shapes.append(dict(type="rect", x0=x - BOX_W / 2 - 0.25, x1=x + BOX_W / 2 + 0.25,
                               y0=y0, y1=y1, line=dict(color="#999", width=1.5),
                               fillcolor="#f4f4f4", layer="below"))
            label = f"{int(n_layers[c])}×"
            if compare_layers is not None:
                label += f"<br>{compare_label} {compare_layers}×"
            notes.append(_label(x - BOX_W / 2 - 0.4 if left else x + BOX_W / 2 + 0.4,
                                (y0 + y1) / 2, f"<b>{label}</b>", 15,
                                xanchor="right" if left else "left"))
        for i, (box, y) in enumerate(zip(boxes, ys)):
            shape = _shape_text(box["shape"])
            if i == 0:
                notes.append(_label(x, y, f"<b>{box['label']}</b><br>{_clip(token_texts[c])}"
                                    f"  ({shape})", 13))
                continue
            shapes.append(dict(type="rect", x0=x - BOX_W / 2, x1=x + BOX_W / 2,
                               y0=y - BOX_H / 2, y1=y + BOX_H / 2,
                               line=dict(color="#666", width=1),
                               fillcolor=COLOURS[KIND_COLOUR[box["kind"]]]))
            lines = f"<b>{box['label']}</b><br>{shape}"
            if compare is not None:
                lines = (f"<b>{box['label']}</b><br>{_shape_text(box['shape'], True)}  |  "
                         f"{compare_label} {_shape_text(compare[c][i], True)}")
            notes.append(_label(x, y, lines, 12))
            hover_x.append(x)
            hover_y.append(y)
            hover_text.append(f"{box['label']}: {shape}")
        # Bottom-to-top flow.
        for lo, hi in zip(ys, ys[1:]):
            notes.append(_arrow(x, lo + (0.2 if lo < 1 else BOX_H / 2), x, hi - BOX_H / 2))
    # The encoder's output (memory) feeds every decoder layer's cross-attention (§3.2.3).
    if len(columns) == 2:
        cross = [y for box, y in zip(columns[1], layouts[1][0]) if box["kind"] == "cross"]
        enc_frame = layouts[0][1]
        if cross and enc_frame is not None:
            in_block = [y for box, y in zip(columns[0], layouts[0][0]) if box.get("in_block")]
            top = in_block[-1] + BOX_H / 2
            bend_y = enc_frame[1] + 0.4
            mid_x = (xs[0] + xs[1]) / 2
            shapes.append(dict(type="path", path=f"M {xs[0]} {top} L {xs[0]} {bend_y} L {mid_x} "
                               f"{bend_y} L {mid_x} {cross[0]}",
                               line=dict(color="#555", width=1.4)))
            notes.append(_arrow(mid_x, cross[0], xs[1] - BOX_W / 2, cross[0]))
    last_x, last_top = xs[-1], layouts[-1][0][-1]
    notes.append(_arrow(last_x, last_top + BOX_H / 2, last_x, top_y - 0.3))
    top = f"<b>{top_label}</b>" + (f"<br>{_clip(top_text)}" if top_text else "")
    notes.append(_label(last_x, top_y, top, 13))
    fig = go.Figure(go.Scatter(x=hover_x, y=hover_y, mode="markers", hovertext=hover_text,
                               hoverinfo="text", marker=dict(size=24, opacity=0),
                               showlegend=False))
    fig.update_layout(shapes=shapes, annotations=notes)
    # "3×<br>paper 6×" beside a frame is wider than "3×" alone: with no room beyond the frame
    # it was cut at the figure's edge.
    spare = COMPARE_ROOM if compare_layers is not None else 0.0
    fig.update_xaxes(range=[X_RANGE[0] - spare, X_RANGE[1] + spare], visible=False,
                     fixedrange=True)
    fig.update_yaxes(range=[-0.2, top_y + 0.6], visible=False, fixedrange=True)
    fig = base_layout(fig, title, height=int(60 + 50 * (top_y + 0.8)))
    fig.update_layout(plot_bgcolor="white")
    return fig


def padded_size_figure(
    sizes: Sequence[tuple[int, int, int]],
    names: Sequence[str],
    used_label: str,
    pad_label: str,
    rows_title: str,
    cols_title: str,
    title: str = "",
) -> go.Figure:
    """Fixed-size input matrices drawn to the same scale, the sentence's rows shaded.

    Args:
        sizes: per matrix (rows, columns, rows holding the sentence), e.g. (512, 128, 3).
        names: one caption per matrix.
        used_label, pad_label: legend words for sentence rows and padding rows.
    """
    if len(sizes) != len(names) or not sizes:
        raise ValueError("one name per matrix size is needed")
    for rows, cols, used in sizes:
        if rows < 1 or cols < 1 or not 0 <= used <= rows:
            raise ValueError(f"bad matrix size {(rows, cols, used)}")
    fig = go.Figure()
    gap = max(cols for _, cols, _ in sizes) * 0.6
    x = 0.0
    for (rows, cols, used), name in zip(sizes, names):
        # Row 0 at the top, as a matrix is written: the sentence first, then the padding.
        fig.add_shape(type="rect", x0=x, x1=x + cols, y0=0, y1=rows,
                      line=dict(color="#888"), fillcolor="#eeeeee")
        if used:
            # At least a few units high, so a 3-token sentence stays visible in 512 rows.
            band = max(used, rows * 0.012)
            fig.add_shape(type="rect", x0=x, x1=x + cols, y0=0, y1=band,
                          line=dict(width=0), fillcolor="#e4572e")
        fig.add_annotation(x=x + cols / 2, y=0, yshift=16, showarrow=False,
                           text=f"<b>{name}</b>: {rows} × {cols}")
        fig.add_annotation(x=x + cols, y=max(used, rows * 0.012), showarrow=False,
                           xanchor="left", xshift=4, text=f"← {used} {used_label}",
                           font=dict(color="#b23a1a"))
        fig.add_annotation(x=x + cols / 2, y=(rows + used) / 2, showarrow=False,
                           text=f"{rows - used} {pad_label}", font=dict(color="#555"))
        x += cols + gap
    total_rows = max(rows for rows, _, _ in sizes)
    fig.update_xaxes(range=[-gap * 0.2, x], title=cols_title, showgrid=False, zeroline=False,
                     scaleanchor="y", scaleratio=1)
    fig.update_yaxes(range=[total_rows * 1.04, -total_rows * 0.1], title=rows_title,
                     autorange=False, showgrid=False, zeroline=False)
    return base_layout(fig, title, height=460)
