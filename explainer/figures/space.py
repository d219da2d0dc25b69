"""The vector space: token trajectories through the pipeline, and similarity along the way."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.colors
import plotly.graph_objects as go

from explainer.figures.base import base_layout, check_matrix, token_axis

# Up to this many tokens each gets its own coloured trace (and legend entry); beyond, all paths
# share one grey trace and only the chosen token is coloured.
COLOURED_TOKENS = 24
# One colour per sentence position, the same in every chart of the page: "John" is the same
# colour in the paths, in the similarity lines and in the bars of what attention brought in.
TOKEN_COLOURS = tuple(plotly.colors.qualitative.Dark24)


def token_colour(position: int) -> str:
    """The colour of the token at sentence ``position`` (cycling after 24)."""
    return TOKEN_COLOURS[int(position) % len(TOKEN_COLOURS)]
PATH_GREY = "#c9d1d9"
# End labels take turns around their point, so tokens that end close together stay readable.
LABEL_SPOTS = ("top right", "bottom left", "top left", "bottom right")


def trajectory_figure(
    points: np.ndarray,
    stage_labels: Sequence[str],
    tokens: Sequence[str],
    chosen: int | None = None,
    title: str = "",
    axis_titles: Sequence[str] = ("PC1", "PC2", "PC3"),
    positions: Sequence[int] | None = None,
) -> go.Figure:
    """Each token's path through the stages: a line from its first point (hollow square) to its
    last (big dot, labelled). 2-D or 3-D from the points' last axis.

    Args:
        points: [stage, token, 2 or 3] projected vectors.
        stage_labels: [stage] names shown on hover ("embedding", "+ PE", "layer 1 attention", …).
        tokens: [token] labels; repeated words keep separate paths.
        chosen: a token (index into ``tokens``) drawn thicker (None: none).
        positions: [token] each drawn token's position in the sentence (default 0, 1, …):
            labels and colours (``token_colour``) follow it, so they match the page's other
            charts when some tokens are hidden.
    """
    points = np.asarray(points, dtype=float)
    if points.ndim != 3 or points.shape[2] not in (2, 3):
        raise ValueError(f"points must be [stage, token, 2|3], got {points.shape}")
    n_stages, n_tokens, k = points.shape
    if len(stage_labels) != n_stages or len(tokens) != n_tokens:
        raise ValueError(f"points {points.shape} vs {len(stage_labels)} stages, "
                         f"{len(tokens)} tokens")
    if chosen is not None and not 0 <= chosen < n_tokens:
        raise ValueError(f"chosen token {chosen} outside 0..{n_tokens - 1}")
    positions = list(range(n_tokens)) if positions is None else [int(p) for p in positions]
    if len(positions) != n_tokens:
        raise ValueError(f"{len(positions)} positions for {n_tokens} tokens")
    three_d = k == 3
    scatter = go.Scatter3d if three_d else go.Scatter
    stages = [str(s) for s in stage_labels]
    labels = [f"{p}: {t}" for p, t in zip(positions, tokens)]
    fig = go.Figure()

    def coords(pts):
        out = dict(x=pts[:, 0], y=pts[:, 1])
        if three_d:
            out["z"] = pts[:, 2]
        return out

    # Start (the embedding): hollow square; each later stage a small dot; end: a big dot.
    sizes = [11] + [5] * max(0, n_stages - 2) + ([12] if n_stages > 1 else [])
    symbols = ["square-open"] + ["circle"] * (n_stages - 1)
    if three_d:
        sizes = [max(3, s // 2) for s in sizes]
    coloured = range(n_tokens) if n_tokens <= COLOURED_TOKENS else []
    if n_tokens > COLOURED_TOKENS:
        # One trace for every path, separated by gaps: hundreds of traces would slow the browser.
        gap = np.full((1, k), np.nan)
        joined = np.concatenate([np.vstack([points[:, i], gap]) for i in range(n_tokens)])
        fig.add_trace(scatter(mode="lines", line=dict(color=PATH_GREY, width=1),
                              hoverinfo="skip", showlegend=False, **coords(joined)))
        coloured = [chosen] if chosen is not None else []
    for i in coloured:
        width = 5 if i == chosen else 2
        text = [f"{labels[i]}<br>{s}" for s in stages]
        line = dict(width=width, color=token_colour(positions[i]))
        fig.add_trace(scatter(
            mode="lines+markers", name=labels[i], legendgroup=labels[i], line=line,
            marker=dict(size=sizes, symbol=symbols, color=token_colour(positions[i])), text=text,
            hovertemplate="%{text}<extra></extra>", **coords(points[:, i]),
        ))
    # The end of every path is labelled with its token: that is where the class looks.
    ends = points[-1]
    show = [i for i in range(n_tokens) if n_tokens <= COLOURED_TOKENS or i == chosen]
    if show:
        fig.add_trace(scatter(
            mode="text", text=[labels[i] for i in show], showlegend=False, hoverinfo="skip",
            textposition=[LABEL_SPOTS[i % len(LABEL_SPOTS)] for i in show],
            textfont=dict(size=14), **coords(ends[show]),
        ))
    if three_d:
        fig.update_layout(scene=dict(xaxis_title=axis_titles[0], yaxis_title=axis_titles[1],
                                     zaxis_title=axis_titles[2]))
    else:
        fig.update_xaxes(title=axis_titles[0], zeroline=False)
        fig.update_yaxes(title=axis_titles[1], zeroline=False)
    return base_layout(fig, title, 560)


def similarity_paths_figure(
    cosines: np.ndarray,
    stage_labels: Sequence[str],
    tokens: Sequence[str],
    positions: Sequence[int],
    chosen: int,
    title: str = "",
    value_title: str = "cosine similarity",
) -> go.Figure:
    """How much token ``chosen`` resembles other tokens, stage by stage (one line per token).

    Args:
        cosines: [stage, m] similarity of the chosen token to the tokens at ``positions``.
        tokens: the whole sentence (labels for ``positions`` and ``chosen``).
        positions: [m] which tokens the columns are.
    """
    cosines = check_matrix(cosines, stage_labels, None, "cosine paths")
    if len(positions) != cosines.shape[1]:
        raise ValueError(f"{cosines.shape[1]} columns but {len(positions)} positions")
    if not 0 <= chosen < len(tokens) or any(not 0 <= p < len(tokens) for p in positions):
        raise ValueError("positions must index the tokens")
    stages = [str(s) for s in stage_labels]
    fig = go.Figure()
    for col, pos in enumerate(positions):
        name = f"{pos}: {tokens[pos]}"
        fig.add_trace(go.Scatter(
            x=list(range(len(stages))), y=cosines[:, col], mode="lines+markers", name=name,
            line=dict(color=token_colour(pos)), marker=dict(color=token_colour(pos)),
            customdata=stages, hovertemplate=name + "<br>%{customdata}: %{y:.3f}<extra></extra>",
        ))
    fig.update_xaxes(**token_axis(stages), range=[-0.3, len(stages) - 0.7], tickangle=-30,
                     automargin=True)
    fig.update_yaxes(title=value_title, range=[-1.05, 1.05])
    fig.update_layout(legend=dict(orientation="h", y=-0.3))
    return base_layout(fig, title, 420)


def intake_figure(
    shares: np.ndarray,
    layer_labels: Sequence[str],
    tokens: Sequence[str],
    chosen: int | None,
    title: str = "",
    share_title: str = "share of the move",
    positions: Sequence[int] | None = None,
) -> go.Figure:
    """What moved token ``chosen`` at each attention step: one stacked bar per layer, one
    segment per word, as long as that word's share of the move (``attention_intake``).

    Args:
        shares: [layer, token] each row sums to 1.
        tokens: [token] the words (labels); ``positions``: their sentence positions, for
            ``token_colour`` (default 0, 1, …), so each word has its colour of the page.
        chosen: index into ``tokens`` of the token that moved (its own segment is hatched:
            the part of the move that came from itself); None when it is not drawn.
    """
    shares = check_matrix(shares, layer_labels, tokens, "intake shares")
    positions = list(range(len(tokens))) if positions is None else [int(p) for p in positions]
    if len(positions) != len(tokens):
        raise ValueError(f"{len(positions)} positions for {len(tokens)} tokens")
    if chosen is not None and not 0 <= chosen < len(tokens):
        raise ValueError(f"chosen token {chosen} outside 0..{len(tokens) - 1}")
    layers = [str(label) for label in layer_labels]
    fig = go.Figure()
    for j, (pos, tok) in enumerate(zip(positions, tokens)):
        name = f"{pos}: {tok}"
        fig.add_trace(go.Bar(
            x=shares[:, j], y=list(range(len(layers))), orientation="h", name=name,
            marker=dict(color=token_colour(pos),
                        pattern=dict(shape="/" if j == chosen else "")),
            text=[f"{v:.0%}" if v >= 0.08 else "" for v in shares[:, j]],
            textposition="inside", insidetextanchor="middle", customdata=layers,
            hovertemplate=name + "<br>%{customdata}: %{x:.1%}<extra></extra>",
        ))
    fig.update_layout(barmode="stack", legend=dict(orientation="h", y=1.02, yanchor="bottom",
                                                   traceorder="normal"))
    fig.update_xaxes(title=share_title, range=[0, 1], tickformat=".0%")
    fig.update_yaxes(**token_axis(layers, reverse=True))
    return base_layout(fig, title, int(max(260, 140 + 44 * len(layers))))
