"""Confidence wherever a translation appears: each written token coloured by the probability
the model gave it, and a visible warning when the model is guessing.

User and model text goes through Markdown escaped (``escape_md``) inside Streamlit's colour
directives, never as HTML.
"""

from __future__ import annotations

import math

import streamlit as st

from explainer.analysis.confidence import Confidence, confidence
from explainer.contract import ContractError
from explainer.trace import AdapterError, CheckpointError, InputError
from ui import loaders
from ui.state import tr

COLOURS = {"sure": "green", "unsure": "orange", "low": "red"}
SHOWN = 60  # tokens coloured at most: a pasted essay's translation would fill the sidebar


def _escape(text: str) -> str:
    from ui.widgets import escape_md  # ui.widgets imports the sidebar, which imports us

    return escape_md(text)


def coloured_tokens(conf: Confidence, limit: int = SHOWN) -> str:
    """Markdown: each token on a background whose colour says how sure the model was, its
    probability beside it (colour is never the only cue)."""
    parts = []
    for tok, prob, lvl in list(zip(conf.tokens, conf.probs, conf.levels))[:limit]:
        # Rounded down: a token just under the threshold must not read as the threshold itself.
        shown = math.floor(float(prob) * 100) / 100
        parts.append(f":{COLOURS[lvl]}-background[{_escape(tok)} {shown:.2f}]")
    if len(conf.tokens) > limit:
        parts.append(tr("conf.more", n=len(conf.tokens) - limit))
    return " ".join(parts)


def show_warnings(conf: Confidence, target: str | None) -> None:
    """One visible warning per reason the model may be guessing."""
    if conf.same_language:
        st.warning(tr("conf.same_language", pair=tr(f"conf.lang.{target}")),
                   icon=":material/sync_problem:")
    if conf.unknown:
        st.warning(tr("conf.unknown", words=_escape(", ".join(conf.unknown[:8]))),
                   icon=":material/help:")
    low = conf.low
    if low:
        worst = conf.lowest
        st.warning(tr("conf.low", n=len(low), token=_escape(conf.tokens[worst]),
                      step=worst + 1, prob=float(conf.probs[worst]),
                      threshold=conf.threshold), icon=":material/casino:")


def show_confidence(conf: Confidence, target: str | None, key: str) -> None:
    """The coloured tokens, a legend, and the warnings (in the current container)."""
    with st.container(key=key):
        st.markdown(coloured_tokens(conf))
        st.caption(tr("conf.legend", threshold=conf.threshold))
        show_warnings(conf, target)


def sidebar_confidence(sentence: str, target: str | None, model_name: str) -> None:
    """Under the sidebar's choices: the model's output for the sentence with its confidence.

    Says nothing when there is nothing to show (no text, a model that does not write, an input
    the page itself will explain); the page gives the message.
    """
    if not sentence.strip():
        return
    try:
        found = loaders.trace_cached(model_name, sentence, target)
    except (InputError, CheckpointError, AdapterError, ContractError):
        return
    if not (found.caps.generates and found.caps.has_logits and found.output_tokens):
        return
    conf = confidence(found, sentence, target)
    kind = "continue" if found.caps.architecture == "decoder-only" else "translate"
    st.markdown(f"**{tr(f'conf.sidebar.{kind}')}**")
    show_confidence(conf, target, key="sidebar_confidence")
