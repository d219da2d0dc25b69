"""The measurements behind ``python -m bench``: cold start, trace, page scripts, browser, memory.

Each function returns plain numbers; bench/__main__.py turns them into rows. Sentences are
built from the model's own English words, so they have exactly the asked number of tokens and
no unknown word.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

COLD_START = """
import time
start = time.perf_counter()
import streamlit, plotly.graph_objects, pandas, sklearn
from explainer.trace import trace
from models.registry import load_model
load_model("trained")
print(time.perf_counter() - start)
"""


def log(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def known_words(tokenizer) -> list[str]:
    """The vocabulary's plain English words (each one token, none unknown)."""
    return [tok for tok in tokenizer.vocab if tok.isascii() and tok.isalpha()]


def sentence_of(words: list[str], n_tokens: int, offset: int = 0) -> str:
    """``n_tokens`` known words in a row, starting ``offset`` words into the list."""
    return " ".join(words[(offset + i) % len(words)] for i in range(n_tokens))


def median_time(run, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def cold_start(repeats: int = 3, env: dict | None = None) -> float:
    """Seconds for a fresh Python to import what the app imports and load the model."""
    times = []
    for _ in range(repeats):
        out = subprocess.run([sys.executable, "-c", COLD_START], cwd=ROOT, env=env,
                             capture_output=True, text=True, check=True)
        times.append(float(out.stdout.strip().splitlines()[-1]))
    return statistics.median(times)


@dataclass
class TraceTime:
    n_src: int
    seconds: float  # median
    n_out: int  # tokens the decoder wrote
    repeats: int


def trace_times(loaded, sizes=(5, 64, 128, 512), repeats=None) -> list[TraceTime]:
    """Median wall time of ``trace`` (encoder, greedy decoding, traced teacher-forced pass)."""
    from explainer.trace import trace

    words = known_words(loaded.tokenizer)
    results = []
    for n in sizes:
        sentence = sentence_of(words, n)
        count = repeats or (31 if n <= 5 else 11 if n <= 128 else 3)
        result = trace(loaded, sentence)  # warm-up
        seconds = median_time(lambda s=sentence: trace(loaded, s), count)
        results.append(TraceTime(len(result.src_tokens), seconds, len(result.output_tokens),
                                 count))
        log(f"trace {n} tokens: {seconds * 1000:.1f} ms")
    return results


@dataclass
class PageTime:
    url: str
    warm: dict[int, float] = field(default_factory=dict)  # tokens -> seconds (second run)
    renders: dict[int, bool] = field(default_factory=dict)  # tokens -> rendered, no exception
    errors: list[str] = field(default_factory=list)


def page_times(words: list[str], warm_sizes=(5, 128), render_sizes=(512,)) -> list[PageTime]:
    """Each page under AppTest: the second run of the same page and sentence (warm caches),
    and whether it renders without an exception at ``render_sizes`` tokens."""
    from streamlit.testing.v1 import AppTest

    from ui.navigation import page_specs

    results = []
    for spec in page_specs():
        page = PageTime(spec["url"])
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
        at.run()
        at.switch_page(str(spec["path"].relative_to(ROOT)))
        for n in (*warm_sizes, *render_sizes):
            at.sidebar.text_input(key="s").set_value(sentence_of(words, n))
            at.run()
            if n in warm_sizes:
                start = time.perf_counter()
                at.run()
                page.warm[n] = time.perf_counter() - start
            page.renders[n] = not at.exception
            page.errors += [f"{n} tokens: {(e.message or '')[:120]}" for e in at.exception]
        log(f"page {spec['url']}: " + ", ".join(f"{n}: {s:.2f} s" for n, s in page.warm.items()))
        results.append(page)
    return results


def _heatmap_page(specs):
    """The first page whose source draws an attention heatmap (the overview's, today)."""
    for spec in specs:
        if "heatmap" in Path(spec["path"]).read_text(encoding="utf-8"):
            return spec
    return specs[0]


def browser_times(words: list[str], sizes=(5, 512), repeats: int = 3,
                  env: dict | None = None) -> dict[int, float | None]:
    """Median seconds from navigating to a page (sentence in the URL, not traced before) until
    its attention heatmap has drawn, in headless Chromium against `streamlit run`."""
    from urllib.parse import quote

    from playwright.sync_api import sync_playwright

    from bench.browser import VIEWPORT, AppServer, launch_chromium
    from bench.pages import page_address, settle
    from ui.navigation import page_specs

    server = AppServer(ROOT / "tests" / "artifacts" / "bench-server.log",
                       env if env is not None else os.environ.copy()).wait_healthy()
    results = {}
    try:
        specs = page_specs()
        spec = _heatmap_page(specs)

        def page_url(_server, page, query):
            return page_address(server.url, page, page is specs[0], query)

        def wait_for_heatmap(tab):
            tab.wait_for_selector('[data-testid="stPlotlyChart"] .heatmaplayer image',
                                  state="attached", timeout=120_000)

        with sync_playwright() as pw:
            browser = launch_chromium(pw)
            context = browser.new_context(viewport=dict(VIEWPORT))
            warm = context.new_page()  # loads the model in the server and the JS in the cache
            warm.goto(page_url(server, spec, "s=" + quote(sentence_of(words, 3))))
            settle(warm)
            offset = 7
            for n in sizes:
                times = []
                for _ in range(repeats):
                    offset += 1  # a sentence not traced before: the trace is part of the wait
                    tab = context.new_page()
                    url = page_url(server, spec, "s=" + quote(sentence_of(words, n, offset)))
                    start = time.perf_counter()
                    tab.goto(url, wait_until="commit")
                    try:
                        wait_for_heatmap(tab)
                        times.append(time.perf_counter() - start)
                    except Exception as err:  # noqa: BLE001 (reported as a missing value)
                        log(f"browser {n} tokens: no heatmap drawn ({type(err).__name__})")
                    tab.close()
                results[n] = statistics.median(times) if times else None
                log(f"browser {n} tokens: {results[n]} s")
            browser.close()
    finally:
        server.stop()
    return results


@dataclass
class MemoryResult:
    peak_bytes: int | None
    sessions: int
    errors: list[str]
    seconds: float


def server_memory(words: list[str], sessions: int = 20, env: dict | None = None,
                  sizes=(5, 16, 64, 128)) -> MemoryResult:
    """Peak resident memory of one `streamlit run` server while ``sessions`` browser contexts
    use it at once, each with its own sentence, spread over every page."""
    from urllib.parse import quote

    from playwright.sync_api import sync_playwright

    from bench.browser import VIEWPORT, AppServer, launch_chromium, process_bytes
    from bench.pages import exceptions, page_address, settle
    from ui.navigation import page_specs

    specs = page_specs()
    server = AppServer(ROOT / "tests" / "artifacts" / "bench-memory.log",
                       env if env is not None else os.environ.copy()).wait_healthy()

    def page_url(_server, page, query):
        return page_address(server.url, page, page is specs[0], query)

    errors = []
    start = time.perf_counter()
    try:
        with sync_playwright() as pw:
            browser = launch_chromium(pw)
            tabs = []
            for i in range(sessions):
                tab = browser.new_context(viewport=dict(VIEWPORT)).new_page()
                tab.set_default_timeout(600_000)
                sentence = sentence_of(words, sizes[i % len(sizes)], offset=3 * i)
                tab.goto(page_url(server, specs[i % len(specs)], "s=" + quote(sentence)),
                         wait_until="commit")
                tabs.append(tab)
            for i, tab in enumerate(tabs):
                settle(tab, limit_s=600)
                errors += [f"session {i}: {e[:120]}" for e in exceptions(tab)]
            peak = process_bytes(server.proc.pid, "VmHWM")
            browser.close()
    finally:
        server.stop()
    seconds = time.perf_counter() - start
    for error in errors:
        log(f"memory run error: {error}")
    log(f"memory: peak {peak / 1e9 if peak else float('nan'):.2f} GB, {sessions} sessions")
    return MemoryResult(peak, sessions, errors, seconds)


def machine_line(load_before: tuple, env_note: str) -> str:
    import platform

    import torch

    from models.checkpoint import default_checkpoint

    load_after = os.getloadavg()
    threads = torch.get_num_threads()
    return (
        f"Measured {time.strftime('%Y-%m-%d')} on {os.cpu_count()} CPU cores "
        f"({platform.machine()}), Python {platform.python_version()}, torch {torch.__version__} "
        f"with {threads} thread{'' if threads == 1 else 's'}{env_note}; model folder "
        f"`{default_checkpoint().name}`; load average {load_before[0]:.1f} → {load_after[0]:.1f} "
        "(other work on the machine slows every number). Times are medians."
    )
