"""A few real Chromium tabs measuring what a student sees while the class loads the server.

    python -m bench.load.chromium --url http://127.0.0.1:PORT --tabs 3 --visits 5 --think 5 \\
        --out results.json

Each tab (its own browser context: a student's own browser) opens pages by their address, one
after another, ``--think`` seconds apart, and times navigation → every Plotly chart drawn
(``[data-testid="stPlotlyChart"] .main-svg``) with no script running. A separate process from
Locust's on purpose: Locust patches sockets and threads with gevent, which Playwright's own
event loop does not survive. Debian's Chromium (bench/browser.py), loopback only.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

from bench.browser import CHROMIUM_FLAGS, VIEWPORT, missing_browser
from bench.load.client import require_loopback

# Everything on the page is settled: the script is not running, at least one chart exists,
# every chart has drawn its SVG, nothing is stale or still loading its code.
STATE = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    return {
        state: app ? app.getAttribute('data-test-script-state') : null,
        charts: document.querySelectorAll('[data-testid="stPlotlyChart"]').length,
        drawn: document.querySelectorAll('[data-testid="stPlotlyChart"] .main-svg').length,
        stale: document.querySelectorAll('[data-stale="true"]').length,
        loading: document.querySelectorAll('[data-testid^="stSkeleton"]').length,
        exceptions: Array.from(document.querySelectorAll('[data-testid="stException"]'))
            .map(e => e.innerText.slice(0, 200)),
    };
}"""
QUERIES = [
    {"s": "Smart John is singing", "model": "trained", "lang": "en"},
    {"s": "我爱你", "model": "trained", "lang": "zh"},
    {"s": "John saw John", "model": "trained", "lang": "en"},
]


def drawn(state: dict | None) -> bool:
    return bool(state) and state["state"] == "notRunning" and state["charts"] > 0 and (
        state["drawn"] >= state["charts"] and not state["stale"] and not state["loading"])


async def _wait_drawn(page, limit_s: float) -> dict:
    deadline = time.monotonic() + limit_s
    state = None
    while time.monotonic() < deadline:
        try:
            state = await page.evaluate(STATE)
        except Exception:  # noqa: BLE001 (the page may be between documents right after goto)
            state = None
        if state and state["exceptions"]:
            return state
        if drawn(state):
            return state
        await asyncio.sleep(0.1)
    raise TimeoutError(f"not drawn within {limit_s:g} s (last state {state})")


async def _student(browser, url: str, number: int, pages: list[str], visits: int, think: float,
                   limit_s: float, start_after: float, results: list) -> None:
    await asyncio.sleep(start_after)
    context = await browser.new_context(viewport=dict(VIEWPORT))
    tab = await context.new_page()
    query = urlencode(QUERIES[number % len(QUERIES)])
    try:
        for i in range(visits):
            if i:
                await asyncio.sleep(think)
            path = pages[(number * 3 + i) % len(pages)]
            sample = {"tab": number, "page": path, "error": None, "seconds": None}
            start = time.monotonic()
            sample["sent"] = start
            try:
                await tab.goto(f"{url}/{path}?{query}", wait_until="commit",
                               timeout=limit_s * 1000)
                state = await _wait_drawn(tab, limit_s - (time.monotonic() - start))
                if state["exceptions"]:
                    sample["error"] = "exception shown: " + state["exceptions"][0]
                else:
                    sample["seconds"] = time.monotonic() - start
                    sample["charts"] = state["charts"]
            except Exception as err:  # noqa: BLE001 (a miss is a sample with its reason)
                sample["error"] = f"{type(err).__name__}: {str(err)[:200]}"
            results.append(sample)
    finally:
        await context.close()


async def run(url: str, tabs: int, visits: int, think: float, limit_s: float,
              pages: list[str], stagger_s: float) -> list[dict]:
    """Every tab's samples: ``{"tab", "page", "sent", "seconds" | None, "error" | None}``."""
    from playwright.async_api import async_playwright

    require_loopback(url)
    results: list[dict] = []
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=shutil.which("chromium"),
                                           headless=True, args=CHROMIUM_FLAGS)
        try:
            await asyncio.gather(*(
                _student(browser, url, i, pages, visits, think, limit_s, i * stagger_s, results)
                for i in range(tabs)))
        finally:
            await browser.close()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load.chromium", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True, help="http://127.0.0.1:PORT")
    parser.add_argument("--tabs", type=int, default=3)
    parser.add_argument("--visits", type=int, default=5)
    parser.add_argument("--think", type=float, default=5.0)
    parser.add_argument("--limit", type=float, default=90.0, help="seconds per page at most")
    parser.add_argument("--stagger", type=float, default=1.0, help="seconds between tab starts")
    parser.add_argument("--pages", default="multi-head,self-attention,embedding,masks,add-norm",
                        help="url paths to visit, comma-separated")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    reason = missing_browser()
    if reason:
        args.out.write_text(json.dumps({"skipped": reason, "samples": []}))
        print(f"chromium tabs skipped: {reason}", file=sys.stderr)
        return 0
    samples = asyncio.run(run(args.url, args.tabs, args.visits, args.think, args.limit,
                              args.pages.split(","), args.stagger))
    args.out.write_text(json.dumps({"samples": samples}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
