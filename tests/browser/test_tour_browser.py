"""The guided tour and presenter mode in a real browser at a projector's 1280 × 720.

English and Chinese: the tour opens on the article's sentence, next moves the progress and the
URL's step, a reveal draws the model's figure; with ?present=1 the sidebar starts collapsed,
text and figure fonts are larger than without, and the flag survives a page change.
Screenshots go to tests/artifacts/ (tour_present_*.png).
"""

from __future__ import annotations

import pytest

from explainer.text import TEXT
from ui.navigation import page_specs

from .conftest import SETTLE_MS
from .driver import (
    ARTIFACTS,
    CHART,
    DRAWN,
    MAIN,
    SIDEBAR,
    exceptions,
    expect_rerun,
    page_url,
    settle,
)

pytestmark = pytest.mark.browser

SPECS = {spec["url"]: spec for spec in page_specs()}
PROJECTOR = {"width": 1280, "height": 720}
BUTTON = '.st-key-{key} button'
EXPAND = '[data-testid="stExpandSidebarButton"], [data-testid="stSidebarCollapsedControl"]'


@pytest.fixture
def room(browser):
    """A tab at 1280 × 720."""
    context = browser.new_context(viewport=PROJECTOR)
    tab = context.new_page()
    tab.set_default_timeout(SETTLE_MS)
    try:
        yield tab
    finally:
        context.close()


def click(tab, key: str) -> None:
    expect_rerun(tab)
    tab.locator(BUTTON.format(key=key)).first.click()
    settle(tab)
    assert not exceptions(tab), exceptions(tab)


def paragraph_px(tab) -> float:
    return tab.evaluate("""() => parseFloat(getComputedStyle(
        document.querySelector('[data-testid="stMain"] [data-testid="stMarkdownContainer"] p')
        ).fontSize)""")


def chart_font_px(tab) -> float:
    return tab.evaluate(f"""() => Math.max(...[...document.querySelectorAll('{DRAWN} text')]
        .map(t => parseFloat(getComputedStyle(t).fontSize) || 0))""")


def sidebar_width(tab) -> float:
    return tab.locator(SIDEBAR).first.bounding_box()["width"]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_tour_in_presenter_mode_at_1280x720(lang, room, server):
    tab = room
    tab.goto(page_url(server, SPECS["tour"], f"present=1&lang={lang}"))
    settle(tab)
    assert not exceptions(tab), exceptions(tab)
    sentence = "Smart John is singing" if lang == "en" else "我爱你"
    assert tab.locator('[data-testid="stSidebar"] input[type="text"]').first.input_value() \
        == sentence
    assert sidebar_width(tab) < 100  # collapsed
    step_one = TEXT["tour.progress"][lang].split("{i}")[0]
    assert tab.locator(MAIN).get_by_text(step_one, exact=False).count()
    big_text = paragraph_px(tab)
    tab.screenshot(path=str(ARTIFACTS / f"tour_present_{lang}_step1.png"))

    # Next: the attention step (6th), its reveal draws a chart with big fonts.
    for _ in range(5):
        click(tab, "tour_next")
    assert "step=6" in tab.url and "present=1" in tab.url
    click(tab, "tour_reveal_attention")
    assert tab.locator(CHART).count() == 1 and tab.locator(DRAWN).count()
    tab.locator(DRAWN).first.scroll_into_view_if_needed()
    tab.screenshot(path=str(ARTIFACTS / f"tour_present_{lang}_reveal.png"))
    big_chart = chart_font_px(tab)

    # The same step without presenter mode: smaller text and chart fonts.
    tab.goto(page_url(server, SPECS["tour"], f"lang={lang}&step=6"))
    settle(tab)
    click(tab, "tour_reveal_attention")
    assert paragraph_px(tab) < big_text
    assert chart_font_px(tab) < big_chart
    assert "present" not in tab.url


def test_presenter_flag_survives_a_page_change(room, server):
    tab = room
    tab.goto(page_url(server, SPECS["tour"], "present=1"))
    settle(tab)
    assert paragraph_px(tab) > 20  # Streamlit's own text is 16 px
    # Open the sidebar and follow its link to the overview.
    tab.locator(EXPAND).first.click()
    target = page_url(server, SPECS["vectors"])
    link = tab.locator(f'[data-testid="stSidebarNav"] a[href="{target}"]')
    expect_rerun(tab)
    link.first.click()
    settle(tab)
    assert not exceptions(tab), exceptions(tab)
    assert "present=1" in tab.url
    assert paragraph_px(tab) > 20
