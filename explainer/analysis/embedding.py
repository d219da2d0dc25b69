"""Step 1 of the article, embedding: each token becomes a vector, a point in d_model dimensions.

What the embedding page shows: the sentence's token vectors, where they sit in a 2-D map of the
whole vocabulary (PCA of the embedding matrix), and a token's nearest neighbours by cosine.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from explainer.analysis.walk_pca import Projection, fixed_sign_pca
from models.tokenizer import SPECIALS, UNK

# Figures with one row per token show at most this many rows; longer inputs are cut (the CSV
# download keeps every row) so a 512-token sentence still draws quickly and stays legible.
MAX_FIGURE_TOKENS = 128


def vocab_projection(embedding: np.ndarray, n_components: int = 2) -> Projection:
    """PCA of the embedding matrix [vocab, d_model] -> points [vocab, n_components]."""
    return fixed_sign_pca(embedding, n_components)


def unit_rows(embedding: np.ndarray) -> np.ndarray:
    """Rows scaled to length 1 [vocab, d_model] (zero rows stay zero), for cosine similarity."""
    embedding = np.asarray(embedding, dtype=float)
    norms = np.linalg.norm(embedding, axis=1, keepdims=True)
    return embedding / np.where(norms == 0, 1.0, norms)


def nearest_neighbours(unit: np.ndarray, token_id: int, vocab, k: int = 10,
                       skip_specials: bool = True) -> pd.DataFrame:
    """The ``k`` vocabulary entries whose embeddings point most nearly the same way.

    Args:
        unit: [vocab, d_model] unit-length embedding rows (see ``unit_rows``).
        token_id: the row to compare with; itself is left out.
        vocab: tokens in id order.
        skip_specials: leave out ``<pad>``, ``<eos>``, ... (they are not words).

    Returns:
        Columns ``token``, ``id``, ``cosine``, most similar first.
    """
    unit = np.asarray(unit, dtype=float)
    if len(vocab) != unit.shape[0]:
        raise ValueError(f"{len(vocab)} vocabulary entries but {unit.shape[0]} embedding rows")
    if not 0 <= int(token_id) < unit.shape[0]:
        raise ValueError(f"token id {token_id} outside 0..{unit.shape[0] - 1}")
    cosine = unit @ unit[int(token_id)]  # [vocab]
    order = np.argsort(-cosine, kind="stable")
    rows = []
    for idx in order:
        if idx == token_id or (skip_specials and vocab[idx] in SPECIALS):
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


def marked_tokens(tokens, ids, vocab) -> list[str]:
    """Token labels with unknown words marked: "Zorblax → <unk>" (the row the model used)."""
    out = []
    for tok, idx in zip(tokens, ids):
        used = vocab[int(idx)]
        out.append(f"{tok} → {used}" if used == UNK and tok != UNK else str(tok))
    return out
