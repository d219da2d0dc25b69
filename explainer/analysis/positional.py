"""Step 2 of the article, positions: the vector learns where its word stands.

Sinusoidal models (§3.5) add PE(pos, 2i) = sin(pos / 10000^(2i/d_model)) and
PE(pos, 2i+1) = cos(pos / 10000^(2i/d_model)); the closed form is computed here in numpy in the
model's own layout and checked against its position rows (``trace.embed(side, "pos")``). The
paper interleaves sines and cosines ("interleaved"); Marian puts every sine first and every
cosine after ("halves"). Models with learned positions (BERT, GPT-2) add a trained row per
position instead: those rows are read from the trace as they are.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from explainer.analysis.walk_pca import fixed_sign_pca

# The PE heatmap, waves and similarity span at least this many positions (a 4-word sentence
# would show a quarter of one slow wave) and thin to at most MAX_DRAWN positions.
MIN_SPAN = 50
MAX_DRAWN = 128
LAYOUTS = ("interleaved", "halves")


def _layout(layout: str) -> str:
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {LAYOUTS}, got {layout!r}")
    return layout


def positional_encoding(n_positions: int, d_model: int,
                        layout: str = "interleaved") -> np.ndarray:
    """The sinusoidal table [n_positions, d_model] of §3.5, in float64, in ``layout``:
    "interleaved" (sin, cos, sin, …: the paper) or "halves" (all sines, then all cosines)."""
    _layout(layout)
    if n_positions < 1 or d_model < 2 or d_model % 2:
        raise ValueError("need at least one position and an even d_model")
    pos = np.arange(n_positions, dtype=float)[:, None]  # [pos, 1]
    two_i = np.arange(0, d_model, 2, dtype=float)  # [d_model / 2]
    angle = pos / np.power(10000.0, two_i / d_model)  # [pos, d_model / 2]
    pe = np.empty((n_positions, d_model))
    if layout == "interleaved":
        pe[:, 0::2] = np.sin(angle)
        pe[:, 1::2] = np.cos(angle)
    else:
        pe[:, : d_model // 2] = np.sin(angle)
        pe[:, d_model // 2:] = np.cos(angle)
    return pe


def pair_index(dim: int, d_model: int, layout: str = "interleaved") -> int:
    """Which frequency i a dimension uses: dim // 2 interleaved, dim mod d_model/2 in halves."""
    return dim // 2 if _layout(layout) == "interleaved" else dim % (d_model // 2)


def wave_kind(dim: int, d_model: int, layout: str = "interleaved") -> str:
    """"sin" or "cos": the wave a dimension carries in ``layout``."""
    if _layout(layout) == "interleaved":
        return "sin" if dim % 2 == 0 else "cos"
    return "sin" if dim < d_model // 2 else "cos"


def span(n_tokens: int, max_len: int) -> int:
    """How many positions the PE figures cover: the sentence, but at least ``MIN_SPAN``."""
    return int(min(max_len, max(n_tokens, MIN_SPAN)))


def drawn_positions(n_positions: int, limit: int = MAX_DRAWN) -> np.ndarray:
    """Every position up to ``limit`` of them; beyond, an even thinning (first and last kept)."""
    if n_positions <= limit:
        return np.arange(n_positions)
    return np.unique(np.linspace(0, n_positions - 1, limit).round().astype(int))


def wavelength(dim: int, d_model: int, layout: str = "interleaved") -> float:
    """Period in positions of dimension ``dim``'s wave: 2π · 10000^(2i/d_model)."""
    return float(2 * np.pi * 10000.0 ** (2 * pair_index(dim, d_model, layout) / d_model))


def pe_difference(model_pe: np.ndarray, layout: str = "interleaved") -> float:
    """max |model's PE − closed form in ``layout``| over the sentence's positions
    ([n, d_model] in)."""
    model_pe = np.asarray(model_pe, dtype=float)
    if not model_pe.size:
        return 0.0
    closed = positional_encoding(model_pe.shape[0], model_pe.shape[1], layout)
    return float(np.max(np.abs(model_pe - closed)))


def default_dims(d_model: int, layout: str = "") -> list[int]:
    """Dimensions the waves chart starts with: a fast and a slower sine with their cosines
    (sinusoidal layouts), or four spread-out dimensions of learned rows."""
    if layout == "interleaved":
        picks = [0, 1, 10, 40]
    elif layout == "halves":
        half = d_model // 2
        picks = [0, half, 5, half + 5]
    else:
        picks = [0, d_model // 4, d_model // 2, 3 * d_model // 4]
    return sorted({p for p in picks if 0 <= p < d_model})


def similarity(pe: np.ndarray, cosine: bool = False) -> np.ndarray:
    """Dot products between the position vectors of every pair of positions [P, P]; with
    ``cosine``, of their directions (learned rows differ in length: position 0's row is often
    much longer, and its dot products would swamp every other cell)."""
    pe = np.asarray(pe, dtype=float)
    if cosine:
        norms = np.linalg.norm(pe, axis=1, keepdims=True)
        pe = pe / np.where(norms == 0, 1.0, norms)
    return pe @ pe.T


@dataclass(frozen=True)
class PositionTable:
    """The position vectors a page draws.

    Attributes:
        values: [P, d_model] one row per drawn position.
        positions: [P] which positions (thinned evenly for long spans).
        kind: "sinusoidal" (computed from the formula, at least ``MIN_SPAN`` positions) or
            "learned" (the model's own rows for the sentence's positions, from the trace).
        layout: the sinusoidal layout ("interleaved", "halves"), "" for learned rows.
        difference: max |model's position rows − closed form| (NaN for learned rows: there is
            no formula to check against).
    """

    values: np.ndarray
    positions: np.ndarray
    kind: str
    layout: str
    difference: float


def position_table(trace, side: str | None = None) -> PositionTable:
    """The position vectors of one side (default the main side) for the PE figures.

    Raises:
        ValueError: the model has neither sinusoidal nor learned absolute positions.
    """
    side = side or trace.caps.main_side
    caps = trace.caps
    model_pe = np.asarray(trace.embed(side, "pos"), dtype=float)  # [n, d_model]
    n_tokens = model_pe.shape[0]
    if caps.positional == "sinusoidal":
        layout = caps.pe_layout or "interleaved"
        n_positions = span(n_tokens, caps.max_len)
        positions = drawn_positions(n_positions)
        values = positional_encoding(n_positions, caps.d_model, layout)[positions]
        return PositionTable(values, positions, "sinusoidal", layout,
                             pe_difference(model_pe, layout))
    if caps.positional == "learned":
        positions = drawn_positions(n_tokens)
        return PositionTable(model_pe[positions], positions, "learned", "", float("nan"))
    raise ValueError(f"no position vectors to draw: this model's positions are "
                     f"{caps.positional!r}")


@dataclass(frozen=True)
class InputSum:
    """Embedding + position = input, for one token.

    Attributes:
        rows: the strips, [3, d_model]: token embedding (scaled as the model scales it), its
            position vector, and the model's input at that position; with ``normed`` (BERT,
            which normalises the sum) [4, d_model]: embedding, position, their sum, and the
            input = LayerNorm(sum + token-type row).
        normed: True when a LayerNorm follows the sum (``caps.embed_norm``).
        difference: max |embedding + position − input| (dropout is off, so ≈ 0); NaN when
            ``normed``: the norm's γ and β are not among the weights we read, so there is
            nothing to check the sum against.
    """

    rows: np.ndarray
    normed: bool
    difference: float


def input_sum(trace, pos: int, side: str | None = None) -> InputSum:
    """The strips for token ``pos``: ``embed``, ``pos``, (their sum,) and ``input``."""
    side = side or trace.caps.main_side
    embed, pe, inp = (np.asarray(trace.embed(side, part), dtype=float)
                      for part in ("embed", "pos", "input"))
    if not 0 <= pos < embed.shape[0]:
        raise ValueError(f"position {pos} outside 0..{embed.shape[0] - 1}")
    if trace.caps.embed_norm:
        rows = np.stack([embed[pos], pe[pos], embed[pos] + pe[pos], inp[pos]])
        return InputSum(rows, True, float("nan"))
    rows = np.stack([embed[pos], pe[pos], inp[pos]])
    return InputSum(rows, False, float(np.max(np.abs(rows[0] + rows[1] - rows[2]))))


@dataclass(frozen=True)
class BeforeAfter:
    """The sentence's vectors before and after adding positions, in one shared 2-D projection.

    Attributes:
        before, after: [n, 2] points of the token embeddings and of embedding + position.
        explained: [2] variance fraction per axis (of both sets together).
        repeated: groups of positions holding the same token, for tokens that occur twice or
            more ("John saw John" -> [[0, 2]]).
        axes: "pca" (the two principal components of both sets) or "copies" (a sentence with
            a repeat: the first axis runs along the difference of the first two copies after
            positions, the second is the principal component of what is left, so the copies'
            distance on screen is their true distance, ``gap``).
        gap: distance of the first two copies after positions, in the full space (0 without
            a repeat); with ``axes`` "copies" it is also their distance in the plot.
    """

    before: np.ndarray
    after: np.ndarray
    explained: np.ndarray
    repeated: list[list[int]]
    axes: str = "pca"
    gap: float = 0.0


def with_positions(trace, side: str | None = None) -> np.ndarray:
    """embedding + position [n, d_model]: the model's input, or for a model that normalises
    the sum (BERT) the sum before its LayerNorm."""
    side = side or trace.caps.main_side
    return (np.asarray(trace.embed(side, "embed"), dtype=float)
            + np.asarray(trace.embed(side, "pos"), dtype=float))


def before_after(trace, side: str | None = None) -> BeforeAfter:
    """Project embeddings and embeddings + positions jointly, so the two sets share axes.

    The two leading principal components follow what differs most between words, and a
    word's two copies can part by a few units in directions they ignore: "John saw John" drew
    its Johns on one spot while the text said they were 3.64 apart. With a repeated word the
    first axis is therefore the direction from its first copy to its second (after
    positions), and the second axis the principal component of the rest: both copies then
    sit on one horizontal line exactly their true distance apart.
    """
    side = side or trace.caps.main_side
    before = np.asarray(trace.embed(side, "embed"), dtype=float)
    after = with_positions(trace, side)
    both = np.vstack([before, after])
    n = before.shape[0]
    repeated = repeated_groups(trace.tokens(side), trace.caps.special_tokens)
    gap = copies_distance(after, repeated[0]) if repeated else 0.0
    if gap > 0:
        first, second = repeated[0][:2]
        along = (after[second] - after[first]) / gap  # [d_model] unit vector
        centred = both - both.mean(axis=0)
        x = centred @ along  # [2n]
        rest = centred - x[:, None] * along[None, :]
        y = fixed_sign_pca(rest, 1).points[:, 0]
        total = float((centred**2).sum()) or 1.0
        explained = np.array([float((x**2).sum()) / total, float((y**2).sum()) / total])
        points = np.column_stack([x, y])
        return BeforeAfter(points[:n], points[n:], explained, repeated, "copies", gap)
    projection = fixed_sign_pca(both, 2)
    return BeforeAfter(projection.points[:n], projection.points[n:], projection.explained,
                       repeated, "pca", gap)


def repeated_groups(tokens, specials=()) -> list[list[int]]:
    """Positions of each token that occurs more than once, in order of first occurrence.
    ``specials`` never count: two [UNK] stand for different words, and [PAD] is no word."""
    specials = set(specials)
    groups: dict[str, list[int]] = {}
    for i, tok in enumerate(tokens):
        if tok not in specials:
            groups.setdefault(tok, []).append(i)
    return [group for group in groups.values() if len(group) > 1]


def copies_distance(vectors: np.ndarray, group: list[int]) -> float:
    """Distance between the first two copies of a repeated token, in the vectors' own space
    ([n, d] in): exactly 0 before positions are added (same embedding row), not after."""
    if len(group) < 2:
        return 0.0
    vectors = np.asarray(vectors, dtype=float)
    return float(np.linalg.norm(vectors[group[0]] - vectors[group[1]]))


def position_frame(values: np.ndarray, positions, columns_prefix: str = "d") -> pd.DataFrame:
    """A [positions, columns] matrix as a table indexed by position (for CSV downloads).

    ``columns_prefix`` "d" names columns d0, d1, … (dimensions); "" names them by position.
    """
    values = np.asarray(values, dtype=float)
    positions = [int(p) for p in positions]
    if values.shape[0] != len(positions):
        raise ValueError(f"{values.shape[0]} rows but {len(positions)} positions")
    if columns_prefix:
        columns = [f"{columns_prefix}{j}" for j in range(values.shape[1])]
    else:
        columns = positions
    return pd.DataFrame(values, index=pd.Index(positions, name="position"), columns=columns)
