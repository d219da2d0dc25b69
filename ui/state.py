"""Session-state keys and defaults. The sidebar's widgets are bound to the URL by these keys."""

from __future__ import annotations

import streamlit as st

from explainer.text import LANGS, t

SENTENCE = "s"  # the sentence (URL ?s=...)
TARGET = "to"  # "auto", "en" or "zh"
MODEL = "model"  # "trained" or "untrained"
LANG = "lang"  # interface language, "en" or "zh"

DEFAULT_SENTENCE = "Smart John is singing"
EXAMPLES = (
    "Smart John is singing",
    "我爱你",
    "John saw John",
    "Do you like tea?",
    "他不喜欢茶",
    "Mary is reading a book in the library",
    "我们昨天在学校吃了米饭",
)


def lang() -> str:
    value = st.session_state.get(LANG, "en")
    return value if value in LANGS else "en"


def tr(key: str, **values) -> str:
    """Interface text in the current language."""
    return t(key, lang(), **values)
