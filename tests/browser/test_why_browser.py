""""Why this word?", "Switch heads off" and the beam-search tree in a real browser.

Our model in English and Chinese, and a small random GPT-2 shown through EXPLAINER_MODELS_DIR:
every chart draws, a click on a beam node shows that step, and markup or an essay typed into
the translation box stays text with a clear message. Screenshots go to tests/artifacts/
(why_*.png).
"""

from __future__ import annotations

from urllib.parse import quote

import pytest

from explainer.text import TEXT
from tests.hf_models import build_gpt2
from tests.hostile_inputs import INJECTED_IDS
from ui.navigation import page_specs

from .driver import (
    ARTIFACTS,
    CHART,
    DRAWN,
    MAIN,
    Server,
    exceptions,
    expect_rerun,
    full_page_screenshot,
    page_url,
    quiet_env,
    settle,
)

pytestmark = pytest.mark.browser

SPECS = {spec["url"]: spec for spec in page_specs()}
MINE = 'input[aria-label="{label}"]'


def open_at(tab, server, url: str, query: str) -> None:
    tab.goto(page_url(server, SPECS[url], query))
    settle(tab)
    assert not exceptions(tab), exceptions(tab)


def drawn(tab) -> tuple[int, int]:
    return tab.locator(CHART).count(), tab.locator(DRAWN).count()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_why_page_draws_every_view(lang, tab, server):
    query = f"s={quote('我爱你')}" + ("&lang=%E4%B8%AD%E6%96%87" if lang == "zh" else "")
    open_at(tab, server, "why", query)
    assert tab.get_by_text(TEXT["why.title"][lang], exact=True).count()
    charts, done = drawn(tab)
    assert charts >= 7 and done >= charts, (charts, done)  # scores … logit lens, all drawn
    full_page_screenshot(tab, ARTIFACTS / f"why_{lang}.png")


def test_markup_and_an_essay_in_the_translation_box_stay_text(tab, server):
    open_at(tab, server, "why", f"s={quote('我爱你')}")
    box = tab.locator(MINE.format(label=TEXT["why.score.mine"]["en"])).first
    for typed in ('<img id="pw-injected-img" src=x onerror="window.__pwned=1">',
                  '<b id="pw-injected-b">bold</b> <svg id="pw-injected-svg"></svg>'):
        box.fill(typed)
        expect_rerun(tab)
        box.press("Enter")
        settle(tab)
        assert not exceptions(tab), exceptions(tab)
        for element_id in INJECTED_IDS:
            assert tab.locator(f"#{element_id}").count() == 0, element_id
        assert not tab.evaluate("() => window.__pwned === 1")
    box.fill("x" * 10_000)
    expect_rerun(tab)
    box.press("Enter")
    settle(tab)
    assert not exceptions(tab), exceptions(tab)
    assert tab.locator(MAIN).get_by_text("a translation to score may have at most").count()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_switching_off_the_last_layer_redraws_the_translation(lang, tab, server):
    query = f"s={quote('我爱你')}" + ("&lang=%E4%B8%AD%E6%96%87" if lang == "zh" else "")
    open_at(tab, server, "interventions", query)
    before = drawn(tab)[0]
    expect_rerun(tab)
    tab.get_by_role("button", name=TEXT["int.last_layer"][lang]).click()
    settle(tab)
    assert not exceptions(tab), exceptions(tab)
    charts, done = drawn(tab)
    assert charts >= before + 3 and done >= charts  # change bars and attention before/after
    full_page_screenshot(tab, ARTIFACTS / f"why_interventions_{lang}.png")


_NODE_XY = """() => {
    const gd = Array.from(document.querySelectorAll('.js-plotly-plot'))
        .find(g => g.data.length === 4 && g.data[3].customdata);
    const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
    const box = gd.querySelector('.nsewdrag').getBoundingClientRect();
    const i = gd.data[3].customdata.findIndex(c => c[0] === 1 && c[1] === 1);
    return [box.left + xa.l2p(gd.data[3].x[i]), box.top + ya.l2p(gd.data[3].y[i]),
            gd.data[3].text[i]];
}"""


def test_clicking_a_beam_node_shows_its_step(tab, server):
    beam = quote(f"{TEXT['trn.mode_beam']['en']}")
    open_at(tab, server, "translation", f"s={quote('我爱你')}&tr_mode={beam}")
    picker = tab.locator(f'{MAIN} input[aria-label="{TEXT["beam.node"]["en"]}"]').first
    assert picker.input_value() == "1: <2en> → I"
    tab.locator(CHART).first.scroll_into_view_if_needed()
    x, y, token = tab.evaluate(_NODE_XY)
    expect_rerun(tab)
    tab.mouse.click(x, y)
    settle(tab)
    assert not exceptions(tab), exceptions(tab)
    assert picker.input_value().startswith("2: ") and picker.input_value().endswith(
        f"→ {token}"), picker.input_value()
    full_page_screenshot(tab, ARTIFACTS / "why_beam_tree.png")


@pytest.fixture(scope="module")
def gpt2_server(browser_ready, tmp_path_factory):
    root = tmp_path_factory.mktemp("why_models")
    build_gpt2(root / "tiny-gpt2")
    srv = Server(ARTIFACTS / "server_why_models.log",
                 env={**quiet_env(), "EXPLAINER_MODELS_DIR": str(root)})
    try:
        srv.wait_healthy()
        yield srv
    finally:
        srv.stop()


@pytest.mark.parametrize("url", ["why", "interventions"])
def test_a_hugging_face_gpt2_gets_both_pages(url, tab, gpt2_server):
    open_at(tab, gpt2_server, url, f"model=tiny-gpt2&s={quote('Smart John is singing')}")
    charts, done = drawn(tab)
    assert charts >= 1 and done >= charts, (charts, done)
    full_page_screenshot(tab, ARTIFACTS / f"why_gpt2_{url}.png")
