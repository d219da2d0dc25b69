"""The training command the app's worker runs: --preset tiny, progress.json, live folders,
--max-seconds, SIGTERM and failures."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from models.registry import load_folder
from training import tiny
from training.corpus import normalise
from training.train import PRESETS, parse_args

ROOT = Path(__file__).resolve().parent.parent
PROGRESS_KEYS = {"state", "step", "steps", "elapsed_s", "max_seconds", "loss", "exact_match",
                 "live", "error"}


def _command(out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "training.train", "--preset", "tiny", "--out", str(out),
            "--threads", "1", *extra]


def _progress(out: Path) -> dict:
    return json.loads((out / "progress.json").read_text(encoding="utf-8"))


def _env() -> dict:
    return {**os.environ, "OMP_NUM_THREADS": "1"}


def test_preset_sets_defaults_that_the_command_line_overrides():
    args = parse_args(["--preset", "tiny", "--steps", "7"])
    assert args.steps == 7  # given on the command line
    assert args.d_model == PRESETS["tiny"]["d_model"] != parse_args([]).d_model
    assert parse_args([]).preset is None


def test_tiny_corpus_keeps_held_out_combinations_out_of_training():
    train, heldout = tiny.split()
    assert heldout and len(heldout) < len(train)
    seen = {normalise(s) for p in train for s in (p.en, p.zh)}
    assert not {normalise(p.en) for p in heldout} & seen
    assert not {p.key for p in heldout} & {p.key for p in train}
    pairs = {(p.en, p.zh) for p in train}
    assert ("I love you", "我爱你") in pairs
    assert ("Smart John is singing", "聪明的约翰在唱歌") in pairs
    examples = tiny.heldout_examples(50)
    assert all(len(v) == 50 for v in examples.values())


def test_short_run_writes_progress_live_folders_and_checkpoint(tmp_path):
    out = tmp_path / "run"
    done = subprocess.run(_command(out, "--max-seconds", "12", "--live-every", "2"), cwd=ROOT,
                          capture_output=True, text=True, timeout=240, env=_env())
    assert done.returncode == 0, done.stderr[-2000:]
    progress = _progress(out)
    assert set(progress) == PROGRESS_KEYS
    assert progress["state"] == "done" and progress["error"] is None
    assert progress["max_seconds"] == 12
    assert 0 < progress["step"] <= progress["steps"]
    losses = [loss for _, loss in progress["loss"]]
    assert len(losses) >= 2 and losses[-1] < losses[0]  # it learns (60 s halve it: slow test)
    assert progress["exact_match"][0][0] == 1  # scored from the first step on
    lives = sorted(p.name for p in out.glob("live-*"))
    assert 1 <= len(lives) <= 2, lives  # only the latest two are kept
    assert progress["live"] == lives[-1]
    assert not list(out.glob(".tmp-*"))  # renamed into place, nothing half-written left
    for folder in (out, out / lives[-1]):
        adapter = load_folder(folder)
        assert adapter.caps["generates"]
    record = json.loads((out / "training.json").read_text(encoding="utf-8"))
    assert record["steps"] == progress["step"]
    assert set(record["log"][0]["grad_norm"]) >= {"embed", "enc.0", "dec.1"}


def test_sigterm_saves_and_reports_stopped(tmp_path):
    out = tmp_path / "run"
    proc = subprocess.Popen(_command(out), cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=_env())
    try:
        deadline = time.time() + 120
        while time.time() < deadline:
            if (out / "progress.json").is_file() and _progress(out)["step"] >= 20:
                break
            time.sleep(0.2)
        else:
            pytest.fail("training never reached step 20")
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err[-2000:]
    progress = _progress(out)
    assert progress["state"] == "stopped"
    assert 20 <= progress["step"] < progress["steps"]
    assert load_folder(out).caps["generates"]


def test_an_error_is_reported_as_failed(tmp_path):
    out = tmp_path / "run"
    # 3 heads do not divide d_model 64: the model cannot be built.
    done = subprocess.run(_command(out, "--heads", "3"), cwd=ROOT, capture_output=True,
                          text=True, timeout=120, env=_env())
    assert done.returncode != 0
    progress = _progress(out)
    assert progress["state"] == "failed"
    assert "heads" in progress["error"] or "d_model" in progress["error"]


@pytest.mark.slow
def test_sixty_seconds_halve_the_loss(tmp_path):
    out = tmp_path / "run"
    done = subprocess.run(_command(out, "--max-seconds", "60"), cwd=ROOT, capture_output=True,
                          text=True, timeout=400, env=_env())
    assert done.returncode == 0, done.stderr[-2000:]
    losses = [loss for _, loss in _progress(out)["loss"]]
    assert losses[-1] <= losses[0] / 2
