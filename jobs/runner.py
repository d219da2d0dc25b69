"""Start, watch, stop and clean up training jobs: ``python -m training.train --preset tiny``.

Admission: at most ``EXPLAINER_TRAIN_SLOTS`` (default 1) jobs run at once; the others wait as
queued rows of the job table (jobs/store.py) and see their position. There is no dispatcher
process: ``tick()`` checks the running jobs and starts the next queued ones, and every page that
shows a job calls it when it polls (every few seconds). That is enough because a slot can only
free when a worker ends, and someone is always watching a job that matters: its owner's page, or
a class following it. With nobody watching, nothing needs to start; the next visitor's poll
catches up (a worker that ended meanwhile is found by its pid and its progress.json). The
admission runs inside one SQLite ``BEGIN IMMEDIATE`` transaction, so two sessions, threads or
app processes polling at the same moment never start more than the slots allow.

A worker is a separate process (never the Streamlit script thread) in its own session (so a stop
reaches the whole process group and an app restart does not kill it), at lower CPU priority
(``nice``) so other users' pages stay responsive, with a time cap. Stop is SIGTERM (the trainer
saves its checkpoint and says "stopped"), then SIGKILL after a grace period.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from jobs.store import (
    FINAL,
    Job,
    JobError,
    JobStore,
    jobs_dir,
    new_job_id,
    read_progress,
    validate_job_id,
)

SLOTS_ENV = "EXPLAINER_TRAIN_SLOTS"
KEEP_ENV = "EXPLAINER_JOBS_KEEP"
TTL_ENV = "EXPLAINER_JOBS_TTL_S"
QUEUE_ENV = "EXPLAINER_JOBS_QUEUE"
MAX_SECONDS_ENV = "EXPLAINER_TRAIN_MAX_S"
LIVE_EVERY_ENV = "EXPLAINER_TRAIN_LIVE_S"
THREADS_ENV = "EXPLAINER_TRAIN_THREADS"
# The command that trains, split like a shell would; tests point it at a fake trainer that
# keeps the same contract (progress.json, live-* folders, SIGTERM).
TRAINER_ENV = "EXPLAINER_TRAINER"

DEFAULT_SLOTS = 1
DEFAULT_KEEP = 12  # finished jobs' folders kept (a class's worth of models, a few MB each)
DEFAULT_TTL_S = 8 * 3600  # a school day
DEFAULT_QUEUE = 20
DEFAULT_MAX_SECONDS = 120.0  # the tiny preset's target: >= 90 % exact match within 2 minutes
DEFAULT_LIVE_EVERY_S = 4.0
NICE = 10
# Past its cap a worker gets this long to start (import torch), save, and exit before SIGTERM.
STARTUP_GRACE_S = 60.0
# After SIGTERM, this long to save the checkpoint before SIGKILL.
STOP_GRACE_S = 15.0
# Expired rows are forgotten after a week; a link to them says "unknown" from then on.
FORGET_S = 7 * 86400
LIVE = re.compile(r"live-\d{6}")
REPO = Path(__file__).resolve().parent.parent
LOG = "worker.log"

# Workers this process started, by pid: polling them reaps the exited ones (no zombies).
_CHILDREN: dict[int, subprocess.Popen] = {}
_CHILDREN_LOCK = threading.Lock()
_last_cleanup = 0.0


class QueueFull(JobError):
    """The queue holds as many jobs as it may; try again when one has finished."""


def _env_number(name: str, default: float, cast=float, minimum: float = 0):
    raw = os.environ.get(name)
    if raw in (None, ""):
        return default
    try:
        value = cast(raw)
    except ValueError:
        return default
    return value if value >= minimum else default


def slots() -> int:
    return _env_number(SLOTS_ENV, DEFAULT_SLOTS, int, 1)


def keep() -> int:
    return _env_number(KEEP_ENV, DEFAULT_KEEP, int, 0)


def ttl_s() -> float:
    return _env_number(TTL_ENV, DEFAULT_TTL_S, float, 0)


def max_queue() -> int:
    return _env_number(QUEUE_ENV, DEFAULT_QUEUE, int, 1)


def max_seconds() -> float:
    """The time cap of a job (the page shows it)."""
    return _env_number(MAX_SECONDS_ENV, DEFAULT_MAX_SECONDS, float, 1)


# What "train one more" from the hyper-parameter lab may change in the tiny preset: each
# setting's training.train flag and the values offered (a small menu, so a job stays small).
SETTINGS = {
    "heads": ("--heads", (1, 2, 4, 8)),
    "d_model": ("--d-model", (32, 64, 128)),
    "layers": ("--layers", (1, 2, 3)),
    "lr_factor": ("--lr-factor", (0.25, 0.5, 1.0, 2.0, 8.0)),
    "warmup": ("--warmup", (10, 50, 200, 800)),
    "label_smoothing": ("--label-smoothing", (0.0, 0.1, 0.2)),
}
SETTINGS_FILE = "settings.json"


def check_settings(settings: dict | None) -> dict:
    """The settings as plain values, each one from ``SETTINGS``' menu.

    Raises:
        JobError: an unknown setting or a value off the menu.
    """
    checked = {}
    for name, value in (settings or {}).items():
        if name not in SETTINGS:
            raise JobError(f"unknown training setting {name!r}")
        allowed = SETTINGS[name][1]
        if isinstance(value, bool) or value not in allowed:
            raise JobError(f"{name} must be one of {', '.join(f'{v:g}' for v in allowed)}")
        checked[name] = value
    return checked  # every d_model on the menu splits into every number of heads on it


def _setting_flags(folder: Path) -> list[str]:
    path = folder / SETTINGS_FILE
    if not path.is_file():
        return []
    settings = check_settings(json.loads(path.read_text(encoding="utf-8")))  # written by us
    return [arg for name, value in settings.items() for arg in (SETTINGS[name][0], f"{value:g}")]


def trainer_command(folder: Path, seconds: float) -> list[str]:
    """The worker's command line (without ``nice``); the tiny preset, with the job's settings
    (``settings.json`` in its folder) on top."""
    base = shlex.split(os.environ.get(TRAINER_ENV) or "") or [sys.executable, "-m",
                                                                "training.train"]
    command = [*base, "--preset", "tiny", "--out", str(folder), "--max-seconds", f"{seconds:g}",
               "--live-every", f"{_env_number(LIVE_EVERY_ENV, DEFAULT_LIVE_EVERY_S):g}"]
    threads = _env_number(THREADS_ENV, 0, int, 1)
    if threads:
        command += ["--threads", str(threads)]
    return command + _setting_flags(folder)


def submit(owner: str, store: JobStore | None = None, seconds: float | None = None,
           settings: dict | None = None) -> Job:
    """Queue a new job for ``owner`` (a session's token) and start it if a slot is free.

    An owner with a job still queued or running gets that job back instead of a second one.
    ``settings`` change the tiny preset (``SETTINGS``: heads, d_model, …).

    Raises:
        QueueFull: the queue already holds ``EXPLAINER_JOBS_QUEUE`` jobs.
        JobError: no owner, or a setting off the menu.
    """
    if not isinstance(owner, str) or not owner:
        raise JobError("a job needs an owner")
    settings = check_settings(settings)
    store = store or JobStore()
    with store.transaction() as db:
        mine = [job for job in store.jobs(("queued", "running"), db) if job.owner == owner]
        if mine:
            return store.get(mine[0].id, db)
        if len(store.jobs(("queued",), db)) >= max_queue():
            raise QueueFull(f"the queue is full ({max_queue()} jobs wait already)")
        job_id = new_job_id()
        folder = (jobs_dir() / job_id).resolve()
        folder.mkdir(parents=True, exist_ok=False)
        if settings:
            (folder / SETTINGS_FILE).write_text(json.dumps(settings), encoding="utf-8")
        store.add(db, owner, folder, seconds or max_seconds(), job_id)
    tick(store)
    return store.get(job_id)


def tick(store: JobStore | None = None) -> None:
    """Bring the table up to date: finished or dead workers, time caps, stop escalation, then
    start queued jobs while a slot is free, then retention. Cheap; call it when polling."""
    store = store or JobStore()
    _reap()
    with store.transaction() as db:
        running = 0
        for job in store.jobs(("running",), db):
            running += _check(store, db, job)
        for job in store.jobs(("queued",), db)[: max(0, slots() - running)]:
            _start(store, db, job)
    global _last_cleanup
    if time.monotonic() - _last_cleanup > 30:
        _last_cleanup = time.monotonic()
        cleanup(store)


def stop(job_id: str, owner: str, store: JobStore | None = None) -> Job:
    """Stop a job: a queued one leaves the queue; a running one gets SIGTERM (it saves its
    model and ends "stopped"), and SIGKILL when still alive ``STOP_GRACE_S`` later.

    Raises:
        JobError: malformed or unknown id, or ``owner`` did not start this job.
    """
    store = store or JobStore()
    validate_job_id(job_id)
    with store.transaction() as db:
        job = store.get(job_id, db)
        if job.owner != owner:
            raise JobError("only the session that started this job can stop it")
        now = time.time()
        if job.state == "queued":
            store.update(db, job_id, state="stopped", finished=now,
                         message="removed from the queue before it started")
        elif job.state == "running" and job.stop_requested is None:
            _signal(job, signal.SIGTERM)
            store.update(db, job_id, stop_requested=now)
            # Escalation happens on the next poll; this timer covers a page closed meanwhile.
            timer = threading.Timer(STOP_GRACE_S + 0.5, _quiet_tick, (store,))
            timer.daemon = True
            timer.start()
    tick(store)
    return store.get(job_id)


def progress(job: Job) -> dict | None:
    """The worker's progress.json (see training/train.py), or None before its first log step."""
    return read_progress(job.folder)


def live_folder(job: Job, report: dict | None = None) -> Path | None:
    """The newest complete live snapshot the trainer reports (``live-000120``), if any."""
    report = report if report is not None else progress(job)
    name = (report or {}).get("live")
    if not isinstance(name, str) or not LIVE.fullmatch(name):
        return None
    folder = job.folder / name
    return folder if (folder / "config.json").is_file() else None


def cleanup(store: JobStore | None = None, now: float | None = None) -> list[str]:
    """Retention: a finished job's folder is removed once it is older than
    ``EXPLAINER_JOBS_TTL_S`` or beyond the newest ``EXPLAINER_JOBS_KEEP``; its row says
    "expired" (so its link explains itself) and is forgotten after a week. Returns the ids
    expired now."""
    store = store or JobStore()
    now = time.time() if now is None else now
    expired = []
    with store.transaction() as db:
        finished = sorted(store.jobs(FINAL, db), key=lambda j: j.finished or j.created,
                          reverse=True)
        for index, job in enumerate(finished):
            if index >= keep() or (job.finished or job.created) < now - ttl_s():
                shutil.rmtree(job.folder, ignore_errors=True)
                store.update(db, job.id, state="expired")
                expired.append(job.id)
        for job in store.jobs(("expired",), db):
            if (job.finished or job.created) < now - FORGET_S:
                store.delete(db, job.id)
    return expired


def _quiet_tick(store: JobStore) -> None:
    try:
        tick(store)
    except Exception:  # a background timer has nobody to report to; the next poll retries
        pass


def _reap() -> None:
    with _CHILDREN_LOCK:
        for pid, child in list(_CHILDREN.items()):
            if child.poll() is not None and pid not in _EXIT:
                _EXIT[pid] = child.returncode


_EXIT: dict[int, int] = {}


def _start(store: JobStore, db, job: Job) -> None:
    folder = job.folder
    folder.mkdir(parents=True, exist_ok=True)
    command = trainer_command(folder, job.max_seconds)
    nice = shutil.which("nice")
    # ``nice`` execs the trainer, so the pid is the trainer's; without it, lower the priority
    # in the child before exec.
    prefix = [nice, "-n", str(NICE)] if nice else []
    try:
        with open(folder / LOG, "ab") as log:
            child = subprocess.Popen(
                [*prefix, *command], cwd=REPO, stdin=subprocess.DEVNULL, stdout=log,
                stderr=subprocess.STDOUT, start_new_session=True,
                preexec_fn=None if nice else (lambda: os.nice(NICE)),
            )
    except OSError as err:
        store.update(db, job.id, state="failed", finished=time.time(),
                     message=f"the training worker could not start: {err}")
        return
    with _CHILDREN_LOCK:
        _CHILDREN[child.pid] = child
    store.update(db, job.id, state="running", pid=child.pid, started=time.time())


def _check(store: JobStore, db, job: Job) -> int:
    """Update one running job; 1 while it still holds a slot."""
    now = time.time()
    report = read_progress(job.folder) or {}
    if _alive(job):
        if job.stop_requested is not None and now - job.stop_requested > STOP_GRACE_S:
            _signal(job, signal.SIGKILL)
        elif job.stop_requested is None and job.started is not None and (
                now - job.started > job.max_seconds + STARTUP_GRACE_S):
            _signal(job, signal.SIGTERM)
            store.update(db, job.id, stop_requested=now,
                         message=f"stopped at its time cap ({job.max_seconds:g} s)")
        return 1
    state = report.get("state")
    code = _EXIT.pop(job.pid, None) if job.pid is not None else None
    with _CHILDREN_LOCK:
        _CHILDREN.pop(job.pid, None)
    if state in FINAL:
        message = job.message
        if state == "failed":
            message = f"training failed: {report.get('error') or 'no reason given'}"
    elif job.stop_requested is not None:
        state, message = "stopped", "; ".join(filter(None, (job.message, (
            f"stopped by force: the worker did not end within {STOP_GRACE_S:g} s of the stop "
            "request, so no model was saved"))))
    else:
        how = ("" if code is None else f" (killed by signal {-code})" if code < 0
               else f" (exit code {code})")
        state, message = "failed", (
            f"the training worker ended without finishing{how}; no model was saved."
            + _log_tail(job.folder))
    store.update(db, job.id, state=state, finished=now, message=message)
    return 0


def _alive(job: Job) -> bool:
    """Whether the job's worker still runs. A pid is trusted only while it is still our
    worker: a child of this process (polled), or a process whose command line names the job's
    folder (a pid reused by another program is not ours)."""
    if job.pid is None:
        return False
    with _CHILDREN_LOCK:
        child = _CHILDREN.get(job.pid)
    if child is not None:
        if child.poll() is None:
            return True
        _EXIT[job.pid] = child.returncode
        return False
    proc = Path("/proc") / str(job.pid)
    if Path("/proc/self").exists():
        try:
            status = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
            cmdline = (proc / "cmdline").read_bytes().decode("utf-8", "replace")
        except (OSError, IndexError):
            return False
        return status not in ("Z", "X") and str(job.folder) in cmdline
    try:
        os.kill(job.pid, 0)
    except OSError:
        return False
    return True


def _signal(job: Job, sig: int) -> None:
    if job.pid is None or not _alive(job):
        return
    try:
        os.killpg(job.pid, sig)  # its own session: the group is the worker and its children
    except ProcessLookupError:
        pass
    except PermissionError:
        os.kill(job.pid, sig)


def _log_tail(folder: Path, n: int = 400) -> str:
    try:
        text = (folder / LOG).read_bytes()[-n:].decode("utf-8", "replace").strip()
    except OSError:
        return ""
    last = text.splitlines()[-1] if text else ""
    return f" Last line of its log: {last}" if last else ""


__all__ = [
    "QueueFull", "cleanup", "keep", "live_folder", "max_seconds", "progress", "slots", "stop",
    "submit", "tick", "trainer_command", "ttl_s",
]
