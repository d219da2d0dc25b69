"""Hostile input: every row of tests/hostile_inputs.py, against the tokenizer, the trace and
every page of the app (AppTest).

Library checks are cheap and run per row. The AppTest check reuses one AppTest per page and
feeds it the rows (set_value + run): every row, except that of the three rows cut to the
model's 512 tokens each page gets one, in turn (they take the same path once cut, and each
costs a full-length page). The time it took is written to
tests/artifacts/hostile_apptest_times.txt (about 2 minutes on 2 cores for 10 pages).
"""

from __future__ import annotations

import re
import time
import unicodedata
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from models.registry import load_model
from models.tokenizer import MAX_INPUT_CHARS, InputError, normalize, tokenize
from tests.hostile_inputs import (
    BY_NAME,
    HOSTILE,
    notice_pattern,
    reads_sentence,
    shows_notices,
)
from tests.test_trace import trace
from ui.navigation import page_specs
from ui.widgets import escape_md

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
PAGES = page_specs()
INVISIBLE = {"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp"}
RENDERS_MARKDOWN = {"markdown", "caption", "title", "header", "subheader", "info", "warning",
                    "error", "success"}
MARKDOWN_SPECIAL = re.compile(r"[\\`*_{}\[\]#+!|<>~$:]")


@pytest.mark.parametrize("case", HOSTILE, ids=lambda case: case.name)
def test_tokenizer_reads_only_visible_text_and_cuts_first(case):
    tokens = tokenize(case.text)
    assert bool(tokens) != case.blank
    # The cut happens before any work: nothing past MAX_INPUT_CHARS can change the tokens.
    assert len(normalize(case.text)) <= MAX_INPUT_CHARS
    assert tokens == tokenize(case.text[:MAX_INPUT_CHARS])
    for token in tokens:
        assert token and not any(unicodedata.category(ch) in INVISIBLE for ch in token), token


def test_a_million_characters_are_cut_before_tokenizing():
    text = "Smart John is singing " * 50_000
    assert len(normalize(text)) == MAX_INPUT_CHARS
    assert tokenize(text) == tokenize(text[:MAX_INPUT_CHARS])


@pytest.mark.parametrize("case", HOSTILE, ids=lambda case: case.name)
def test_trace_accepts_or_refuses_clearly(case, small_model, tokenizer):
    max_len = small_model.cfg.max_len
    if case.blank:
        with pytest.raises(InputError):
            trace(small_model, tokenizer, case.text, max_new=2)
        return
    result = trace(small_model, tokenizer, case.text, max_new=2)
    assert 1 <= len(result.src_tokens) <= max_len
    assert result.truncated == case.long == (result.n_typed > max_len)
    rows = result["enc.blocks.0.attn.hook_pattern"].sum(axis=-1)
    assert np.allclose(rows, 1.0, atol=1e-5)
    assert np.isfinite(result["enc.blocks.0.hook_resid_post"]).all()
    assert isinstance(result.translation, str)


@pytest.mark.parametrize("case", HOSTILE, ids=lambda case: case.name)
def test_escape_md_leaves_no_markup(case):
    escaped = escape_md(case.text)
    assert escaped.replace("\\", "") == case.text.replace("\\", "")
    for i, ch in enumerate(escaped):
        if ch in "<>*_`[]$#|":
            assert escaped[i - 1] == "\\", (case.name, escaped[max(0, i - 5): i + 5])


def _texts(elements) -> list[str]:
    return [str(el.value) for el in elements]


def _page_problems(at: AppTest, case, spec, tok, max_len) -> list[str]:
    """What is wrong with the page just rendered for ``case`` (empty list: nothing)."""
    problems = [
        "exception: " + (el.message or "").splitlines()[0][:200] if el.message else "exception"
        for el in at.exception
    ]
    notices = _texts(at.info) + _texts(at.warning) + _texts(at.error)
    said = {
        key: any(notice_pattern(key).fullmatch(text) for text in notices)
        for key in ("notice.empty", "notice.input_error", "notice.truncated", "notice.unknown")
    }
    if reads_sentence(spec["path"]):
        if case.blank and not (said["notice.empty"] or said["notice.input_error"]):
            problems.append("no notice that the input is empty")
        if not case.blank and (said["notice.empty"] or said["notice.input_error"]):
            problems.append("a usable sentence was refused: " + " | ".join(notices)[:200])
    if shows_notices(spec["path"]) and not case.blank and not at.exception:
        if case.long and not said["notice.truncated"]:
            problems.append("no notice that the input was cut")
        if tok.encode(case.text, max_len).unknown and not said["notice.unknown"]:
            problems.append("no notice naming the unknown words")
    typed = case.text.strip()
    for root in (at.main, at.sidebar):
        for node in root:
            proto = getattr(node, "proto", None)
            if getattr(proto, "allow_html", False):
                problems.append("markdown with unsafe_allow_html")
            if typed and getattr(node, "type", "") == "html" and typed in str(proto):
                problems.append("user text inside st.html")
            # Markdown shows text only once its metacharacters are escaped (escape_md).
            if (case.markup or MARKDOWN_SPECIAL.search(typed)) and node.type in RENDERS_MARKDOWN \
                    and typed in getattr(proto, "body", ""):
                problems.append(f"user text unescaped in Markdown: {proto.body[:80]!r}")
    return problems


@pytest.fixture(scope="module")
def apptest_times():
    times: dict[tuple[str, str], float] = {}
    cpu = time.process_time()
    yield times
    cpu = time.process_time() - cpu
    if times:
        ARTIFACTS.mkdir(exist_ok=True)
        pages = sorted({page for page, _ in times})
        lines = [f"{page}\t{sum(s for (p, _), s in times.items() if p == page):.1f} s"
                 for page in pages]
        total = sum(times.values())
        lines.append(f"total\t{total:.1f} s wall, {cpu:.1f} s CPU, {len(pages)} pages")
        slowest = sorted(times.items(), key=lambda item: -item[1])[:12]
        lines += [f"slow\t{page} / {case}\t{secs:.2f} s" for (page, case), secs in slowest]
        (ARTIFACTS / "hostile_apptest_times.txt").write_text("\n".join(lines) + "\n", "utf-8")


@pytest.fixture(scope="module")
def app_model():
    """The app's default model (for its vocabulary: which words are unknown)."""
    return load_model("trained")


def page_cases(page_index: int) -> list:
    """Every row for every page, except the 512-token rows: each costs a full-length page
    (seconds), and they take the same path once cut, so each page gets one of them in turn."""
    long_cases = [case for case in HOSTILE if case.long]
    chosen = long_cases[page_index % len(long_cases)]
    return [case for case in HOSTILE if not case.long or case is chosen]


@pytest.mark.parametrize("index", range(len(PAGES)), ids=[spec["url"] for spec in PAGES])
def test_every_page_survives_hostile_input(index, apptest_times, app_model):
    spec = PAGES[index]
    start = time.perf_counter()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.run()
    at.switch_page(str(spec["path"].relative_to(ROOT)))
    at.run()
    apptest_times[spec["url"], "(load)"] = time.perf_counter() - start
    tok, max_len = app_model.tokenizer, app_model.caps["max_len"]
    failures = []
    for case in page_cases(index):
        start = time.perf_counter()
        at.sidebar.text_input(key="s").set_value(case.text).run()
        apptest_times[spec["url"], case.name] = time.perf_counter() - start
        failures += [
            f"{spec['url']} / {case.name}: {problem}"
            for problem in _page_problems(at, case, spec, tok, max_len)
        ]
    assert not failures, "\n".join(failures)


def test_the_table_is_big_enough():
    assert len(HOSTILE) >= 30
    assert len(BY_NAME) == len(HOSTILE), "names must be unique"
