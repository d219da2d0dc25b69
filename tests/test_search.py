"""The lab's task and loop, and the Optuna search: workers started at once on one study add up
their trials (none lost, none run twice, none failed), pruning stops a run, the export ships
the importances, and the lab corpus keeps held-out combinations out of training."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from training.corpus import is_held_out
from training.lab import BASE, grid, heldout_by_length, lab_pairs, train_config

ROOT = Path(__file__).resolve().parent.parent
SHIPPED_STUDY = ROOT / "models" / "lab" / "study.db"


def start_worker(db: Path, study: str, trials: int, seconds: float, steps: int):
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "training.search", "--trials", str(trials), "--trial-seconds",
         str(seconds), "--steps", str(steps), "--study", study, "--storage", f"sqlite:///{db}",
         "--eval-n", "20"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def run_two_workers(db: Path, seconds: float, steps: int) -> list:
    import optuna

    workers = [start_worker(db, "shared", 2, seconds, steps) for _ in range(2)]
    outputs = [w.communicate(timeout=600)[0] for w in workers]
    for worker, output in zip(workers, outputs):
        assert worker.returncode == 0, output[-2000:]
    return optuna.load_study(study_name="shared", storage=f"sqlite:///{db}").trials


def assert_trials_add_up(trials, expected: int) -> None:
    assert len(trials) == expected
    assert sorted(t.number for t in trials) == list(range(expected))  # none lost, no duplicate
    states = [t.state.name for t in trials]
    assert "FAIL" not in states and "RUNNING" not in states, states


def test_two_workers_started_at_once_add_up_their_trials(tmp_path):
    """The quick variant: tiny trials, so the two processes overlap in creating the study and
    writing trials, which is where SQLite concurrency would fail."""
    assert_trials_add_up(run_two_workers(tmp_path / "s.db", seconds=2, steps=40), 4)


@pytest.mark.slow
def test_two_workers_with_twenty_second_trials_add_up(tmp_path):
    """The issue's command: ``--trials 2 --trial-seconds 20`` twice on one SQLite file."""
    assert_trials_add_up(run_two_workers(tmp_path / "s.db", seconds=20, steps=800), 4)


def test_a_report_that_raises_stops_training_at_that_step():
    class Stop(Exception):
        pass

    seen = []

    def report(step, score):
        seen.append((step, score))
        raise Stop

    with pytest.raises(Stop):
        train_config(replace(BASE, steps=200, d_model=32, d_ff=64), eval_every=20, eval_n=10,
                     report=report, score="tokens")
    assert [s for s, _ in seen] == [20]
    assert 0.0 <= seen[0][1] <= 1.0


def test_export_copies_every_trial_and_stores_importances(tmp_path):
    import optuna

    from training.search import export

    db = tmp_path / "src.db"
    study = optuna.create_study(study_name="x", storage=f"sqlite:///{db}", direction="maximize")
    study.optimize(lambda t: t.suggest_float("a", 0, 1) - t.suggest_float("b", 0, 1) / 10,
                   n_trials=12)
    out = tmp_path / "ship" / "study.db"
    importances = export("x", f"sqlite:///{db}", str(out))
    copy = optuna.load_study(study_name="x", storage=f"sqlite:///{out}")
    assert [t.value for t in copy.trials] == [t.value for t in study.trials]
    assert set(copy.user_attrs["importances"]) == {"a", "b"} == set(importances)
    # "a" moves the objective ten times more than "b": fANOVA must rank it first.
    assert importances["a"] > importances["b"]


def test_training_sentences_hold_no_held_out_combination_and_test_sentences_hold_one():
    for pair in lab_pairs(300, seed=3, split="train"):
        assert not is_held_out(pair.key)
    test = lab_pairs(100, seed=3, split="test")
    assert test  # the split is by clause: each test sentence has at least one held-out clause
    train_en = {p.en for p in lab_pairs(3000, seed=4, split="train")}
    assert not train_en & {p.en for p in test}


def test_longer_sentences_have_more_clauses_than_any_training_sentence():
    sets = heldout_by_length(5, clauses=(1, 6))
    one = [src for src, _ in sets[1]["en2zh"]]
    six = [src for src, _ in sets[6]["en2zh"]]
    assert all(s.count(" and ") == 0 for s in one)
    assert all(s.count(" and ") == 5 for s in six)
    # The Chinese side joins the same clauses with "，".
    assert all(ref.count("，") == 5 for _, ref in sets[6]["en2zh"])


def test_the_grid_moves_one_knob_at_a_time_from_the_base():
    fields = ("heads", "d_model", "layers", "lr_factor", "warmup", "label_smoothing")
    for cfg in grid()[1:]:
        changed = [f for f in fields if getattr(cfg, f) != getattr(BASE, f)]
        assert len(changed) == 1, (cfg.name, changed)
        assert cfg.seed == BASE.seed and cfg.steps == BASE.steps


def test_the_shipped_study_has_thirty_trials_none_failed():
    import optuna

    study = optuna.load_study(study_name="lab", storage=f"sqlite:///{SHIPPED_STUDY}")
    states = [t.state.name for t in study.trials]
    assert len(states) >= 30 and "FAIL" not in states
    assert SHIPPED_STUDY.stat().st_size < 2_000_000
