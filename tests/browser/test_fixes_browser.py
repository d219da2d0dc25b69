"""Fixes a student saw on screen, checked in a real browser with the shared server and tab."""

from __future__ import annotations

from .driver import MAIN, expect_rerun, settle


def shown_token(tab) -> str:
    """The label the token picker shows on screen."""
    return tab.locator(f'{MAIN} [data-testid="stSelectbox"] input').first.input_value()


def test_browser_picker_shows_the_token_after_a_block_change(server, tab):
    tab.goto(f"{server.url}/self-attention")
    settle(tab)
    assert shown_token(tab) == "1: John"
    options = tab.locator(f'{MAIN} [data-testid="stRadio"] [role="radiogroup"] label')
    expect_rerun(tab)
    options.nth(1).click()  # decoder self-attention: token 1 is 聪
    settle(tab)
    assert shown_token(tab) == "1: 聪"
    assert "“聪” (position 1)" in tab.locator(MAIN).inner_text()


def test_browser_overview_address_and_codes(server, tab):
    for path in ("/overview", "/"):
        tab.goto(f"{server.url}{path}?lang=zh&to=en&s=%E6%88%91%E7%88%B1%E4%BD%A0")
        settle(tab)
        text = tab.locator("body").inner_text()
        assert "Page not found" not in text, path
        assert "Transformer 透视" in text and "I love you" in text, path
