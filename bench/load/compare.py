"""Does the simulated tab ask what Chromium asks? ``python -m bench.load.compare``

Drives a real Chromium tab and a ``client.Tab`` through the same steps against one app server
(open a page by its address, click another page in the list, type a sentence, click "Start a
class"; then a student of that class left alone for a few seconds) and prints, step by step,
the ``rerun_script`` each sent: query string, page, widget values, fragment, auto-rerun flag.
Chromium's messages are read off its websocket frames (Playwright's ``framesent``).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

from streamlit.proto.BackMsg_pb2 import BackMsg

from bench.browser import CHROMIUM_FLAGS, ROOT, VIEWPORT, AppServer
from bench.load.client import Tab
from bench.load.protocol import class_code

QUERY = {"s": "John saw John", "lang": "zh", "model": "untrained"}
FIRST_PAGE, SECOND_PAGE = "self-attention", "masks"
SENTENCE = "Do you like tea?"
DRAWN = '[data-testid="stPlotlyChart"] .main-svg'
STEPS = ("open", "page", "type", "click")


def essentials(msg: BackMsg) -> dict:
    """What decides the server's work in a rerun request (not the browser's clock or URL)."""
    rerun = msg.rerun_script
    widgets = {}
    for state in rerun.widget_states.widgets:
        field = state.WhichOneof("value")
        value = getattr(state, field) if field else None
        if field and field.endswith("array_value"):
            value = list(value.data)
        widgets[state.id.rsplit("-", 1)[-1]] = (field, value)
    return {"query_string": rerun.query_string, "page_script_hash": rerun.page_script_hash,
            "page_name": rerun.page_name, "widgets": widgets,
            "fragment_id": bool(rerun.fragment_id), "is_auto_rerun": rerun.is_auto_rerun}


class _Recorder:
    """The rerun requests a tab sent, in order."""

    def __init__(self):
        self.sent: list[BackMsg] = []
        self.times: list[float] = []

    def add(self, msg: BackMsg) -> None:
        self.sent.append(msg)
        self.times.append(time.monotonic())

    def poll_rate(self) -> float | None:
        """Auto-reruns a second, between the first and the last one sent."""
        times = [t for t, m in zip(self.times, self.sent)
                 if m.WhichOneof("type") == "rerun_script" and m.rerun_script.is_auto_rerun]
        return (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 else None

    def reruns(self, auto: bool = False) -> list[dict]:
        return [essentials(m) for m in self.sent
                if m.WhichOneof("type") == "rerun_script" and m.rerun_script.is_auto_rerun == auto]


def _record_tab(tab: Tab) -> _Recorder:
    recorder = _Recorder()
    send = tab._send

    def spy(msg):
        recorder.add(msg)
        send(msg)

    tab._send = spy
    return recorder


def _record_chromium(page) -> _Recorder:
    recorder = _Recorder()

    def on_socket(socket):
        def sent(payload):
            msg = BackMsg()
            msg.ParseFromString(payload if isinstance(payload, bytes) else payload.encode())
            recorder.add(msg)
        socket.on("framesent", sent)

    page.on("websocket", on_socket)
    return recorder


def _settle(page, limit_s: float = 120) -> None:
    """Until the script has stopped and the page's charts have drawn."""
    page.wait_for_selector(DRAWN, timeout=limit_s * 1000)
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        state = page.evaluate("""() => document.querySelector('[data-testid="stApp"]')
            .getAttribute('data-test-script-state')""")
        if state == "notRunning":
            page.wait_for_timeout(500)  # let a rerun the run asked for begin
            if page.evaluate("""() => document.querySelector('[data-testid="stApp"]')
                    .getAttribute('data-test-script-state')""") == "notRunning":
                return
        page.wait_for_timeout(100)
    raise TimeoutError("the page did not settle")


def compare(follow_s: float = 4.0) -> dict:
    """Both sides' requests: ``{"chromium": [...], "tab": [...], "chromium_polls": [...],
    "tab_polls": [...]}`` (each a list of ``essentials``)."""
    from playwright.sync_api import sync_playwright

    env = os.environ.copy()
    env["EXPLAINER_CLASS_DB"] = str(Path(tempfile.mkdtemp(prefix="bench-compare-"))
                                    / "classes.sqlite3")
    out = {}
    with AppServer(ROOT / "tests" / "artifacts" / "load" / "compare-server.log", env) as server:
        tab = Tab(server.url)
        tab_log = _record_tab(tab)
        try:
            tab.open(FIRST_PAGE, urlencode(QUERY))
            tab.visit(SECOND_PAGE)
            tab.type_text("s", SENTENCE)
            tab.click("_class_start")
            code = class_code(tab.view.texts)
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=shutil.which("chromium"),
                                             headless=True, args=CHROMIUM_FLAGS)
                page = browser.new_context(viewport=dict(VIEWPORT)).new_page()
                chromium_log = _record_chromium(page)
                page.goto(f"{server.url}/{FIRST_PAGE}?{urlencode(QUERY)}")
                _settle(page)
                page.click(f'[data-testid="stSidebarNav"] a[href$="/{SECOND_PAGE}"]')
                _settle(page)
                box = page.locator('[data-testid="stSidebar"] input[type="text"]').first
                box.fill(SENTENCE)
                box.press("Enter")
                _settle(page)
                page.locator('[data-testid="stSidebar"] [data-testid="stExpander"] summary'
                             ).first.click()
                page.locator(".st-key-_class_start button:visible").click()  # any language
                page.wait_for_selector(".st-key-_class_end", timeout=60_000)
                _settle(page)
                # Both students join the class the simulated teacher started, then idle.
                student = browser.new_context(viewport=dict(VIEWPORT)).new_page()
                student_log = _record_chromium(student)
                student.goto(f"{server.url}/?class={code}")
                _settle(student)
                student.wait_for_timeout(follow_s * 1000)
                browser.close()
            twin = Tab(server.url)
            twin_log = _record_tab(twin)
            twin.open("", urlencode({"class": code}))
            twin.think(follow_s)
            twin.close()
        finally:
            tab.close()
    out["chromium"] = chromium_log.reruns()
    out["tab"] = tab_log.reruns()
    out["chromium_student"] = student_log.reruns()
    out["tab_student"] = twin_log.reruns()
    out["chromium_polls"] = student_log.reruns(auto=True)
    out["tab_polls"] = twin_log.reruns(auto=True)
    out["follow_s"] = follow_s
    out["chromium_poll_rate"] = student_log.poll_rate()
    out["tab_poll_rate"] = twin_log.poll_rate()
    return out


def _show(name: str, a: dict | None, b: dict | None) -> list[str]:
    lines = [f"## {name}"]
    if a is None or b is None:
        return lines + [f"  missing on one side: chromium={a is not None} tab={b is not None}"]
    for key in a:
        if key == "widgets":
            for wid in sorted(set(a[key]) | set(b[key])):
                left, right = a[key].get(wid), b[key].get(wid)
                mark = "same" if left == right else "DIFF"
                lines.append(f"  {mark} widget {wid}: chromium={left} tab={right}")
        else:
            mark = "same" if a[key] == b[key] else "DIFF"
            lines.append(f"  {mark} {key}: chromium={a[key]!r} tab={b[key]!r}")
    return lines


def main() -> int:
    result = compare()
    lines = []
    for i, step in enumerate(STEPS):
        a = result["chromium"][i] if i < len(result["chromium"]) else None
        b = result["tab"][i] if i < len(result["tab"]) else None
        lines += _show(step, a, b)
    lines += _show("student joins ?class=CODE", (result["chromium_student"] or [None])[0],
                   (result["tab_student"] or [None])[0])
    lines += _show("student's first class poll", (result["chromium_polls"] or [None])[0],
                   (result["tab_polls"] or [None])[0])
    rates = [result["chromium_poll_rate"], result["tab_poll_rate"]]
    lines.append("## class polls a second: " + ", ".join(
        f"{name} {'n/a' if rate is None else f'{rate:.2f}'}"
        for name, rate in zip(("chromium", "tab"), rates)))
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
