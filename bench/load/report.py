"""The class scenario's numbers as one Markdown table, and into README between its markers."""

from __future__ import annotations

import math
import time
from pathlib import Path

from bench.report import Row, fmt, markdown

SERVER_P95_TARGET_S = 3.0
CHROMIUM_P95_TARGET_S = 5.0
MEMORY_TARGET_GB = 2.0
FOLLOW_TARGET_S = 1.0  # the classroom's own target: students follow within a second
TABLE_START, TABLE_END = "<!-- load-table:start -->", "<!-- load-table:end -->"
STUDENT_KINDS = ("join", "follow", "page")


def percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile (``p`` in 0..100): a value that was measured, never between."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def _times(samples: list[dict], kinds: tuple[str, ...], key: str = "seconds") -> list[float]:
    return [s[key] for s in samples
            if s["kind"] in kinds and not s.get("error") and s.get(key) is not None]


def _p50_p95_row(what: str, values: list[float], target: float | None = None,
                 note: str = "") -> Row:
    p50, p95 = percentile(values, 50), percentile(values, 95)
    shown = "n/a" if p95 is None else f"{fmt(p50, 's')} · {fmt(p95, 's')}"
    return Row(what, p95, "s", target, shown=shown,
               target_shown=None if target is None else f"p95 ≤ {fmt(target, 's')}",
               note=(f"n = {len(values)}; " + note) if values else note or "no sample")


def rows(result) -> list[Row]:
    """The table's rows from a ``scenario.Result``."""
    s = result.settings
    samples = result.locust.get("samples", [])
    follow = bool(result.locust.get("follow"))
    chromium = result.chromium.get("samples", [])
    student_views = _times(samples, STUDENT_KINDS)
    out = []
    if follow:
        how = ("joining: own request → script finished; following: the teacher's click → "
               "the student's run on that page finished (the teacher's own run included)")
    else:
        how = "click (or address) → script finished"
    out.append(_p50_p95_row(
        "Students' page views, p50 · p95: request → script finished (server side)",
        student_views, SERVER_P95_TARGET_S, how))
    if follow:
        out.append(_p50_p95_row("… joining the class (`?class=CODE`)",
                                _times(samples, ("join",))))
        out.append(_p50_p95_row("… following: teacher's click → student's run on it done",
                                _times(samples, ("follow",))))
        timeline = result.locust.get("timeline", [])
        behind = [s_["finished"] - timeline[s_["teacher"]]["finished"] for s_ in samples
                  if s_["kind"] == "follow" and not s_.get("error") and "teacher" in s_
                  and timeline[s_["teacher"]]["finished"] is not None]
        out.append(_p50_p95_row(
            "… following: student's run done − teacher's own run done", behind,
            FOLLOW_TARGET_S,
            "how far a student lags behind the teacher's tab (negative: ahead of it, as the "
            "app publishes before the teacher's tab hears its run end); polls every 0.5 s"))
    out.append(_p50_p95_row(
        "… before a student's first request: the page's HTML and files, health, websocket",
        _times(samples, STUDENT_KINDS, "load_s"), None,
        "not in the rows above; the tab fetches the files index.html names (≈ 2.4 MB), not "
        "the chunks a browser loads later (Plotly's ≈ 4.7 MB)"))
    out.append(_p50_p95_row("Teacher's page views: click → script finished",
                            _times(samples, ("teacher",))))
    drawn = [c["seconds"] for c in chromium if not c.get("error") and c.get("seconds")]
    skipped = result.chromium.get("skipped", "")
    out.append(_p50_p95_row(
        f"Chromium tabs ({s.tabs}), p50 · p95: navigation → charts drawn, no script running",
        drawn, CHROMIUM_P95_TARGET_S,
        skipped or "each tab a student's own browser, 5 s between pages, other sentences"))

    errors = [s_ for s_ in samples if s_.get("error")] + [c for c in chromium if c.get("error")]
    errors += [{"error": f"warm-up: {e}"} for e in result.warmup_errors]
    errors += [{"error": f"{name} still running at the time limit"} for name in result.timed_out]
    if result.locust.get("skipped"):
        errors.append({"error": result.locust["skipped"]})
    first = "; ".join(sorted({e["error"][:120] for e in errors})[:3])
    views = len(_times(samples, STUDENT_KINDS + ("teacher",))) + len(drawn)
    out.append(Row("Errors (failed or timed-out page views, exceptions shown)", len(errors), "",
                   0, shown=str(len(errors)), target_shown="0", ok=not errors,
                   note=(f"of {views + len(errors)} page views; " + first) if errors
                   else f"of {views} page views"))
    peak = None if result.peak_rss_bytes is None else result.peak_rss_bytes / 1e9
    out.append(Row("Server peak memory (RSS)", peak, "GB", MEMORY_TARGET_GB,
                   note="the streamlit process, sampled from /proc every 0.25 s, and VmHWM"))
    tabs = result.locust.get("tabs", [])
    polls = sum(t.get("fragment_runs", 0) for t in tabs)
    per_view = result.server_cpu_s / views if views else None
    out.append(Row("Server CPU seconds per page view", per_view, "s", None,
                   shown="n/a" if per_view is None else f"{per_view:.2f} s",
                   note=f"{result.server_cpu_s:.0f} s of CPU (utime + stime) over {views} page "
                        f"views (students, teacher, Chromium) in {result.seconds:.0f} s"
                        + (f"; also {polls} class polls (0.5 s fragment runs)" if polls else "")))
    p95 = percentile(student_views, 95)
    out.append(Row(
        "Students per core at that server p95", s.students / result.cores, "",
        shown=f"{s.students / result.cores:g}", note=(
            f"{s.students} students on {result.cores} cores, p95 "
            + ("n/a" if p95 is None else fmt(p95, "s"))
            + (f"; by CPU alone, one core at 100 % serves ≈ {s.think_s / per_view:.0f} "
               f"students who each open a page every {s.think_s:g} s" if per_view else ""))))
    return out


def footer(result) -> list[str]:
    s = result.settings
    other = result.machine_busy_s - result.server_cpu_s - result.generators_cpu_s
    mode = ("students followed the teacher's class" if result.locust.get("follow")
            else "students clicked on their own")
    note = result.locust.get("note")
    return [
        f"Measured {time.strftime('%Y-%m-%d')} on {result.cores} CPU cores shared by the "
        f"server, Locust and Chromium: {s.students} students arriving at {s.spawn_rate:g}/s, "
        f"{s.pages} page views each, {s.think_s:g} s between clicks, 1 teacher, "
        f"{s.tabs} Chromium tabs; {mode}" + (f" ({note})" if note else "") + ". "
        f"Load phase {result.seconds:.0f} s after a {result.warmup_s:.0f} s warm-up (every "
        f"page once). CPU in the load phase: server {result.server_cpu_s:.0f} s, Locust + "
        f"Chromium {result.generators_cpu_s:.0f} s, other processes on the machine "
        f"{max(other, 0):.0f} s ({max(other, 0) / result.seconds:.1f} cores on average); load "
        f"average {result.load_before[0]:.1f} before → {result.load_after[0]:.1f} after. "
        "Percentiles are nearest-rank.",
    ]


def table(result) -> str:
    return markdown(rows(result), footer(result))


def write_readme(text: str, readme: Path) -> None:
    """Replace what lies between the load-table markers in README with ``text``.

    Raises:
        ValueError: README lacks the markers.
    """
    content = readme.read_text(encoding="utf-8")
    if TABLE_START not in content or TABLE_END not in content or (
            content.index(TABLE_START) > content.index(TABLE_END)):
        raise ValueError(f"{readme} has no '{TABLE_START}' … '{TABLE_END}' markers")
    head, rest = content.split(TABLE_START, 1)
    _, tail = rest.split(TABLE_END, 1)
    readme.write_text(f"{head}{TABLE_START}\n{text}\n{TABLE_END}{tail}", encoding="utf-8")
