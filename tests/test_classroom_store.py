"""The class store: one suite, run against SQLite and against a real Redis server.

Redis runs as its own ``redis-server`` on a free loopback port (nothing written to disk),
stopped by its process id. Without redis-server (or the ``redis`` package) the Redis half is
skipped with a reason; with ``REQUIRE_REDIS=1`` (CI) that is a failure instead.
"""

from __future__ import annotations

import ast
import json
import os
import shutil
import threading
import uuid
from pathlib import Path

import pytest

from classroom import (
    NotTeacher,
    StoreUnavailable,
    UnknownClass,
    normalize_code,
    open_store,
    store_config,
)
from classroom.codes import ALPHABET, CODE_LENGTH, new_code, new_token
from classroom.sqlite_store import SQLiteStore
from classroom.store import MAX_STATE_BYTES

ROOT = Path(__file__).resolve().parent.parent
IDLE_S = 3600.0


def missing_redis() -> str | None:
    try:
        import redis  # noqa: F401
    except ImportError:
        return "the redis package is missing (pip install -r requirements.txt)"
    if not shutil.which("redis-server"):
        return "no redis-server on PATH (apt-get install redis-server)"
    return None


class FakeClock:
    """The stores' clock, moved by hand: expiry is tested without waiting."""

    def __init__(self):
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    why = missing_redis()
    if why:
        if os.environ.get("REQUIRE_REDIS") == "1":
            pytest.fail(f"REQUIRE_REDIS=1 but {why}", pytrace=False)
        pytest.skip(f"Redis store tests skipped: {why}")
    from deploy.school import free_port, start_redis, stop, wait_for_redis

    port = free_port()
    proc = start_redis(port, tmp_path_factory.mktemp("redis"))
    url = f"redis://127.0.0.1:{port}/0"
    try:
        wait_for_redis(url, proc)
        yield url
    finally:
        stop(proc)


@pytest.fixture(params=["sqlite", "redis"])
def make_store(request, tmp_path):
    """Build stores on one backend: each call is another connection to the same classes, as
    another app process (SQLite) or replica (Redis) would have."""
    made = []
    if request.param == "sqlite":
        path = tmp_path / "classes.sqlite3"

        def build(clock=None, idle_s=IDLE_S):
            store = SQLiteStore(path, idle_s=idle_s, clock=clock or FakeClock())
            made.append(store)
            return store
    else:
        from classroom.redis_store import RedisStore

        url = request.getfixturevalue("redis_url")
        prefix = f"test:{uuid.uuid4().hex}:"  # tests never see each other's classes

        def build(clock=None, idle_s=IDLE_S):
            store = RedisStore(url, prefix=prefix, idle_s=idle_s, clock=clock or FakeClock())
            made.append(store)
            return store

    yield build
    for store in made:
        store.close()


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def store(make_store, clock):
    return make_store(clock)


STATE = {
    "page": "self-attention",
    "values": {"s": "我爱你", "lang": "zh", "layer": 2, "tr_temp": 0.7, "pe_dims": [0, 3],
               "flag": True, "none": None},
    "query": {"s": "我爱你", "lang": "中文"},
}


# ------------------------------------------------------------------ codes and tokens


def test_codes_are_short_unambiguous_and_normalized():
    codes = {new_code() for _ in range(200)}
    assert len(codes) > 190  # random, not a counter
    for code in codes:
        assert len(code) == CODE_LENGTH and set(code) <= set(ALPHABET)
        assert normalize_code(code.lower()) == code
        assert normalize_code(f" {code[:3]}-{code[3:]} ") == code
    assert not set("01OIL") & set(ALPHABET)
    for bad in ["", "ABC", "ABCDEFG", "O0O0O0", "<b>x</b>", None, 123456, "ABC DE!"]:
        assert normalize_code(bad) is None, bad


def test_tokens_are_long_and_random():
    tokens = {new_token() for _ in range(50)}
    assert len(tokens) == 50 and min(map(len, tokens)) >= 40


# ------------------------------------------------------------------ the same suite, both stores


def test_a_new_class_reads_empty_until_the_teacher_publishes(store):
    code = store.create_class(new_token())
    assert normalize_code(code) == code
    snap = store.read(code)
    assert snap.state == {} and snap.version == 0


def test_states_round_trip(store):
    token = new_token()
    code = store.create_class(token)
    assert store.publish(code, token, STATE) == 1
    snap = store.read(code)
    assert snap.state == STATE
    assert snap.version == 1
    # Codes are read as typed: any case, a dash between the groups.
    assert store.read(f"{code[:3].lower()}-{code[3:]}").state == STATE


def test_the_version_grows_only_when_the_state_changes(store, clock):
    token = new_token()
    code = store.create_class(token)
    assert store.publish(code, token, STATE) == 1
    clock.now += 10
    assert store.publish(code, token, json.loads(json.dumps(STATE))) == 1  # equal: same version
    assert store.read(code).updated_at == clock.now  # but the class was marked active
    assert store.publish(code, token, {**STATE, "page": "masks"}) == 2
    assert store.publish(code, token, STATE) == 3


def test_unknown_codes_read_as_none_and_refuse_writes(store):
    token = new_token()
    for code in ["ABCDEF", "K7M2QX", "not a code", "", "<script>"]:
        assert store.read(code) is None
        with pytest.raises(UnknownClass):
            store.publish(code, token, STATE)
        with pytest.raises(UnknownClass):
            store.end_class(code, token)


def test_a_wrong_token_cannot_write_the_teachers_state(store):
    teacher = new_token()
    code = store.create_class(teacher)
    store.publish(code, teacher, STATE)
    for student in [new_token(), "", teacher[:-1], teacher + "x"]:
        with pytest.raises(NotTeacher):
            store.publish(code, student, {"page": "masks", "values": {"s": "hacked"}})
        with pytest.raises(NotTeacher):
            store.end_class(code, student)
    snap = store.read(code)
    assert snap.state == STATE and snap.version == 1


def test_one_teachers_token_does_not_open_another_class(store):
    token_a, token_b = new_token(), new_token()
    code_a, code_b = store.create_class(token_a), store.create_class(token_b)
    assert code_a != code_b
    store.publish(code_a, token_a, STATE)
    with pytest.raises(NotTeacher):
        store.publish(code_b, token_a, STATE)
    assert store.read(code_b).state == {}
    assert store.read(code_a).state == STATE


def test_a_class_expires_after_its_idle_time(store, clock):
    token = new_token()
    code = store.create_class(token)
    store.publish(code, token, STATE)
    clock.now += IDLE_S - 1
    assert store.read(code).state == STATE
    store.publish(code, token, STATE)  # the teacher is active: the idle time starts again
    clock.now += IDLE_S - 1
    assert store.read(code).state == STATE
    clock.now += 1
    assert store.read(code) is None
    with pytest.raises(UnknownClass):
        store.publish(code, token, STATE)
    with pytest.raises(UnknownClass):
        store.end_class(code, token)


def test_an_expired_class_is_swept_and_its_code_can_be_used_again(store, clock):
    token = new_token()
    code = store.create_class(token)
    clock.now += IDLE_S
    store.create_class(new_token())  # creating sweeps (SQLite); Redis keys carry a TTL
    assert store.read(code) is None
    assert store._insert(code, new_token(), clock.now)  # a code can be reissued once expired


def test_a_live_code_is_never_handed_out_twice(store, clock):
    code = store.create_class(new_token())
    assert not store._insert(code, new_token(), clock.now)


def test_ending_a_class_forgets_it(store):
    token = new_token()
    code = store.create_class(token)
    store.publish(code, token, STATE)
    store.end_class(code, token)
    assert store.read(code) is None
    with pytest.raises(UnknownClass):
        store.publish(code, token, STATE)


def test_bad_states_are_refused_and_leave_the_class_as_it_was(store):
    token = new_token()
    code = store.create_class(token)
    store.publish(code, token, STATE)
    with pytest.raises(TypeError):
        store.publish(code, token, ["not", "a", "dict"])
    with pytest.raises(ValueError):
        store.publish(code, token, {"values": {"x": float("nan")}})
    with pytest.raises(ValueError):
        store.publish(code, token, {"s": "x" * (MAX_STATE_BYTES + 1)})
    assert store.read(code).state == STATE


def test_the_store_keeps_a_digest_never_the_token(store, make_store, tmp_path):
    token = new_token()
    code = store.create_class(token)
    store.publish(code, token, STATE)
    if hasattr(store, "path"):
        raw = b"".join(p.read_bytes() for p in store.path.parent.iterdir() if p.is_file())
        assert code.encode() in raw  # the dump did see the class
        assert token.encode() not in raw
    else:
        raw = store._redis.hgetall(store._key(code))
        assert raw["state"] and token not in json.dumps(raw)


def test_concurrent_publishes_are_never_lost_or_mixed(make_store, clock):
    """Four writers (two connections each, as two processes or replicas would have) publish
    distinct states while a reader polls: every change counts once, and every read is a whole
    state that some writer published."""
    teacher = make_store(clock)
    token = new_token()
    code = teacher.create_class(token)
    writers, per_writer = 4, 40
    stores = [make_store(clock) for _ in range(2)]
    published = {json.dumps({"page": "p", "values": {"w": w, "n": n}}, sort_keys=True)
                 for w in range(writers) for n in range(per_writer)}
    errors, reads = [], []
    done = threading.Event()

    def write(w):
        try:
            for n in range(per_writer):
                stores[w % 2].publish(code, token, {"page": "p", "values": {"w": w, "n": n}})
        except Exception as err:  # noqa: BLE001 (reported below)
            errors.append(err)

    def read():
        while not done.is_set():
            snap = stores[1].read(code)
            reads.append((snap.version, json.dumps(snap.state, sort_keys=True)))

    reader = threading.Thread(target=read)
    threads = [threading.Thread(target=write, args=(w,)) for w in range(writers)]
    reader.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    done.set()
    reader.join()
    assert not errors, errors
    # Every publish changed the state, so every one bumped the version exactly once.
    assert teacher.read(code).version == writers * per_writer
    assert json.dumps(teacher.read(code).state, sort_keys=True) in published
    assert reads, "the reader never ran"
    for version, state in reads:
        assert state in published or (version == 0 and state == "{}")
    versions = [version for version, _ in reads]
    assert versions == sorted(versions)  # a reader never goes back in time


# ------------------------------------------------------------------ backend specifics


def test_sqlite_uses_write_ahead_logging(tmp_path):
    store = SQLiteStore(tmp_path / "c.sqlite3")
    try:
        assert store._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        store.close()


def test_an_sqlite_file_that_cannot_be_made_is_reported(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(StoreUnavailable):
        SQLiteStore(blocker / "classes.sqlite3")


def test_an_unreachable_redis_is_reported_not_raised_raw():
    pytest.importorskip("redis")
    from classroom.redis_store import RedisStore
    from deploy.school import free_port

    store = RedisStore(f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there
    try:
        with pytest.raises(StoreUnavailable):
            store.read("ABCDEF")
        with pytest.raises(StoreUnavailable):
            store.create_class(new_token())
    finally:
        store.close()


def test_the_environment_chooses_the_store(tmp_path):
    db = tmp_path / "x.sqlite3"
    assert store_config({"EXPLAINER_CLASS_DB": str(db)}) == ("sqlite", str(db), 4 * 3600.0)
    assert store_config({"EXPLAINER_CLASS_DB": str(db), "REDIS_URL": "redis://h:1/0",
                         "EXPLAINER_CLASS_IDLE_HOURS": "0.5"}) == ("redis", "redis://h:1/0",
                                                                   1800.0)
    assert store_config({})[0] == "sqlite"
    for bad in ["-1", "soon", "nan"]:
        with pytest.raises(ValueError):
            store_config({"EXPLAINER_CLASS_IDLE_HOURS": bad})
    store = open_store(store_config({"EXPLAINER_CLASS_DB": str(db)}))
    try:
        assert isinstance(store, SQLiteStore) and db.exists()
    finally:
        store.close()


def test_classroom_knows_nothing_of_streamlit_or_the_model():
    banned = {"streamlit", "torch", "ui", "explainer", "models", "app_pages"}
    for path in sorted((ROOT / "classroom").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                     [node.module] if isinstance(node, ast.ImportFrom) and node.module else [])
            for name in names:
                assert name.split(".")[0] not in banned, (path.name, name)
