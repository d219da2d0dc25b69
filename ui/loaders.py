"""Cached loaders: one model per name for every user, one trace per (sentence, options)."""

from __future__ import annotations

import streamlit as st

from explainer.trace import (
    Trace,
    attention_weights,
    embedding_matrix,
    sublayer_weights,
    trace,
)
from models.checkpoint import Loaded, load_model
from models.device import configure_threads


@st.cache_resource(show_spinner=False)
def load_model_cached(name: str) -> Loaded:
    """The model by name, shared by every session (never mutate it)."""
    configure_threads()
    return load_model(name)


# cache_resource, not cache_data: a 512-token trace is tens of MB, and cache_data would copy
# it on every rerun. Its arrays are read-only, so sharing is safe.
@st.cache_resource(show_spinner=False, max_entries=48)
def trace_cached(
    model_name: str,
    sentence: str,
    target: str | None,
    pad_to: int | None = None,
    temperature: float = 0.0,
    top_k: int = 0,
    seed: int | None = None,
) -> Trace:
    loaded = load_model_cached(model_name)
    return trace(
        loaded.model, loaded.tokenizer, sentence, target, pad_to=pad_to,
        temperature=temperature, top_k=top_k, seed=seed, model_name=model_name,
    )


@st.cache_resource(show_spinner=False)
def weights_cached(model_name: str) -> dict:
    """Model parameters by name (read-only numpy): see ``attention_weights`` and
    ``sublayer_weights``; ``embed.W_E`` is the embedding matrix [vocab, d_model]."""
    model = load_model_cached(model_name).model
    weights = {**attention_weights(model), **sublayer_weights(model)}
    weights["embed.W_E"] = embedding_matrix(model)
    for array in weights.values():
        array.flags.writeable = False
    return weights


@st.cache_resource(show_spinner=False)
def vocab_cached(model_name: str) -> tuple[str, ...]:
    """The model's vocabulary, id order."""
    return tuple(load_model_cached(model_name).tokenizer.vocab)


@st.cache_resource(show_spinner=False)
def config_cached(model_name: str) -> dict:
    return load_model_cached(model_name).config.to_dict()
