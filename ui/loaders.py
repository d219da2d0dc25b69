"""Cached loaders: one model per name for every user, one trace per (sentence, options)."""

from __future__ import annotations

import streamlit as st

from explainer.contract import Trace, Weights
from explainer.trace import model_weights, trace
from models.adapters.base import Adapter
from models.device import configure_threads
from models.registry import available_models, load_model


@st.cache_resource(show_spinner=False)
def load_model_cached(name: str) -> Adapter:
    """The model by name (only names from ``available_models``), shared by every session
    (never mutate it)."""
    configure_threads()
    return load_model(name)


@st.cache_data(show_spinner=False, ttl=30)
def model_names() -> tuple[str, ...]:
    """Names the sidebar offers; re-read every 30 s so a new folder appears without a restart."""
    return tuple(available_models())


# cache_resource, not cache_data: a 512-token trace is tens of MB, and cache_data would copy
# it on every rerun. A Trace is immutable with read-only arrays, so sharing is safe.
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
    return trace(load_model_cached(model_name), sentence, target, pad_to=pad_to,
                 temperature=temperature, top_k=top_k, seed=seed)


@st.cache_resource(show_spinner=False)
def weights_cached(model_name: str) -> Weights:
    """The model's parameters in the contract's conventions (read-only numpy)."""
    return model_weights(load_model_cached(model_name))


def vocab_cached(model_name: str) -> tuple[str, ...]:
    """The model's vocabulary, id order."""
    return weights_cached(model_name).vocab
