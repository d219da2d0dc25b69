"""Follow the teacher in real browsers: a teacher's tab starts a class, a student's tab opens
the link and follows page, sentence, language and selections; the student cannot change them,
steps out to explore and back in. In English and in Chinese.

How long a student takes to follow is measured (from the teacher's keypress or click to the
student's screen showing it) and written to tests/artifacts/follow_latency.json for README;
as everywhere in the tests, no absolute time is asserted.
"""

from __future__ import annotations

import json
import statistics
import time

import pytest

from classroom.sqlite_store import SQLiteStore
from explainer.text import t
from ui.navigation import page_specs

from .driver import (
    ARTIFACTS,
    MAIN,
    SIDEBAR,
    SIDEBAR_SENTENCE,
    Server,
    choose_language,
    exceptions,
    expect_rerun,
    full_page_screenshot,
    quiet_env,
    settle,
    tick_labels,
    type_sentence,
)

pytestmark = pytest.mark.browser

FOLLOW_LIMIT_MS = 60_000  # a student who has not followed by then never will
STAY_S = 2.0  # a stepped-out student is watched this long (four polls) for a wrong move
LATENCY = ARTIFACTS / "follow_latency.json"
ATTENTION = next(spec for spec in page_specs() if spec["url"] == "self-attention")


@pytest.fixture(scope="module")
def class_db(tmp_path_factory):
    return tmp_path_factory.mktemp("classes") / "classes.sqlite3"


@pytest.fixture(scope="module")
def class_server(browser_ready, class_db):
    srv = Server(ARTIFACTS / "follow_server.log", env={**quiet_env(),
                                                       "EXPLAINER_CLASS_DB": str(class_db)})
    try:
        yield srv.wait_healthy()
    finally:
        srv.stop()


@pytest.fixture(scope="module")
def latencies():
    found: dict[str, list[float]] = {}
    yield found
    if found:
        summary = {what: {"n": len(ms), "median_ms": round(statistics.median(ms)),
                          "max_ms": round(max(ms)), "all_ms": [round(x) for x in ms]}
                   for what, ms in found.items()}
        LATENCY.parent.mkdir(parents=True, exist_ok=True)
        LATENCY.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n")
        print("\nfollow latency:", json.dumps(summary, ensure_ascii=False))


def sentence_box(tab):
    return tab.locator(SIDEBAR_SENTENCE).first


def title(tab) -> str:
    return tab.locator(f"{MAIN} h1").first.inner_text()


def head_radio(tab, lang):
    label = t("common.head", lang)
    return tab.locator(f'{MAIN} [data-testid="stRadio"]').filter(
        has=tab.locator('[data-testid="stWidgetLabel"]', has_text=label)).first


def chosen(radio) -> str:
    return radio.evaluate("""group => {
        const input = group.querySelector('input[type="radio"]:checked');
        return input ? input.closest('label').innerText.trim() : null;
    }""")


def follow_ms(student, condition: str, arg, act) -> float:
    """Milliseconds from ``act()`` (the teacher's action) until ``condition`` (JS, given
    ``arg``) holds in the student's tab."""
    start = time.monotonic()
    act()
    try:
        student.wait_for_function(condition, arg=arg, polling=50, timeout=FOLLOW_LIMIT_MS)
    except Exception as err:
        full_page_screenshot(student, ARTIFACTS / "follow_failed_student.png")
        raise AssertionError(f"the student did not follow to {arg!r}: it shows {student.url}"
                             f" {exceptions(student)}") from err
    return (time.monotonic() - start) * 1000


SHOWS_SENTENCE = f"""s => {{
    const box = document.querySelector('{SIDEBAR_SENTENCE}');
    return box && box.value === s;
}}"""
SHOWS_PAGE = """url => window.location.pathname.endsWith('/' + url)"""
SHOWS_HEAD = f"""label => Array.from(document.querySelectorAll('{MAIN} [data-testid="stRadio"]'))
    .some(group => {{
        const name = group.querySelector('[data-testid="stWidgetLabel"]');
        const input = group.querySelector('input[type="radio"]:checked');
        return name && name.innerText.trim() === label[0] && input
            && input.closest('label').innerText.trim() === label[1];
    }})"""


def start_class(teacher, server, lang) -> str:
    teacher.goto(server.url)
    settle(teacher)
    if lang == "zh":
        choose_language(teacher, "中文")
        settle(teacher)
    teacher.locator(SIDEBAR).get_by_text(t("class.heading", lang), exact=True).click()
    expect_rerun(teacher)
    teacher.get_by_role("button", name=t("class.start", lang)).click()
    settle(teacher)
    link = teacher.locator(f'{SIDEBAR} [data-testid="stCode"]').inner_text().strip()
    assert "?class=" in link, link
    return link


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_student_follows_the_teacher_cannot_steer_and_steps_out_and_back(
        lang, new_tab, class_server, class_db, latencies):
    teacher, student = new_tab(), new_tab()
    link = start_class(teacher, class_server, lang)
    code = link.rsplit("=", 1)[1]

    student.goto(link)
    settle(student)
    assert not exceptions(student), exceptions(student)
    assert sentence_box(student).input_value() == sentence_box(teacher).input_value()
    assert sentence_box(student).is_disabled()
    assert title(student) == title(teacher)
    assert student.locator(SIDEBAR).get_by_text(code).count()

    # The teacher types sentences: the student's sidebar and charts follow.
    for sentence in ["我爱你", "John saw John", "Do you like tea?"]:
        ms = follow_ms(student, SHOWS_SENTENCE, sentence,
                       lambda s=sentence: type_sentence(teacher, s))
        latencies.setdefault("sentence", []).append(ms)
        settle(teacher)
        settle(student)
        assert tick_labels(student) == tick_labels(teacher)

    # The teacher moves to another page, then back and there again.
    def open_attention():
        teacher.locator(f'[data-testid="stSidebarNav"] a[href$="/{ATTENTION["url"]}"]').click()

    ms = follow_ms(student, SHOWS_PAGE, ATTENTION["url"], open_attention)
    latencies.setdefault("page", []).append(ms)
    settle(teacher)
    settle(student)
    assert title(student) == title(teacher)
    assert not exceptions(student), exceptions(student)

    # The teacher picks a head on the page: a selection bound to the URL.
    label = t("common.head", lang)
    for option in ["3", "2"]:
        def pick(option=option):
            expect_rerun(teacher)
            head_radio(teacher, lang).get_by_text(option, exact=True).click()

        ms = follow_ms(student, SHOWS_HEAD, [label, option], pick)
        latencies.setdefault("selection", []).append(ms)
        settle(teacher)
        settle(student)
    assert chosen(head_radio(student, lang)) == "2"
    full_page_screenshot(teacher, ARTIFACTS / f"follow_teacher_{lang}.png")
    full_page_screenshot(student, ARTIFACTS / f"follow_student_{lang}.png")

    # A student clicking a head gets the teacher's back; the teacher's view does not move.
    store = SQLiteStore(class_db)
    version = store.read(code).version
    expect_rerun(student)
    head_radio(student, lang).get_by_text("4", exact=True).click()
    settle(student)
    assert chosen(head_radio(student, lang)) == "2"
    settle(teacher)
    assert chosen(head_radio(teacher, lang)) == "2"
    assert store.read(code).version == version  # nothing was published by the student
    assert sentence_box(student).is_disabled()

    # Step out: the student explores; the teacher's next sentence does not pull it back.
    expect_rerun(student)
    student.locator(SIDEBAR).get_by_text(t("class.follow", lang), exact=True).click()
    settle(student)
    assert not sentence_box(student).is_disabled()
    type_sentence(student, "他不喜欢茶")
    settle(student)
    type_sentence(teacher, "Smart John is singing")
    settle(teacher)
    assert store.read(code).version > version
    student.wait_for_timeout(STAY_S * 1000)
    assert sentence_box(student).input_value() == "他不喜欢茶"
    full_page_screenshot(student, ARTIFACTS / f"follow_student_out_{lang}.png")

    # Step back in: the student is on the teacher's sentence again.
    ms = follow_ms(student, SHOWS_SENTENCE, "Smart John is singing",
                   lambda: student.locator(SIDEBAR).get_by_text(t("class.follow", lang),
                                                               exact=True).click())
    latencies.setdefault("step_in", []).append(ms)
    settle(student)
    assert sentence_box(student).is_disabled()
    assert not exceptions(student), exceptions(student)
    store.close()


def test_an_unknown_class_link_says_so_and_the_app_still_works(tab, class_server):
    tab.goto(f"{class_server.url}/?class=ZZZZZZ&lang=中文")
    settle(tab)
    assert not exceptions(tab), exceptions(tab)
    alert = tab.locator('[data-testid="stAlert"]').first.inner_text()
    assert "ZZZZZZ" in alert and "没有代码为" in alert
    assert not sentence_box(tab).is_disabled()
    full_page_screenshot(tab, ARTIFACTS / "follow_unknown_zh.png")
