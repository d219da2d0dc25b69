"""Helpers every figure builder shares: token axes, shape checks, masked cells, layout."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

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


def token_axis(tokens: Sequence[str], title: str = "", reverse: bool = False) -> dict:
    """An axis of integer positions labelled with tokens, so repeated words keep their rows."""
    axis = dict(
        title=title,
        tickmode="array",
        tickvals=list(range(len(tokens))),
        ticktext=[str(tok) for tok in tokens],
        showgrid=False,
        zeroline=False,
    )
    if len(tokens) > 60:  # long inputs: every label would overlap; show a thinned set
        step = int(np.ceil(len(tokens) / 40))
        axis["tickvals"] = axis["tickvals"][::step]
        axis["ticktext"] = axis["ticktext"][::step]
    if reverse:
        axis["autorange"] = "reversed"
    return axis


def masked(values: np.ndarray) -> np.ndarray:
    """Replace −inf / +inf / NaN (masked scores) by NaN so Plotly shows a gap, not a colour."""
    out = np.array(values, dtype=float)
    out[~np.isfinite(out)] = np.nan
    return out


def base_layout(fig: go.Figure, title: str = "", height: int | None = None) -> go.Figure:
    fig.update_layout(
        title=dict(text=title, x=0.0, xanchor="left") if title else None,
        font=dict(family=FONT, size=14),
        margin=dict(l=10, r=10, t=50 if title else 20, b=10),
        template="plotly_white",
    )
    if height:
        fig.update_layout(height=height)
    return fig


def heatmap_height(n_rows: int, per_row: int = 28, lo: int = 260, hi: int = 900) -> int:
    return int(min(hi, max(lo, 90 + per_row * n_rows)))
