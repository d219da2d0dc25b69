"""The training film: its files and size budget, trained@STEP as a model everywhere (CLI, URL,
sidebar), and the Training page at step 0 and at the end, in both languages."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from explainer.analysis.training import (
    curve,
    embedding_axes,
    grad_norm_matrix,
    grad_norms_at,
    heads_mean,
    nearest_record,
    sharpness,
)
from explainer.figures.training import embedding_map_figure, grad_norms_figure, loss_curve_figure
from explainer.trace import model_weights, trace
from models import film
from models.registry import ModelNotFound, available_models, load_model
from tests.figspec import array, chart_specs

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
PAGE = "app_pages/training.py"
SENTENCES = ("我爱你", "Smart John is singing")


# -- the recorded film ----------------------------------------------------------------------
def test_film_has_enough_log_spaced_snapshots_within_budget():
    steps = film.steps()
    assert len(steps) >= 12 and steps[0] == 0
    assert steps == sorted(set(steps))
    # Roughly log-spaced: after the first frames each step is at most about twice the last.
    ratios = [b / a for a, b in zip(steps[1:], steps[2:])]
    assert all(1.1 < r <= 2.1 for r in ratios), ratios
    size = sum(p.stat().st_size for p in film.FILM_DIR.iterdir())
    assert size <= 20 * 2**20
    assert not (film.FILM_DIR / "config.json").exists()  # never listed as a model of its own


def test_training_record_has_loss_exact_match_and_gradient_norms_per_logged_step():
    log = film.training_record()["log"]
    assert len(log) >= 20
    assert all(set(r["grad_norm"]) >= {"embed", "enc.0", "dec.0"} for r in log)
    steps, match = curve(log, "exact_match")
    assert len(steps) >= 10 and match[-1] >= 0.9 and match[0] <= 0.05
    _, losses = curve(log, "loss")
    assert losses[-1] < losses[0] / 3
    snaps = film.snapshots()
    assert snaps[0]["exact_match"] <= 0.05 and snaps[-1]["exact_match"] >= 0.9


def test_nearest_snapshot_and_names():
    steps = film.steps()
    assert film.nearest(0) == 0
    assert film.nearest(10**9) == steps[-1]
    assert film.nearest(steps[3] + 1) == steps[3]
    assert film.parse("trained@12") == 12
    for bad in ("trained@", "trained@-1", "trained@1e3", "trained@../film", "trained@ 1",
                "trained@/etc/passwd"):
        assert film.parse(bad) is None
        with pytest.raises(ModelNotFound):
            load_model(bad)
    names = available_models()
    assert [n for n in names if n.startswith("trained@")] == [f"trained@{s}" for s in steps]


def test_any_step_loads_the_nearest_snapshot():
    steps = film.steps()
    adapter = load_model(f"trained@{steps[4] + 1}", "cpu")
    assert adapter.name == f"trained@{steps[4]}"
    assert adapter.training["film_step"] == steps[4]


def _translate(sentence: str, model: str) -> str:
    out = subprocess.run([sys.executable, "-m", "explainer", "translate", sentence, "--model",
                          model], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def test_cli_random_start_differs_from_the_trained_end():
    last = f"trained@{film.steps()[-1]}"
    assert _translate("我爱你", last) == "I love you"
    assert _translate("我爱你", "trained@0") != "I love you"
    assert _translate("Smart John is singing", last) == "聪明的约翰在唱歌"


@pytest.mark.parametrize("sentence", SENTENCES)
def test_training_turns_noise_into_structure(sentence):
    """From W0 to the end: cross-attention focuses and the embeddings spread out."""
    first, last = film.steps()[0], film.steps()[-1]
    t0 = trace(load_model(f"trained@{first}", "cpu"), sentence)
    t1 = trace(load_model(f"trained@{last}", "cpu"), sentence)
    layer = t1.n_layers_of("dec") - 1
    assert sharpness(heads_mean(t1.pattern("cross", layer))) > \
        sharpness(heads_mean(t0.pattern("cross", layer))) + 0.2
    e0 = model_weights(load_model(f"trained@{first}", "cpu")).embedding
    e1 = model_weights(load_model(f"trained@{last}", "cpu")).embedding
    axes = embedding_axes(e1, skip=6)
    spread0 = np.ptp(axes.transform(e0[list(t1.src_ids)]), axis=0).sum()
    spread1 = np.ptp(axes.transform(e1[list(t1.src_ids)]), axis=0).sum()
    assert spread1 > spread0


# -- analysis and figures -------------------------------------------------------------------
def test_curve_and_nearest_record():
    log = [{"step": 20, "loss": 2.0}, {"step": 1, "loss": 5.0, "exact_match": 0.0},
           {"step": 40, "loss": 1.0, "exact_match": 0.5}]
    steps, losses = curve(log, "loss")
    assert steps.tolist() == [1, 20, 40] and losses.tolist() == [5.0, 2.0, 1.0]
    assert curve(log, "exact_match")[0].tolist() == [1, 40]
    assert nearest_record(log, 25)["step"] == 20
    assert nearest_record(log, 25, "exact_match")["step"] == 40
    assert nearest_record([], 3) is None


def test_gradient_norms_are_ordered_by_layer():
    log = [{"step": 5, "grad_norm": {"dec.1": 1.0, "embed": 3.0, "enc.0": 2.0, "dec.0": 4.0}}]
    step, names, norms = grad_norms_at(log, 100)
    assert step == 5 and names == ["embed", "enc.0", "dec.0", "dec.1"]
    assert norms.tolist() == [3.0, 2.0, 4.0, 1.0]
    steps, names, matrix = grad_norm_matrix(log)
    assert matrix.shape == (4, 1)
    with pytest.raises(ValueError):
        grad_norms_at([{"step": 1, "loss": 2.0}], 1)


def test_sharpness_bounds():
    assert sharpness(np.full((3, 4), 0.25)) == pytest.approx(0.25)
    assert sharpness(np.eye(3)) == pytest.approx(1.0)
    with pytest.raises(ValueError):
        sharpness(np.ones(3))


def test_figure_builders_check_shapes_and_mark_the_step():
    fig = loss_curve_figure(np.array([1, 10]), np.array([5.0, 1.0]), marked=0,
                            match_steps=[0, 10], match_values=[0.0, 0.9])
    assert fig.layout.shapes[0].x0 == 1  # step 0 is drawn at 1 on the log axis
    with pytest.raises(ValueError):
        loss_curve_figure(np.array([1, 10]), np.array([5.0]))
    with pytest.raises(ValueError):
        grad_norms_figure(["a"], np.array([1.0, 2.0]))
    with pytest.raises(ValueError):
        embedding_map_figure(np.zeros((2, 3)), ["a", "b"], [0, 1], [0, 1])
    fig = embedding_map_figure(np.zeros((2, 2)), ["a", "b"], [-1, 1], [-2, 2], ["x", "y"])
    assert list(fig.layout.xaxis.range) == [-1, 1] and len(fig.data) == 2


# -- the page ---------------------------------------------------------------------------------
def open_page(**params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=240)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(PAGE)
    return at.run()


def _check(at) -> None:
    assert not at.exception, [e.message for e in at.exception]


def _heatmaps(at) -> list[np.ndarray]:
    return [array(spec["data"][0]["z"]).astype(float) for spec in chart_specs(at)
            if spec["data"][0].get("type") == "heatmap"]


def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_page_at_step_zero_and_at_the_end(lang):
    steps = film.steps()
    snaps = {s["step"]: s for s in film.snapshots()}
    at = open_page(s="我爱你", lang=lang, film_step=str(steps[-1]))
    _check(at)
    title = "How a model learns" if lang == "en" else "模型是怎样学会的"
    assert any(t.value == title for t in at.title)
    end_text = " ".join(m.value for m in at.markdown)
    end_maps = _heatmaps(at)
    end_metrics = _metrics(at)
    assert "I love you" in end_text
    at.select_slider(key="film_step").set_value(0).run()
    _check(at)
    start_maps = _heatmaps(at)
    start_metrics = _metrics(at)
    # The numbers shown are the snapshots' own.
    match_label = "Held-out exact match" if lang == "en" else "留出集完全匹配"
    assert start_metrics[match_label] == f"{snaps[0]['exact_match']:.0%}"
    assert end_metrics[match_label] == f"{snaps[steps[-1]]['exact_match']:.0%}"
    assert start_metrics != end_metrics
    # Cross-attention and the encoder head: same shapes, different weights.
    assert len(start_maps) == len(end_maps) >= 2
    cross0, self0 = start_maps[:2]
    cross1, self1 = end_maps[:2]
    assert cross0.shape[1] == cross1.shape[1] == 3  # keys: 我 爱 你, whatever was written
    assert self0.shape == self1.shape == (3, 3) and not np.allclose(self0, self1)
    # Noise to structure: every written word of the trained model looks mostly at one word.
    assert cross1.max(axis=1).mean() > cross0.max(axis=1).mean() + 0.2
    t0 = trace(load_model("trained@0", "cpu"), "我爱你")
    start_text = " ".join(m.value for m in at.markdown)
    assert f"**{t0.translation}**" in start_text


def test_page_marks_unknown_words_and_escapes_user_text():
    at = open_page(s="*bold* zebra", lang="en")
    _check(at)
    assert any("zebra" in w.value for w in at.warning)
    assert not any("<b>" in m.value for m in at.markdown)


def test_page_one_step_runs_on_a_copy():
    at = open_page(s="我爱你", lang="en")
    _check(at)
    at.text_input(key="cost_ref").set_value("I like you").run()
    at.button(key="cost_step").click().run()
    _check(at)
    metric = next(m for m in at.metric if m.label == "Loss before → after")
    assert float(metric.delta) < 0  # the step lowered this pair's loss
    assert any("Translation after" in m.value for m in at.markdown)
    bars = [s for s in chart_specs(at) if s["data"][0].get("orientation") == "h"]
    assert bars and (array(bars[-1]["data"][0]["x"]).astype(float) > 0).all()
    # The shared model still translates as before.
    assert trace(load_model("trained", "cpu"), "我爱你").translation == "I love you"


def test_film_json_lists_every_snapshot_file():
    index = json.loads((film.FILM_DIR / "film.json").read_text(encoding="utf-8"))
    files = sorted(p.name for p in film.FILM_DIR.glob("step-*.safetensors"))
    assert sorted(s["file"] for s in index["snapshots"]) == files


def test_gradient_axis_is_fixed_over_the_run():
    from explainer.analysis.training import grad_norm_range

    log = film.training_record()["log"]
    lo, hi = grad_norm_range(log)
    assert 0 < lo < hi
    _, _, first = grad_norms_at(log, 1)
    _, _, last = grad_norms_at(log, 10**6)
    assert first.max() <= hi and last.min() >= lo
    assert last.sum() < first.sum()  # the pull of the cost weakens as it falls
    with pytest.raises(ValueError):
        grad_norms_figure(["a"], np.array([1.0]), value_range=(0.0, 1.0))
