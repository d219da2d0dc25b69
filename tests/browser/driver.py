"""Drive the app in a real browser: a `streamlit run app.py` server and page helpers.

Shared by the browser tests (tests/browser/) and the benchmark (bench/). Chromium is Debian's,
found on PATH (``shutil.which("chromium")``), driven by PyPI ``playwright``; never
``playwright install``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bench.browser import free_port, missing_browser  # noqa: F401 (shared with the benchmark)

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
# ARCHITECTURE.md: no sandbox (containers), no GPU, and no network chatter of Chromium's own.
CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
VIEWPORT = {"width": 1400, "height": 900}
SERVER_START_S = 120
SETTLE_S = 120
QUIET_MS = 250  # settled: no script running and every chart drawn for this long

CHART = '[data-testid="stPlotlyChart"]'
DRAWN = '[data-testid="stPlotlyChart"] .main-svg'
EXCEPTION = '[data-testid="stException"]'
MAIN = '[data-testid="stMain"]'
SIDEBAR = '[data-testid="stSidebar"]'
SIDEBAR_SENTENCE = '[data-testid="stSidebar"] input[type="text"]'
ALERT = '[data-testid="stAlert"]'


def launch_chromium(playwright):
    """Headless Debian Chromium; ``launch`` gives each run a fresh temporary user-data dir."""
    return playwright.chromium.launch(
        executable_path=shutil.which("chromium"), headless=True, args=CHROMIUM_FLAGS
    )


def quiet_env() -> dict:
    """This environment with torch on one thread. Beside Chromium on two cores, torch's
    spinning worker threads stall each other: one rerun measured 10 s of server CPU with two
    threads and 0.3 s with one (see the benchmark's note)."""
    return {**os.environ, "OMP_NUM_THREADS": "1"}


class Server:
    """A `streamlit run app.py` subprocess on a free loopback port, stopped by its own pid.

    ``env`` defaults to ``quiet_env()``; pass ``os.environ.copy()`` to run the app as shipped.
    """

    def __init__(self, log_path: Path, env: dict | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = open(log_path, "w", encoding="utf-8")  # noqa: SIM115 (closed in stop)
        self.proc = subprocess.Popen(
            [
                sys.executable, "-m", "streamlit", "run", "app.py",
                "--server.headless", "true", "--server.address", "127.0.0.1",
                "--server.port", str(self.port), "--browser.gatherUsageStats", "false",
                # Others may edit the tree while tests run: never rerun on their saves.
                "--server.fileWatcherType", "none", "--server.runOnSave", "false",
            ],
            cwd=ROOT, stdout=self._log, stderr=subprocess.STDOUT,
            env=env if env is not None else quiet_env(),
        )

    def wait_healthy(self, limit_s: float = SERVER_START_S) -> Server:
        deadline = time.monotonic() + limit_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited early; {self.log_path}:\n{self.log()}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2):
                    return self
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"streamlit did not answer in {limit_s} s; see {self.log_path}")

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text(encoding="utf-8", errors="replace")[-3000:]

    def rss_bytes(self, field: str = "VmHWM") -> int | None:
        """The server's resident memory from /proc (``VmHWM``: peak, ``VmRSS``: now)."""
        try:
            status = Path(f"/proc/{self.proc.pid}/status").read_text()
        except OSError:
            return None
        for line in status.splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
        return None

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=15)
        self._log.close()


def page_url(server: Server, spec: dict, query: str = "") -> str:
    """The page's address. The first page is st.navigation's default, served at "/" only
    (its own url path answers "Page not found")."""
    from ui.navigation import page_specs

    path = "" if spec["url"] == page_specs()[0]["url"] else spec["url"]
    return f"{server.url}/{path}" + (f"?{query}" if query else "")


_STATE = f"""() => {{
    const app = document.querySelector('[data-testid="stApp"]');
    return {{
        state: app ? app.getAttribute('data-test-script-state') : null,
        charts: document.querySelectorAll('{CHART}').length,
        drawn: document.querySelectorAll('{DRAWN}').length,
        stale: document.querySelectorAll('[data-stale="true"]').length,
        // Placeholders of elements whose code is still loading (Plotly, the data grid).
        loading: document.querySelectorAll('[data-testid^="stSkeleton"]').length,
        runs: window.__stRuns,
    }};
}}"""
# Counts script runs from now on, so ``settle`` knows that the rerun it waits for has begun.
_WATCH_RUNS = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    window.__stRuns = 0;
    if (window.__stWatch) window.__stWatch.disconnect();
    window.__stWatch = new MutationObserver(() => {
        if (app.getAttribute('data-test-script-state') !== 'notRunning') window.__stRuns += 1;
    });
    window.__stWatch.observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
}"""
RERUN_START_S = 5  # a rerun not begun by then never will (the input did not change)


def expect_rerun(tab) -> None:
    """Call before an action that reruns the script; the next ``settle`` waits for that run."""
    tab.evaluate(_WATCH_RUNS)


def open_page(tab, server: Server, spec: dict) -> None:
    """Show a page: by its sidebar link when the app is open (same session, no reload),
    else by loading its address."""
    url = page_url(server, spec)
    link = tab.locator(f'[data-testid="stSidebarNav"] a[href="{url}"]')
    if tab.url.startswith(server.url) and link.count():
        expect_rerun(tab)
        link.first.click()
    else:
        tab.goto(url)
    settle(tab)


def settle(tab, limit_s: float = SETTLE_S) -> float:
    """Wait until the script has stopped and every chart has drawn; return seconds waited."""
    start = time.monotonic()
    tab.wait_for_selector('[data-testid="stApp"]', timeout=limit_s * 1000)
    quiet_since = None
    while time.monotonic() - start < limit_s:
        now = tab.evaluate(_STATE)
        waiting_for_run = now["runs"] == 0 and time.monotonic() - start < RERUN_START_S
        busy = (now["state"] != "notRunning" or now["drawn"] < now["charts"] or now["stale"]
                or now["loading"])
        if not busy and not waiting_for_run:
            quiet_since = quiet_since or time.monotonic()
            if (time.monotonic() - quiet_since) * 1000 >= QUIET_MS:
                tab.evaluate("() => { window.__stRuns = undefined; }")
                return quiet_since - start
        else:
            quiet_since = None
        tab.wait_for_timeout(100)
    raise AssertionError(f"the page did not settle within {limit_s} s ({tab.url})")


def exceptions(tab) -> list[str]:
    """Text of every Streamlit exception block shown."""
    return [el.inner_text()[:300] for el in tab.locator(EXCEPTION).all()]


def type_sentence(tab, sentence: str) -> None:
    """Type into the sidebar's sentence box and press Enter (what a student does)."""
    box = tab.locator(SIDEBAR_SENTENCE).first
    box.fill(sentence)
    expect_rerun(tab)
    box.press("Enter")


def choose_language(tab, name: str) -> None:
    """Click the sidebar's interface-language radio option (e.g. "中文")."""
    radio = tab.locator(f'{SIDEBAR} [data-testid="stRadio"]').first
    expect_rerun(tab)
    radio.get_by_text(name, exact=True).click()


def radio_choices(tab) -> list[str | None]:
    """For each radio group of the page (not the sidebar): the label of its chosen option,
    or None when none is shown as chosen."""
    return tab.evaluate(
        f"""() => Array.from(document.querySelectorAll('{MAIN} [data-testid="stRadio"]'))
               .map(group => {{
                   const input = group.querySelector('input[type="radio"]:checked');
                   return input ? (input.closest('label') || input).innerText.trim() : null;
               }})"""
    )


def charts_signature(tab) -> str:
    """The data and axes of every Plotly chart, as one string (changes when any chart does)."""
    return tab.evaluate(
        """() => JSON.stringify(Array.from(document.querySelectorAll('.js-plotly-plot'))
               .map(gd => [gd.data, gd.layout]))"""
    )


def wait_for_new_charts(tab, old: str, limit_s: float = SETTLE_S) -> None:
    tab.wait_for_function(
        """old => JSON.stringify(Array.from(document.querySelectorAll('.js-plotly-plot'))
               .map(gd => [gd.data, gd.layout])) !== old""",
        arg=old, timeout=limit_s * 1000,
    )


def tick_labels(tab) -> list[list[str]]:
    """Every token axis drawn: the ``ticktext`` of each axis of each Plotly chart."""
    return tab.evaluate(
        """() => Array.from(document.querySelectorAll('.js-plotly-plot')).flatMap(gd =>
               Object.keys(gd.layout || {}).filter(k => /^[xy]axis\\d*$/.test(k))
                 .map(k => gd.layout[k].ticktext).filter(t => Array.isArray(t)))"""
    )


def wait_for_heatmap(tab, limit_s: float = SETTLE_S) -> None:
    """Until a Plotly heatmap has drawn its cells."""
    tab.wait_for_selector(f"{CHART} .heatmaplayer image", state="attached",
                          timeout=limit_s * 1000)


def full_page_screenshot(tab, path: Path, max_height: int = 20000) -> Path:
    """A PNG of the whole page. Streamlit scrolls inside its main block, not the document,
    so Playwright's ``full_page`` alone gives one viewport: grow the viewport to fit first
    (twice over: charts laid out in a taller window can make the page taller still)."""
    size = dict(tab.viewport_size)
    measure = f"""() => Math.max(window.innerHeight,
        ...['{MAIN}', '[data-testid="stSidebarContent"]'].map(s => document.querySelector(s))
        .filter(Boolean).map(e => e.scrollHeight))"""
    for _ in range(3):
        height = min(int(tab.evaluate(measure)), max_height)
        if height <= tab.viewport_size["height"]:
            break
        tab.set_viewport_size({"width": size["width"], "height": height})
        tab.wait_for_timeout(600)  # let Plotly, the data grids and the layout follow the resize
        settle(tab)
    path.parent.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(path), full_page=True)
    tab.set_viewport_size(size)
    return path
