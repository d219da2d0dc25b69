"""Training jobs: the queue admits at most the configured slots, stop works, a dead worker is
reported, finished jobs are cleaned up, and a job id is never a path. Uses tests/fake_trainer.py
(the training command's contract without torch), so no test trains for real."""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from pathlib import Path

import pytest

from jobs import runner
from jobs.store import JobError, JobStore, job_model_folder
from models.checkpoint import default_checkpoint

FAKE = Path(__file__).resolve().parent / "fake_trainer.py"


@pytest.fixture()
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("EXPLAINER_RUNS_DIR", str(tmp_path / "runs"))
    monkeypatch.setenv("EXPLAINER_TRAINER", f"{sys.executable} {FAKE}")
    monkeypatch.setenv("EXPLAINER_TRAIN_LIVE_S", "0.3")
    monkeypatch.setenv("FAKE_TRAINER_SECONDS", "30")
    for name in ("EXPLAINER_TRAIN_SLOTS", "EXPLAINER_JOBS_KEEP", "EXPLAINER_JOBS_TTL_S",
                 "FAKE_TRAINER_MODE", "FAKE_TRAINER_MODEL", "FAKE_TRAINER_IGNORE_CAP"):
        monkeypatch.delenv(name, raising=False)
    jobs = JobStore()
    yield jobs
    for job in jobs.jobs(("running",)):  # never leave a worker behind
        if job.pid:
            try:
                os.killpg(job.pid, signal.SIGKILL)
            except OSError:
                pass
    runner.tick(jobs)


def wait_for(store, job_id, states, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        runner.tick(store)
        job = store.get(job_id)
        if job.state in states:
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} stayed {store.get(job_id).state}, wanted {states}")


def pid_alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


@pytest.mark.parametrize("slots", [1, 2])
def test_queue_admits_at_most_the_configured_slots(store, monkeypatch, slots):
    monkeypatch.setenv("EXPLAINER_TRAIN_SLOTS", str(slots))
    ids = [runner.submit(f"session-{i}", store).id for i in range(4)]
    runner.tick(store)
    jobs = [store.get(job_id) for job_id in ids]
    assert [job.state for job in jobs] == ["running"] * slots + ["queued"] * (4 - slots)
    # Positions count from 1 for the next job to start, in the order they came.
    assert [job.position for job in jobs[slots:]] == list(range(1, 5 - slots))
    assert all(pid_alive(job.pid) for job in jobs[:slots])


def test_threads_submitting_at_once_never_exceed_the_slots(store):
    barrier = threading.Barrier(6)

    def go(i):
        barrier.wait()
        runner.submit(f"session-{i}", store)

    threads = [threading.Thread(target=go, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    states = [job.state for job in store.jobs()]
    assert sorted(states) == ["queued"] * 5 + ["running"]


def test_next_job_starts_when_the_running_one_ends(store, monkeypatch):
    monkeypatch.setenv("FAKE_TRAINER_SECONDS", "0.5")
    first = runner.submit("a", store)
    second = runner.submit("b", store)
    assert store.get(second.id).position == 1
    assert wait_for(store, first.id, ("done",)).message is None
    assert wait_for(store, second.id, ("running", "done")).started is not None


def test_a_session_gets_its_own_job_back_instead_of_a_second(store):
    first = runner.submit("a", store)
    assert runner.submit("a", store).id == first.id
    assert len(store.jobs()) == 1


def test_queue_is_bounded(store, monkeypatch):
    monkeypatch.setenv("EXPLAINER_JOBS_QUEUE", "2")
    for i in range(3):  # one runs, two wait
        runner.submit(f"s{i}", store)
    with pytest.raises(runner.QueueFull, match="queue is full"):
        runner.submit("one-too-many", store)


def test_worker_runs_at_lower_cpu_priority_in_its_own_session(store):
    job = runner.submit("a", store)
    fields = Path(f"/proc/{job.pid}/stat").read_text().rsplit(")", 1)[1].split()
    nice, session = int(fields[16]), int(fields[3])  # stat fields 19 and 6
    assert nice >= os.nice(0) + runner.NICE or nice == 19
    assert session == job.pid


def test_stop_saves_the_model_and_ends_the_worker(store, monkeypatch):
    monkeypatch.setenv("FAKE_TRAINER_MODEL", str(default_checkpoint()))
    job = runner.submit("teacher", store)
    wait_for_progress(job)
    runner.stop(job.id, "teacher", store)
    stopped = wait_for(store, job.id, ("stopped", "failed"))
    assert stopped.state == "stopped"
    assert not pid_alive(job.pid)
    assert runner.progress(stopped)["state"] == "stopped"
    assert job_model_folder(stopped.model_name) == stopped.folder


def wait_for_progress(job, timeout=20.0):
    deadline = time.monotonic() + timeout
    while runner.progress(job) is None:
        assert time.monotonic() < deadline, "the worker never wrote progress.json"
        time.sleep(0.05)


def test_only_the_session_that_started_a_job_can_stop_it(store):
    job = runner.submit("teacher", store)
    with pytest.raises(JobError, match="only the session that started"):
        runner.stop(job.id, "student", store)
    runner.tick(store)
    assert store.get(job.id).state == "running" and pid_alive(job.pid)


def test_stopping_a_queued_job_takes_it_out_of_the_queue(store):
    runner.submit("a", store)
    second = runner.submit("b", store)
    third = runner.submit("c", store)
    assert store.get(third.id).position == 2
    assert runner.stop(second.id, "b", store).state == "stopped"
    assert store.get(second.id).pid is None
    assert store.get(third.id).position == 1


def test_worker_ignoring_sigterm_is_killed_after_the_grace(store, monkeypatch):
    monkeypatch.setenv("FAKE_TRAINER_MODE", "hang")
    monkeypatch.setattr(runner, "STOP_GRACE_S", 0.5)
    job = runner.submit("a", store)
    wait_for_progress(job)
    runner.stop(job.id, "a", store)
    time.sleep(0.6)
    runner.tick(store)  # sends SIGKILL
    stopped = wait_for(store, job.id, ("stopped", "failed"))
    assert stopped.state == "stopped" and "by force" in stopped.message
    assert not pid_alive(job.pid)
    assert job_model_folder(stopped.model_name) is None  # nothing was saved


@pytest.mark.parametrize("mode", ["ignore-cap", "hang"])
def test_time_cap_stops_a_worker_that_runs_past_it(store, monkeypatch, mode):
    monkeypatch.setattr(runner, "STARTUP_GRACE_S", 0.0)
    monkeypatch.setenv("FAKE_TRAINER_MODE", mode)  # would run for ever
    monkeypatch.setattr(runner, "STOP_GRACE_S", 0.3)
    job = runner.submit("a", store, seconds=0.5)
    ended = wait_for(store, job.id, ("stopped", "failed"))
    assert ended.state == "stopped" and "time cap (0.5 s)" in ended.message
    assert not pid_alive(job.pid)
    # SIGTERM lets the trainer save and say so; one that ignores it is killed, unsaved.
    assert (runner.progress(ended)["state"] == "stopped") == (mode == "ignore-cap")


@pytest.mark.parametrize("forget_children", [False, True], ids=["same-process", "other-process"])
def test_killed_worker_is_reported(store, forget_children):
    job = runner.submit("a", store)
    wait_for_progress(job)
    if forget_children:  # as after an app restart: only the pid and /proc are left
        runner._CHILDREN.clear()
        runner.tick(store)
        assert store.get(job.id).state == "running"
    os.kill(job.pid, signal.SIGKILL)
    if forget_children:  # the orphan is reaped by init in real life; reap it here
        os.waitpid(job.pid, 0)
    failed = wait_for(store, job.id, ("failed", "done", "stopped"))
    assert failed.state == "failed"
    assert "ended without finishing" in failed.message
    if not forget_children:
        assert "signal 9" in failed.message


def test_crashed_worker_is_reported_with_its_last_words(store, monkeypatch):
    monkeypatch.setenv("FAKE_TRAINER_MODE", "crash")
    monkeypatch.setenv("FAKE_TRAINER_SECONDS", "0.6")
    job = runner.submit("a", store)
    failed = wait_for(store, job.id, ("failed", "done"))
    assert failed.state == "failed"
    assert "exit code 3" in failed.message and "crashing on purpose" in failed.message


def test_trainer_reporting_failure_is_shown(store, monkeypatch):
    monkeypatch.setenv("FAKE_TRAINER_MODE", "fail")
    monkeypatch.setenv("FAKE_TRAINER_SECONDS", "0.6")
    job = runner.submit("a", store)
    failed = wait_for(store, job.id, ("failed", "done"))
    assert "failing on purpose" in failed.message


def finished_job(store, owner, finished_at):
    with store.transaction() as db:
        job_id = store.add(db, owner, Path("."), 60)
        folder = runner.jobs_dir() / job_id
        folder.mkdir(parents=True)
        db.execute("UPDATE jobs SET folder = ? WHERE id = ?", (str(folder), job_id))
        store.update(db, job_id, state="done", finished=finished_at)
    return job_id


def test_retention_keeps_the_newest_finished_jobs(store, monkeypatch):
    monkeypatch.setenv("EXPLAINER_JOBS_KEEP", "2")
    now = time.time()
    ids = [finished_job(store, f"s{i}", now - 100 + i) for i in range(4)]
    queued = runner.submit("waiting", store)
    expired = runner.cleanup(store, now=now)
    assert sorted(expired) == sorted(ids[:2])
    for job_id in ids[:2]:
        assert store.get(job_id).state == "expired"
        assert not (runner.jobs_dir() / job_id).exists()
    for job_id in ids[2:]:
        assert (runner.jobs_dir() / job_id).is_dir()
    assert store.get(queued.id).state == "running"  # active jobs are never cleaned


def test_retention_removes_jobs_past_their_time(store, monkeypatch):
    monkeypatch.setenv("EXPLAINER_JOBS_TTL_S", "60")
    now = time.time()
    old, fresh = finished_job(store, "a", now - 61), finished_job(store, "b", now - 1)
    assert runner.cleanup(store, now=now) == [old]
    assert store.get(fresh).state == "done"
    # A week later even the row is forgotten; its link then says "unknown".
    runner.cleanup(store, now=now + runner.FORGET_S + 120)
    with pytest.raises(JobError, match="no job"):
        store.get(old)


@pytest.mark.parametrize("bad", ["../../etc", "ABCDEF12", "abc", "a" * 33, "abcd/efgh",
                                 "abcdefg.", "", None, "abcdefgh\n"])
def test_malformed_job_id_is_refused(store, bad):
    with pytest.raises(JobError, match="not a job id"):
        store.get(bad)
    with pytest.raises(JobError, match="not a job id"):
        runner.stop(bad, "a", store)


def test_unknown_job_id_is_refused_clearly(store):
    with pytest.raises(JobError, match="no job 'abcdef0123456789'"):
        store.get("abcdef0123456789")


def test_finished_job_loads_by_name_and_never_replaces_the_shipped_model(store, monkeypatch):
    from models.registry import ModelNotFound, available_models, load_model, model_folder

    monkeypatch.setenv("FAKE_TRAINER_SECONDS", "0.3")
    monkeypatch.setenv("FAKE_TRAINER_MODEL", str(default_checkpoint()))
    job = runner.submit("a", store)
    assert job.model_name not in available_models()  # not while it trains
    done = wait_for(store, job.id, ("done",))
    names = available_models()
    assert names[:2] == ["trained", "untrained"] and done.model_name in names
    assert model_folder(done.model_name) == done.folder
    assert model_folder("trained") == default_checkpoint()
    assert load_model(done.model_name).name == done.model_name
    for bad in ("job-../../models/checkpoints/zh-en-small", "job-ABCDEFGH", "job-",
                f"job-{done.id}/live-000005"):
        with pytest.raises(ModelNotFound):
            load_model(bad)


def test_live_folder_is_the_newest_complete_snapshot(store, monkeypatch):
    monkeypatch.setenv("FAKE_TRAINER_MODEL", str(default_checkpoint()))
    job = runner.submit("a", store)
    deadline = time.monotonic() + 20
    while runner.live_folder(job) is None:
        assert time.monotonic() < deadline, "no live snapshot appeared"
        time.sleep(0.1)
    folder = runner.live_folder(job)
    assert folder.parent == job.folder and (folder / "model.safetensors").is_file()
    assert runner.live_folder(job, {"live": "../../etc"}) is None


@pytest.mark.slow
def test_real_tiny_preset_runs_as_a_job_and_loads_as_my_model(tmp_path, monkeypatch):
    """End to end with the real training command (not the fake): a short capped run through
    the runner leaves a model that loads by its job name and translates."""
    from models.registry import load_model

    monkeypatch.setenv("EXPLAINER_RUNS_DIR", str(tmp_path / "runs"))
    monkeypatch.delenv("EXPLAINER_TRAINER", raising=False)
    monkeypatch.setenv("EXPLAINER_TRAIN_LIVE_S", "5")
    store = JobStore()
    job = runner.submit("a", store, seconds=20)
    live_seen = False
    deadline = time.monotonic() + 180
    while store.get(job.id).state == "running":
        assert time.monotonic() < deadline, "the real trainer ran past its cap and grace"
        runner.tick(store)
        live_seen = live_seen or runner.live_folder(job) is not None
        time.sleep(0.5)
    ended = store.get(job.id)
    assert ended.state == "done", ended.message
    report = runner.progress(ended)
    assert report["state"] == "done" and report["loss"][-1][1] < report["loss"][0][1]
    assert live_seen
    assert load_model(ended.model_name).name == ended.model_name


def test_training_curve_keeps_every_logged_point_on_its_axis():
    from explainer.figures.jobs import training_curve_figure
    from tests.figspec import array

    fig = training_curve_figure([[10, 5.0], [20, 3.0], [30, 1.0]], [[20, 0.25], [30, 0.9]],
                                cap_steps=600).to_dict()
    loss, match = fig["data"]
    assert array(loss["x"]).tolist() == [10, 20, 30]
    assert array(loss["y"]).tolist() == [5.0, 3.0, 1.0]
    assert match["yaxis"] == "y2" and array(match["y"]).tolist() == [0.25, 0.9]
    assert fig["layout"]["xaxis"]["range"] == [0, 600]  # the frame the curve grows into
    with pytest.raises(ValueError, match="between 0 and 1"):
        training_curve_figure([[1, 2.0]], [[1, 90.0]])  # a percentage, not a fraction
    with pytest.raises(ValueError, match=r"\[\[step, value\]"):
        training_curve_figure([[1, 2.0, 3.0]])


# "Train one more" from the hyper-parameter lab: the tiny preset with settings from a menu.
def test_settings_reach_the_trainer_as_flags_the_trainer_reads(store):
    from training.train import parse_args

    settings = {"heads": 8, "d_model": 128, "layers": 1, "lr_factor": 2.0, "warmup": 50,
                "label_smoothing": 0.0}
    job = runner.submit("teacher", store, settings=settings)
    command = runner.trainer_command(Path(job.folder), 30)
    args = parse_args(command[command.index("--preset"):])
    assert (args.heads, args.d_model, args.layers) == (8, 128, 1)
    assert (args.lr_factor, args.warmup, args.label_smoothing) == (2.0, 50, 0.0)
    plain = runner.submit("student", store)  # no settings: the preset as it is
    args = parse_args(runner.trainer_command(Path(plain.folder), 30)[2:])
    assert (args.heads, args.d_model) == (4, 64)


@pytest.mark.parametrize("settings", [
    {"heads": 3}, {"d_model": 100}, {"dropout": 0.1}, {"layers": True},
    {"heads": 8, "d_model": 32.5}, {"lr_factor": "1; rm -rf /"},
])
def test_settings_off_the_menu_are_refused(store, settings):
    with pytest.raises(JobError):
        runner.submit("teacher", store, settings=settings)
    assert store.jobs(("queued", "running")) == []

