"""Session-state keys and defaults. The sidebar's widgets are bound to the URL by these keys."""

from __future__ import annotations

import streamlit as st

from explainer.text import LANGS, t

SENTENCE = "s"  # the sentence (URL ?s=...)
TARGET = "to"  # "auto", "en" or "zh" (URL: the code or its label)
MODEL = "model"  # "trained" or "untrained"
LANG = "lang"  # interface language, "en" or "zh" (URL: the code or its label)

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


# What a link may say for a choice bound to the URL. Streamlit writes the option's label into
# the URL ("lang=中文", "to=English · 英文") and ignores anything else, so a hand-written
# ``?lang=zh&to=en`` did nothing. Codes and every label, in either language, are accepted.
URL_WORDS = {
    LANG: {"en": ("en", "English", "英文", "英语"), "zh": ("zh", "中文", "Chinese", "汉语")},
    TARGET: {
        code: (code, *(part for lang in LANGS
                       for part in (t(f"sidebar.direction_{code}", lang),
                                    *t(f"sidebar.direction_{code}", lang).split("·"))))
        for code in ("auto", "en", "zh")
    },
}


def url_code(raw, words: dict[str, tuple[str, ...]]) -> str | None:
    """The choice a URL value names: a code ("zh") or any of its labels ("中文", "Chinese ·
    中文", "chinese"), case and spaces ignored; None when it names none."""
    if not isinstance(raw, str):
        return None
    wanted = " ".join(raw.split()).casefold()
    for code, names in words.items():
        if any(wanted == " ".join(name.split()).casefold() for name in names):
            return code
    return None


def accept_url_codes() -> None:
    """Before the sidebar's widgets: turn a URL's code or label into the widget's value.

    Each URL value is read once (remembered under ``_url_<key>``), so a later click on the
    widget is never overridden by an address the browser has not rewritten yet.
    """
    for key, words in URL_WORDS.items():
        raw = st.query_params.get(key)
        if raw is None or st.session_state.get(f"_url_{key}") == raw:
            continue
        st.session_state[f"_url_{key}"] = raw
        code = url_code(raw, words)
        if code is not None and st.session_state.get(key) != code:
            st.session_state[key] = code


def lang() -> str:
    value = st.session_state.get(LANG, "en")
    return value if value in LANGS else "en"


def tr(key: str, **values) -> str:
    """Interface text in the current language."""
    return t(key, lang(), **values)
