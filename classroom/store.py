"""The one small interface for state shared by a class: what the teacher shows, read by students.

A class is a row (SQLite) or a hash (Redis) under its code: the digest of the teacher's token,
the state the teacher last published (a JSON object), a version that grows by one whenever that
state changes, and the time of the teacher's last publish. A class that has not been published
to for ``idle_s`` seconds has expired: it reads as unknown, and publishing to it is refused.

Every implementation is tested by the same suite (tests/test_classroom_store.py).
"""

from __future__ import annotations

import json
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass

from classroom.codes import new_code, normalize_code

DEFAULT_IDLE_S = 4 * 3600.0  # longer than a lesson; a class left behind goes away by itself
MAX_STATE_BYTES = 64 * 1024  # a page, a sentence and a few selections take well under 2 KB
CREATE_ATTEMPTS = 8  # a fresh random code collides with a live one about never


class ClassError(Exception):
    """Base of the errors a store raises about a class."""


class UnknownClass(ClassError):
    """No class has this code: it never existed, it was ended, or it expired."""


class NotTeacher(ClassError):
    """The token given is not the token of this class's teacher."""


class StoreUnavailable(ClassError):
    """The store itself cannot be reached (e.g. Redis is down)."""


@dataclass(frozen=True)
class Snapshot:
    """What a student reads: the teacher's last state and its version."""

    state: dict
    version: int  # 0 until the teacher first publishes; +1 on every change of state
    updated_at: float  # the store's clock at the teacher's last publish


def encode_state(state: dict) -> str:
    """The canonical JSON text of a state (sorted keys), so equal states compare equal as text.

    Raises:
        TypeError: ``state`` is not a dict of JSON values.
        ValueError: it encodes to more than ``MAX_STATE_BYTES``.
    """
    if not isinstance(state, dict):
        raise TypeError(f"a class state is a dict, not {type(state).__name__}")
    text = json.dumps(state, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      allow_nan=False)
    if len(text.encode("utf-8")) > MAX_STATE_BYTES:
        raise ValueError(f"a class state may take at most {MAX_STATE_BYTES} bytes as JSON")
    return text


def decode_state(text: str) -> dict:
    value = json.loads(text)
    return value if isinstance(value, dict) else {}


def require_code(code: str) -> str:
    """``code`` normalized, or UnknownClass when it cannot be a code at all."""
    normal = normalize_code(code)
    if normal is None:
        raise UnknownClass("not a class code")
    return normal


class ClassStore(ABC):
    """Shared class state. Safe to use from many threads and processes at once.

    Args:
        idle_s: seconds without a publish after which a class expires.
        clock: seconds as a float, ``time.time`` by default (tests pass a fake clock).
    """

    def __init__(self, idle_s: float = DEFAULT_IDLE_S, clock: Callable[[], float] = time.time):
        if idle_s < 0:
            raise ValueError("idle_s must be >= 0")
        self.idle_s = float(idle_s)
        self.clock = clock

    def expired(self, updated_at: float, now: float) -> bool:
        return now - updated_at >= self.idle_s

    def create_class(self, teacher_token: str) -> str:
        """Open a class led by the holder of ``teacher_token``; return its new code."""
        if not teacher_token:
            raise ValueError("a class needs a teacher token")
        self.purge_expired()  # opening classes is rare: a good moment to sweep old ones
        for _ in range(CREATE_ATTEMPTS):
            code = new_code()
            if self._insert(code, teacher_token, self.clock()):
                return code
        raise ClassError("no free class code found")  # pragma: no cover (about never)

    def publish(self, code: str, teacher_token: str, state: dict) -> int:
        """Store what the teacher shows now; return the class's version.

        Publishing the state already stored keeps the version and only marks the class as
        active (it resets the idle timer).

        Raises:
            UnknownClass: no live class has this code.
            NotTeacher: ``teacher_token`` is not this class's token.
        """
        return self._publish(require_code(code), teacher_token, encode_state(state),
                             self.clock())

    def read(self, code: str) -> Snapshot | None:
        """The teacher's last state, or None when no live class has this code."""
        normal = normalize_code(code)
        if normal is None:
            return None
        return self._read(normal, self.clock())

    def end_class(self, code: str, teacher_token: str) -> None:
        """Close the class now (the teacher's "end the class").

        Raises:
            UnknownClass: no live class has this code.
            NotTeacher: ``teacher_token`` is not this class's token.
        """
        self._end(require_code(code), teacher_token, self.clock())

    @abstractmethod
    def _insert(self, code: str, teacher_token: str, now: float) -> bool:
        """Create the class unless a live one holds ``code``; True when created."""

    @abstractmethod
    def _publish(self, code: str, teacher_token: str, state_json: str, now: float) -> int: ...

    @abstractmethod
    def _read(self, code: str, now: float) -> Snapshot | None: ...

    @abstractmethod
    def _end(self, code: str, teacher_token: str, now: float) -> None: ...

    @abstractmethod
    def purge_expired(self) -> int:
        """Delete expired classes; return how many went (Redis lets keys expire by itself)."""

    @abstractmethod
    def close(self) -> None:
        """Release connections."""
