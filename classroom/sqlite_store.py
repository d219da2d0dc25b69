"""The default class store: one SQLite file, nothing to install.

Several app processes on one machine may share the file. Write-ahead logging lets students read
while the teacher writes; every write is one short ``BEGIN IMMEDIATE`` transaction, so two
writers queue (``busy_timeout``) instead of failing or interleaving. One connection per process
is shared by the sessions' threads under a lock: each statement takes microseconds.
"""

from __future__ import annotations

import hmac
import sqlite3
import threading
from pathlib import Path

from classroom.codes import token_digest
from classroom.store import (
    ClassStore,
    NotTeacher,
    Snapshot,
    StoreUnavailable,
    UnknownClass,
    decode_state,
)

BUSY_TIMEOUT_S = 10.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS classes (
    code TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL,
    state TEXT NOT NULL,
    version INTEGER NOT NULL,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL
)
"""


class SQLiteStore(ClassStore):
    """Class state in the SQLite file at ``path`` (created with its folder if missing)."""

    def __init__(self, path: str | Path, **kwargs):
        super().__init__(**kwargs)
        self.path = Path(path)
        self._lock = threading.Lock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # isolation_level=None: no implicit transactions; each write opens its own below.
            self._db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None,
                                       check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            # WAL + NORMAL never corrupts the file; a power cut may lose the last publish.
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute(_SCHEMA)
        except (sqlite3.Error, OSError) as err:
            raise StoreUnavailable(f"cannot open {self.path}: {err}") from err

    def _write(self, work):
        """Run ``work(db)`` in one immediate transaction (the write lock is taken up front, so
        a read-then-write cannot race another process's write)."""
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    result = work(self._db)
                except BaseException:
                    self._db.execute("ROLLBACK")
                    raise
                self._db.execute("COMMIT")
                return result
            except sqlite3.Error as err:
                raise StoreUnavailable(f"{self.path}: {err}") from err

    def _insert(self, code, teacher_token, now):
        def work(db):
            row = db.execute("SELECT updated_at FROM classes WHERE code = ?", (code,)).fetchone()
            if row is not None and not self.expired(row[0], now):
                return False
            db.execute(
                "INSERT OR REPLACE INTO classes VALUES (?, ?, '{}', 0, ?, ?)",
                (code, token_digest(teacher_token), now, now),
            )
            return True

        return self._write(work)

    def _owned_row(self, db, code, teacher_token, now):
        row = db.execute("SELECT token_hash, state, version, updated_at FROM classes "
                         "WHERE code = ?", (code,)).fetchone()
        if row is None or self.expired(row[3], now):
            raise UnknownClass(code)
        if not hmac.compare_digest(row[0], token_digest(teacher_token or "")):
            raise NotTeacher(code)
        return row

    def _publish(self, code, teacher_token, state_json, now):
        def work(db):
            _, old_state, version, _ = self._owned_row(db, code, teacher_token, now)
            if state_json != old_state:
                version += 1
            db.execute("UPDATE classes SET state = ?, version = ?, updated_at = ? "
                       "WHERE code = ?", (state_json, version, now, code))
            return version

        return self._write(work)

    def _read(self, code, now):
        with self._lock:
            try:
                row = self._db.execute("SELECT state, version, updated_at FROM classes "
                                       "WHERE code = ?", (code,)).fetchone()
            except sqlite3.Error as err:
                raise StoreUnavailable(f"{self.path}: {err}") from err
        if row is None or self.expired(row[2], now):
            return None
        return Snapshot(decode_state(row[0]), int(row[1]), float(row[2]))

    def _end(self, code, teacher_token, now):
        def work(db):
            self._owned_row(db, code, teacher_token, now)
            db.execute("DELETE FROM classes WHERE code = ?", (code,))

        self._write(work)

    def purge_expired(self) -> int:
        now = self.clock()
        return self._write(lambda db: db.execute(
            "DELETE FROM classes WHERE ? - updated_at >= ?", (now, self.idle_s)).rowcount)

    def close(self) -> None:
        with self._lock:
            self._db.close()
