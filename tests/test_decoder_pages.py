"""The output-side pages under AppTest: overview, translation, masks, Add & Norm.

Our model in both directions and both interface languages, its numbers checked against the
command line and the decoder's own mask; and the same pages for other architectures:
all-MiniLM-L6-v2 (a BERT: encoder-only, post-LN, GELU), and small random GPT-2 (decoder-only,
pre-LN) and Marian (encoder–decoder) folders shown through EXPLAINER_MODELS_DIR. Each test
starts its own app, so none depends on another's state.
"""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from explainer.__main__ import main
from models.registry import MODELS_DIR_ENV
from models.tokenizer import EOS, SPECIALS, detokenize
from tests.figspec import array, chart_specs

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
NAMES = ("overview", "translation", "masks", "add_norm")
MINILM = "all-MiniLM-L6-v2"


def page(name: str) -> str:
    return f"app_pages/{name}.py"


def new_app(name: str, **params) -> AppTest:
    """A fresh app opened on one page with these URL parameters (s=, model=, lang=, …)."""
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    return show(at, name)


def show(at: AppTest, name: str) -> AppTest:
    at.switch_page(page(name)).run()
    assert not at.exception, (name, [e.message for e in at.exception])
    return at


def chart(at: AppTest, key: str) -> dict:
    """The Plotly spec of the chart with this widget key."""
    for element, spec in zip(at.get("plotly_chart"), chart_specs(at)):
        if element.proto.id.endswith(f"-{key}"):
            return spec
    raise AssertionError(f"no chart {key!r}; have {[e.proto.id for e in at.get('plotly_chart')]}")


def frame(at: AppTest, column: str):
    """The first table with this (English) column: tables carry no key under AppTest."""
    for element in at.dataframe:
        if column in element.value.columns:
            return element.value
    raise AssertionError(f"no table with a column {column!r}")


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


@pytest.mark.parametrize("name", NAMES)
def test_every_page_declares_what_it_needs_and_checks_it(name):
    tree = ast.parse((ROOT / "app_pages" / f"{name}.py").read_text("utf-8"))
    (spec,) = [ast.literal_eval(node.value) for node in tree.body
               if isinstance(node, ast.Assign)
               and getattr(node.targets[0], "id", None) == "PAGE"]
    assert spec["needs"] == (["generates"] if name == "translation" else [])
    calls = {node.func.id for node in ast.walk(tree)
             if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)}
    assert "require" in calls
    imports = {alias.name.split(".")[0] for node in ast.walk(tree)
               if isinstance(node, ast.Import) for alias in node.names}
    assert not imports & {"numpy", "torch", "sklearn"}


# --- our model ------------------------------------------------------------------------------


@pytest.mark.parametrize("sentence, lang", [("我爱你", "English"), ("Smart John is singing",
                                                                   "中文")])
def test_every_page_runs_in_both_directions_and_languages(sentence, lang):
    at = new_app("overview", s=sentence, lang=lang)
    for name in NAMES:
        show(at, name)
        assert at.get("plotly_chart"), name


@pytest.mark.parametrize("sentence", ["我爱你", "Smart John is singing"])
def test_greedy_steps_reproduce_the_command_line(sentence, capsys):
    at = new_app("translation", s=sentence)
    steps = frame(at, "decoder input")
    written = steps.iloc[:, 2].tolist()
    assert as_text(written) == cli_translation(sentence, capsys)
    # The decoder input at step i is the start token and the first i − 1 written tokens.
    inputs = steps.iloc[:, 1].tolist()
    assert inputs[0] in ("<2en>", "<2zh>")
    for i in range(1, len(written)):
        assert inputs[i] == inputs[i - 1] + " " + written[i - 1]


def test_the_causal_mask_shown_is_the_decoders():
    at = new_app("translation", s="我爱你", tr_step="2")
    n = len(frame(at, "decoder input"))
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
    # The caption names the source token this view's framed row attends to most.
    source = frame(at, "source token")
    best = source.iloc[1, 1]
    assert best == ["我", "爱", "你"][int(np.argmax(weights[1]))]
    assert any(f"“{best}”" in c.value and "Step 2" in c.value for c in at.caption)


def test_the_step_stays_in_range_when_the_sentence_changes():
    at = new_app("translation", s="Mary is reading a book in the library")
    last = len(frame(at, "decoder input"))
    at.slider(key="tr_step").set_value(last).run()
    at.sidebar.text_input(key="s").set_value("我爱你")
    show(at, "translation")
    n = len(frame(at, "decoder input"))
    assert 1 <= at.slider(key="tr_step").value <= n
    show(at, "masks")
    at.select_slider(key="mk_pad").set_value(8).run()
    at.sidebar.text_input(key="s").set_value("Smart John is singing")
    show(at, "masks")
    assert at.select_slider(key="mk_pad").value == 8
    at.sidebar.text_input(key="s").set_value("Mary is reading a book in the library")
    show(at, "masks")  # 8 tokens: 8 pads nothing, but is a size this sentence offers
    assert at.select_slider(key="mk_pad").value == 8
    at.select_slider(key="mk_pad").set_value(32).run()
    at.sidebar.text_input(key="s").set_value("我爱你")
    show(at, "masks")
    assert at.select_slider(key="mk_pad").value == 32


def test_next_token_probabilities_come_from_a_distribution():
    at = new_app("translation", s="我爱你")
    bars = chart(at, "tr_next")["data"][0]
    probs = array(bars["x"]).astype(float)
    assert (np.diff(probs) <= 1e-12).all() and 0 < probs.sum() <= 1 + 1e-9
    assert any("1.000000" in c.value for c in at.caption)


def test_sampling_with_the_same_seed_repeats():
    at = new_app("translation", s="Smart John is singing", tr_mode="Sampling · 采样",
                 tr_temp="1.5", tr_seed="3")
    first = frame(at, "decoder input").iloc[:, 2].tolist()
    at.number_input(key="tr_seed").set_value(4).run()
    at.number_input(key="tr_seed").set_value(3).run()
    assert not at.exception
    assert frame(at, "decoder input").iloc[:, 2].tolist() == first
    drawn = chart(at, "tr_next")["data"]
    assert len(drawn) == 2  # the model's distribution and the one sampled from


def test_beam_search_shows_its_beams():
    at = new_app("translation", s="我爱你", tr_mode="Beam search · 束搜索")
    tree = chart(at, "tr_beam_tree")
    assert len(tree["data"]) == 4
    hyps = frame(at, "score = log P / lp")
    assert 1 <= len(hyps) and hyps.iloc[:, 0].tolist() == list(range(1, len(hyps) + 1))
    at.slider(key="tr_beam").set_value(1).run()
    at.slider(key="tr_alpha").set_value(0.0).run()
    best = frame(at, "score = log P / lp").iloc[0, 1]
    greedy = as_text(frame(at, "decoder input").iloc[:, 2].tolist())
    assert best == greedy


def test_masks_page_pads_and_gives_pads_no_attention():
    at = new_app("masks", s="我爱你", mk_pad="16")
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
    unmasked = array(chart(at, "mk_mask_enc")["data"][0]["z"]).astype(int)
    assert unmasked.shape == (3, 3) and (unmasked == 1).all()  # no padding as typed


def test_add_norm_page_switches_side_and_sublayer_and_its_checks_hold():
    at = new_app("add_norm", s="Smart John is singing", an_side="1", an_sub="cross")
    stats = chart(at, "an_stats")
    assert len(stats["data"]) == 6  # before, (s − μ)/σ, after; mean and std each
    # Sum, LayerNorm, FFN output and FFN hidden recomputed from the weights: all agree.
    assert len(at.success) == 4 and not at.error
    at.radio(key="an_side").set_value(0).run()
    assert not at.exception and at.radio(key="an_sub").value == "attn"
    zeros = array(chart(at, "an_zeros")["data"][0]["y"]).astype(float)
    assert ((zeros >= 0) & (zeros <= 1)).all()


def test_overview_links_stages_and_compares_with_the_paper():
    at = new_app("overview", s="我爱你")
    links = at.get("page_link")
    assert any(link.proto.label.startswith("Input Embedding · 3 × 128") for link in links)
    assert len(chart(at, "ov_pipeline")["layout"]["shapes"]) > 0
    at.toggle(key="ov_base").set_value(True).run()
    assert not at.exception
    shapes = frame(at, "Stage")
    assert "3 × 512" in shapes.iloc[:, 2].tolist()
    assert "8 × 3 × 3" in shapes.iloc[:, 2].tolist()
    assert any(shape.endswith("× 37000") for shape in shapes.iloc[:, 2])  # the paper's vocab
    padded = chart(at, "ov_padded")
    assert any(s.get("y1") == 512 for s in padded["layout"]["shapes"])
    at.toggle(key="ov_base").set_value(False).run()
    assert chart(at, "overview_heatmap")


def test_a_long_input_renders_every_page_in_windows():
    long = " ".join(["Smart John is singing a song"] * 100)  # cut to max_len = 512 tokens
    at = new_app("overview", s=long)
    assert array(chart(at, "overview_heatmap")["data"][0]["z"]).shape == (64, 64)
    show(at, "translation")
    show(at, "masks")
    assert array(chart(at, "mk_matrix")["data"][0]["z"]).shape == (512, 128)
    assert array(chart(at, "mk_weights")["data"][0]["z"]).shape == (64, 64)
    show(at, "add_norm")
    assert array(chart(at, "an_ffn")["data"][0]["z"]).shape[0] == 64
    assert len(chart(at, "an_stream")["data"]) <= 24 + 2  # a line per shown token, 2 legends


# --- other architectures --------------------------------------------------------------------


@pytest.fixture(scope="module")
def models_dir(tmp_path_factory):
    """A models folder holding small random GPT-2 and Marian models (no download)."""
    from tests.hf_models import build_gpt2, build_marian

    root = tmp_path_factory.mktemp("decoder_models")
    build_gpt2(root / "gpt2")
    build_marian(root / "_build" / "marian")  # its tokenizer files go beside it, not in root
    (root / "_build" / "marian").rename(root / "marian")
    return root


@pytest.fixture
def show_models(models_dir, monkeypatch):
    """List the folder's models in the sidebar (the name list is a 30 s cache: cleared)."""
    monkeypatch.setenv(MODELS_DIR_ENV, str(models_dir))
    st.cache_data.clear()
    yield models_dir
    st.cache_data.clear()


def test_minilm_has_no_translation_but_every_other_page_draws():
    at = new_app("overview", model=MINILM, s="Smart John is singing")
    figure = chart(at, "ov_pipeline")
    frames = [s for s in figure["layout"]["shapes"] if s["type"] == "rect"
              and s.get("fillcolor") == "#f4f4f4"]
    assert len(frames) == 1  # one column: an encoder only
    assert "ov_base" not in [t.key for t in at.toggle]  # no comparison with the paper's encoder–decoder
    show(at, "translation")
    assert not at.get("plotly_chart") and len(at.info) == 1  # the one-sentence notice
    assert at.get("page_link")
    show(at, "masks")
    assert chart(at, "mk_pad_row") and chart(at, "mk_mask_enc")
    show(at, "add_norm")
    assert len(at.success) == 4 and not at.error  # GELU and BERT's LayerNorm recomputed
    assert any("GELU" in h.value for h in at.subheader)


def test_a_gpt_writes_step_by_step_with_self_attention(show_models):
    at = new_app("translation", model="gpt2", s="Smart John is singing")
    steps = frame(at, "decoder input")
    written = chart(at, "tr_cross_mean")["data"][0]
    weights = array(written["z"]).astype(float)
    assert weights.shape[0] == len(steps)  # a row per written token
    assert weights.shape[1] == len(steps.iloc[-1, 1].split(" "))  # keys: the text so far
    assert np.isnan(weights[0, -1])  # the first step cannot see the last token: masked gap
    assert any("Self-attention" in h.value for h in at.subheader)
    at.radio(key="tr_mode").set_value("beam").run()
    assert not at.exception and not [c for c in at.get("plotly_chart")
                                     if c.proto.id.endswith("-tr_beam_tree")]
    assert any("Beam search is shown for our own" in i.value for i in at.info)


def test_a_gpt_draws_pre_ln_and_its_causal_mask(show_models):
    at = new_app("add_norm", model="gpt2", s="Smart John is singing")
    assert any(r"\mathrm{Sublayer}\big(\mathrm{LayerNorm}(x)\big)" in e.value for e in at.latex)
    assert len(at.success) == 3 and not at.error  # sum, FFN out, FFN hidden (gelu_new)
    show(at, "masks")
    assert "mk_matrix" not in " ".join(e.proto.id for e in at.get("plotly_chart"))
    causal = array(chart(at, "mk_causal")["data"][0]["z"]).astype(int)
    assert (causal == np.tril(np.ones_like(causal))).all()
    show(at, "overview")
    assert "ov_base" not in [t.key for t in at.toggle]


def test_marian_translates_with_cross_attention_in_chinese(show_models):
    at = new_app("translation", model="marian", s="Smart John is singing", lang="中文")
    cross = array(chart(at, "tr_cross_mean")["data"][0]["z"]).astype(float)
    np.testing.assert_allclose(cross.sum(axis=1), 1.0, atol=1e-5)
    show(at, "overview")
    assert at.toggle(key="ov_base")  # an encoder–decoder compares with the paper
