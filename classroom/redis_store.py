"""The class store for several app servers: Redis (``REDIS_URL``), shared by every replica.

Each class is one hash, ``<prefix><code>``. Publishing checks the token, compares the state and
bumps the version in one Lua script, which Redis runs atomically, so concurrent publishes from
different replicas never interleave. Keys carry a TTL of the idle time, so Redis drops an
abandoned class by itself; the expiry rule that readers see is the same as SQLite's (the
store's clock against ``updated_at``), so one test suite holds for both.
"""

from __future__ import annotations

import math

from classroom.codes import token_digest
from classroom.store import (
    ClassStore,
    NotTeacher,
    Snapshot,
    StoreUnavailable,
    UnknownClass,
    decode_state,
)

DEFAULT_PREFIX = "explainer:class:"
TTL_MARGIN_MS = 5_000  # the TTL only cleans up; readers decide expiry by updated_at
UNKNOWN, WRONG_TOKEN = -1, -2

# KEYS[1] class key; ARGV: token digest, state json, now, idle_s, ttl_ms
_CREATE = """
local updated = redis.call('HGET', KEYS[1], 'updated_at')
if updated and tonumber(ARGV[3]) - tonumber(updated) < tonumber(ARGV[4]) then return 0 end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'token', ARGV[1], 'state', ARGV[2], 'version', 0,
           'created_at', ARGV[3], 'updated_at', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 1
"""

# ARGV: token digest, state json, now, idle_s, ttl_ms
_PUBLISH = """
local row = redis.call('HMGET', KEYS[1], 'token', 'state', 'version', 'updated_at')
if not row[1] or tonumber(ARGV[3]) - tonumber(row[4]) >= tonumber(ARGV[4]) then return -1 end
if row[1] ~= ARGV[1] then return -2 end
local version = tonumber(row[3])
if row[2] ~= ARGV[2] then
  version = version + 1
  redis.call('HSET', KEYS[1], 'state', ARGV[2], 'version', version)
end
redis.call('HSET', KEYS[1], 'updated_at', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return version
"""

# ARGV: token digest, now, idle_s
_END = """
local row = redis.call('HMGET', KEYS[1], 'token', 'updated_at')
if not row[1] or tonumber(ARGV[2]) - tonumber(row[2]) >= tonumber(ARGV[3]) then return -1 end
if row[1] ~= ARGV[1] then return -2 end
redis.call('DEL', KEYS[1])
return 0
"""


class RedisStore(ClassStore):
    """Class state in the Redis server at ``url`` (``redis://host:port/db``)."""

    def __init__(self, url: str, prefix: str = DEFAULT_PREFIX, **kwargs):
        super().__init__(**kwargs)
        import redis  # only a Redis deployment needs the client

        self._errors = (redis.RedisError, OSError)
        self.prefix = prefix
        # The client's connection pool is thread-safe: one client serves every session.
        self._redis = redis.Redis.from_url(url, decode_responses=True, socket_timeout=5,
                                           socket_connect_timeout=5, health_check_interval=30)
        self._create = self._redis.register_script(_CREATE)
        self._publish_script = self._redis.register_script(_PUBLISH)
        self._end_script = self._redis.register_script(_END)

    def _key(self, code: str) -> str:
        return self.prefix + code

    def _ttl_ms(self) -> int:
        return int(math.ceil(self.idle_s * 1000)) + TTL_MARGIN_MS

    def _run(self, script, code, *args):
        try:
            return int(script(keys=[self._key(code)], args=list(args)))
        except self._errors as err:
            raise StoreUnavailable(f"Redis: {err}") from err

    @staticmethod
    def _check(result: int, code: str) -> int:
        if result == UNKNOWN:
            raise UnknownClass(code)
        if result == WRONG_TOKEN:
            raise NotTeacher(code)
        return result

    def _insert(self, code, teacher_token, now):
        return self._run(self._create, code, token_digest(teacher_token), "{}", repr(now),
                         repr(self.idle_s), self._ttl_ms()) == 1

    def _publish(self, code, teacher_token, state_json, now):
        return self._check(self._run(self._publish_script, code, token_digest(teacher_token or ""),
                                     state_json, repr(now), repr(self.idle_s), self._ttl_ms()),
                           code)

    def _read(self, code, now):
        try:
            state, version, updated = self._redis.hmget(self._key(code), "state", "version",
                                                        "updated_at")
        except self._errors as err:
            raise StoreUnavailable(f"Redis: {err}") from err
        if state is None or self.expired(float(updated), now):
            return None
        return Snapshot(decode_state(state), int(version), float(updated))

    def _end(self, code, teacher_token, now):
        self._check(self._run(self._end_script, code, token_digest(teacher_token or ""),
                              repr(now), repr(self.idle_s)), code)

    def purge_expired(self) -> int:
        return 0  # every key carries its own TTL

    def close(self) -> None:
        self._redis.close()
