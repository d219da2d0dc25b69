"""The "Train a model yourself" page under AppTest, with tests/fake_trainer.py standing in for
the training command (same contract, no torch, seconds instead of minutes). The fake's live
snapshots and final model are copies of the shipped checkpoint, so what the page shows can be
checked against that model's own translation."""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from jobs import runner
from jobs.store import JobStore
from models.checkpoint import default_checkpoint
from tests.figspec import array
from ui.state import MODEL

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
PAGE = "app_pages/train_live.py"
FAKE = ROOT / "tests" / "fake_trainer.py"


@pytest.fixture()
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("EXPLAINER_RUNS_DIR", str(tmp_path / "runs"))
    monkeypatch.setenv("EXPLAINER_TRAINER", f"{sys.executable} {FAKE}")
    monkeypatch.setenv("EXPLAINER_TRAIN_LIVE_S", "0.3")
    monkeypatch.setenv("FAKE_TRAINER_SECONDS", "30")
    monkeypatch.setenv("FAKE_TRAINER_MODEL", str(default_checkpoint()))
    monkeypatch.delenv("FAKE_TRAINER_MODE", raising=False)
    monkeypatch.delenv("EXPLAINER_TRAIN_SLOTS", raising=False)
    jobs = JobStore()
    yield jobs
    for job in jobs.jobs(("running",)):
        if job.pid:
            try:
                os.killpg(job.pid, signal.SIGKILL)
            except OSError:
                pass
    runner.tick(jobs)


def open_page(**params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def poll(at: AppTest, until, timeout: float = 30.0) -> AppTest:
    """Rerun the page (as its polling fragment would) until ``until(at)`` holds."""
    deadline = time.monotonic() + timeout
    while not until(at):
        assert time.monotonic() < deadline, "the page never showed what was awaited"
        time.sleep(0.3)
        at.run()
        assert not at.exception, [e.message for e in at.exception]
    return at


def chart(at: AppTest, key: str) -> dict | None:
    import json

    for element in at.get("plotly_chart"):
        if element.proto.id.endswith(f"-{key}"):
            return json.loads(element.proto.spec)
    return None


def texts(at: AppTest, kind: str) -> str:
    return "\n".join(str(e.value) for e in getattr(at, kind))


def job_id(at: AppTest) -> str:
    value = at.query_params.get("job")
    return value[0] if isinstance(value, list) else value


def start(at: AppTest) -> AppTest:
    at.button(key="job_start").click().run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_start_queues_a_job_and_names_it_in_the_url(store):
    at = start(open_page())
    job = store.get(job_id(at))
    assert job.state in ("running", "done")
    assert job.owner  # this session's token, not in the URL
    assert job.owner not in str(dict(at.query_params))


def test_a_watcher_sees_progress_loss_translation_and_cross_attention(store):
    from ui.loaders import trace_cached

    job = runner.submit("the-teacher", store)
    at = open_page(job=job.id, s="我爱你")
    at = poll(at, lambda at: chart(at, "job_cross_live") is not None)
    curve = chart(at, "job_curve_live")
    assert curve is not None and len(curve["data"][0]["x"]) >= 1
    # The snapshot is a copy of the shipped model: the page shows that model's translation and
    # its cross-attention, one row per written token and one column per source token.
    expected = trace_cached("trained", "我爱你", None)
    assert f"→ {expected.translation}" in texts(at, "markdown")
    z = array(chart(at, "job_cross_live")["data"][0]["z"])
    assert z.shape == (len(expected.output_tokens), len(expected.src_tokens))
    assert len(at.get("progress")) == 1
    # A watcher cannot stop someone else's run.
    assert not [b for b in at.button if b.key == "job_stop"]
    assert "only the session that started it" in texts(at, "caption")


def test_the_owner_stops_the_run_from_the_page(store):
    at = start(open_page())
    at = poll(at, lambda at: [b for b in at.button if b.key == "job_stop"])
    at.button(key="job_stop").click().run()
    job = store.get(job_id(at))
    assert job.stop_requested is not None
    poll(at, lambda at: "This run was stopped" in texts(at, "info"))
    assert store.get(job.id).state == "stopped"
    assert not Path(f"/proc/{job.pid}").exists() or "Z" in Path(
        f"/proc/{job.pid}/stat").read_text().rsplit(")", 1)[1].split()[0]


def test_a_crashed_worker_is_reported_and_the_app_keeps_working(store, monkeypatch):
    monkeypatch.setenv("FAKE_TRAINER_MODE", "crash")
    monkeypatch.setenv("FAKE_TRAINER_SECONDS", "0.6")
    at = start(open_page())
    poll(at, lambda at: "failed" in texts(at, "error"))
    assert "crashing on purpose" in texts(at, "error")
    at.switch_page("app_pages/translation.py").run()
    assert not at.exception and at.get("plotly_chart")


def test_a_finished_run_is_my_model_on_every_page(store, monkeypatch):
    monkeypatch.setenv("FAKE_TRAINER_SECONDS", "0.5")
    at = start(open_page())
    name = f"job-{job_id(at)}"
    at = poll(at, lambda at: [b for b in at.button if b.key == "job_use"])
    assert chart(at, "job_cross_final") is not None
    at.button(key="job_use").click().run()
    assert not at.exception, [e.message for e in at.exception]
    # The same session, now on the translation page, with the job's model in the sidebar.
    assert at.session_state[MODEL] == name
    assert at.get("plotly_chart")
    assert at.selectbox(key=MODEL).options[0] == "trained"  # the shipped model stays first
    # A link with ?model=job-<id> opens it in a fresh session too.
    other = AppTest.from_file(APP, default_timeout=120)
    other.query_params["model"] = name
    other.run()
    other.switch_page("app_pages/translation.py").run()
    assert not other.exception, [e.message for e in other.exception]
    assert other.session_state[MODEL] == name


@pytest.mark.parametrize("bad,says", [("../../etc", "not a job id"),
                                      ("abcdef0123456789", "no job")])
def test_a_bad_job_link_says_so_and_offers_a_new_run(store, bad, says):
    at = open_page(job=bad)
    assert says in texts(at, "error")
    assert [b for b in at.button if b.key == "job_start"]


def test_a_queued_run_shows_its_position(store):
    runner.submit("the-teacher", store)
    at = start(open_page())
    assert "number 1 in the queue" in texts(at, "info")


def test_back_from_another_page_the_session_sees_its_run_again(store):
    at = start(open_page())
    job = job_id(at)
    at.switch_page("app_pages/translation.py").run()
    at.query_params.pop("job", None)  # page navigation drops ?job=
    at.switch_page(PAGE).run()
    assert not at.exception
    assert job_id(at) == job
    assert f"Run {job}" in texts(at, "caption")


def test_train_one_more_from_the_lab_queues_that_configuration_and_shows_it(store):
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    at.switch_page("app_pages/hyperparameters.py").run()
    assert not at.exception, [e.message for e in at.exception]
    at.selectbox(key="lab_more_heads").set_value(1)
    at.selectbox(key="lab_more_d_model").set_value(32)
    (submit,) = [b for b in at.button if b.key.startswith("FormSubmitter:lab_one_more")]
    submit.click().run()
    assert not at.exception, [e.message for e in at.exception]
    (job,) = store.jobs(("queued", "running", "done"))
    assert at.query_params["job"] in (job.id, [job.id])  # now on the live-training page
    settings = json.loads((Path(job.folder) / runner.SETTINGS_FILE).read_text())
    assert settings["heads"] == 1 and settings["d_model"] == 32
