"""The pages "Hyper-parameters" and "RNN vs attention": what they draw is the shipped results
and the models' own numbers (curves are the grid's, the history is the study's trials, the
length curves are rnn_lengths.json's, the hidden path is the GRU's states), in both languages,
with hostile input answered; and the analysis and figure builders behind them."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import optuna
import pytest
from streamlit.testing.v1 import AppTest

from explainer.analysis.lab import (
    family,
    grid_runs,
    heads_answer,
    hidden_path,
    length_answer,
    length_curves,
    path_lengths,
    speed_rows,
)
from explainer.figures.lab import curves_figure, knob_figure
from explainer.figures.rnn import hidden_path_figure, length_figure, path_figure, speed_figure
from explainer.text import TEXT
from tests.figspec import array, chart_specs
from tests.hostile_inputs import BY_NAME, notice_pattern

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
LAB_PAGE = "app_pages/hyperparameters.py"
RNN_PAGE = "app_pages/rnn.py"
LAB = ROOT / "models" / "lab"


def open_page(page: str, **params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=240)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(page)
    return at.run()


def check(at) -> None:
    assert not at.exception, [e.message for e in at.exception]


def grid():
    return grid_runs(json.loads((LAB / "grid.json").read_text("utf-8")))


def study():
    return optuna.load_study(study_name="lab", storage=f"sqlite:///{LAB / 'study.db'}")


def titled(at, text: str) -> dict:
    (spec,) = [s for s in chart_specs(at) if s["layout"].get("title", {}).get("text") == text]
    return spec


def notices(at) -> list[str]:
    return [str(e.value) for e in [*at.info, *at.warning, *at.error]]


# -- Hyper-parameters ----------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_lab_page_draws_the_grids_curves_and_the_studys_figures(lang):
    at = open_page(LAB_PAGE, lang=lang, knob="width")
    check(at)
    assert at.title[0].value == TEXT["lab.title"][lang]
    # The curves are the width family's own loss curves, one line per run.
    runs = family(grid(), "width")
    knob = TEXT["lab.knob.width"][lang]
    curves = titled(at, TEXT["lab.curves_title"][lang].format(knob=knob))
    losses = [t for t in curves["data"] if t.get("xaxis", "x") == "x"]
    assert len(losses) == len(runs) >= 3
    for line, run in zip(losses, runs):
        np.testing.assert_allclose(array(line["y"]).astype(float), run.loss, rtol=1e-5)
    assert curves["layout"]["xaxis"]["title"]["text"] == TEXT["lab.step"][lang]
    # Optuna's optimisation history: one dot per finished trial, the study's own values.
    history = titled(at, TEXT["lab.study.history.title"][lang])
    values = sorted(t.value for t in study().trials if t.state.name == "COMPLETE")
    dots = history["data"][0]
    assert sorted(array(dots["y"]).astype(float)) == pytest.approx(values)
    assert history["layout"]["xaxis"]["title"]["text"] == TEXT["lab.study.history.x"][lang]
    # All four of Optuna's figures are there, titled in the page's language, and the search's
    # parameters are named in it too.
    for kind in ("importances", "parallel", "slice"):
        titled(at, TEXT[f"lab.study.{kind}.title"][lang])
    parallel = titled(at, TEXT["lab.study.parallel.title"][lang])
    assert TEXT["lab.param.d_model"][lang] in parallel["layout"]["xaxis"]["ticktext"]
    importances = titled(at, TEXT["lab.study.importances.title"][lang])
    shipped = study().user_attrs["importances"]
    bars = importances["data"][0]
    assert sorted(bars["y"]) == sorted(TEXT[f"lab.param.{p}"][lang] for p in shipped)


def test_lab_page_answers_the_heads_question_with_the_grids_numbers():
    at = open_page(LAB_PAGE)
    check(at)
    answer = heads_answer(grid())
    expected = notice_pattern(f"lab.a.heads.{answer['better']}")
    said = [str(m.value) for m in at.markdown if expected.fullmatch(str(m.value))]
    assert len(said) == 1
    assert f"{answer['one']} %" in said[0] and f"{answer['many']} %" in said[0]


def test_a_hostile_knob_in_the_url_falls_back_to_a_real_one():
    at = open_page(LAB_PAGE, knob="<script>alert(1)</script>")
    check(at)
    assert any(s["layout"].get("title", {}).get("text", "").startswith("Loss")
               for s in chart_specs(at))


# -- RNN vs attention ----------------------------------------------------------------------


@pytest.mark.parametrize("lang, sentence", [("en", "Smart John is singing"), ("zh", "我爱你")])
def test_rnn_page_draws_measured_lengths_live_times_and_the_grus_own_path(lang, sentence):
    from models.rnn import load_rnn

    at = open_page(RNN_PAGE, lang=lang, s=sentence)
    check(at)
    assert at.title[0].value == TEXT["rnn.title"][lang]
    specs = chart_specs(at)
    # Lengths: the shipped measurement, one line per model.
    curves = length_curves(json.loads((LAB / "rnn_lengths.json").read_text("utf-8")))
    (lengths,) = [s for s in specs if s["layout"]["xaxis"].get("title", {}).get("text")
                  == TEXT["rnn.clauses"][lang]]
    assert len(lengths["data"]) == len(curves)
    for line, curve in zip(lengths["data"], curves):
        np.testing.assert_allclose(array(line["y"]).astype(float), curve.exact, rtol=1e-5)
    # Speed: GRU and attention over every timed length, on a log axis.
    (speed,) = [s for s in specs if s["layout"]["yaxis"].get("type") == "log"]
    assert len(speed["data"]) >= 2
    assert all(len(array(t["x"])) == 10 for t in speed["data"])
    # The hidden path: the GRU's states after each token, projected as the analysis does.
    loaded = load_rnn(device="cpu")
    encoded = loaded.tokenizer.encode(sentence, 512)
    import torch

    with torch.no_grad():
        states, _, _ = loaded.model.encode(torch.tensor([encoded.ids]))
    expected, _ = hidden_path(states[0].numpy())
    path = titled(at, TEXT["rnn.gru_path_title"][lang])
    dots = path["data"][1]
    assert list(dots["text"]) == encoded.tokens
    np.testing.assert_allclose(np.stack([array(dots["x"]), array(dots["y"])], -1)
                               .astype(float), expected, atol=1e-4)
    # n steps against one: the text quotes the token count of this sentence.
    hops = path_lengths(len(encoded.tokens))
    said = [str(m.value) for m in at.markdown
            if notice_pattern("rnn.path_text", lang).fullmatch(str(m.value))]
    assert said and f"**{hops['rnn']}**" in said[0]


@pytest.mark.parametrize("name", ["empty", "script_tag", "long_10000_latin", "unknown_words",
                                  "special_tokens"])
def test_rnn_page_answers_hostile_input(name):
    case = BY_NAME[name]
    at = open_page(RNN_PAGE, s="Smart John is singing")
    at.sidebar.text_input(key="s").set_value(case.text).run()
    check(at)
    shown = notices(at)
    if case.blank:
        assert any(notice_pattern("notice.empty").fullmatch(t) for t in shown)
    if case.long:
        assert any(notice_pattern("notice.truncated").fullmatch(t) for t in shown)
    # User text never reaches Markdown unescaped.
    typed = case.text.strip()
    if typed and case.markup:
        assert not any(typed in str(m.value) for m in at.markdown)


# -- analysis and figures -------------------------------------------------------------------


def test_path_lengths_grow_for_the_rnn_only():
    assert path_lengths(1) == {"rnn": 0, "attention": 0}
    assert path_lengths(2) == {"rnn": 1, "attention": 1}
    assert path_lengths(512) == {"rnn": 511, "attention": 1}
    with pytest.raises(ValueError):
        path_lengths(0)


def test_path_figure_chains_every_neighbour_and_links_first_to_last():
    tokens = ["the", "cat", "saw", "the", "cat"]  # repeated words keep their nodes
    fig = path_figure(tokens).to_dict()
    nodes = [t for t in fig["data"] if t.get("mode") == "markers+text"]
    assert [list(n["text"]) for n in nodes] == [tokens, tokens]
    arrows = fig["layout"]["annotations"]
    assert [(a["ax"], a["x"]) for a in arrows] == [(i, i + 1) for i in range(4)]
    links = [t for t in fig["data"] if t.get("mode") == "lines"]
    assert len(links) == 4 and all(array(link["x"])[-1] == 4 for link in links)


def test_hidden_path_has_one_point_per_token_and_a_stable_sign():
    rng = np.random.default_rng(0)
    states = rng.normal(size=(6, 12))
    a, _ = hidden_path(states)
    b, _ = hidden_path(states.copy())
    assert a.shape == (6, 2)
    np.testing.assert_allclose(a, b)
    fig = hidden_path_figure(a, list("abcdef")).to_dict()
    assert list(fig["data"][1]["text"]) == list("abcdef")
    with pytest.raises(ValueError):
        hidden_path_figure(a, list("abc"))


def test_length_answer_reads_the_first_trained_and_longest_rows():
    doc = {"models": [
        {"name": "gru", "kind": "gru", "params": 10, "train_clauses": [1, 2],
         "by_length": [{"clauses": k, "tokens": 5 * k, "mean": m}
                       for k, m in [(1, 0.9), (2, 0.5), (3, 0.1)]]},
        {"name": "transformer", "kind": "transformer", "params": 11, "train_clauses": [1, 2],
         "by_length": [{"clauses": k, "tokens": 5 * k, "mean": m}
                       for k, m in [(1, 1.0), (2, 0.8), (3, 0.2)]]}]}
    answer = length_answer(length_curves(doc))
    assert (answer["gru_1"], answer["gru_in"], answer["gru_out"]) == (90.0, 50.0, 10.0)
    assert (answer["tf_1"], answer["tf_in"], answer["tf_out"]) == (100.0, 80.0, 20.0)
    assert answer["trained"] == 2 and answer["longest"] == 3


def test_speed_rows_compare_the_same_lengths():
    rows = speed_rows({"gru": {8: 0.002, 64: 0.01}, "attention": {8: 0.001, 64: 0.02, 512: 1}})
    assert [r["tokens"] for r in rows] == [8, 64]
    assert rows[0]["ratio"] == 2.0 and rows[1]["inverse"] == 2.0


def test_builders_refuse_mismatched_lengths():
    with pytest.raises(ValueError):
        curves_figure([[1, 2]], [[1.0]], [[1]], [[0.5]], ["a"])
    with pytest.raises(ValueError):
        knob_figure(["a", "b"], [0.5], [1, 2], [1, 2])
    with pytest.raises(ValueError):
        length_figure([1, 2], [[0.5]], ["gru"], ["gru"], 1)
    with pytest.raises(ValueError):
        speed_figure([1, 2], [[1.0, 2.0, 3.0]], ["gru"], ["gru"])
