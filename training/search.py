"""An automatic hyper-parameter search with Optuna: what the article calls AutoML.

    python -m training.search --trials 30 --study lab --storage sqlite:///runs/search.db

Each trial trains one Transformer on the lab task (:mod:`training.lab`) with a configuration
that Optuna's TPE sampler proposes (Bayesian optimisation: it models which values scored well
so far and proposes more like them), capped at ``--trial-seconds`` of training. Every 50 steps
the trial reports its held-out score, the share of target tokens predicted right with the
reference fed in (exact match of whole translations stays 0 for seconds-long trials, so it
would tell the sampler nothing; it is recorded beside it). The median pruner stops a trial
whose score is below the median of earlier trials at the same step, so poor configurations
cost little.

Several workers, one study: start the same command more than once, on one machine or many,
with the same ``--study`` and ``--storage``. Optuna's RDB storage gives each new trial its own
row in one transaction, so trials add up and none is lost or run twice; each command runs its
own ``--trials``. SQLite (a file, nothing to install) suits processes on one machine; across
machines use a server database all of them reach, e.g.
``--storage postgresql://user:password@host/optuna`` (needs the ``psycopg2`` package).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import replace

DEFAULT_STORAGE = "sqlite:///runs/search.db"
EVAL_EVERY = 50  # steps between the scores the pruner sees
SQLITE_TIMEOUT_S = 120  # how long a writer waits for another's lock before giving up


def storage_for(url: str):
    """An Optuna RDB storage; SQLite files wait for each other's locks instead of failing."""
    import optuna

    kwargs = {}
    if url.startswith("sqlite:///"):
        path = url.removeprefix("sqlite:///")
        if path and path != ":memory:":
            os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        # Optuna's documented remedy for "database is locked" with several SQLite writers.
        kwargs["engine_kwargs"] = {"connect_args": {"timeout": SQLITE_TIMEOUT_S}}
    # Two workers started at the same instant may both try to create the schema; the loser
    # sees an error once, and the tables exist when it retries.
    for attempt in range(5):
        try:
            return optuna.storages.RDBStorage(url, **kwargs)
        except Exception:  # noqa: BLE001 (sqlalchemy's errors vary by backend)
            if attempt == 4:
                raise
            time.sleep(0.5 + attempt)
    raise AssertionError("unreachable")


def suggest(trial):
    """The search space: the knobs of the lab grid, as ranges."""
    from training.lab import BASE

    d_model = trial.suggest_categorical("d_model", [32, 64, 128])
    return replace(
        BASE,
        name=f"trial-{trial.number}",
        d_model=d_model,
        d_ff=4 * d_model,
        heads=trial.suggest_categorical("heads", [1, 2, 4, 8]),
        layers=trial.suggest_int("layers", 1, 3),
        lr_factor=trial.suggest_float("lr_factor", 0.1, 20.0, log=True),
        warmup=trial.suggest_int("warmup", 10, 800, log=True),
        label_smoothing=trial.suggest_float("label_smoothing", 0.0, 0.3),
    )


def objective(trial, *, seconds: float, steps: int, threads: int, eval_n: int) -> float:
    """Train the proposed configuration; its held-out token accuracy (teacher-forced, both
    directions). Exact match (greedy translations) is recorded beside it as a user attribute:
    after a few seconds of training it is 0 for nearly every trial, which tells TPE nothing."""
    import optuna

    from training.lab import train_config

    cfg = replace(suggest(trial), steps=steps)

    def report(step: int, score: float) -> None:
        trial.report(score, step)
        if trial.should_prune():
            raise optuna.TrialPruned(f"pruned at step {step} with token accuracy {score:.1%}")

    record = train_config(cfg, seconds=seconds, report=report, threads=threads, eval_n=eval_n,
                          eval_every=EVAL_EVERY, score="tokens")
    trial.set_user_attr("params", record["params"])
    trial.set_user_attr("steps", record["steps"])
    trial.set_user_attr("train_time_s", record["train_time_s"])
    trial.set_user_attr("diverged", record["diverged"])
    trial.set_user_attr("exact_match", record["exact_match"]["mean"])
    trial.set_user_attr("curve", [[p["step"], p["loss"]] for p in record["curve"][::5]])
    return record["evals"][-1]["token_accuracy"]


def run(study_name: str, storage: str, trials: int, seconds: float, steps: int = 800,
        threads: int = 1, seed: int | None = None, eval_n: int = 100):
    """Add ``trials`` trials to the study (created if needed) and return it."""
    import optuna

    store = storage_for(storage)
    sampler = optuna.samplers.TPESampler(seed=seed, n_startup_trials=8)
    pruner = optuna.pruners.MedianPruner(n_startup_trials=5, n_warmup_steps=100)
    for attempt in range(5):
        try:
            study = optuna.create_study(study_name=study_name, storage=store, sampler=sampler,
                                        pruner=pruner, direction="maximize",
                                        load_if_exists=True)
            break
        except Exception:  # noqa: BLE001 (a simultaneous create: load it on the next try)
            if attempt == 4:
                raise
            time.sleep(0.5 + attempt)
    study.set_metric_names(["token_accuracy"])
    study.optimize(lambda t: objective(t, seconds=seconds, steps=steps, threads=threads,
                                       eval_n=eval_n),
                   n_trials=trials, gc_after_trial=True)
    return study


def export(study_name: str, storage: str, out: str) -> dict:
    """Copy the study into a fresh, compact SQLite file ``out`` for the app to ship, with
    Optuna's parameter importances (fANOVA, its default) stored as the study's user attribute
    "importances" (they take seconds to compute, too long for a page).

    Returns:
        The importances, parameter -> fraction.
    """
    import sqlite3
    from pathlib import Path

    import optuna

    path = Path(out)
    if path.exists():
        path.unlink()
    path.parent.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{path}"
    optuna.copy_study(from_study_name=study_name, from_storage=storage_for(storage),
                      to_storage=url, to_study_name=study_name)
    copy = optuna.load_study(study_name=study_name, storage=url)
    importances = optuna.importance.get_param_importances(copy)
    copy.set_user_attr("importances", {k: round(float(v), 4) for k, v in importances.items()})
    del copy
    with sqlite3.connect(path) as con:  # drop the free pages the copy left behind
        con.execute("VACUUM")
    return importances


def main(argv: list[str] | None = None) -> int:
    """Run a search from the command line; returns the exit code."""
    p = argparse.ArgumentParser(prog="python -m training.search", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--trials", type=int, default=30, help="trials this worker adds")
    p.add_argument("--study", default="lab", help="study name (shared by every worker)")
    p.add_argument("--storage", default=DEFAULT_STORAGE,
                   help="Optuna RDB URL: sqlite:///FILE (default %(default)s) or e.g. "
                        "postgresql://user:password@host/db for several machines")
    p.add_argument("--trial-seconds", type=float, default=25.0,
                   help="training time cap per trial (0: only the step cap)")
    p.add_argument("--steps", type=int, default=800,
                   help="step cap per trial (the grid's budget)")
    p.add_argument("--threads", type=int, default=1, help="torch CPU threads per worker")
    p.add_argument("--seed", type=int, default=None,
                   help="sampler seed (leave unset when several workers share a study, or "
                        "they propose the same first configurations)")
    p.add_argument("--eval-n", type=int, default=100,
                   help="held-out sentences per direction scored at each report")
    p.add_argument("--export", default=None, metavar="FILE",
                   help="do not search: copy the study into a compact SQLite FILE with its "
                        "parameter importances (what the app ships as models/lab/study.db)")
    args = p.parse_args(argv)
    if args.export:
        importances = export(args.study, args.storage, args.export)
        print(f"wrote {args.export}; importances {importances}")
        return 0
    if args.trials < 1:
        p.error("--trials must be at least 1")
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    import optuna

    study = run(args.study, args.storage, args.trials, args.trial_seconds, args.steps,
                args.threads, args.seed, args.eval_n)
    states = [t.state.name for t in study.trials]
    print(f"study {args.study}: {len(states)} trials "
          f"({states.count('COMPLETE')} complete, {states.count('PRUNED')} pruned, "
          f"{states.count('FAIL')} failed)")
    try:
        print(f"best: token accuracy {study.best_value:.1%} with {study.best_params}")
    except ValueError:  # no complete trial yet
        pass
    del optuna
    return 0


if __name__ == "__main__":
    sys.exit(main())
