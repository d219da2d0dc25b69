"""Every page, in a real browser, for every kind of model the app can load.

Small random Hugging Face models (BERT with a masked-LM head, GPT-2, Marian) are built from a
config into a models folder (tests/hf_models.py, no download); the app server lists them by
folder name through ``EXPLAINER_MODELS_DIR``, beside the packaged all-MiniLM-L6-v2. Each page
must draw its charts, or say in one sentence that the model lacks what it shows, and never
raise.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.hf_models import BUILDERS
from ui.navigation import page_specs

from .driver import (
    ALERT,
    ARTIFACTS,
    CHART,
    DRAWN,
    MAIN,
    Server,
    exceptions,
    full_page_screenshot,
    page_url,
    quiet_env,
    settle,
)

pytestmark = pytest.mark.browser

PAGES = page_specs()
FOLDER_MODELS = {"tiny-bert": "bert", "tiny-gpt2": "gpt2", "tiny-marian": "marian"}
MODELS = [*FOLDER_MODELS, "all-MiniLM-L6-v2"]
SENTENCE = "Smart John is singing"


@pytest.fixture(scope="module")
def models_server(browser_ready, tmp_path_factory):
    root = tmp_path_factory.mktemp("models")
    for name, kind in FOLDER_MODELS.items():
        BUILDERS[kind](root / name)
    srv = Server(ARTIFACTS / "server_models.log",
                 env={**quiet_env(), "EXPLAINER_MODELS_DIR": str(root)})
    try:
        srv.wait_healthy()
        yield srv
    finally:
        srv.stop()


@pytest.mark.parametrize("model", MODELS)
def test_every_page_draws_or_says_why_for_each_model(model, models_server, tab):
    problems = []
    for spec in PAGES:
        tab.goto(page_url(models_server, spec, f"model={quote(model)}&s={quote(SENTENCE)}"))
        settle(tab)
        if exceptions(tab):
            problems.append(f"{spec['url']}: exception {exceptions(tab)[0][:200]}")
            continue
        charts, drawn = tab.locator(CHART).count(), tab.locator(DRAWN).count()
        said = tab.locator(f"{MAIN} {ALERT}").count()
        if charts == 0 and said == 0 and spec.get("needs"):
            problems.append(f"{spec['url']}: neither a chart nor a notice")
        if drawn < charts:
            problems.append(f"{spec['url']}: {charts - drawn} of {charts} charts not drawn")
        if tab.get_by_text("could not be loaded").count():
            problems.append(f"{spec['url']}: the model did not load")
        shot = f"model_{model}_{spec['order']:02d}_{spec['url']}.png"
        full_page_screenshot(tab, ARTIFACTS / shot)
    assert not problems, "\n".join(problems)
