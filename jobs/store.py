"""The job table: one SQLite file under the runs folder, shared by every app thread and process.

A row per job: id, owner session, created, state (queued, running, done, stopped, failed,
expired), pid, folder, and a queue sequence number (the position is counted from it, so it is
never stale). Every call opens its own connection: SQLite connections must not cross threads,
and a fresh one per call is cheap next to a page run. Writes that must not interleave (admission
in jobs/runner.py) run inside ``transaction()``, SQLite's ``BEGIN IMMEDIATE``, which serialises
writers across threads and processes alike.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

RUNS_DIR_ENV = "EXPLAINER_RUNS_DIR"
DEFAULT_RUNS_DIR = Path(__file__).resolve().parent.parent / "runs"
# A job id is our own random token: lower-case letters and digits only, so it can never name a
# path ("..", "/") when it comes back in a URL.
JOB_ID = re.compile(r"[a-z0-9]{8,32}")
MODEL_PREFIX = "job-"
ACTIVE = ("queued", "running")
FINAL = ("done", "stopped", "failed")
STATES = (*ACTIVE, *FINAL, "expired")
# A finished job whose progress.json says one of these left a usable checkpoint in its folder.
USABLE = ("done", "stopped")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT UNIQUE NOT NULL,
    owner TEXT NOT NULL,
    created REAL NOT NULL,
    started REAL,
    finished REAL,
    stop_requested REAL,
    state TEXT NOT NULL,
    pid INTEGER,
    folder TEXT NOT NULL,
    max_seconds REAL NOT NULL,
    message TEXT
)
"""


class JobError(ValueError):
    """A job id that is malformed or unknown, or an action the caller may not take."""


@dataclass(frozen=True)
class Job:
    """One row of the job table. ``position``: 1 for the next job to start (queued only)."""

    id: str
    owner: str
    created: float
    started: float | None
    finished: float | None
    stop_requested: float | None
    state: str
    pid: int | None
    folder: Path
    max_seconds: float
    message: str | None
    position: int | None = None

    @property
    def model_name(self) -> str:
        """The name under which the finished model loads on every page (``?model=job-<id>``)."""
        return MODEL_PREFIX + self.id

    @property
    def active(self) -> bool:
        return self.state in ACTIVE


def runs_dir() -> Path:
    """Where runs live: ``EXPLAINER_RUNS_DIR``, else ``<repo>/runs`` (git-ignored)."""
    return Path(os.environ.get(RUNS_DIR_ENV) or DEFAULT_RUNS_DIR)


def jobs_dir() -> Path:
    return runs_dir() / "jobs"


def validate_job_id(job_id) -> str:
    """The id itself when it is well formed, else ``JobError`` (never a path)."""
    if not isinstance(job_id, str) or not JOB_ID.fullmatch(job_id):
        raise JobError(f"{str(job_id)[:40]!r} is not a job id (8 to 32 letters a-z and digits)")
    return job_id


def new_job_id() -> str:
    return secrets.token_hex(8)  # 16 hex digits: matches JOB_ID


def read_progress(folder: Path) -> dict | None:
    """The trainer's progress.json (replaced atomically by it), or None while there is none."""
    try:
        data = json.loads((Path(folder) / "progress.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def job_model_folder(name: str) -> Path | None:
    """The folder of a finished job's model named ``job-<id>``; None when the name is not of
    that form or the job left no usable checkpoint (still running, failed, expired).

    Read from the folder alone (no SQLite), so the model registry can call it cheaply."""
    if not isinstance(name, str) or not name.startswith(MODEL_PREFIX):
        return None
    job_id = name[len(MODEL_PREFIX):]
    if not JOB_ID.fullmatch(job_id):
        return None
    folder = jobs_dir() / job_id
    progress = read_progress(folder)
    if (progress is None or progress.get("state") not in USABLE
            or not (folder / "config.json").is_file()):
        return None
    return folder


def finished_models() -> dict[str, Path]:
    """``job-<id>`` -> folder for every job whose model can be loaded, newest first."""
    try:
        entries = [p for p in jobs_dir().iterdir() if p.is_dir() and JOB_ID.fullmatch(p.name)]
    except OSError:
        return {}
    found = {}
    for path in sorted(entries, key=_mtime, reverse=True):
        folder = job_model_folder(MODEL_PREFIX + path.name)
        if folder is not None:
            found[MODEL_PREFIX + path.name] = folder
    return found


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


class JobStore:
    """The job table in one SQLite file (``<runs>/jobs/jobs.sqlite3`` by default)."""

    def __init__(self, path: Path | None = None):
        self.path = Path(path) if path is not None else jobs_dir() / "jobs.sqlite3"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            # WAL: readers (every polling page) never wait for the one writer.
            db.execute("PRAGMA journal_mode=WAL")
            db.execute(_SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        db.row_factory = sqlite3.Row
        try:
            yield db
        finally:
            db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One writer at a time across threads and processes (``BEGIN IMMEDIATE``)."""
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    def add(self, db: sqlite3.Connection, owner: str, folder: Path, max_seconds: float,
            job_id: str | None = None) -> str:
        job_id = validate_job_id(job_id or new_job_id())
        db.execute(
            "INSERT INTO jobs (id, owner, created, state, folder, max_seconds)"
            " VALUES (?, ?, ?, 'queued', ?, ?)",
            (job_id, owner, time.time(), str(folder), float(max_seconds)),
        )
        return job_id

    @staticmethod
    def update(db: sqlite3.Connection, job_id: str, **fields) -> None:
        unknown = set(fields) - {"started", "finished", "stop_requested", "state", "pid",
                                 "message"}
        if unknown:
            raise ValueError(f"not a job field: {sorted(unknown)}")
        if "state" in fields and fields["state"] not in STATES:
            raise ValueError(f"not a job state: {fields['state']!r}")
        columns = ", ".join(f"{name} = ?" for name in fields)
        db.execute(f"UPDATE jobs SET {columns} WHERE id = ?", (*fields.values(), job_id))

    def get(self, job_id: str, db: sqlite3.Connection | None = None) -> Job:
        """The job by id; ``JobError`` for a malformed or unknown id."""
        validate_job_id(job_id)
        if db is None:
            with self._connect() as db:
                return self.get(job_id, db)
        row = db.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
        if row is None:
            raise JobError(f"no job {job_id!r} (unknown, or removed long ago)")
        position = None
        if row["state"] == "queued":
            position = db.execute("SELECT COUNT(*) FROM jobs WHERE state = 'queued' AND seq <= ?",
                                  (row["seq"],)).fetchone()[0]
        return _job(row, position)

    def jobs(self, states: tuple[str, ...] = STATES,
             db: sqlite3.Connection | None = None) -> list[Job]:
        """Jobs in these states, oldest first (queue order for queued ones)."""
        if db is None:
            with self._connect() as db:
                return self.jobs(states, db)
        marks = ", ".join("?" for _ in states)
        rows = db.execute(f"SELECT * FROM jobs WHERE state IN ({marks}) ORDER BY seq",
                          tuple(states)).fetchall()
        queued = 0
        found = []
        for row in rows:
            position = None
            if row["state"] == "queued":
                queued += 1
                position = queued
            found.append(_job(row, position))
        return found

    def delete(self, db: sqlite3.Connection, job_id: str) -> None:
        db.execute("DELETE FROM jobs WHERE id = ?", (job_id,))


def _job(row: sqlite3.Row, position: int | None) -> Job:
    return Job(
        id=row["id"], owner=row["owner"], created=row["created"], started=row["started"],
        finished=row["finished"], stop_requested=row["stop_requested"], state=row["state"],
        pid=row["pid"], folder=Path(row["folder"]), max_seconds=row["max_seconds"],
        message=row["message"], position=position,
    )


__all__ = [
    "ACTIVE", "FINAL", "JOB_ID", "Job", "JobError", "JobStore", "MODEL_PREFIX", "RUNS_DIR_ENV",
    "finished_models", "job_model_folder", "jobs_dir", "read_progress", "runs_dir",
    "validate_job_id",
]
