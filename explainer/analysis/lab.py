"""The hyper-parameter lab and the RNN comparison, read from their shipped result files.

Everything here takes the parsed JSON (``models/lab/grid.json``, ``models/lab/rnn_lengths.json``)
or plain numbers and returns typed rows: the page draws them and its text quotes them. Nothing
here trains or loads a model.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Grid name prefix -> the config field it moves (training/lab.py's ``grid``).
KNOBS = {"heads": "heads", "width": "d_model", "layers": "layers", "lr": "lr_factor",
         "warmup": "warmup", "smoothing": "label_smoothing"}
BASE_NAME = "base"
SEARCH_PARAMS = ("d_model", "heads", "layers", "lr_factor", "warmup", "label_smoothing")


@dataclass(frozen=True)
class Run:
    """One trained configuration of the grid.

    Attributes:
        loss_steps, loss: [n] the training loss curve (mean over each logging window).
        eval_steps, eval_exact: [m] held-out exact match during training (last: final).
        exact: final held-out exact match, mean of both directions (0..1).
    """

    name: str
    config: dict
    params: int
    steps: int
    train_time_s: float
    cpu_time_s: float
    exact: float
    en2zh: float
    zh2en: float
    diverged: bool
    loss_steps: np.ndarray
    loss: np.ndarray
    eval_steps: np.ndarray
    eval_exact: np.ndarray

    @property
    def knob(self) -> str | None:
        """The grid family ("heads", "width", ...) or None for the base."""
        prefix = self.name.split("-")[0]
        return prefix if prefix in KNOBS else None

    def value(self, knob: str):
        return self.config[KNOBS[knob]]


def _cost_s(r: dict) -> float:
    """CPU seconds the run's steps cost: measured per step after the grid (``cpu_ms_per_step``,
    comparable between runs), else the run's own CPU time, else its wall time."""
    if r.get("cpu_ms_per_step") is not None:
        return round(float(r["cpu_ms_per_step"]) * int(r["steps"]) / 1000, 1)
    return float(r.get("cpu_time_s", r["train_time_s"]))


def grid_runs(doc: dict) -> list[Run]:
    """The runs of a grid file, in file order.

    Raises:
        ValueError: the document has no runs or a run lacks a field.
    """
    runs = doc.get("runs") if isinstance(doc, dict) else None
    if not runs:
        raise ValueError("the grid file holds no runs")
    out = []
    for r in runs:
        try:
            out.append(Run(
                name=str(r["name"]), config=dict(r["config"]), params=int(r["params"]),
                steps=int(r["steps"]), train_time_s=float(r["train_time_s"]),
                cpu_time_s=_cost_s(r),
                exact=float(r["exact_match"]["mean"]), en2zh=float(r["exact_match"]["en2zh"]),
                zh2en=float(r["exact_match"]["zh2en"]), diverged=bool(r.get("diverged")),
                loss_steps=np.array([p["step"] for p in r["curve"]], dtype=int),
                loss=np.array([p["loss"] for p in r["curve"]], dtype=float),
                eval_steps=np.array([p["step"] for p in r["evals"]], dtype=int),
                eval_exact=np.array([p["exact_match"] for p in r["evals"]], dtype=float),
            ))
        except (KeyError, TypeError, ValueError) as err:
            raise ValueError(f"grid run {r.get('name', '?')!r} is malformed: {err}") from err
    return out


def family(runs: list[Run], knob: str) -> list[Run]:
    """The base and every run that moves ``knob``, sorted by the knob's value."""
    if knob not in KNOBS:
        raise ValueError(f"knob must be one of {sorted(KNOBS)}, got {knob!r}")
    chosen = [r for r in runs if r.knob == knob or r.name == BASE_NAME]
    return sorted(chosen, key=lambda r: r.value(knob))


def by_name(runs: list[Run]) -> dict[str, Run]:
    return {r.name: r for r in runs}


def heads_answer(runs: list[Run]) -> dict:
    """Does one head do worse than eight? Exact match and loss at the end for each head count."""
    rows = family(runs, "heads")
    one = next(r for r in rows if r.value("heads") == 1)
    most = rows[-1]
    return {"one": round(100 * one.exact, 1), "many": round(100 * most.exact, 1),
            "n_many": most.value("heads"), "diff": round(100 * (most.exact - one.exact), 1),
            "loss_one": round(float(one.loss[-1]), 3), "loss_many": round(float(most.loss[-1]), 3),
            "better": "many" if most.exact > one.exact + 0.02
            else "one" if one.exact > most.exact + 0.02 else "same"}


def lr_answer(runs: list[Run]) -> dict:
    """What does a too-large learning rate do? The largest rate's curve against the base's."""
    rows = family(runs, "lr")
    base = by_name(runs)[BASE_NAME]
    big = rows[-1]
    # The worst loss after the first logged point: a spike shows training thrown off course.
    peak = float(np.max(big.loss[1:])) if len(big.loss) > 1 else float(big.loss[0])
    return {"factor": f"{big.value('lr'):g}", "exact_big": round(100 * big.exact, 1),
            "exact_base": round(100 * base.exact, 1), "loss_big": round(float(big.loss[-1]), 3),
            "loss_base": round(float(base.loss[-1]), 3), "peak_big": round(peak, 3),
            "diverged": big.diverged,
            "small_factor": f"{rows[0].value('lr'):g}",
            "exact_small": round(100 * rows[0].exact, 1),
            "small": "better" if rows[0].exact > base.exact + 0.02 else "worse"}


def width_answer(runs: list[Run]) -> list[dict]:
    """What does width buy? Per d_model: parameters, exact match, training seconds."""
    return [{"d_model": r.value("width"), "params": r.params, "exact": round(100 * r.exact, 1),
             "seconds": r.cpu_time_s} for r in family(runs, "width")]


def best_run(runs: list[Run]) -> Run:
    return max(runs, key=lambda r: r.exact)


# --------------------------------------------------------------------------------------------
# The search: best trial against the shipped model's choices
# --------------------------------------------------------------------------------------------


def compare_best(best: dict, shipped_config: dict, shipped_recipe: dict) -> list[tuple]:
    """Rows (parameter, best trial's value, shipped model's value) for the searched knobs."""
    shipped = {"d_model": shipped_config.get("d_model"), "heads": shipped_config.get("n_heads"),
               "layers": shipped_config.get("n_layers"),
               "lr_factor": shipped_recipe.get("lr_factor"),
               "warmup": shipped_recipe.get("warmup"),
               "label_smoothing": shipped_recipe.get("label_smoothing")}
    rows = []
    for name in SEARCH_PARAMS:
        value = best.get(name)
        if isinstance(value, float):
            value = round(value, 3)
        rows.append((name, value, shipped[name]))
    return rows


def trial_counts(states: list[str]) -> dict[str, int]:
    """How many trials ended in each state ("COMPLETE", "PRUNED", "FAIL", ...)."""
    out = {"COMPLETE": 0, "PRUNED": 0, "FAIL": 0}
    for s in states:
        out[s] = out.get(s, 0) + 1
    out["total"] = len(states)
    return out


# --------------------------------------------------------------------------------------------
# RNN against attention
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LengthCurve:
    name: str
    kind: str
    params: int
    clauses: np.ndarray  # [k] clause counts
    tokens: np.ndarray  # [k] mean source tokens at each count
    exact: np.ndarray  # [k] exact match, mean of both directions (0..1)
    train_clauses: tuple[int, ...]


def length_curves(doc: dict) -> list[LengthCurve]:
    """Exact match by sentence length per model, from ``rnn_lengths.json``.

    Raises:
        ValueError: no models, or a model without rows.
    """
    models = doc.get("models") if isinstance(doc, dict) else None
    if not models:
        raise ValueError("the length file holds no models")
    out = []
    for m in models:
        rows = m.get("by_length") or []
        if not rows:
            raise ValueError(f"model {m.get('name')!r} has no rows")
        out.append(LengthCurve(
            str(m["name"]), str(m["kind"]), int(m["params"]),
            np.array([r["clauses"] for r in rows], dtype=int),
            np.array([r["tokens"] for r in rows], dtype=float),
            np.array([r["mean"] for r in rows], dtype=float),
            tuple(int(c) for c in m.get("train_clauses", ())),
        ))
    return out


def length_answer(curves: list[LengthCurve]) -> dict:
    """The GRU's and the Transformer's exact match at the shortest and longest trained length,
    and beyond training (the longest measured)."""
    gru = next(c for c in curves if c.kind == "gru")
    tf = next(c for c in curves if c.kind == "transformer")
    longest_trained = max(gru.train_clauses) if gru.train_clauses else int(gru.clauses[-1])
    i_in = int(np.flatnonzero(gru.clauses == longest_trained)[0])

    def pct(c: LengthCurve, i: int) -> float:
        return round(100 * float(c.exact[i]), 1)

    return {"gru_1": pct(gru, 0), "tf_1": pct(tf, 0), "gru_in": pct(gru, i_in),
            "tf_in": pct(tf, i_in), "trained": longest_trained,
            "gru_out": pct(gru, -1), "tf_out": pct(tf, -1), "longest": int(gru.clauses[-1]),
            "gru_params": gru.params, "tf_params": tf.params}


def path_lengths(n: int) -> dict[str, int]:
    """Steps between the first and the last of ``n`` words: the RNN passes the first word's
    information through every state in between; self-attention connects them directly."""
    if n < 1:
        raise ValueError("a sentence has at least one word")
    return {"rnn": n - 1, "attention": 1 if n > 1 else 0}


def hidden_path(states: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The GRU's hidden state after each word [n, d] projected on two sign-fixed principal
    components: (points [n, 2], explained variance [2])."""
    from explainer.analysis.walk_pca import fixed_sign_pca

    states = np.asarray(states, dtype=float)
    if states.ndim != 2 or states.shape[0] == 0:
        raise ValueError(f"states must be [n, d] with n >= 1, got {states.shape}")
    projection = fixed_sign_pca(states, 2)
    return projection.points, projection.explained


def speed_rows(times: dict[str, dict[int, float]]) -> list[dict]:
    """Per length: milliseconds for each model and how many times slower the GRU is."""
    lengths = sorted(set(times.get("gru", {})) & set(times.get("attention", {})))
    rows = []
    for n in lengths:
        g, a = times["gru"][n], times["attention"][n]
        rows.append({"tokens": n, "gru_ms": round(1000 * g, 3), "attention_ms": round(1000 * a, 3),
                     "ratio": round(g / a, 2) if a > 0 else float("nan"),
                     "inverse": round(a / g, 2) if g > 0 else float("nan")})
    return rows


def runs_frame(runs: list[Run], labels: dict[str, str]):
    """One row per run: name, choices, parameters, final loss, exact match (%), seconds.

    Args:
        labels: column key -> header ("name", "d_model", "heads", "layers", "lr_factor",
            "warmup", "label_smoothing", "params", "final_loss", "exact", "seconds").
    """
    import pandas as pd

    rows = []
    for r in runs:
        row = {"name": r.name}
        row.update({k: r.config[k] for k in ("d_model", "heads", "layers", "lr_factor",
                                            "warmup", "label_smoothing")})
        row.update({"params": r.params,
                    "final_loss": round(float(r.loss[-1]), 3) if r.loss.size else None,
                    "exact": round(100 * r.exact, 1), "seconds": r.cpu_time_s})
        rows.append(row)
    frame = pd.DataFrame(rows)
    return frame.rename(columns={k: labels.get(k, k) for k in frame.columns})


def best_trial_row(trials: list[tuple[int, float | None, dict]]) -> tuple[int, float, dict] | None:
    """(number, value, params) of the finished trial with the highest value; None if none."""
    done = [t for t in trials if t[1] is not None]
    if not done:
        return None
    return max(done, key=lambda t: (t[1], -t[0]))
