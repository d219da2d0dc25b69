"""The class scenario: one app server, a teacher and its students (Locust), a few Chromium tabs.

``run`` starts `streamlit run app.py` on a free loopback port (bench/browser.py's ``AppServer``,
stopped by its pid), warms it up the way a teacher does before class (every page once), then
starts Locust headless in a subprocess (``locustfile``: the teacher first, then the students,
``spawn_rate`` a second) and, a little later, the Chromium tabs (``chromium``), also in a
subprocess. While they run it samples the server's resident memory from /proc; it reads the
server's CPU time (utime + stime in /proc/<pid>/stat) and the whole machine's (/proc/stat)
before and after, so the table can say how busy the machine was with other work.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from bench.browser import ROOT, AppServer
from bench.load.client import Tab

LOG_DIR = ROOT / "tests" / "artifacts" / "load"
TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Settings:
    students: int = 60
    spawn_rate: float = 2.0  # students a second: 60 arrive over 30 s
    pages: int = 5  # page views per student
    think_s: float = 5.0  # seconds between clicks
    tabs: int = 3  # real Chromium tabs
    follow: str = "auto"  # "auto", "yes", "no"
    view_limit_s: float = 60.0  # a page view slower than this is an error
    limit_s: float = 420.0  # the whole load phase, Locust and Chromium, at most
    chromium_delay_s: float = 12.0  # Chromium starts once part of the class is in


@dataclass
class Result:
    settings: Settings
    locust: dict  # the locustfile's samples file
    chromium: dict  # bench.load.chromium's output
    warmup_s: float
    warmup_errors: list[str]
    seconds: float  # the load phase, wall clock
    server_cpu_s: float  # utime + stime of the server during the load phase
    machine_busy_s: float  # every process's CPU time during the load phase (/proc/stat)
    generators_cpu_s: float  # Locust's and Chromium's (waited-for children) CPU time
    peak_rss_bytes: int | None  # the highest resident set sampled, or the kernel's VmHWM
    load_before: tuple[float, float, float]
    load_after: tuple[float, float, float]
    cores: int
    timed_out: list[str] = field(default_factory=list)
    log_dir: Path = LOG_DIR


def _cpu_seconds(pid: int) -> float:
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat.rsplit(")", 1)[1].split()  # the name may hold spaces: split after it
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime (fields 14, 15)


def _machine_busy_seconds() -> float:
    """CPU seconds every core has spent on anything but idle and iowait, since boot."""
    parts = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    values = [int(v) for v in parts[:8]]
    return (sum(values) - values[3] - values[4]) / TICKS


def _status_kb(pid: int, name: str) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(name + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


class MemorySampler:
    """The highest VmRSS of one process, sampled from a thread (plus its VmHWM at the end)."""

    def __init__(self, pid: int, period_s: float = 0.25):
        self.pid = pid
        self.period_s = period_s
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self.period_s):
            self.peak_kb = max(self.peak_kb, _status_kb(self.pid, "VmRSS") or 0)

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak_kb = max(self.peak_kb, _status_kb(self.pid, "VmHWM") or 0)


def log(text: str) -> None:
    print(f"[load {time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def warm_up(url: str, query: dict, limit_s: float) -> tuple[float, list[str]]:
    """Every page once in one tab, as a teacher checks the app before class: the model is
    loaded and the teacher's sentence traced before the students come."""
    start = time.monotonic()
    errors = []
    tab = Tab(url, view_limit_s=limit_s)
    try:
        view = tab.open("", urlencode(query))
        if view.error:
            return time.monotonic() - start, [f"open: {view.error}"]
        for page in [p.url_pathname for p in tab.view.pages][1:]:
            view = tab.visit(page)
            if view.error:
                errors.append(f"{page}: {view.error}")
    finally:
        tab.close()
    return time.monotonic() - start, errors


def _wait(procs: dict[str, subprocess.Popen], deadline: float) -> list[str]:
    """Wait for every process until ``deadline``; kill (by pid) those still running."""
    late = []
    for name, proc in procs.items():
        try:
            proc.wait(timeout=max(1.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            late.append(name)
            proc.kill()
            proc.wait(timeout=30)
    return late


def run(settings: Settings, log_dir: Path = LOG_DIR) -> Result:
    from bench.load.locustfile import TEACHER_QUERY

    log_dir.mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()
    env = os.environ.copy()
    scratch = Path(tempfile.mkdtemp(prefix="bench-load-"))
    env["EXPLAINER_CLASS_DB"] = str(scratch / "classes.sqlite3")  # a fresh class store
    server = AppServer(log_dir / "server.log", env=env)
    try:
        server.wait_healthy()
        log(f"server {server.url} (pid {server.proc.pid}); warming up every page")
        warmup_s, warmup_errors = warm_up(server.url, TEACHER_QUERY, settings.view_limit_s * 3)
        log(f"warm-up {warmup_s:.1f} s, {len(warmup_errors)} errors")
        locust_out = log_dir / "locust-samples.json"
        chromium_out = log_dir / "chromium-samples.json"
        for path in (locust_out, chromium_out):
            path.unlink(missing_ok=True)
        children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu_before = _cpu_seconds(server.proc.pid)
        busy_before = _machine_busy_seconds()
        start = time.monotonic()
        deadline = start + settings.limit_s
        with MemorySampler(server.proc.pid) as memory, \
                open(log_dir / "locust.log", "w") as locust_log, \
                open(log_dir / "chromium.log", "w") as chromium_log:
            users = settings.students + 1  # the teacher too
            procs = {"locust": subprocess.Popen([
                sys.executable, "-m", "locust", "-f", str(ROOT / "bench/load/locustfile.py"),
                "--headless", "-u", str(users), "-r", f"{settings.spawn_rate:g}",
                "-t", f"{int(settings.limit_s)}s", "--stop-timeout", "5",
                "--host", server.url, "--only-summary", "--loglevel", "WARNING",
                "--students", str(settings.students), "--pages", str(settings.pages),
                "--think", f"{settings.think_s:g}", "--follow", settings.follow,
                "--view-limit", f"{settings.view_limit_s:g}", "--samples", str(locust_out),
            ], cwd=ROOT, stdout=locust_log, stderr=subprocess.STDOUT, env=os.environ.copy())}
            log(f"locust: {settings.students} students + 1 teacher, {settings.spawn_rate:g}/s")
            if settings.tabs:
                time.sleep(settings.chromium_delay_s)
                procs["chromium"] = subprocess.Popen([
                    sys.executable, "-m", "bench.load.chromium", "--url", server.url,
                    "--tabs", str(settings.tabs), "--visits", str(settings.pages),
                    "--think", f"{settings.think_s:g}",
                    "--limit", f"{settings.view_limit_s * 1.5:g}", "--out", str(chromium_out),
                ], cwd=ROOT, stdout=chromium_log, stderr=subprocess.STDOUT)
                log(f"chromium: {settings.tabs} tabs")
            timed_out = _wait(procs, deadline)
            seconds = time.monotonic() - start
            cpu_s = _cpu_seconds(server.proc.pid) - cpu_before
            busy_s = _machine_busy_seconds() - busy_before
        children_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        generators_s = (children_after.ru_utime + children_after.ru_stime
                        - children_before.ru_utime - children_before.ru_stime)
        log(f"load phase {seconds:.0f} s; server CPU {cpu_s:.0f} s; "
            f"peak RSS {memory.peak_kb / 1e6:.2f} GB")
    finally:
        server.stop()
    return Result(
        settings=settings,
        locust=_read_json(locust_out, "locust wrote no samples (see locust.log)"),
        chromium=_read_json(chromium_out, "chromium wrote no samples (see chromium.log)")
        if settings.tabs else {"skipped": "--tabs 0", "samples": []},
        warmup_s=warmup_s, warmup_errors=warmup_errors, seconds=seconds,
        server_cpu_s=cpu_s, machine_busy_s=busy_s, generators_cpu_s=generators_s,
        peak_rss_bytes=memory.peak_kb * 1024 or None,
        load_before=load_before, load_after=os.getloadavg(), cores=os.cpu_count() or 1,
        timed_out=timed_out, log_dir=log_dir,
    )


def _read_json(path: Path, missing: str) -> dict:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {"skipped": missing, "samples": []}
