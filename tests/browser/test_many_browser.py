"""Many students at once in real browsers: several contexts (each its own Streamlit session)
type different sentences into one server at the same moment; each sees its own tokens.

The model's weights staying bit-identical is checked in-process in tests/test_concurrency.py
(the server's model lives in another process here).
"""

from __future__ import annotations

import pytest

from models.tokenizer import tokenize
from ui.navigation import page_specs

from .driver import (
    SIDEBAR_SENTENCE,
    exceptions,
    page_url,
    settle,
    tick_labels,
    type_sentence,
)

pytestmark = pytest.mark.browser

SENTENCES = (
    "我爱你",
    "John saw John",
    "Do you like tea?",
    "他不喜欢茶",
    "Mary is reading a book in the library",
)


def test_sessions_typing_at_once_each_see_their_own_tokens(new_tab, server):
    spec = page_specs()[0]
    tabs = [new_tab() for _ in SENTENCES]
    for tab in tabs:
        tab.goto(page_url(server, spec), wait_until="commit")  # all load side by side
    for tab in tabs:
        settle(tab)
    # Every session types before any is waited for: the server runs them side by side.
    for tab, sentence in zip(tabs, SENTENCES):
        type_sentence(tab, sentence)
    for tab, sentence in zip(tabs, SENTENCES):
        settle(tab)
        assert not exceptions(tab), (sentence, exceptions(tab))
        assert tab.locator(SIDEBAR_SENTENCE).first.input_value() == sentence
        assert tokenize(sentence) in tick_labels(tab), (sentence, tick_labels(tab))
