"""The page "BERT: fill in the blank" in a real browser, in English and in Chinese: a click on a
word covers it and a bar chart of guesses appears for it, the [MASK] grid and the pre-training
curves draw, and markup typed into the sentence stays text. Screenshots go to tests/artifacts/
(bert_*.png)."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from explainer.text import TEXT
from tests.hostile_inputs import INJECTED_IDS
from ui.navigation import page_specs

from .driver import (
    ARTIFACTS,
    CHART,
    DRAWN,
    MAIN,
    choose_language,
    exceptions,
    expect_rerun,
    full_page_screenshot,
    page_url,
    settle,
    type_sentence,
)

pytestmark = pytest.mark.browser

SPEC = next(spec for spec in page_specs() if spec["url"] == "bert")
PILLS = '[data-testid="stMain"] [data-testid="stButtonGroup"] button'


def guess_charts(tab) -> list[str]:
    """Titles of the drawn charts of guesses (horizontal bars: one per blank)."""
    return tab.evaluate(
        """() => Array.from(document.querySelectorAll('.js-plotly-plot'))
               .filter(gd => gd.data.some(t => t.type === 'bar' && t.orientation === 'h'))
               .map(gd => (gd.layout.title && gd.layout.title.text) || '')"""
    )


def drawn(tab) -> tuple[int, int]:
    return tab.locator(CHART).count(), tab.locator(DRAWN).count()


def open_bert(tab, server, sentence: str) -> None:
    tab.goto(page_url(server, SPEC, f"s={quote(sentence)}"))
    settle(tab)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_clicking_a_word_covers_it_and_its_guesses_appear(lang, tab, server):
    sentence = "Smart John is singing" if lang == "en" else "我爱你"
    open_bert(tab, server, sentence)
    if lang == "zh":
        choose_language(tab, "中文")
        tab.get_by_text(TEXT["bert.title"]["zh"], exact=True).first.wait_for()
        settle(tab)
    assert not exceptions(tab), exceptions(tab)
    charts, done = drawn(tab)
    # One blank by default (the last word): its bars, the [MASK] grid, two rows up close and
    # the pre-training curves.
    assert charts >= 5 and done >= charts
    last = sentence.split()[-1] if lang == "en" else sentence[-1]
    before = guess_charts(tab)
    assert len(before) == 1 and last in before[0], before
    full_page_screenshot(tab, ARTIFACTS / f"bert_{lang}.png")

    # Click the first word: a second blank, with its own bar chart.
    first = tab.locator(PILLS).filter(has_text="0: ").first
    expect_rerun(tab)
    first.click()
    settle(tab)
    assert not exceptions(tab), exceptions(tab)
    after = guess_charts(tab)
    assert len(after) == 2 and last in after[1], after
    assert "cover=" in tab.url  # the covered words travel with a shared link
    charts, done = drawn(tab)
    assert done >= charts
    main = tab.locator(MAIN).inner_text()
    assert TEXT["bert.pre"][lang] in main and TEXT["bert.grid"][lang] in main
    full_page_screenshot(tab, ARTIFACTS / f"bert_{lang}_two_blanks.png")


def test_markup_in_the_sentence_stays_text(tab, server):
    open_bert(tab, server, "Smart John is singing")
    typed = ('<b id="pw-injected-b">bold</b> <img id="pw-injected-img" src=x '
             'onerror="window.__pwned=1"> John is [MASK]')
    type_sentence(tab, typed)
    settle(tab)
    assert not exceptions(tab), exceptions(tab)
    found = tab.evaluate(
        """ids => ({elements: ids.filter(id => document.getElementById(id)),
                    pwned: window.__pwned !== undefined})""",
        list(INJECTED_IDS),
    )
    assert found == {"elements": [], "pwned": False}
    charts, done = drawn(tab)
    assert charts >= 4 and done >= charts
    full_page_screenshot(tab, ARTIFACTS / "bert_markup.png")
