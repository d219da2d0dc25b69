"""Helpers every figure builder shares: token axes, shape checks, masked cells, layout."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
from plotly.basedatatypes import BasePlotlyType

# A font stack that has Chinese glyphs in the browser (Noto CJK on Linux, system fonts elsewhere).
FONT = "Inter, 'Noto Sans CJK SC', 'PingFang SC', 'Microsoft YaHei', sans-serif"
ATTENTION_SCALE = "Blues"


def check_matrix(values: np.ndarray, rows: Sequence[str] | None, cols: Sequence[str] | None,
                 what: str = "matrix") -> np.ndarray:
    """Validate a 2-D array against its row and column labels; return it as float."""
    values = np.asarray(values, dtype=float)
    if values.ndim != 2:
        raise ValueError(f"{what} must be 2-D, got shape {values.shape}")
    if rows is not None and len(rows) != values.shape[0]:
        raise ValueError(f"{what} has {values.shape[0]} rows but {len(rows)} row labels")
    if cols is not None and len(cols) != values.shape[1]:
        raise ValueError(f"{what} has {values.shape[1]} columns but {len(cols)} column labels")
    return values


# Chinese, Japanese and Korean characters (and their punctuation and full-width forms).
_CJK = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")
# Upright Chinese labels along a horizontal axis: at most this many, so they do not overlap in
# a half-width chart (a character is about 14 px wide).
CJK_ACROSS = 20


def is_cjk(labels: Sequence[str]) -> bool:
    """True when at least half the labels hold Chinese (CJK) characters. Such labels must stay
    upright: Plotly turns crowded x labels by 90°, which lays Chinese on its side, unreadable."""
    labels = [str(label) for label in labels]
    return bool(labels) and 2 * sum(bool(_CJK.search(label)) for label in labels) >= len(labels)


def token_axis(tokens: Sequence[str], title: str = "", reverse: bool = False,
               across: bool = False) -> dict:
    """An axis of integer positions labelled with tokens, so repeated words keep their rows.

    ``across``: the axis runs horizontally (an x axis). Chinese labels there are kept upright
    (never turned 90°) and thinned to ``CJK_ACROSS`` so they fit side by side.
    """
    axis = dict(
        title=title,
        tickmode="array",
        tickvals=list(range(len(tokens))),
        ticktext=[str(tok) for tok in tokens],
        showgrid=False,
        zeroline=False,
    )
    limit = 60
    upright = across and is_cjk(tokens)
    if upright:
        axis["tickangle"] = 0
        limit = CJK_ACROSS
    if len(tokens) > limit:  # long inputs: every label would overlap; show a thinned set
        step = int(np.ceil(len(tokens) / (CJK_ACROSS if upright else 40)))
        axis["tickvals"] = axis["tickvals"][::step]
        axis["ticktext"] = axis["ticktext"][::step]
    if reverse:
        axis["autorange"] = "reversed"
    return axis


def position_names(tokens: Sequence[str]) -> list[str]:
    """"0: John", "1: saw", "2: John": category names that keep repeated tokens apart."""
    return [f"{i}: {tok}" for i, tok in enumerate(tokens)]


def named_axis(axis: dict, names: Sequence[str]) -> dict:
    """A ``token_axis`` for a trace whose coordinates are ``names`` (one per position) instead
    of integers: a category axis, its ticks at the same positions with the same labels."""
    return {**axis, "type": "category", "tickvals": [names[i] for i in axis["tickvals"]]}


def masked(values: np.ndarray) -> np.ndarray:
    """Replace −inf / +inf / NaN (masked scores) by NaN so Plotly shows a gap, not a colour."""
    out = np.array(values, dtype=float)
    out[~np.isfinite(out)] = np.nan
    return out


# The trace types the figures draw: the template keeps its defaults for these only.
TRACE_TYPES = ("bar", "heatmap", "scatter", "scatter3d", "scattergl")


@functools.cache
def white_template() -> go.layout.Template:
    """Plotly's ``plotly_white`` cut to ``TRACE_TYPES``: the same look, without its defaults for
    nineteen trace types no figure here draws, which were half the template's bytes in every
    figure's JSON and half the time to set it on a figure (Plotly copies it each time)."""
    white = pio.templates["plotly_white"]
    return go.layout.Template(layout=white.layout,
                              data={name: white.data[name] for name in TRACE_TYPES})


def _fill_lazy_children(obj: BasePlotlyType) -> None:
    """Read every property ``obj`` holds, down the whole tree, once.

    Plotly builds a graph object's children on first read, with a check-then-set that is not
    thread-safe (plotly/plotly.py#3441, unfixed in 7.1): two Streamlit sessions drawing their
    first figures at the same moment both build the default template's children, one set
    replaces the other, and the loser's figure fails with ``ValueError: Invalid value``. Once
    every child exists, reads only find them, so a template filled here is safe to share.
    """
    for name in obj.to_plotly_json():
        value = obj[name]
        for child in value if isinstance(value, tuple) else (value,):
            if isinstance(child, BasePlotlyType):
                _fill_lazy_children(child)


def _shared_templates_ready() -> None:
    """Fill the templates every thread shares before any session draws: the default one that
    ``go.Figure()`` adopts, and ``white_template()``. Runs once, at import (imports are
    serialised, so no other thread can be drawing with them yet)."""
    if isinstance(pio.templates.default, str):
        _fill_lazy_children(pio.templates[pio.templates.default])
    _fill_lazy_children(white_template())


_shared_templates_ready()


def base_layout(fig: go.Figure, title: str = "", height: int | None = None) -> go.Figure:
    fig.update_layout(
        title=dict(text=title, x=0.0, xanchor="left") if title else None,
        font=dict(family=FONT, size=14),
        margin=dict(l=10, r=10, t=50 if title else 20, b=10),
        template=white_template(),
    )
    if height:
        fig.update_layout(height=height)
    return fig


def heatmap_height(n_rows: int, per_row: int = 28, lo: int = 260, hi: int = 900) -> int:
    return int(min(hi, max(lo, 90 + per_row * n_rows)))


# Trace properties that hold numbers per point or cell; text and labels stay as they are.
_NUMERIC = ("x", "y", "z")


def compact_figure(fig: go.Figure) -> go.Figure:
    """The figure with every float64 numpy array of its traces (``x``, ``y``, ``z``) as float32.

    Plotly 7 sends numpy arrays as base64 typed arrays of their own dtype: float32 halves the
    bytes of a heatmap (a 384 × 384 W_O: 1.9 MB of JSON as float64) and loses nothing the
    hover shows (3–4 decimals). Plain lists are left alone. Changes ``fig`` in place; returns it.
    """
    for trace in fig.data:
        for name in _NUMERIC:
            value = trace[name] if name in trace else None
            if isinstance(value, np.ndarray) and value.dtype == np.float64:
                # Cleared first: Plotly keeps the old array when the new one compares equal
                # (values float32 holds exactly, such as 0.25), and with it float64.
                trace[name] = None
                trace[name] = value.astype(np.float32)
    return fig
