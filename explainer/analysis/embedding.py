"""Step 1 of the article, embedding: each token becomes a vector, a point in d_model dimensions.

What the embedding page shows: the sentence's token vectors, where they sit in a 2-D map of the
whole vocabulary (PCA of the embedding matrix), and a token's nearest neighbours by cosine.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from explainer.analysis.views import unknown_token
from explainer.analysis.walk_pca import Projection, fixed_sign_pca

# Figures with one row per token show at most this many rows; longer inputs are cut (the CSV
# download keeps every row) so a 512-token sentence still draws quickly and stays legible.
MAX_FIGURE_TOKENS = 128
# The vocabulary map fits its PCA on at most this many rows (seeded sample), then projects all,
# and draws at most MAP_POINTS of them: tens of thousands of grey dots say no more than 6 000.
PCA_FIT_ROWS = 20_000
MAP_POINTS = 6_000


def vocab_projection(embedding: np.ndarray, n_components: int = 2) -> Projection:
    """PCA of the embedding matrix [vocab, d_model] -> points [vocab, n_components]."""
    return fixed_sign_pca(embedding, n_components, max_fit=PCA_FIT_ROWS)


def map_sample(n_vocab: int, keep=(), limit: int = MAP_POINTS) -> np.ndarray:
    """Vocabulary ids the map draws: all when at most ``limit``, else a fixed seeded sample of
    ``limit`` plus ``keep`` (ids that must appear, e.g. the labelled neighbours), sorted."""
    if n_vocab <= limit:
        return np.arange(n_vocab)
    chosen = np.random.default_rng(0).choice(n_vocab, size=limit, replace=False)
    extra = np.asarray([int(i) for i in keep if 0 <= int(i) < n_vocab], dtype=int)
    return np.unique(np.concatenate([chosen, extra]))


def unit_rows(embedding: np.ndarray) -> np.ndarray:
    """Rows scaled to length 1 [n, d] (zero rows stay zero), for cosine similarity."""
    embedding = np.asarray(embedding, dtype=float)
    norms = np.linalg.norm(embedding, axis=1, keepdims=True)
    return embedding / np.where(norms == 0, 1.0, norms)


def row_norms(embedding: np.ndarray) -> np.ndarray:
    """Length of every row [vocab] (computed once per model; cosines then need one product)."""
    return np.linalg.norm(np.asarray(embedding, dtype=np.float32), axis=1).astype(float)


def nearest_neighbours(embedding: np.ndarray, token_id: int, vocab, k: int = 10,
                       skip=(), norms: np.ndarray | None = None) -> pd.DataFrame:
    """The ``k`` vocabulary entries whose embeddings point most nearly the same way.

    Args:
        embedding: [vocab, d_model] the embedding matrix (``Weights.embedding``).
        token_id: the row to compare with; itself is left out.
        vocab: tokens in id order.
        skip: tokens to leave out (the model's special tokens: they are not words).
        norms: [vocab] row lengths (``row_norms``), to skip recomputing them.

    Returns:
        Columns ``token``, ``id``, ``cosine``, most similar first.
    """
    embedding = np.asarray(embedding)
    if len(vocab) != embedding.shape[0]:
        raise ValueError(f"{len(vocab)} vocabulary entries but {embedding.shape[0]} embedding "
                         "rows")
    if not 0 <= int(token_id) < embedding.shape[0]:
        raise ValueError(f"token id {token_id} outside 0..{embedding.shape[0] - 1}")
    norms = row_norms(embedding) if norms is None else np.asarray(norms, dtype=float)
    row = np.asarray(embedding[int(token_id)], dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        cosine = (embedding @ row.astype(embedding.dtype)).astype(float) / (
            norms * max(float(np.linalg.norm(row)), 1e-30))
    cosine = np.nan_to_num(cosine, nan=0.0)  # a zero row resembles nothing
    skip = set(skip)
    rows = []
    for idx in np.argsort(-cosine, kind="stable"):
        if idx == token_id or vocab[idx] in skip:
            continue
        rows.append({"token": vocab[idx], "id": int(idx), "cosine": float(cosine[idx])})
        if len(rows) == k:
            break
    return pd.DataFrame(rows, columns=["token", "id", "cosine"])


def vector_frame(values: np.ndarray, tokens, prefix: str = "d") -> pd.DataFrame:
    """A [tokens, dims] matrix as a table: index ``position: token``, columns ``d0, d1, …``."""
    values = np.asarray(values, dtype=float)
    if values.ndim == 1:
        values = values[None]
    if len(tokens) != values.shape[0]:
        raise ValueError(f"{values.shape[0]} rows but {len(tokens)} labels")
    index = [f"{i}: {tok}" for i, tok in enumerate(tokens)]
    return pd.DataFrame(values, index=index,
                        columns=[f"{prefix}{j}" for j in range(values.shape[1])])


def numbers_frame(values: np.ndarray, tokens, first: int | None = 8,
                  decimals: int = 3) -> pd.DataFrame:
    """The vectors as numbers: rows ``position: token``, columns d0, d1, … for the ``first``
    dimensions (all with None), rounded to ``decimals`` places for reading aloud."""
    frame = vector_frame(values, tokens)
    if first is not None:
        frame = frame.iloc[:, : max(int(first), 1)]
    return frame.round(int(decimals))


def labelled_rows(tokens, limit: int = MAX_FIGURE_TOKENS) -> tuple[list[int], bool]:
    """Positions a per-token figure draws (the first ``limit``), and whether some were cut."""
    n = len(tokens)
    return list(range(min(n, limit))), n > limit


def highlight_unknown(table: pd.DataFrame, column: str, unknown_value: str):
    """A pandas Styler that paints rows whose ``column`` equals ``unknown_value`` amber."""
    def paint(row):
        hit = row[column] == unknown_value
        return ["background-color: #ffe7a3" if hit else "" for _ in row]

    return table.style.apply(paint, axis=1)


def sentence_points(points: np.ndarray, ids) -> np.ndarray:
    """The vocabulary-map coordinates [n, k] of the sentence's token ids (repeats repeat)."""
    points = np.asarray(points)
    return points[np.asarray(list(ids), dtype=int)]


def first_rows(values: np.ndarray, tokens, limit: int = MAX_FIGURE_TOKENS):
    """(values[:limit], tokens[:limit], cut): what a per-token figure draws for long inputs."""
    keep, cut = labelled_rows(tokens, limit)
    return np.asarray(values)[: len(keep)], list(tokens)[: len(keep)], cut


def marked_tokens(tokens, ids, vocab, specials=()) -> list[str]:
    """Token labels with unknown words marked: "Zorblax → <unk>" (the row the model used).

    ``specials`` are the model's special tokens, among which its unknown token ("<unk>",
    "[UNK]") is found."""
    unk = unknown_token(specials)
    out = []
    for tok, idx in zip(tokens, ids):
        used = vocab[int(idx)] if 0 <= int(idx) < len(vocab) else str(tok)
        out.append(f"{tok} → {used}" if unk and used == unk and tok != unk else str(tok))
    return out


def map_neighbours(embedding: np.ndarray, ids, vocab, per_token: int = 2, skip=(),
                   norms: np.ndarray | None = None, limit_tokens: int = 12) -> list[int]:
    """Vocabulary ids to label on the map: each sentence token's ``per_token`` nearest
    neighbours (the first ``limit_tokens`` distinct tokens), without the sentence's own ids."""
    ids = [int(i) for i in ids]
    own = set(ids)
    found: list[int] = []
    for token_id in list(dict.fromkeys(ids))[:limit_tokens]:
        if vocab[token_id] in set(skip):
            continue
        table = nearest_neighbours(embedding, token_id, vocab, per_token + len(own), skip, norms)
        picked = [i for i in table["id"].tolist() if i not in own and i not in found]
        found += picked[:per_token]
    return found


def scale_kind(caps) -> str:
    """How the model scales token embeddings before positions are added: "sqrt_d" (×√d_model,
    §3.4: ours, Marian), "none" (BERT, GPT-2) or "other" (some other factor)."""
    scale = float(caps.embed_scale)
    if abs(scale - 1.0) < 1e-9:
        return "none"
    if abs(scale - float(np.sqrt(caps.d_model))) < 1e-6 * scale:
        return "sqrt_d"
    return "other"
