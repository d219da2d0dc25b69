"""Beyond one server: two replicas of the app behind nginx (deploy/), sharing one Redis.

Started here as a school would run them (deploy/school.py's nginx configuration, Debian's
nginx, a private redis-server), each on a free loopback port and stopped by its process id.
Twenty browser sessions load the app through nginx, four at a time; a teacher on one replica
leads a student on the other. Load times and follow latency go to
tests/artifacts/replicas.json for README (no absolute time is asserted).
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import time
import urllib.request

import pytest

from deploy.school import (
    COOKIE,
    free_port,
    replica_env,
    start_nginx,
    start_redis,
    stop,
    wait_for_http,
    wait_for_redis,
    write_nginx_conf,
)

from .driver import (
    ARTIFACTS,
    CHART,
    DRAWN,
    VIEWPORT,
    Server,
    exceptions,
    quiet_env,
    settle,
    tick_labels,
    type_sentence,
)
from .test_follow_browser import SHOWS_SENTENCE, follow_ms, sentence_box, start_class

pytestmark = pytest.mark.browser

SESSIONS = 20
AT_ONCE = 4  # tabs loading side by side: enough to overlap, light enough for two cores
UPSTREAM = "x-explainer-upstream"  # added by the test configuration only (debug_headers)
RESULTS = ARTIFACTS / "replicas.json"


def missing_tools() -> str | None:
    for tool in ("nginx", "redis-server"):
        if not shutil.which(tool) and not os.path.exists(f"/usr/sbin/{tool}"):
            return f"no {tool} (apt-get install nginx redis-server)"
    try:
        import redis  # noqa: F401
    except ImportError:
        return "the redis package is missing (pip install -r requirements.txt)"
    return None


class Deployment:
    def __init__(self, url, replicas):
        self.url = url
        self.replicas = replicas  # "127.0.0.1:port" -> Server

    def upstream_for(self, key: str) -> str:
        """The replica nginx sends a browser holding sticky ``key`` to."""
        request = urllib.request.Request(f"{self.url}/_stcore/health",
                                         headers={"Cookie": f"{COOKIE}={key}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.headers[UPSTREAM]


@pytest.fixture(scope="module")
def deployment(browser_ready, tmp_path_factory):
    why = missing_tools()
    if why:
        if "1" in (os.environ.get("REQUIRE_BROWSER"), os.environ.get("REQUIRE_REDIS")):
            pytest.fail(f"REQUIRE_BROWSER=1 but {why}", pytrace=False)
        pytest.skip(f"replica tests skipped: {why}")
    work = tmp_path_factory.mktemp("school")
    redis_port = free_port()
    redis_proc = start_redis(redis_port, work / "redis")
    redis_url = f"redis://127.0.0.1:{redis_port}/0"
    replicas, nginx = [], None
    try:
        wait_for_redis(redis_url, redis_proc)
        env = replica_env(redis_url, quiet_env())
        replicas = [Server(ARTIFACTS / f"replica_{i}.log", env=env) for i in range(2)]
        for server in replicas:
            server.wait_healthy()
        listen = free_port()
        conf = write_nginx_conf(work, f"127.0.0.1:{listen}",
                                [f"127.0.0.1:{s.port}" for s in replicas], debug_headers=True)
        nginx = start_nginx(conf, work)
        url = f"http://127.0.0.1:{listen}"
        wait_for_http(f"{url}/_stcore/health", nginx)
        yield Deployment(url, {f"127.0.0.1:{s.port}": s for s in replicas})
    finally:
        stop(nginx)
        for server in replicas:
            server.stop()
        stop(redis_proc)


@pytest.fixture(scope="module")
def results():
    found: dict = {}
    yield found
    if found:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(found, indent=2) + "\n")
        print("\nreplicas:", json.dumps(found))


def test_twenty_sessions_through_nginx_stick_to_a_replica_and_use_both(
        deployment, browser, results):
    served, load_s = [], []
    for start in range(0, SESSIONS, AT_ONCE):
        batch = []
        for _ in range(min(AT_ONCE, SESSIONS - start)):
            context = browser.new_context(viewport=dict(VIEWPORT), locale="en-US")
            tab = context.new_page()
            tab.set_default_timeout(120_000)
            batch.append((context, tab, time.monotonic(), tab.goto(deployment.url,
                                                                  wait_until="commit")))
        for context, tab, began, response in batch:
            settle(tab)
            load_s.append(time.monotonic() - began)
            assert not exceptions(tab), exceptions(tab)
            assert tab.locator(CHART).count() and tab.locator(DRAWN).count() >= tab.locator(
                CHART).count()
            upstream = response.headers[UPSTREAM]
            # Sticky: the cookie nginx handed this browser leads back to the same replica,
            # so its WebSocket (/_stcore/stream) and every later request land there too.
            key = next(c["value"] for c in context.cookies() if c["name"] == COOKIE)
            assert deployment.upstream_for(key) == upstream
            served.append(upstream)
            context.close()
    assert len(served) == SESSIONS
    assert set(served) == set(deployment.replicas), served  # both replicas took sessions
    results["sessions"] = {
        "n": SESSIONS, "at_once": AT_ONCE,
        "per_replica": {r: served.count(r) for r in deployment.replicas},
        "load_median_s": round(statistics.median(load_s), 2),
        "load_max_s": round(max(load_s), 2),
        "replica_peak_rss_gb": [round(s.rss_bytes() / 1e9, 2) for s in
                                deployment.replicas.values() if s.rss_bytes()],
    }


def keys_for_each_replica(deployment) -> dict[str, str]:
    """A sticky key that nginx maps to each replica (found by asking nginx)."""
    keys: dict[str, str] = {}
    for i in range(200):
        keys.setdefault(deployment.upstream_for(f"probe-{i}"), f"probe-{i}")
        if len(keys) == len(deployment.replicas):
            return keys
    raise AssertionError(f"nginx sent 200 keys to {sorted(keys)} only")


def test_a_teacher_on_one_replica_leads_a_student_on_the_other(deployment, browser, results):
    keys = keys_for_each_replica(deployment)
    teacher_replica, student_replica = sorted(keys)
    tabs = {}
    for role, replica in (("teacher", teacher_replica), ("student", student_replica)):
        context = browser.new_context(viewport=dict(VIEWPORT), locale="en-US")
        context.add_cookies([{"name": COOKIE, "value": keys[replica], "url": deployment.url}])
        tabs[role] = context.new_page()
        tabs[role].set_default_timeout(120_000)
    teacher, student = tabs["teacher"], tabs["student"]
    try:
        link = start_class(teacher, deployment, "en")
        assert link.startswith(deployment.url)  # the link names nginx, not a replica
        response = student.goto(link)
        assert response.headers[UPSTREAM] == student_replica != teacher_replica
        settle(student)
        assert sentence_box(student).is_disabled()

        latency = []
        for sentence in ["我爱你", "John saw John", "Do you like tea?", "他不喜欢茶"]:
            latency.append(follow_ms(student, SHOWS_SENTENCE, sentence,
                                     lambda s=sentence: type_sentence(teacher, s)))
            settle(teacher)
            settle(student)
            assert tick_labels(student) == tick_labels(teacher)
        assert not exceptions(student), exceptions(student)
        results["follow_across_replicas_ms"] = {
            "n": len(latency), "median": round(statistics.median(latency)),
            "max": round(max(latency)), "all": [round(x) for x in latency],
        }
    finally:
        for tab in tabs.values():
            tab.context.close()
