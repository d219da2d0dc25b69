"""Cached loaders for the Training page: the film's record, its snapshots' traces, the
embedding map on fixed axes, and the cost and one training step of a sentence pair."""

from __future__ import annotations

import streamlit as st

from explainer import learn
from explainer.analysis import training as analysis
from explainer.contract import Trace
from models import film
from ui import loaders

# A trace of our tokenizer starts the vocabulary with these (models/tokenizer.py SPECIALS):
# they are left out of the PCA that fixes the embedding map's axes.
N_SPECIALS = 6


@st.cache_data(show_spinner=False)
def film_info() -> dict | None:
    """{"steps", "snapshots", "log", "config"} of the recorded film, or None when absent."""
    if not film.available():
        return None
    record = film.training_record()
    loaded = film.load_snapshot(film.steps()[-1], "cpu")
    cfg = loaded.config
    return {"steps": film.steps(), "snapshots": film.snapshots(), "log": record.get("log", []),
            "config": {"d_model": cfg.d_model, "n_layers": cfg.n_layers,
                       "n_heads": cfg.n_heads, "vocab": cfg.vocab_size}}


def model_name(step: int) -> str:
    return f"{film.PREFIX}{int(step)}"


def film_trace(step: int, sentence: str, target: str | None) -> Trace:
    """The trace of ``sentence`` by the snapshot of ``step`` (shared, cached)."""
    return loaders.trace_cached(model_name(step), sentence, target)


@st.cache_data(show_spinner=False, max_entries=64)
def embedding_map(ids: tuple[int, ...], steps: tuple[int, ...]) -> dict:
    """The embedding rows of ``ids`` at every step on axes fitted once on the last step.

    Returns {"points": {step: [[x, y], ...]}, "x_range", "y_range", "explained"}; the ranges
    cover every step, so the figure's axes never move.
    """
    final = loaders.weights_cached(model_name(steps[-1])).embedding
    axes = analysis.embedding_axes(final, skip=N_SPECIALS)
    points = {int(s): analysis.project_rows(axes, loaders.weights_cached(model_name(s)).embedding,
                                            ids) for s in steps}
    every = [p for pts in points.values() for p in pts]
    xs = [p[0] for p in every]
    ys = [p[1] for p in every]
    pad_x = 0.1 * (max(xs) - min(xs) or 1.0)
    pad_y = 0.1 * (max(ys) - min(ys) or 1.0)
    return {"points": {s: p.tolist() for s, p in points.items()},
            "x_range": [min(xs) - pad_x, max(xs) + pad_x],
            "y_range": [min(ys) - pad_y, max(ys) + pad_y],
            "explained": [float(v) for v in axes.explained]}


@st.cache_data(show_spinner=False, max_entries=32)
def costs(model: str, sentence: str, target: str | None, reference: str) -> learn.Costs:
    """The cost of ``reference`` as the translation of ``sentence`` under a listed model."""
    return learn.token_costs(loaders.load_model_cached(model), sentence, reference, target)


@st.cache_data(show_spinner=False, max_entries=16)
def one_step(model: str, sentence: str, target: str | None, reference: str,
             lr: float) -> learn.Step:
    """One gradient step on this pair, on a copy of the shared model (which stays as it is)."""
    return learn.one_step(loaders.load_model_cached(model), sentence, reference, target, lr=lr)


def model_is_ours(name: str) -> bool:
    """True for our own encoder–decoder (the cost and the step are computed for those)."""
    caps = loaders.load_model_cached(name).caps
    return caps.get("family") == "ours" and caps.get("architecture") == "encoder-decoder"
