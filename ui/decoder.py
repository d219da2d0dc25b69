"""Streamlit helpers for the output-side pages: beam search cache, page links, clamped state."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from explainer.beam_trace import BeamTrace, beam_trace
from ui import loaders
from ui.navigation import PAGES_DIR, page_specs
from ui.state import lang


@st.cache_resource(show_spinner=False, max_entries=32)
def beam_cached(model_name: str, sentence: str, target: str | None, beam_size: int,
                alpha: float) -> BeamTrace:
    """Beam search of the sidebar's sentence, shared across users (read-only arrays)."""
    return beam_trace(loaders.load_model_cached(model_name), sentence, target,
                      beam_size=beam_size, alpha=alpha)


def existing_pages(features=None) -> dict[str, tuple[str, str | None]]:
    """Page file ("app_pages/x.py") -> (title in the interface language, icon) for every page
    that exists now, so links to pages written later appear without a code change.

    With ``features`` (``trace.caps.features``), only the pages whose needs the model has.
    """
    return {
        f"{PAGES_DIR.name}/{Path(spec['path']).name}":
            (spec["title"].get(lang(), spec["title"]["en"]), spec.get("icon"))
        for spec in page_specs()
        if features is None or set(spec.get("needs", ())) <= set(features)
    }


def clamp_state(key: str, lo: int, hi: int) -> None:
    """Keep a URL-bound number inside [lo, hi] when the sentence (and so the range) changes."""
    value = st.session_state.get(key)
    if value is not None and not (isinstance(value, int) and lo <= value <= hi):
        st.session_state[key] = lo if not isinstance(value, int) else min(max(value, lo), hi)


def short_text(text: str, limit: int = 120) -> str:
    """A sentence for a heading: a pasted essay is cut, with an ellipsis."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
