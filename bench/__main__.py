"""Measure the app and print one Markdown table: ``python -m bench``.

    python -m bench                   # everything (about 5–10 minutes on 2 cores)
    python -m bench --quick           # no browser, no 20-session memory run, no 512-token pages
    python -m bench --write-readme    # also put the table into README between the bench markers
    python -m bench --one-thread      # torch on one thread (OMP_NUM_THREADS=1), app server too
    python -m bench --bertviz         # only: BertViz's model_view vs our multi-head page
                                      # (pip install -r bench/requirements.txt; bench/bertviz.py)
    python -m bench --pages           # only: every page in Chromium, one session per model:
                                      # first page, navigation, a click (bench/pages.py)
    python -m bench --learn           # only: attribution and head importance (bench/why.py),
                                      # GRU vs self-attention encode time (bench/rnn.py), live
                                      # training and another session meanwhile (bench/train_live.py)

Rows: cold start (imports + model load), trace time at 5/64/128/512 source tokens, every page's
warm script time under AppTest at 5 and 128 tokens and whether it renders at 512, the browser's
time from navigation to the attention heatmap drawn at 5 and 512 tokens, every page in one browser
session at 6 tokens (first page after the server starts, navigation → charts drawn, a click →
chart redrawn; ours and MiniLM, beside a bare one-heatmap page), and the server's peak memory
with 20 sessions. Each row carries its target and pass/miss. Nothing here is asserted on.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

TRACE_TARGET_S = {5: 0.020}  # the foundation issue's target
PAGE_TARGET_S = {5: 1.0, 128: 3.0}
BROWSER_TARGET_S = {5: 3.0, 512: 6.0}
MEMORY_TARGET_GB = 1.5
SESSIONS = 20


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true",
                        help="skip the browser, the memory run and the 512-token page renders")
    parser.add_argument("--write-readme", action="store_true",
                        help="write the table into README.md between the bench markers")
    parser.add_argument("--one-thread", action="store_true",
                        help="run torch on one thread here and in the app server")
    parser.add_argument("--readme", type=Path, default=ROOT / "README.md", help=argparse.SUPPRESS)
    parser.add_argument("--bertviz", action="store_true",
                        help="run only the BertViz model_view vs multi-head page comparison")
    parser.add_argument("--bertviz-model", default="all-MiniLM-L6-v2", metavar="NAME",
                        help="the app's model name for our side (default: %(default)s)")
    parser.add_argument("--bertviz-sizes", default="6,64,128,256,512", metavar="N,N,…",
                        help="token counts, [CLS] and [SEP] included (default: %(default)s)")
    parser.add_argument("--bertviz-timeout", type=float, default=90.0, metavar="S",
                        help="seconds a page may take to draw, per run (default: %(default)s)")
    parser.add_argument("--pages", action="store_true",
                        help="run only the per-page browser rows (bench/pages.py)")
    parser.add_argument("--pages-models", default="trained,all-MiniLM-L6-v2", metavar="A,B",
                        help="models for the per-page rows (default: %(default)s)")
    parser.add_argument("--pages-rounds", type=int, default=3, metavar="N",
                        help="navigations per page, one session (default: %(default)s)")
    parser.add_argument("--learn", action="store_true",
                        help="run only the rows of the later pages: why, RNN, live training "
                        "(--write-readme puts them between README's bench-learn markers)")
    args = parser.parse_args(argv)
    if (args.bertviz or args.pages) and args.write_readme:
        parser.error("--bertviz and --pages print their own tables; README's markers hold the "
                     "main one")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.one_thread:
        os.environ["OMP_NUM_THREADS"] = "1"  # before torch is imported, here and in children
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    load_before = os.getloadavg()
    if args.bertviz:
        from bench.bertviz import table

        sizes = tuple(int(n) for n in args.bertviz_sizes.split(","))
        print(table(sizes, args.bertviz_model, args.bertviz_timeout, os.environ.copy(),
                    load_before))
        return 0

    if args.pages:
        from bench.measure import machine_line
        from bench.pages import FOOTER, run
        from bench.report import markdown

        rows = run(tuple(args.pages_models.split(",")), rounds=args.pages_rounds,
                   env=os.environ.copy())
        env_note = " (OMP_NUM_THREADS=1)" if args.one_thread else ""
        print(markdown(rows, [FOOTER, "", machine_line(load_before, env_note)]))
        return 0

    if args.learn:
        return learn_table(args, load_before)

    from bench.browser import missing_browser
    from bench.measure import (
        browser_times,
        cold_start,
        known_words,
        log,
        machine_line,
        page_times,
        server_memory,
        trace_times,
    )
    from bench.report import Row, fmt, markdown, write_readme
    from models.registry import load_model

    env = os.environ.copy()  # the app server as shipped (plus --one-thread if given)
    rows: list[Row] = []
    footer: list[str] = []
    log("cold start")
    rows.append(Row("Cold start: imports + model load (fresh Python)", cold_start(env=env)))

    loaded = load_model("trained")
    words = known_words(loaded.tokenizer)
    for result in trace_times(loaded):
        rows.append(Row(
            f"Trace (encoder + greedy decode + trace), {result.n_src} source tokens",
            result.seconds * 1000, "ms",
            None if TRACE_TARGET_S.get(result.n_src) is None
            else TRACE_TARGET_S[result.n_src] * 1000,
            note=f"decoder wrote {result.n_out} tokens; median of {result.repeats}",
        ))

    render_sizes = () if args.quick else (512,)
    pages = page_times(words, tuple(PAGE_TARGET_S), render_sizes)
    sizes = " · ".join(str(n) for n in PAGE_TARGET_S)
    for page in pages:
        misses = [n for n, s in page.warm.items() if s > PAGE_TARGET_S[n]]
        rows.append(Row(
            f"Page `{page.url}`: warm script (AppTest, 2nd run), {sizes} tokens", None,
            shown=" · ".join(fmt(s, "s") for s in page.warm.values()),
            target_shown=" · ".join(f"≤ {fmt(t, 's')}" for t in PAGE_TARGET_S.values()),
            ok=not misses, note=("misses at " + ", ".join(map(str, misses))) if misses else "",
        ))
    for n in render_sizes:
        rendered = [page.url for page in pages if page.renders.get(n)]
        broken = [page.url for page in pages if not page.renders.get(n)]
        rows.append(Row(f"Every page renders at {n} tokens (AppTest)", len(rendered), "",
                        shown=f"{len(rendered)} / {len(pages)} pages", ok=not broken,
                        target_shown="all pages",
                        note=("fails: " + ", ".join(broken)) if broken else ""))

    reason = missing_browser()
    if args.quick or reason:
        why = "skipped (--quick)" if args.quick else f"skipped: {reason}"
        for n, target in BROWSER_TARGET_S.items():
            rows.append(Row(f"Browser: navigation → attention heatmap drawn, {n} tokens", None,
                            "s", target, note=why))
        rows.append(Row("Browser, every page: first page, navigation, click (bench/pages.py)",
                        None, "s", note=why))
        rows.append(Row(f"Server peak memory (RSS), {SESSIONS} sessions at once", None, "GB",
                        MEMORY_TARGET_GB, note=why))
    else:
        for n, seconds in browser_times(words, tuple(BROWSER_TARGET_S), env=env).items():
            rows.append(Row(f"Browser: navigation → attention heatmap drawn, {n} tokens",
                            seconds, "s", BROWSER_TARGET_S[n],
                            note="sentence in the URL, not traced before; median of 3"
                            if seconds is not None else "no heatmap was drawn"))
        from bench.pages import FOOTER as PAGES_FOOTER
        from bench.pages import run as page_rows

        rows += page_rows(tuple(args.pages_models.split(",")), rounds=args.pages_rounds, env=env)
        footer.append(PAGES_FOOTER)
        memory = server_memory(words, SESSIONS, env=env)
        peak = None if memory.peak_bytes is None else memory.peak_bytes / 1e9
        rows.append(Row(
            f"Server peak memory (RSS), {SESSIONS} sessions at once", peak, "GB",
            MEMORY_TARGET_GB,
            note=(f"one sentence each (5–128 tokens), spread over every page; "
                  f"{len(memory.errors)} errors"),
        ))

    env_note = " (OMP_NUM_THREADS=1)" if args.one_thread else ""
    table = markdown(rows, [line for note in footer for line in (note, "")]
                     + [machine_line(load_before, env_note)])
    print(table)
    if args.write_readme:
        write_readme(table, args.readme)
        log(f"table written into {args.readme}")
    return 0


def learn_table(args, load_before) -> int:
    """The later pages' rows: why this word (bench/why.py), RNN vs attention (bench/rnn.py) and
    live training (bench/train_live.py), in one table."""
    from bench.measure import log, machine_line
    from bench.report import Row, markdown, write_readme
    from bench.rnn import rnn_rows
    from bench.train_live import train_live_rows
    from bench.why import why_rows

    rows = [Row(**row) for row in why_rows()]
    log("GRU vs self-attention")
    rows += rnn_rows()
    if not args.quick:
        log("live training")
        rows += train_live_rows()
    env_note = " (OMP_NUM_THREADS=1)" if args.one_thread else ""
    table = markdown(rows, [machine_line(load_before, env_note)])
    print(table)
    if args.write_readme:
        write_readme(table, args.readme, section="bench-learn")
        log(f"table written into {args.readme}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
