"""The page "How a model learns" in a real browser: the film at step 0 and at the end for the
article's two sentences (different translations and attention, screenshots in
tests/artifacts/training_*.png), the play button moving the step on, and one live gradient
step on a copy of the model."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest

from explainer.text import TEXT
from models import film
from ui.navigation import page_specs

from .driver import (
    ARTIFACTS,
    CHART,
    DRAWN,
    MAIN,
    exceptions,
    expect_rerun,
    full_page_screenshot,
    page_url,
    settle,
)

pytestmark = pytest.mark.browser

SPEC = next(spec for spec in page_specs() if spec["url"] == "training")


def heatmaps(tab) -> list[str]:
    return tab.evaluate(
        """() => Array.from(document.querySelectorAll('.js-plotly-plot'))
               .flatMap(gd => gd.data.filter(t => t.type === 'heatmap'))
               .map(t => JSON.stringify(t.z))"""
    )


def open_film(tab, server, sentence: str, step: int, lang: str = "en") -> None:
    tab.goto(page_url(server, SPEC, f"s={quote(sentence)}&film_step={step}&lang={lang}"))
    settle(tab)
    assert not exceptions(tab), exceptions(tab)
    assert tab.locator(CHART).count() >= 5
    assert tab.locator(DRAWN).count() >= tab.locator(CHART).count()


@pytest.mark.parametrize("sentence, lang, name",
                         [("我爱你", "en", "love"), ("Smart John is singing", "zh", "john")])
def test_step_zero_and_the_end_differ(sentence, lang, name, tab, server):
    last = film.steps()[-1]
    open_film(tab, server, sentence, 0, lang)
    start_text = tab.locator(MAIN).inner_text()
    start_maps = heatmaps(tab)
    full_page_screenshot(tab, ARTIFACTS / f"training_{name}_step0.png")
    open_film(tab, server, sentence, last, lang)
    end_text = tab.locator(MAIN).inner_text()
    end_maps = heatmaps(tab)
    full_page_screenshot(tab, ARTIFACTS / f"training_{name}_end.png")
    assert TEXT["film.title"][lang] in end_text
    expected = "I love you" if sentence == "我爱你" else "聪明的约翰在唱歌"
    assert expected in end_text and expected not in start_text.split("\n")[3:6]
    assert len(start_maps) == len(end_maps) >= 2
    assert start_maps != end_maps


def test_play_moves_the_film_forward(tab, server):
    steps = film.steps()
    open_film(tab, server, "我爱你", steps[0])
    expect_rerun(tab)
    tab.get_by_role("button", name=TEXT["film.play"]["en"]).first.click()
    tab.wait_for_function(f"() => !location.search.includes('film_step={steps[0]}&') && "
                          f"!location.search.endsWith('film_step={steps[0]}')", timeout=30_000)
    assert not exceptions(tab), exceptions(tab)


def test_one_step_runs_live(tab, server):
    open_film(tab, server, "我爱你", film.steps()[-1])
    expect_rerun(tab)
    tab.get_by_role("button", name=TEXT["cost.run_step"]["en"]).first.click()
    settle(tab)
    assert not exceptions(tab), exceptions(tab)
    main = tab.locator(MAIN).inner_text()
    assert "Translation after" in main
    bars = tab.evaluate(
        """() => Array.from(document.querySelectorAll('.js-plotly-plot'))
               .flatMap(gd => gd.data.filter(t => t.type === 'bar' && t.orientation === 'h'))
               .length""")
    assert bars >= 1
    full_page_screenshot(tab, ARTIFACTS / "training_cost_step.png")
    json.dumps(main)  # the page's text is plain text
