"""The paper's Figure 1, redrawn with the shapes of the current sentence, and the article's
fixed-size input matrix drawn to scale."""

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
ENC_X, DEC_X = 2.3, 7.7
BOX_W, BOX_H = 3.9, 0.72
INK = "#222222"

# stage key -> (column x, centre y, colour group); token stages are plain text (no box).
LAYOUT = {
    "src_tokens": (ENC_X, 0.35, None),
    "enc_embed": (ENC_X, 1.45, "embed"),
    "enc_pos": (ENC_X, 2.5, "pos"),
    "enc_attn": (ENC_X, 4.1, "attn"),
    "enc_norm1": (ENC_X, 5.1, "norm"),
    "enc_ffn": (ENC_X, 6.5, "ffn"),
    "enc_norm2": (ENC_X, 7.5, "norm"),
    "tgt_tokens": (DEC_X, 0.35, None),
    "dec_embed": (DEC_X, 1.45, "embed"),
    "dec_pos": (DEC_X, 2.5, "pos"),
    "dec_attn": (DEC_X, 4.1, "attn"),
    "dec_norm1": (DEC_X, 5.1, "norm"),
    "cross": (DEC_X, 6.5, "attn"),
    "dec_norm2": (DEC_X, 7.5, "norm"),
    "dec_ffn": (DEC_X, 8.9, "ffn"),
    "dec_norm3": (DEC_X, 9.9, "norm"),
    "linear": (DEC_X, 12.0, "linear"),
    "softmax": (DEC_X, 13.0, "softmax"),
}
ENC_BLOCK = (3.45, 8.15)  # y extent of the encoder's "N×" frame
DEC_BLOCK = (3.45, 10.55)
OUTPUT_Y = 14.1


def _clip(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _shape_text(shape: Sequence[int], compact: bool = False) -> str:
    return (" × " if not compact else "×").join(str(int(n)) for n in shape)


def _arrow(x0: float, y0: float, x1: float, y1: float) -> dict:
    return dict(x=x1, y=y1, ax=x0, ay=y0, xref="x", yref="y", axref="x", ayref="y",
                showarrow=True, arrowhead=2, arrowsize=1.1, arrowwidth=1.4, arrowcolor="#555",
                text="")


def _label(x: float, y: float, text: str, size: int, **extra) -> dict:
    return dict(x=x, y=y, text=text, showarrow=False, font=dict(size=size, color=INK), **extra)


def pipeline_figure(
    shapes: Mapping[str, Sequence[int]],
    names: Mapping[str, str],
    n_layers: int,
    src_text: str,
    tgt_text: str,
    out_text: str,
    compare: Mapping[str, Sequence[int]] | None = None,
    compare_layers: int | None = None,
    compare_label: str = "paper",
    title: str = "",
) -> go.Figure:
    """Figure 1 of the paper, boxes labelled with the live shapes of each stage.

    Args:
        shapes: stage key (``LAYOUT``'s keys) -> the stage's output shape for this sentence.
        names: stage key -> display name (e.g. "Multi-Head Attention").
        n_layers: N, printed beside the repeated blocks.
        src_text, tgt_text, out_text: the encoder input, the decoder input (shifted right),
            and what the decoder wrote, as short text.
        compare: optional second set of shapes (the paper's base model), printed under ours.
        compare_layers: N of the compared model.
        compare_label: word for the compared model.

    Raises:
        ValueError: a stage is missing or unknown.
    """
    for given, what in ((shapes, "shapes"), (compare, "compare")):
        if given is None:
            continue
        missing, extra = set(LAYOUT) - set(given), set(given) - set(LAYOUT)
        if missing or extra:
            raise ValueError(f"{what}: missing stages {sorted(missing)}, unknown {sorted(extra)}")
    missing = (set(LAYOUT) | {"output"}) - set(names)
    if missing:
        raise ValueError(f"names: missing {sorted(missing)}")
    # Shapes and annotations are collected and set once: Plotly re-validates every earlier
    # annotation on each add_annotation call, which made this figure take most of a second.
    boxes: list[dict] = []
    notes: list[dict] = []
    # The two "N×" frames.
    for x, (y0, y1), side in ((ENC_X, ENC_BLOCK, "left"), (DEC_X, DEC_BLOCK, "right")):
        boxes.append(dict(type="rect", x0=x - BOX_W / 2 - 0.25, x1=x + BOX_W / 2 + 0.25, y0=y0,
                          y1=y1, line=dict(color="#999", width=1.5), fillcolor="#f4f4f4",
                          layer="below"))
        label = f"{n_layers}×"
        if compare_layers is not None:
            label += f"<br>{compare_label} {compare_layers}×"
        notes.append(_label(x - BOX_W / 2 - 0.4 if side == "left" else x + BOX_W / 2 + 0.4,
                            (y0 + y1) / 2, f"<b>{label}</b>", 15,
                            xanchor="right" if side == "left" else "left"))
    hover_x, hover_y, hover_text = [], [], []
    for key, (x, y, colour) in LAYOUT.items():
        shape = _shape_text(shapes[key])
        if colour is None:
            text = f"<b>{names[key]}</b><br>{_clip(src_text if key == 'src_tokens' else tgt_text)}"
            text += f"  ({shape})"
            notes.append(_label(x, y, text, 13))
            continue
        boxes.append(dict(type="rect", x0=x - BOX_W / 2, x1=x + BOX_W / 2, y0=y - BOX_H / 2,
                          y1=y + BOX_H / 2, line=dict(color="#666", width=1),
                          fillcolor=COLOURS[colour]))
        lines = f"<b>{names[key]}</b><br>{shape}"
        if compare is not None:
            lines = (f"<b>{names[key]}</b><br>{_shape_text(shapes[key], True)}  |  "
                     f"{compare_label} {_shape_text(compare[key], True)}")
        notes.append(_label(x, y, lines, 12))
        hover_x.append(x)
        hover_y.append(y)
        hover_text.append(f"{names[key]}: {shape}")
    # Bottom-to-top flow in each column.
    for column in (ENC_X, DEC_X):
        ys = sorted(y for x, y, _ in LAYOUT.values() if x == column)
        for lo, hi in zip(ys, ys[1:]):
            notes.append(_arrow(column, lo + (0.2 if lo < 1 else BOX_H / 2),
                                column, hi - BOX_H / 2))
    notes.append(_arrow(DEC_X, LAYOUT["softmax"][1] + BOX_H / 2, DEC_X, OUTPUT_Y - 0.3))
    # The encoder's output (memory) feeds every decoder layer's cross-attention (§3.2.3).
    top = LAYOUT["enc_norm2"][1] + BOX_H / 2
    bend_y = ENC_BLOCK[1] + 0.6
    mid_x = (ENC_X + DEC_X) / 2
    cross_y = LAYOUT["cross"][1]
    boxes.append(dict(type="path", path=f"M {ENC_X} {top} L {ENC_X} {bend_y} L {mid_x} "
                      f"{bend_y} L {mid_x} {cross_y}", line=dict(color="#555", width=1.4)))
    notes.append(_arrow(mid_x, cross_y, DEC_X - BOX_W / 2, cross_y))
    notes.append(_label(DEC_X, OUTPUT_Y, f"<b>{names['output']}</b><br>{_clip(out_text)}", 13))
    fig = go.Figure(go.Scatter(x=hover_x, y=hover_y, mode="markers", hovertext=hover_text,
                               hoverinfo="text", marker=dict(size=24, opacity=0),
                               showlegend=False))
    fig.update_layout(shapes=boxes, annotations=notes)
    fig.update_xaxes(range=[-1.5, 11.5], visible=False, fixedrange=True)
    fig.update_yaxes(range=[-0.2, OUTPUT_Y + 0.6], visible=False, fixedrange=True)
    fig = base_layout(fig, title, height=760)
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
