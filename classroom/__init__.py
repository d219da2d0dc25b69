"""Shared state for a class that follows its teacher. No Streamlit here (ui/classroom.py is
the app's side), so the store is tested on its own and used from any process.

``open_store()`` picks the store from the environment:

- ``REDIS_URL`` set: Redis, shared by several app servers (deploy/);
- otherwise SQLite in ``EXPLAINER_CLASS_DB`` (default: a file in the system's temp folder,
  shared by app processes on this machine);
- ``EXPLAINER_CLASS_IDLE_HOURS`` (default 4): a class expires after this long without the
  teacher changing anything.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from classroom.codes import normalize_code
from classroom.store import (
    DEFAULT_IDLE_S,
    ClassError,
    ClassStore,
    NotTeacher,
    Snapshot,
    StoreUnavailable,
    UnknownClass,
)

DEFAULT_DB = Path(tempfile.gettempdir()) / "transformer-explainer-classes.sqlite3"

__all__ = [
    "ClassError", "ClassStore", "NotTeacher", "Snapshot", "StoreUnavailable", "UnknownClass",
    "normalize_code", "open_store", "store_config",
]


def store_config(env: Mapping[str, str] | None = None) -> tuple[str, str, float]:
    """``(kind, where, idle_s)`` from the environment: ``("redis", url, …)`` or
    ``("sqlite", path, …)``. A plain tuple, so the app can cache one store per setting.

    Raises:
        ValueError: ``EXPLAINER_CLASS_IDLE_HOURS`` is not a number >= 0.
    """
    env = os.environ if env is None else env
    hours = env.get("EXPLAINER_CLASS_IDLE_HOURS", "").strip()
    idle_s = float(hours) * 3600.0 if hours else DEFAULT_IDLE_S
    if not idle_s >= 0:  # also refuses NaN
        raise ValueError(f"EXPLAINER_CLASS_IDLE_HOURS must be a number >= 0, not {hours!r}")
    url = env.get("REDIS_URL", "").strip()
    if url:
        return "redis", url, idle_s
    return "sqlite", env.get("EXPLAINER_CLASS_DB", "").strip() or str(DEFAULT_DB), idle_s


def open_store(config: tuple[str, str, float] | None = None) -> ClassStore:
    """The store that ``config`` (default: ``store_config()``) names."""
    kind, where, idle_s = config or store_config()
    if kind == "redis":
        from classroom.redis_store import RedisStore

        return RedisStore(where, idle_s=idle_s)
    from classroom.sqlite_store import SQLiteStore

    return SQLiteStore(where, idle_s=idle_s)
