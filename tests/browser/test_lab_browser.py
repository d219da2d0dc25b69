"""The pages "Hyper-parameters" and "RNN vs attention" in a real browser, in English and
Chinese: every chart draws (each of Optuna's four figures in its tab), and markup typed into the
sentence stays text. Screenshots go to tests/artifacts/ (lab_*.png, rnn_*.png)."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from explainer.figures.lab import STUDY_FIGURES
from explainer.text import TEXT
from tests.hostile_inputs import INJECTED_IDS
from ui.navigation import page_specs

from .driver import (
    ARTIFACTS,
    CHART,
    DRAWN,
    choose_language,
    exceptions,
    full_page_screenshot,
    page_url,
    settle,
    type_sentence,
)

pytestmark = pytest.mark.browser

LAB = next(spec for spec in page_specs() if spec["url"] == "hyperparameters")
RNN = next(spec for spec in page_specs() if spec["url"] == "rnn")
TAB = '[data-testid="stTab"]'
PANEL = '[role="tabpanel"]:not([hidden])'


def shows_title(tab, title: str) -> bool:
    """A visible chart has this title (Streamlit's theme wraps titles in <b>)."""
    return any(title in text for text in chart_titles(tab))


def chart_titles(tab) -> list[str]:
    return tab.evaluate(
        """() => Array.from(document.querySelectorAll('.js-plotly-plot'))
               .filter(gd => gd.offsetParent !== null)
               .map(gd => (gd.layout.title && gd.layout.title.text) || '')""")


def in_language(tab, lang: str, title: str) -> None:
    if lang == "zh":
        choose_language(tab, "中文")
        tab.get_by_text(title, exact=True).first.wait_for()
        settle(tab)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_lab_page_draws_the_curves_and_each_of_optunas_figures(lang, tab, server):
    tab.goto(page_url(server, LAB))
    settle(tab)
    in_language(tab, lang, TEXT["lab.title"]["zh"])
    assert not exceptions(tab), exceptions(tab)
    assert tab.locator(DRAWN).count() >= 3
    for kind in STUDY_FIGURES:
        tab.locator(TAB).filter(has_text=TEXT[f"lab.tab.{kind}"][lang]).first.click()
        tab.locator(f"{PANEL} {CHART} .main-svg").first.wait_for()
        settle(tab)
        assert shows_title(tab, TEXT[f"lab.study.{kind}.title"][lang]), (kind, chart_titles(tab))
        if kind == "history":
            full_page_screenshot(tab, ARTIFACTS / f"lab_{lang}.png")
    tab.locator(PANEL).first.screenshot(path=str(ARTIFACTS / f"lab_{lang}_slice.png"))
    assert not exceptions(tab), exceptions(tab)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_rnn_page_draws_path_speed_lengths_and_trajectories(lang, tab, server):
    sentence = "Smart John is singing" if lang == "en" else "我爱你"
    tab.goto(page_url(server, RNN, f"s={quote(sentence)}"))
    settle(tab)
    in_language(tab, lang, TEXT["rnn.title"]["zh"])
    assert not exceptions(tab), exceptions(tab)
    charts = tab.locator(CHART).count()
    assert charts >= 5 and tab.locator(DRAWN).count() >= charts
    assert shows_title(tab, TEXT["rnn.gru_path_title"][lang]), chart_titles(tab)
    full_page_screenshot(tab, ARTIFACTS / f"rnn_{lang}.png")


def test_markup_in_the_sentence_stays_text_on_the_rnn_page(tab, server):
    tab.goto(page_url(server, RNN, "s=Smart%20John%20is%20singing"))
    settle(tab)
    type_sentence(tab, '<b id="pw-injected-b">bold</b> <img id="pw-injected-img" src=x '
                       'onerror="window.__pwned=1"> John is singing')
    settle(tab)
    assert not exceptions(tab), exceptions(tab)
    found = tab.evaluate(
        """ids => ({elements: ids.filter(id => document.getElementById(id)),
                    pwned: window.__pwned !== undefined})""", list(INJECTED_IDS))
    assert found == {"elements": [], "pwned": False}
    full_page_screenshot(tab, ARTIFACTS / "rnn_markup.png")
