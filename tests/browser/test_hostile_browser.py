"""Hostile input in a real browser: markup stays text, blank input gets a notice, and
right-to-left text, emoji, control characters and a 10,000-character paste still give a page.

Every page gets the markup rows (all in one sentence) and a blank row: only a browser can show
that no script ran and no element was built from them. The rest of the table runs on the first
page only; tests/test_hostile.py puts every row through every page under AppTest.
"""

from __future__ import annotations

import pytest

from tests.hostile_inputs import (
    BY_NAME,
    INJECTED_IDS,
    notice_pattern,
    reads_sentence,
    shows_notices,
)
from ui.navigation import page_specs

from .driver import (
    ALERT,
    MAIN,
    SIDEBAR_SENTENCE,
    exceptions,
    open_page,
    settle,
    type_sentence,
)

pytestmark = pytest.mark.browser

PAGES = page_specs()
# All markup rows in one sentence: one rerun per page instead of four.
ALL_MARKUP = " ".join(case.text for case in BY_NAME.values() if case.markup)
FIRST_PAGE_ONLY = ("long_10000_chinese", "zero_width_only", "nul_inside", "rtl_hebrew_mixed",
                   "bidi_override", "zwj_sequences", "emoji", "markdown", "latex",
                   "streamlit_directives")


def injected(tab) -> dict:
    """What a successful injection would have left in the page."""
    return tab.evaluate(
        """ids => ({
            elements: ids.filter(id => document.getElementById(id)),
            pwned: window.__pwned !== undefined,
            scripts: Array.from(document.scripts).filter(s => s.text.includes('alert(')).length,
            iframes: document.querySelectorAll('[data-testid="stMain"] iframe').length,
        })""",
        list(INJECTED_IDS),
    )


def alerts(tab) -> list[str]:
    return [text.strip() for text in tab.locator(ALERT).all_inner_texts()]


def check_case(tab, spec, case_name: str, text: str, dialogs: list) -> list[str]:
    """Type ``text``, wait, and say what is wrong (empty list: nothing)."""
    case = BY_NAME.get(case_name)
    type_sentence(tab, text)
    settle(tab)
    problems = [f"exception: {err[:160]}" for err in exceptions(tab)]
    kept = tab.locator(SIDEBAR_SENTENCE).first.input_value()
    if case and case.long and not kept.startswith(text[:20]):
        problems.append(f"the sentence box ignored {len(text)} typed characters (kept {kept!r})")
    found = injected(tab)
    if dialogs or found["pwned"] or found["elements"] or found["scripts"] or found["iframes"]:
        problems.append(f"user text became HTML: {found}, dialogs {dialogs}")
    shown = alerts(tab)
    if case and case.blank and reads_sentence(spec["path"]):
        if not any(notice_pattern(key).search(a) for a in shown
                   for key in ("notice.empty", "notice.input_error")):
            problems.append(f"no notice for blank input; alerts: {shown}")
    if case and case.long and shows_notices(spec["path"]):
        if not any(notice_pattern("notice.truncated").search(a) for a in shown):
            problems.append(f"no notice that the input was cut; alerts: {shown}")
    return [f"{spec['url']} / {case_name}: {p}" for p in problems]


@pytest.fixture(scope="module")
def dialogs(module_tab) -> list:
    """Messages of every alert/confirm/prompt the page opened (an injected script would)."""
    seen = []
    module_tab.on("dialog", lambda dialog: (seen.append(dialog.message), dialog.dismiss()))
    return seen


@pytest.mark.parametrize("spec", PAGES, ids=[spec["url"] for spec in PAGES])
def test_markup_stays_text_and_blank_input_gets_a_notice(spec, module_tab, dialogs, server):
    tab = module_tab
    open_page(tab, server, spec)
    problems = check_case(tab, spec, "script_tag", BY_NAME["script_tag"].text, dialogs)
    if reads_sentence(spec["path"]):
        # The browser shows the typed script as text: its letters are on the page.
        assert "script" in tab.locator(MAIN).text_content(), "the script text is not shown"
    problems += check_case(tab, spec, "all_markup", ALL_MARKUP, dialogs)
    problems += check_case(tab, spec, "spaces", BY_NAME["spaces"].text, dialogs)
    assert not problems, "\n".join(problems)


def test_the_rest_of_the_table_on_the_first_page(module_tab, dialogs, server):
    tab = module_tab
    spec = PAGES[0]
    open_page(tab, server, spec)
    problems = []
    for name in FIRST_PAGE_ONLY:
        problems += check_case(tab, spec, name, BY_NAME[name].text, dialogs)
    assert not problems, "\n".join(problems)
