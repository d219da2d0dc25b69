"""The output-side pages under AppTest: overview, translation, masks, Add & Norm.

Both directions (zh -> en, en -> zh) and both interface languages; one AppTest reused. The
pages' numbers are checked against the command line and the decoder's own mask.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from explainer.__main__ import main
from models.tokenizer import EOS, SPECIALS, detokenize
from tests.figspec import array

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PAGES = ("app_pages/overview.py", "app_pages/translation.py", "app_pages/masks.py",
         "app_pages/add_norm.py")
SENTENCES = ("我爱你", "Smart John is singing")


@pytest.fixture(scope="module")
def at() -> AppTest:
    app = AppTest.from_file(APP, default_timeout=90)
    return app.run()


def chart(at: AppTest, key: str) -> dict:
    """The Plotly spec of the chart with this widget key."""
    for element in at.get("plotly_chart"):
        if element.proto.id.endswith(f"-{key}"):
            return json.loads(element.proto.spec)
    raise AssertionError(f"no chart {key!r}; have {[e.proto.id for e in at.get('plotly_chart')]}")


def frame(at: AppTest, column: str):
    """The first table with this (English) column: tables carry no key under AppTest."""
    for element in at.dataframe:
        if column in element.value.columns:
            return element.value
    raise AssertionError(f"no table with a column {column!r}")


def show(at: AppTest, page: str, sentence: str | None = None, lang: str | None = None) -> AppTest:
    if lang is not None:
        at.sidebar.radio(key="lang").set_value(lang)
    if sentence is not None:
        at.sidebar.text_input(key="s").set_value(sentence)
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def cli_translation(sentence: str, capsys) -> str:
    assert main(["translate", sentence]) == 0
    return capsys.readouterr().out.strip()


def as_text(tokens) -> str:
    """What the tokenizer's decode makes of written tokens: stop at <eos>, drop specials."""
    words = []
    for tok in tokens:
        if tok == EOS:
            break
        if tok not in SPECIALS:
            words.append(tok)
    return detokenize(words)


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("sentence", SENTENCES)
def test_every_page_runs_in_both_directions_and_languages(at, sentence, lang):
    for page in PAGES:
        show(at, page, sentence, lang)
        assert at.get("plotly_chart"), page
    at.sidebar.radio(key="lang").set_value("en")


@pytest.mark.parametrize("sentence", SENTENCES)
def test_greedy_steps_reproduce_the_command_line(at, sentence, capsys):
    show(at, "app_pages/translation.py", sentence)
    at.radio(key="tr_mode").set_value("greedy").run()
    steps = frame(at, "decoder input")
    written = steps.iloc[:, 2].tolist()
    assert as_text(written) == cli_translation(sentence, capsys)
    # The decoder input at step i is the start token and the first i − 1 written tokens.
    inputs = steps.iloc[:, 1].tolist()
    assert inputs[0] in ("<2en>", "<2zh>")
    for i in range(1, len(written)):
        assert inputs[i] == inputs[i - 1] + " " + written[i - 1]


def test_the_causal_mask_shown_is_the_decoders(at):
    show(at, "app_pages/translation.py", "我爱你")
    at.radio(key="tr_mode").set_value("greedy").run()
    n = len(frame(at, "decoder input"))
    at.slider(key="tr_step").set_value(2).run()
    spec = chart(at, "tr_mask")
    z = array(spec["data"][0]["z"]).astype(int)
    assert z.shape == (n, n)
    assert (z == np.tril(np.ones((n, n), dtype=int))).all()
    frame_shape = spec["layout"]["shapes"][0]
    assert (frame_shape["y0"], frame_shape["y1"]) == (0.5, 1.5)  # step 2 is row 1
    cross = chart(at, "tr_cross_mean")["data"][0]
    weights = array(cross["z"]).astype(float)
    assert weights.shape == (n, 3)
    np.testing.assert_allclose(weights.sum(axis=1), 1.0, atol=1e-5)


def test_the_step_stays_in_range_when_the_sentence_changes(at):
    show(at, "app_pages/translation.py", "Mary is reading a book in the library")
    last = len(frame(at, "decoder input"))
    at.slider(key="tr_step").set_value(last).run()
    show(at, "app_pages/translation.py", "我爱你")
    n = len(frame(at, "decoder input"))
    assert 1 <= at.slider(key="tr_step").value <= n
    show(at, "app_pages/masks.py", "Mary is reading a book in the library")
    at.select_slider(key="mk_pad").set_value(8).run()  # "Mary …" has 8 tokens: no padding
    show(at, "app_pages/masks.py", "我爱你")
    assert at.select_slider(key="mk_pad").value == 8
    show(at, "app_pages/masks.py", "Smart John is singing")
    at.select_slider(key="mk_pad").set_value(4).run()  # not a size for a 3-token sentence
    show(at, "app_pages/masks.py", "我爱你")
    assert at.select_slider(key="mk_pad").value == 8


def test_next_token_probabilities_come_from_a_distribution(at):
    show(at, "app_pages/translation.py", "我爱你")
    bars = chart(at, "tr_next")["data"][0]
    probs = array(bars["x"]).astype(float)
    assert (np.diff(probs) <= 1e-12).all() and 0 < probs.sum() <= 1 + 1e-9
    assert any("1.000000" in c.value for c in at.caption)


def test_sampling_with_the_same_seed_repeats(at):
    show(at, "app_pages/translation.py", "Smart John is singing")
    at.radio(key="tr_mode").set_value("sample").run()
    at.slider(key="tr_temp").set_value(1.5).run()
    at.number_input(key="tr_seed").set_value(3).run()
    first = frame(at, "decoder input").iloc[:, 2].tolist()
    at.number_input(key="tr_seed").set_value(4).run()
    at.number_input(key="tr_seed").set_value(3).run()
    assert not at.exception
    assert frame(at, "decoder input").iloc[:, 2].tolist() == first
    drawn = chart(at, "tr_next")["data"]
    assert len(drawn) == 2  # the model's distribution and the one sampled from
    at.radio(key="tr_mode").set_value("greedy").run()


def test_beam_search_shows_its_beams(at):
    show(at, "app_pages/translation.py", "我爱你")
    at.radio(key="tr_mode").set_value("beam").run()
    assert not at.exception
    tree = chart(at, "tr_beam_tree")
    assert len(tree["data"]) == 4
    hyps = frame(at, "score = log P / lp")
    assert 1 <= len(hyps) and hyps.iloc[:, 0].tolist() == list(range(1, len(hyps) + 1))
    at.slider(key="tr_beam").set_value(1).run()
    at.slider(key="tr_alpha").set_value(0.0).run()
    best = frame(at, "score = log P / lp").iloc[0, 1]
    greedy = as_text(frame(at, "decoder input").iloc[:, 2].tolist())
    assert best == greedy
    at.radio(key="tr_mode").set_value("greedy").run()


def test_masks_page_pads_and_gives_pads_no_attention(at):
    show(at, "app_pages/masks.py", "我爱你")
    at.select_slider(key="mk_pad").set_value(16).run()
    assert not at.exception
    matrix = chart(at, "mk_matrix")["data"][0]
    assert array(matrix["z"]).shape[0] == 16
    row = array(chart(at, "mk_pad_row")["data"][0]["z"]).astype(int)
    assert row.tolist() == [[1, 1, 1] + [0] * 13]
    table = frame(at, "largest weight on a pad")
    assert (table.iloc[:, 2:] == 0).all().all()
    weights = array(chart(at, "mk_weights")["data"][0]["z"]).astype(float)
    assert (weights[:, 3:] == 0).all()
    causal = array(chart(at, "mk_causal")["data"][0]["z"]).astype(int)
    assert (causal == np.tril(np.ones_like(causal))).all()


def test_add_norm_page_switches_side_and_sublayer(at):
    show(at, "app_pages/add_norm.py", "Smart John is singing")
    at.radio(key="an_side").set_value(1).run()
    at.radio(key="an_sub").set_value("cross").run()
    assert not at.exception
    stats = chart(at, "an_stats")
    assert len(stats["data"]) == 6  # before, (s − μ)/σ, after; mean and std each
    at.radio(key="an_side").set_value(0).run()
    assert not at.exception and at.radio(key="an_sub").value == "attn"
    zeros = array(chart(at, "an_zeros")["data"][0]["y"]).astype(float)
    assert ((zeros >= 0) & (zeros <= 1)).all()


def test_overview_links_stages_and_compares_with_the_paper(at):
    show(at, "app_pages/overview.py", "我爱你")
    links = at.get("page_link")
    assert any(link.proto.label.startswith("Input Embedding · 3 × 128") for link in links)
    at.toggle(key="ov_base").set_value(True).run()
    assert not at.exception
    shapes = frame(at, "Stage")
    assert "3 × 512" in shapes.iloc[:, 2].tolist()
    assert "8 × 3 × 3" in shapes.iloc[:, 2].tolist()
    padded = chart(at, "ov_padded")
    assert any(s.get("y1") == 512 for s in padded["layout"]["shapes"])
    at.toggle(key="ov_base").set_value(False).run()
    assert chart(at, "overview_heatmap")
