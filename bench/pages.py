"""Every page in headless Chromium, one session: navigation → charts drawn, a click → redrawn.

    python -m bench --pages                  # ours and all-MiniLM-L6-v2, 3 rounds each
    python -m bench --pages --pages-models trained --pages-rounds 5

For each model, one `streamlit run app.py` server (started for the model, so the first page is
the first after the server start) and one browser tab, i.e. one Streamlit session:

- First page after server start: a new browser opens ``/?s=<sentence>&model=<name>`` on a
  server that has just answered its health check (nothing imported, model not loaded, nothing
  traced, the browser's cache empty) until every chart of the page has drawn; and the same on a
  server whose readiness probe, Streamlit's script health check, has run (``probe``).
- Navigation: a click on the page's link in the sidebar (same session, as a student moves on)
  until the script has stopped, nothing is stale and every Plotly chart of the page has its
  ``.main-svg``, then two animation frames (layout and paint). Rounds go through every page in
  the navigation's order, so each visit comes from another page.
- Click: on each page, one widget a student changes there (layer, head, step, token or view;
  ``CLICKS``), from the input event until the chart that shows that choice holds new data and
  has painted (two animation frames). Each click moves on to the next choice (next head, next
  token, next step), so each one changes the figure and none repeats the one before.

A bare page with one Plotly heatmap (``FLOOR_APP``) is measured the same way: the floor of
Streamlit + Plotly in this browser on this machine.

Sentences have 6 tokens as the model reads them (special tokens included).
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from bench.browser import VIEWPORT, AppServer, launch_chromium

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"
NAV_TARGET_S = 1.5
CLICK_TARGET_S = 0.5
FIRST_TARGET_S = 5.0
LIMIT_S = 60.0
# 6 tokens as each model reads them: ours splits words only, MiniLM adds [CLS] and [SEP].
SENTENCES = {"trained": "Smart John is singing a song", "untrained": "Smart John is singing a song",
             "all-MiniLM-L6-v2": "Smart John is singing"}
MODELS = ("trained", "all-MiniLM-L6-v2")
PHASES: list[list[float]] = []  # per wait: [to the script's start, its run, drawing after] (s)


@dataclass(frozen=True)
class Click:
    """A widget a student changes on a page and the chart that answers it.

    Attributes:
        widget: the widget's key (Streamlit's container class ``st-key-<key>``).
        kind: "radio", "select" (selectbox), "slider" or "toggle".
        chart: the key of the chart that shows the choice.
        what: the choice in words, for the table.
    """

    widget: str
    kind: str
    chart: str
    what: str


# One click per page (url -> Click). Pages without any of them are left out of the click rows.
CLICKS = {
    "overview": (Click("ov_base", "toggle", "ov_pipeline", "paper's model beside"),),
    # Not the 2-D / 3-D switch: 3-D is WebGL, which headless Chromium draws in software.
    "vectors": (Click("vec_n", "slider", "vec_scatter_8", "people"),),
    "embedding": (Click("q", "select", "emb_neighbours", "token"),),
    "positional-encoding": (Click("q", "select", "pe_sum", "token"),),
    "self-attention": (Click("head", "radio", "sa_weights", "head"),),
    "multi-head": (Click("head", "radio", "mh_head", "head"),),
    "vector-space": (Click("q", "select", "vs_similarity", "token"),),
    "translation": (Click("tr_step", "slider", "tr_next", "step"),),
    "masks": (Click("head", "radio", "mk_weights", "head"),
              Click("head", "radio", "mk_causal_pattern", "head")),
    "add-norm": (Click("layer", "radio", "an_stats", "layer"),),
}

FLOOR_APP = '''
import numpy as np
import plotly.graph_objects as go
import streamlit as st

st.title("One heatmap")
z = np.random.default_rng(0).random((6, 6))
st.plotly_chart(go.Figure(go.Heatmap(z=z)), key="floor")
'''

# Counts changes of the script state from now on: a run began (a fast run may be over before
# the observer's callback reads the attribute, so the record is counted, not the value).
WATCH = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    window.__benchRuns = 0;
    if (window.__benchWatch) window.__benchWatch.disconnect();
    window.__benchT = {start: performance.now(), running: null, stopped: null};
    window.__benchWatch = new MutationObserver(records => {
        window.__benchRuns += records.length;
        const now = performance.now();
        const state = app.getAttribute('data-test-script-state');
        if (state === 'running' && window.__benchT.running === null) window.__benchT.running = now;
        if (state === 'notRunning') window.__benchT.stopped = now;
    });
    window.__benchWatch.observe(app, {attributes: true,
                                      attributeFilter: ['data-test-script-state']});
    // A run short enough for React to render "running" and "notRunning" in one commit changes
    // no attribute: the new page's elements arriving in the main area show the run instead.
    window.__benchMain = 0;
    if (window.__benchMainWatch) window.__benchMainWatch.disconnect();
    window.__benchMainWatch = new MutationObserver(records => {
        window.__benchMain += records.length;
        window.__benchMainAt = performance.now();
    });
    const main = document.querySelector('[data-testid="stMain"]');
    if (main) window.__benchMainWatch.observe(main, {childList: true, subtree: true});
}"""
SETTLED = """(path) => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app) return false;
    if (path !== null && location.pathname.replace(/^\\/+|\\/+$/g, '') !== path) return false;
    // (the fallback waits for the main area to stay unchanged for 300 ms: conservative)
    const ran = window.__benchRuns === undefined || window.__benchRuns > 0
        || (path !== null && window.__benchMain > 0
            && performance.now() - window.__benchMainAt > 300);
    if (!ran) return false;
    if (app.getAttribute('data-test-script-state') !== 'notRunning') return false;
    if (document.querySelector('[data-stale="true"], [data-testid^="stSkeleton"]')) return false;
    const error = document.querySelector('[data-testid="stException"]');
    if (error) return {error: error.innerText.slice(0, 300)};
    const charts = document.querySelectorAll(
        '[data-testid="stMain"] [data-testid="stPlotlyChart"]');
    for (const chart of charts) if (!chart.querySelector('.main-svg')) return false;
    const t = window.__benchT || {};
    return {charts: charts.length, start: t.start, running: t.running, stopped: t.stopped,
            drawn: performance.now()};
}"""
# What a chart shows: its data and the layout's drawn extras (a choice may change only those).
FIGURE = """(key) => {
    const gd = document.querySelector(`.st-key-${key} .js-plotly-plot`);
    if (!gd || !gd.data || !gd.querySelector('.main-svg')) return null;
    const l = gd.layout || {};
    return JSON.stringify([gd.data, l.annotations, l.shapes, l.height, l.title]);
}"""
REDRAWN = """([key, old]) => {
    const gd = document.querySelector(`.st-key-${key} .js-plotly-plot`);
    if (!gd || !gd.data || !gd.querySelector('.main-svg')) return false;
    const l = gd.layout || {};
    return JSON.stringify([gd.data, l.annotations, l.shapes, l.height, l.title]) !== old;
}"""
PAINT = """() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"""
CHOSEN_RADIO = """(key) => {
    const inputs = Array.from(document.querySelectorAll(`.st-key-${key} input[type="radio"]`));
    return [inputs.length, inputs.findIndex(i => i.checked)];
}"""


def log(message: str) -> None:
    import sys

    print(f"bench: {message}", file=sys.stderr, flush=True)


@dataclass
class PageResult:
    """One page's browser times (seconds) for one model."""

    url: str
    title: str = ""
    nav_s: list[float] = field(default_factory=list)
    click_s: list[float] = field(default_factory=list)
    click_what: str = ""
    charts: int | None = None
    errors: list[str] = field(default_factory=list)

    @staticmethod
    def median(values: list[float]) -> float | None:
        return statistics.median(values) if values else None


@dataclass
class ModelResult:
    model: str
    sentence: str
    first_s: float | None = None  # after the readiness probe (the script health check)
    first_charts: int | None = None
    cold_s: float | None = None  # first page with nothing warmed (no probe)
    probe_s: float | None = None  # how long the probe took
    pages: list[PageResult] = field(default_factory=list)
    load: list[float] = field(default_factory=list)  # 1-minute load average at each page
    errors: list[str] = field(default_factory=list)


class PageError(RuntimeError):
    """The page showed an exception."""


def wait_settled(tab, path: str | None, start: float, limit_s: float = LIMIT_S) -> tuple:
    """Until the page at ``path`` has run and drawn every chart; (seconds since start, charts)."""
    handle = tab.wait_for_function(SETTLED, arg=path, polling=25,
                                   timeout=max(1.0, limit_s - (time.perf_counter() - start))
                                   * 1000)
    value = handle.json_value()
    if isinstance(value, dict) and "error" in value:
        raise PageError(" ".join(value["error"].split()))
    tab.evaluate(PAINT)
    if value.get("start") is not None and value.get("stopped") is not None:
        # Where the wait went: until the script started, its run, after it (drawing).
        t0 = value["start"]
        phases = [(value.get("running") or t0) - t0, value["stopped"] - (value.get("running")
                  or t0), value["drawn"] - value["stopped"]]
        PHASES.append([round(p / 1000, 3) for p in phases])
    return time.perf_counter() - start, value["charts"]


def settle(tab, limit_s: float = LIMIT_S) -> float:
    """After ``goto``: until the first run has stopped and every chart has drawn; seconds.
    A page that shows an exception has settled too (``exceptions`` reads it)."""
    start = time.perf_counter()
    try:
        return wait_settled(tab, None, start, limit_s)[0]
    except PageError:
        return time.perf_counter() - start


def exceptions(tab) -> list[str]:
    """Text of every Streamlit exception block shown."""
    return [el.inner_text()[:300] for el in tab.locator('[data-testid="stException"]').all()]


def page_address(base: str, spec: dict, default: bool, query: str = "") -> str:
    """A page's address: the navigation's default page is served at the root only."""
    return f"{base}/{'' if default else spec['url']}" + (f"?{query}" if query else "")


def nav_link(tab, base: str, url: str, default: bool):
    """The sidebar link to a page (the default page is served at the root)."""
    href = f"{base}/" if default else f"{base}/{url}"
    link = tab.locator(f'[data-testid="stSidebarNav"] a[href="{href}"]')
    if not link.count() and default:
        link = tab.locator(f'[data-testid="stSidebarNav"] a[href="{base}"]')
    return link.first


# What the page is waiting for, when it does not settle (for the table's note).
SNAPSHOT = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    const charts = Array.from(document.querySelectorAll(
        '[data-testid="stMain"] [data-testid="stPlotlyChart"]'));
    const count = selector => document.querySelectorAll(selector).length;
    const undrawn = charts.filter(c => !c.querySelector('.main-svg')).length;
    return `state ${app && app.getAttribute('data-test-script-state')}, runs ${window.__benchRuns}`
        + `, at ${location.pathname}, stale ${count('[data-stale="true"]')}`
        + `, loading ${count('[data-testid^="stSkeleton"]')}`
        + `, charts ${charts.length}, undrawn ${undrawn}`;
}"""
NAV_START_S = 5.0  # a click on a link that starts no run by then is clicked again (once)


def navigate(tab, base: str, spec: dict, default: bool,
             limit_s: float = LIMIT_S) -> tuple[float, int]:
    """Click the page's sidebar link; (seconds until its charts have drawn, charts)."""
    path = "" if default else spec["url"]
    tab.evaluate(WATCH)
    link = nav_link(tab, base, spec["url"], default)
    start = time.perf_counter()
    link.click()
    try:
        return wait_settled(tab, path, start, NAV_START_S)
    except PageError:
        raise
    except Exception:  # noqa: BLE001 (not settled yet: see whether the click took)
        if tab.evaluate("() => window.__benchRuns + window.__benchMain") == 0:
            link.click()
    try:
        return wait_settled(tab, path, start, limit_s)
    except PageError:
        raise
    except Exception as err:
        raise TimeoutError(f"not drawn in {limit_s:g} s ({tab.evaluate(SNAPSHOT)})") from err


def _radio_choice(tab, key: str):
    """The option after the chosen one: each click shows a choice not drawn just before, so
    no click is answered from a cache filled by the one before it."""
    count, chosen = tab.evaluate(CHOSEN_RADIO, key)
    if count < 2:
        return None
    return (max(chosen, 0) + 1) % count


def click(tab, spec: Click, limit_s: float = 30.0) -> float | None:
    """Change the widget once; seconds from the input to the chart redrawn, or None when the
    widget or the chart is not on the page (e.g. another model's page)."""
    box = tab.locator(f".st-key-{spec.widget}")
    if not box.count() or tab.evaluate(FIGURE, spec.chart) is None:
        return None
    old = tab.evaluate(FIGURE, spec.chart)
    if spec.kind == "radio":
        index = _radio_choice(tab, spec.widget)
        if index is None:
            return None
        target = box.locator("label").filter(has=tab.locator('input[type="radio"]')).nth(index)
        tab.evaluate(WATCH)
        start = time.perf_counter()
        target.click()
    elif spec.kind == "toggle":
        target = box.locator('[role="switch"]').first
        tab.evaluate(WATCH)
        start = time.perf_counter()
        target.click(force=True)  # the input is visually hidden inside its label
    elif spec.kind == "select":
        # A react-aria combo box: its "Open" button shows the options' list box.
        options = tab.locator('[role="listbox"] [role="option"]')
        for attempt in range(2):
            box.locator('button[aria-label="Open"]').first.click(force=True)
            try:
                options.first.wait_for(state="attached", timeout=5_000)
                break
            except Exception:  # noqa: BLE001 (the list did not open: close, try once more)
                tab.keyboard.press("Escape")
                if attempt:
                    raise
        chosen = [options.nth(i).get_attribute("aria-selected") == "true"
                  for i in range(options.count())]
        if len(chosen) < 2:
            return None
        index = (chosen.index(True) + 1) % len(chosen) if True in chosen else 1
        target = options.nth(index)
        tab.evaluate(WATCH)
        start = time.perf_counter()
        target.click()
    elif spec.kind == "slider":
        thumb = box.locator('input[type="range"]').first
        now, top = (float(thumb.get_attribute(a) or 0) for a in ("value", "max"))
        thumb.focus()
        tab.evaluate(WATCH)
        start = time.perf_counter()
        thumb.press("ArrowLeft" if now >= top else "ArrowRight")
    else:
        raise ValueError(f"unknown widget kind {spec.kind!r}")
    tab.wait_for_function(REDRAWN, arg=[spec.chart, old], polling=25, timeout=limit_s * 1000)
    tab.evaluate(PAINT)
    seconds = time.perf_counter() - start
    t = tab.evaluate("() => [window.__benchT, performance.now()]")
    if t[0] and t[0].get("running") is not None:
        # From the input to the run's start, the run (the browser draws while it streams in),
        # and from the run's end to the chart redrawn (negative: redrawn before the run ended).
        t0, now = t[0], t[1]
        stopped = t0.get("stopped") or now
        PHASES.append([round((t0["running"] - t0["start"]) / 1000, 3),
                       round((stopped - t0["running"]) / 1000, 3),
                       round((now - stopped) / 1000, 3)])
    return seconds


def page_query(sentence: str, model: str) -> str:
    return f"s={quote(sentence)}&model={quote(model)}"


def probe(server, limit_s: float = 300.0) -> float:
    """A readiness probe: Streamlit's script health check (``server.scriptHealthCheckEnabled``
    in .streamlit/config.toml) runs app.py once in a throwaway session, which imports what the
    app imports, loads the default model and traces the default sentence. Seconds it took.

    Raises:
        OSError: the check failed (503: the script raised) or did not answer in time.
    """
    start = time.perf_counter()
    with urllib.request.urlopen(f"{server.url}/_stcore/script-health-check",
                                timeout=limit_s) as answer:
        answer.read()
    return time.perf_counter() - start


def first_page(tab, server, sentence: str, model: str) -> tuple[float, int]:
    """A new session's first page (the default page, sentence and model in the URL)."""
    start = time.perf_counter()
    tab.goto(f"{server.url}/?{page_query(sentence, model)}", wait_until="commit")
    return wait_settled(tab, None, start)


def measure_cold(model: str, env: dict | None = None) -> float | None:
    """The first page on a server that has just answered its health check, nothing warmed."""
    from playwright.sync_api import sync_playwright

    log_path = ARTIFACTS / f"bench-pages-{model}-cold.log"
    with AppServer(log_path, env if env is not None else os.environ.copy()) as server, \
            sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            tab = browser.new_context(viewport=dict(VIEWPORT)).new_page()
            seconds, _ = first_page(tab, server, SENTENCES.get(model, SENTENCES["trained"]),
                                    model)
        except Exception as err:  # noqa: BLE001 (a missing value in the table)
            log(f"{model}: cold first page failed: {str(err).splitlines()[0][:200]}")
            return None
        finally:
            browser.close()
    log(f"{model}: first page, nothing warmed: {seconds:.2f} s")
    return seconds


def measure_model(model: str, rounds: int = 3, clicks: int = 3, env: dict | None = None,
                  specs=None) -> ModelResult:
    """``model``'s first page on a fresh server (cold, and after the readiness probe), then,
    in that session, ``rounds`` of navigation through every page with ``clicks`` clicks on
    each page in the first round."""
    from playwright.sync_api import sync_playwright

    from ui.navigation import page_specs

    specs = specs or page_specs()
    sentence = SENTENCES.get(model, SENTENCES["trained"])
    result = ModelResult(model, sentence)
    pages = {spec["url"]: PageResult(spec["url"], spec["title"]["en"]) for spec in specs}
    result.pages = list(pages.values())
    result.cold_s = measure_cold(model, env)
    log_path = ARTIFACTS / f"bench-pages-{model}.log"
    with AppServer(log_path, env if env is not None else os.environ.copy()) as server, \
            sync_playwright() as pw:
        browser = launch_chromium(pw)
        tab = browser.new_context(viewport=dict(VIEWPORT)).new_page()
        try:
            result.probe_s = probe(server)
            result.first_s, result.first_charts = first_page(tab, server, sentence, model)
            log(f"{model}: probe {result.probe_s:.2f} s, then first page {result.first_s:.2f} s "
                f"({result.first_charts} charts)")
        except Exception as err:  # noqa: BLE001 (reported in the table)
            result.errors.append(f"first page: {str(err).splitlines()[0][:200]}")
            browser.close()
            return result
        for round_ in range(rounds):
            # Round 0 starts on the default page: move on first, so each visit is a navigation.
            order = specs[1:] + specs[:1] if round_ == 0 else specs
            for spec in order:
                page = pages[spec["url"]]
                default = spec is specs[0]
                try:
                    seconds, charts = navigate(tab, server.url, spec, default)
                    page.nav_s.append(seconds)
                    page.charts = charts
                    nav_phases = PHASES[-1:]
                except Exception as err:  # noqa: BLE001
                    page.errors.append(f"navigation: {str(err).splitlines()[0][:200]}")
                    continue
                result.load.append(os.getloadavg()[0])
                if round_ == 0:
                    for _ in range(clicks):
                        for spec_click in CLICKS.get(spec["url"], ()):
                            try:
                                seconds = click(tab, spec_click)
                            except Exception as err:  # noqa: BLE001
                                page.errors.append(
                                    f"click {spec_click.widget}: "
                                    f"{str(err).splitlines()[0][:200]}")
                                break
                            if seconds is not None:
                                page.click_s.append(seconds)
                                page.click_what = spec_click.what
                                break  # one click spec per page: the first that applies
                log(f"{model} {spec['url']}: nav {page.nav_s[-1]:.2f} s {nav_phases}"
                    + (f", clicks {', '.join(f'{s:.2f}' for s in page.click_s)} "
                       f"{PHASES[-len(page.click_s):] if page.click_s else ''}"
                       if round_ == 0 and page.click_s else ""))
        browser.close()
    return result


def measure_floor(repeats: int = 3, env: dict | None = None) -> dict[str, float | None]:
    """The bare one-heatmap page: first load after server start, and a reload in the same
    browser (the JavaScript cached, a new session each time)."""
    from playwright.sync_api import sync_playwright

    out: dict[str, float | None] = {"first": None, "reload": None}
    with tempfile.TemporaryDirectory(prefix="bench-floor-") as folder:
        (Path(folder) / "app.py").write_text(FLOOR_APP, encoding="utf-8")
        log_path = ARTIFACTS / "bench-pages-floor.log"
        with AppServer(log_path, env if env is not None else os.environ.copy(),
                       Path(folder)) as server, sync_playwright() as pw:
            browser = launch_chromium(pw)
            context = browser.new_context(viewport=dict(VIEWPORT))
            times = []
            for _ in range(repeats + 1):
                tab = context.new_page()
                start = time.perf_counter()
                tab.goto(f"{server.url}/", wait_until="commit")
                times.append(wait_settled(tab, None, start)[0])
                tab.close()
            browser.close()
    out["first"], out["reload"] = times[0], statistics.median(times[1:])
    log(f"floor: first {out['first']:.2f} s, new session {out['reload']:.2f} s")
    return out


def rows(results: list[ModelResult], floor: dict | None = None):
    """Table rows: per model, the first page, then each page's navigation and click medians."""
    from bench.report import Row, fmt

    out = []
    if floor:
        out.append(Row("Floor: a bare Streamlit page with one Plotly heatmap, new session "
                       "(JavaScript cached)", floor.get("reload"), "s",
                       note=f"first load after its server started: "
                            f"{fmt(floor['first'], 's') if floor.get('first') else 'n/a'}"))
    for res in results:
        load = (f"load {min(res.load):.1f}–{max(res.load):.1f}" if res.load else "")
        out.append(Row(f"`{res.model}`: first page after server start, nothing warmed "
                       "(browser)", res.cold_s, "s", FIRST_TARGET_S,
                       note="imports torch (and transformers), loads the model, traces"))
        probe_note = (f"the probe took {fmt(res.probe_s, 's')}" if res.probe_s is not None
                      else "")
        out.append(Row(f"`{res.model}`: first page after server start and its readiness probe "
                       "(`/_stcore/script-health-check`)", res.first_s, "s", FIRST_TARGET_S,
                       note="; ".join(n for n in [probe_note, f"{res.first_charts} charts"]
                                      + res.errors[:1] if n)))
        for page in res.pages:
            nav = page.median(page.nav_s)
            click = page.median(page.click_s)
            nav_miss = nav is not None and nav > NAV_TARGET_S
            click_miss = click is not None and click > CLICK_TARGET_S
            shown = (f"{fmt(nav, 's') if nav is not None else 'n/a'} · "
                     f"{fmt(click, 's') if click is not None else '—'}")
            misses = [f"{what} misses ×{value / target:.1f}" for what, value, target, missed in
                      (("navigation", nav, NAV_TARGET_S, nav_miss),
                       ("click", click, CLICK_TARGET_S, click_miss)) if missed]
            note = misses + [f"{page.charts} charts" if page.charts is not None else "",
                    f"click: {page.click_what}" if page.click_what else "",
                    f"median of {len(page.nav_s)} · {len(page.click_s)}", load]
            note += page.errors[:1]
            out.append(Row(
                f"`{res.model}` page `{page.url}`: navigation → charts drawn · click → "
                "redrawn", None, "s", shown=shown,
                target_shown=f"≤ {fmt(NAV_TARGET_S, 's')} · ≤ {fmt(CLICK_TARGET_S, 's')}",
                ok=None if nav is None else not (nav_miss or click_miss),
                note=", ".join(n for n in note if n),
            ))
    return out


FOOTER = (
    "Per-page rows (bench/pages.py): one `streamlit run app.py` server per model and one "
    "Chromium tab, i.e. one session, 6-token sentences (\"Smart John is singing a song\" for ours, "
    "\"Smart John is singing\" with [CLS] and [SEP] for MiniLM). First page, nothing warmed: a "
    "server that has just answered `/_stcore/health` and an empty browser cache (importing torch, "
    "and transformers for MiniLM, loading the model and tracing are part of the wait). First page "
    "after the readiness probe: the same once `/_stcore/script-health-check` has answered "
    "(Streamlit runs app.py once in a throwaway session: the imports, the default model and its "
    "trace are warm, MiniLM still loads). Navigation: a click on the page's sidebar link until "
    "the script has stopped and every chart of the page is drawn (`.main-svg`), then two animation "
    "frames; median over the rounds (each visit comes from another page). Click: one widget a "
    "student changes there (layer, head, step, token, people) until the chart that shows it holds "
    "new data and has painted; median of 3. Floor: a page with only `st.title` and one "
    "`st.plotly_chart` heatmap, opened in a new tab of a warm browser."
)


def run(models=MODELS, rounds: int = 3, clicks: int = 3, env: dict | None = None,
        floor: bool = True):
    from bench.browser import missing_browser
    from bench.report import Row

    reason = missing_browser()
    if reason:
        return [Row("Browser pages", None, note=f"skipped: {reason}")]
    floor_times = measure_floor(env=env) if floor else None
    results = [measure_model(model, rounds, clicks, env) for model in models]
    return rows(results, floor_times)
