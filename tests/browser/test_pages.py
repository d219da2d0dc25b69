"""Every page in a real browser: it draws, follows the sidebar's sentence, and speaks Chinese.

Pages are discovered with ``ui.navigation.page_specs()``, so pages added later are covered.
A full-page screenshot of each page, in English and in Chinese, goes to tests/artifacts/.
"""

from __future__ import annotations

import re

import pytest

from explainer.text import TEXT
from tests.hostile_inputs import reads_sentence
from ui.navigation import page_specs

from .driver import (
    ARTIFACTS,
    CHART,
    DRAWN,
    MAIN,
    SIDEBAR,
    SIDEBAR_SENTENCE,
    charts_signature,
    choose_language,
    exceptions,
    full_page_screenshot,
    page_url,
    radio_choices,
    settle,
    type_sentence,
    wait_for_new_charts,
)

pytestmark = pytest.mark.browser

PAGES = page_specs()
NEW_SENTENCE = "我爱你"
# Runs of 4+ Chinese characters from the interface's own text: one on screen proves the
# interface (not just the sentence or the model's output) is in Chinese.
ZH_RUNS = sorted({run for entry in TEXT.values()
                  for run in re.findall(r"[\u4e00-\u9fff]{4,}", entry["zh"])})


def shot_name(spec: dict, lang: str) -> str:
    return f"{spec['order']:02d}_{spec['url']}_{lang}.png"


@pytest.mark.parametrize("spec", PAGES, ids=[spec["url"] for spec in PAGES])
def test_page_draws_follows_the_sentence_and_switches_to_chinese(spec, tab, server):
    tab.goto(page_url(server, spec))
    settle(tab)
    assert not exceptions(tab), exceptions(tab)
    charts = tab.locator(CHART).count()
    assert tab.locator(DRAWN).count() >= charts
    full_page_screenshot(tab, ARTIFACTS / shot_name(spec, "en"))

    if reads_sentence(spec["path"]):
        before = charts_signature(tab) if charts else tab.locator(MAIN).inner_text()
        type_sentence(tab, NEW_SENTENCE)
        if charts:
            wait_for_new_charts(tab, before)
        else:
            tab.wait_for_function(
                "([sel, old]) => document.querySelector(sel).innerText !== old",
                arg=[MAIN, before],
            )
        settle(tab)
        assert not exceptions(tab), exceptions(tab)
        assert tab.locator(SIDEBAR_SENTENCE).first.input_value() == NEW_SENTENCE

    chosen = radio_choices(tab)
    choose_language(tab, "中文")
    nav = tab.locator(f'{SIDEBAR} [data-testid="stSidebarNav"]')
    nav.get_by_text(spec["title"]["zh"], exact=True).wait_for()
    settle(tab)
    full_page_screenshot(tab, ARTIFACTS / shot_name(spec, "zh"))
    assert not exceptions(tab), exceptions(tab)
    main = tab.locator(MAIN).inner_text()
    assert any(run in main for run in ZH_RUNS), main[:300]
    lost = [i for i, (was, now) in enumerate(zip(chosen, radio_choices(tab)))
            if was is not None and now is None]
    assert not lost, f"radio groups {lost} show no choice after switching to 中文 (were {chosen})"
