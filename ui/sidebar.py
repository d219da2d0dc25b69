"""The sidebar every page shares: sentence, examples, direction, model, interface language."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from explainer.text import LANG_NAMES, LANGS
from explainer.trace import AdapterError, CheckpointError
from ui import state
from ui.confidence import sidebar_confidence
from ui.loaders import load_model_cached, model_names
from ui.state import tr

EXAMPLE_PICK = "example"


@dataclass(frozen=True)
class Selection:
    sentence: str
    target: str | None  # None: from the script of the sentence
    model_name: str
    lang: str


def _use_example() -> None:
    chosen = st.session_state.get(EXAMPLE_PICK)
    if chosen:
        st.session_state[state.SENTENCE] = chosen
    st.session_state[EXAMPLE_PICK] = None


def translates(model_name: str) -> bool:
    """Whether the model takes a translation direction (``Capabilities.languages``); True when
    it cannot be loaded, so the page that says why still gets the usual sidebar."""
    try:
        return bool(load_model_cached(model_name).caps.get("languages"))
    except (AdapterError, CheckpointError, OSError, ValueError, RuntimeError):  # MLMError too
        return True


def tagline(model_name: str) -> str:
    """The sidebar's last line: what kind of model the pages walk through."""
    return tr("app.tagline" if translates(model_name) else "app.tagline_other")


def render_sidebar(locked: bool = False) -> Selection:
    """Draw the shared sidebar; every widget is bound to the URL so a link reopens the view.

    ``locked``: a student following the teacher sees the teacher's choices, read-only.
    """
    if not locked:  # a following student takes the teacher's choices, not its own URL's
        state.accept_url_codes()
    with st.sidebar:
        st.radio(
            "Language · 语言", LANGS, format_func=LANG_NAMES.get, key=state.LANG,
            horizontal=True, bind="query-params", disabled=locked,
        )
        sentence = st.text_input(
            tr("sidebar.sentence"), value=state.DEFAULT_SENTENCE, key=state.SENTENCE,
            help=tr("sidebar.sentence_help"), bind="query-params", disabled=locked,
        )
        st.selectbox(
            tr("sidebar.examples"), state.EXAMPLES, index=None, key=EXAMPLE_PICK,
            placeholder=tr("sidebar.examples_pick"), on_change=_use_example,
            disabled=locked,
        )
        # Names only from the list (never a path a user typed); the name itself is the label,
        # so ``?model=NAME`` in a link reads the same in both interface languages.
        names = model_names()
        if st.session_state.get(state.MODEL) not in names:
            st.session_state[state.MODEL] = names[0]
        model_name = st.selectbox(
            tr("sidebar.model"), names, key=state.MODEL, help=tr("sidebar.model_help"),
            bind="query-params", disabled=locked,
        )
        # A direction only means something to a model that translates: BERT reads, GPT-2
        # continues, and "Translate into" beside them promised what they cannot do.
        target = "auto"
        if translates(model_name):
            target = st.radio(
                tr("sidebar.direction"), ("auto", "en", "zh"), key=state.TARGET,
                format_func=lambda v: tr(f"sidebar.direction_{v}"), bind="query-params",
                help=tr("sidebar.direction_help"), disabled=locked,
            )
        # The output with how sure the model was of each token, on every page: nonsense must
        # not look like a good translation.
        sidebar_confidence(sentence or "", None if target == "auto" else target, model_name)
    return Selection(sentence or "", None if target == "auto" else target, model_name,
                     state.lang())
