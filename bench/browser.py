"""Headless Chromium for the benchmark: launch, an app server, a static file server, tab memory.

The bench's own copy of what it needs (bench never imports tests/): Debian's Chromium found on
PATH, driven by PyPI ``playwright`` (never ``playwright install``); a `streamlit run app.py`
subprocess on a free loopback port; a loopback HTTP server for local files; and the resident
memory of a tab's renderer process, read from /proc.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    # Every host name but loopback fails to resolve: a page that still asks a CDN for its
    # scripts draws nothing here instead of timing the network.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
VIEWPORT = {"width": 1400, "height": 900}
SERVER_START_S = 120

# Waits for two animation frames: the callback of the second runs after the frame that laid out
# and painted what the first saw, so "drawn" includes layout and paint, not only the DOM.
TWO_FRAMES = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"


def missing_browser() -> str | None:
    """Why a browser cannot be driven here, or None when it can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is missing (pip install -r requirements-dev.txt)"
    if not shutil.which("chromium"):
        return "no Chromium on PATH (apt-get install chromium fonts-noto-cjk)"
    return None


def launch_chromium(playwright):
    """Headless Debian Chromium; ``launch`` gives each run a fresh temporary user-data dir."""
    return playwright.chromium.launch(
        executable_path=shutil.which("chromium"), headless=True, args=CHROMIUM_FLAGS
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class AppServer:
    """`streamlit run app.py` on a free loopback port, stopped by its own pid.

    ``root`` is the folder holding app.py (this checkout by default).
    """

    def __init__(self, log_path: Path, env: dict, root: Path = ROOT):
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
                # Others may edit the tree during a run: never rerun on their saves.
                "--server.fileWatcherType", "none", "--server.runOnSave", "false",
            ],
            cwd=root, stdout=self._log, stderr=subprocess.STDOUT, env=env,
        )

    def wait_healthy(self, limit_s: float = SERVER_START_S) -> AppServer:
        deadline = time.monotonic() + limit_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited early; see {self.log_path}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2):
                    return self
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"streamlit did not answer in {limit_s} s; see {self.log_path}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=15)
        self._log.close()

    def __enter__(self) -> AppServer:
        return self.wait_healthy()

    def __exit__(self, *exc) -> None:
        self.stop()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 (the base class's name)
        pass  # one line per request on stderr would bury the bench's own log


class StaticServer:
    """Serves one folder on a free loopback port from a background thread."""

    def __init__(self, folder: Path):
        self.folder = folder
        handler = functools.partial(_QuietHandler, directory=str(folder))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> StaticServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _status_kb(pid: int, field: str) -> int | None:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return None


def process_bytes(pid: int, field: str = "VmHWM") -> int | None:
    """A process's resident memory from /proc in bytes (``VmHWM``: peak, ``VmRSS``: now)."""
    kb = _status_kb(pid, field)
    return None if kb is None else kb * 1024


def _parent(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name (2nd field) may hold spaces and parentheses: split after its last ")".
    return int(stat.rsplit(")", 1)[1].split()[1])


def _descends_from(pid: int, ancestor: int) -> bool:
    seen = 0
    while pid and pid > 1 and seen < 64:
        if pid == ancestor:
            return True
        pid = _parent(pid) or 0
        seen += 1
    return False


def renderer_pids() -> set[int]:
    """Chromium renderer processes started (through playwright's driver) by this Python."""
    me = os.getpid()
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if b"--type=renderer" in cmdline and _descends_from(int(entry.name), me):
            found.add(int(entry.name))
    return found


def tab_pid() -> int | None:
    """The renderer holding the most memory: with one tab open, that tab's page.

    Not "the renderer that is new since the tab opened": Chromium keeps a spare renderer
    started ahead and navigates the new tab into it, while the tab's first (about:blank)
    renderer stays alive beside it, so the page's process is usually older than the tab.
    """
    sized = [(_status_kb(pid, "VmRSS") or 0, pid) for pid in renderer_pids()]
    return max(sized)[1] if sized else None


def wait_gone(pids: set[int], limit_s: float = 10.0) -> None:
    """Until these renderers have exited (a closed tab's), so the next tab's is the largest."""
    deadline = time.monotonic() + limit_s
    while pids & renderer_pids() and time.monotonic() < deadline:
        time.sleep(0.1)


class TabWatch:
    """Samples a tab's renderer memory from a thread while the page is awaited.

    Open one tab at a time (``tab_pid``). A tab that is still drawing cannot answer
    playwright, so the limits are kept here, reading /proc only: past ``cap_bytes`` of resident
    memory, or when ``kill`` is called, the renderer (a process this bench started) is killed
    by its pid, and the page's wait fails as a crash. ``peak_bytes`` is the VmHWM (peak resident
    set) of the tab's renderer at the last sample.
    """

    def __init__(self, cap_bytes: float, period_s: float = 0.25):
        self.cap_bytes = cap_bytes
        self.period_s = period_s
        self.pid: int | None = None
        self.peak_bytes: int | None = None
        self.capped = False
        self.killed = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        if self.killed:
            return  # keep what the killed tab held, not the next largest renderer's
        self.pid = tab_pid() or self.pid  # the page may move into another process early on
        if self.pid is None:
            return
        peak = _status_kb(self.pid, "VmHWM")
        if peak is not None:  # of the process largest now: in the end, the page's
            self.peak_bytes = peak * 1024
        rss = _status_kb(self.pid, "VmRSS")
        if rss is not None and rss * 1024 > self.cap_bytes:
            self.capped = True
            self.kill()

    def _run(self) -> None:
        while not self._stop.wait(self.period_s):
            self._sample()

    def kill(self) -> None:
        self.killed = True
        if self.pid is not None:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except OSError:
                pass

    def __enter__(self) -> TabWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def finish(self) -> int | None:
        """One last sample (the tab is done); the peak in bytes."""
        self._sample()
        return self.peak_bytes
