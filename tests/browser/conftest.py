"""Real-browser fixtures: one `streamlit run app.py` server and one Chromium per session.

Without Chromium (or the playwright package) every browser test is skipped with one reason;
with ``REQUIRE_BROWSER=1`` (CI) that is a failure instead, so CI always exercises the browser.
"""

from __future__ import annotations

import os

import pytest

from .driver import ARTIFACTS, VIEWPORT, Server, launch_chromium, missing_browser

SETTLE_MS = 120_000
MISSING = missing_browser()


def pytest_runtest_setup(item):
    if MISSING and os.environ.get("REQUIRE_BROWSER") != "1":
        # Raised here, not in each test: the summary shows one line for the whole folder.
        pytest.skip(f"browser tests skipped: {MISSING}")


@pytest.fixture(scope="session")
def browser_ready() -> None:
    if MISSING:
        pytest.fail(f"REQUIRE_BROWSER=1 but {MISSING}", pytrace=False)


@pytest.fixture(scope="session")
def server(browser_ready):
    srv = Server(ARTIFACTS / "server.log")
    try:
        srv.wait_healthy()
        yield srv
    finally:
        srv.stop()


@pytest.fixture(scope="session")
def browser(browser_ready):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = launch_chromium(pw)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def new_tab(browser):
    """Open tabs, each in a fresh context (its own cookies: its own Streamlit session)."""
    contexts = []

    def open_tab():
        ctx = browser.new_context(viewport=dict(VIEWPORT), locale="en-US")
        contexts.append(ctx)
        tab = ctx.new_page()
        tab.set_default_timeout(SETTLE_MS)
        return tab

    yield open_tab
    for ctx in contexts:
        ctx.close()


@pytest.fixture
def tab(new_tab):
    return new_tab()


@pytest.fixture(scope="module")
def module_tab(browser):
    """One tab (one session) kept for a whole module: pages are visited by their links."""
    ctx = browser.new_context(viewport=dict(VIEWPORT), locale="en-US")
    tab = ctx.new_page()
    tab.set_default_timeout(SETTLE_MS)
    yield tab
    ctx.close()
