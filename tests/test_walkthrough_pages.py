"""The walkthrough pages under AppTest: they run for both running examples (English and Chinese
interface), heatmaps are sized by the tokens, the step-by-step check holds, pickers can change,
and the URL reopens the same view; and they run for other architectures: all-MiniLM-L6-v2 (a
BERT), and small random GPT-2 and Marian folders shown through EXPLAINER_MODELS_DIR."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from models.registry import MODELS_DIR_ENV
from tests.figspec import array, chart_specs, heatmap_shapes

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
PAGES = ["vectors", "embedding", "positional", "self_attention", "multi_head", "vector_space"]
DIFF = re.compile(r"=\s*([0-9.]+e[-+][0-9]+)")
MINILM = "all-MiniLM-L6-v2"


def page(name: str) -> str:
    return f"app_pages/{name}.py"


def new_app(**params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def stated_difference(at) -> float:
    """The number the step-by-step page (or the W_O check) states under its final check."""
    (message,) = [m.value for m in at.success]
    return float(DIFF.search(message).group(1))


@pytest.mark.parametrize("name", PAGES)
def test_every_page_declares_what_it_needs_and_checks_it(name):
    tree = ast.parse((ROOT / "app_pages" / f"{name}.py").read_text("utf-8"))
    (spec,) = [ast.literal_eval(node.value) for node in tree.body
               if isinstance(node, ast.Assign)
               and getattr(node.targets[0], "id", None) == "PAGE"]
    assert isinstance(spec["needs"], list)
    calls = {node.func.id for node in ast.walk(tree)
             if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)}
    assert name == "vectors" or "require" in calls  # vectors reads no trace


def check(at, where) -> None:
    assert not at.exception, (where, [e.message for e in at.exception])


@pytest.fixture(scope="module")
def at():
    return new_app()


@pytest.mark.parametrize("sentence, n_tokens", [("Smart John is singing", 4), ("我爱你", 3)])
def test_every_page_runs_and_sizes_heatmaps_by_the_tokens(at, sentence, n_tokens):
    at.sidebar.text_input(key="s").set_value(sentence).run()
    for name in PAGES:
        at.switch_page(page(name)).run()
        check(at, (name, sentence))
        assert at.get("plotly_chart"), name
        if name == "embedding":
            assert (n_tokens, 128) in heatmap_shapes(at)
        if name == "multi_head":
            shapes = heatmap_shapes(at)
            # The grid: 3 layers × 4 heads tiled into one heatmap; then one head and the average.
            assert (3 * n_tokens, 4 * n_tokens) in shapes
            assert shapes.count((n_tokens, n_tokens)) >= 2
        if name == "self_attention":
            assert stated_difference(at) < 1e-5


def test_changing_layer_head_and_query_keeps_the_check(at):
    at.sidebar.text_input(key="s").set_value("Smart John is singing").run()
    at.switch_page(page("self_attention")).run()
    for stage in range(3):  # encoder self-, decoder self-, cross-attention
        at.radio(key="sa_stage").set_value(stage)
        at.radio(key="layer").set_value(2)
        at.radio(key="head").set_value(3)
        at.selectbox(key="q").set_value(1).run()
        check(at, stage)
        assert stated_difference(at) < 1e-5
        weights = [t for spec in chart_specs(at) for t in spec["data"]
                   if t.get("type") == "bar" and t.get("marker", {}).get("color") is not None
                   and isinstance(t["marker"]["color"], list)]
        assert sum(array(weights[-1]["y"]).astype(float)) == pytest.approx(1.0, abs=1e-6)
    at.radio(key="sa_stage").set_value(0).run()
    at.switch_page(page("multi_head")).run()
    at.radio(key="layer").set_value(1)
    at.radio(key="head").set_value(2).run()
    check(at, "multi_head")
    titles = [spec["layout"].get("title", {}).get("text") for spec in chart_specs(at)]
    assert "Layer 2, head 3" in titles
    at.switch_page(page("vector_space")).run()
    at.radio(key="vs_side").set_value(1)
    at.radio(key="vs_dims").set_value(1).run()
    check(at, "vector_space")
    assert any(t["type"] == "scatter3d" for spec in chart_specs(at) for t in spec["data"])


def test_repeated_words_keep_their_rows_and_part_after_pe(at):
    at.sidebar.text_input(key="s").set_value("John saw John").run()
    at.switch_page(page("multi_head")).run()
    check(at, "multi_head")
    assert (9, 12) in heatmap_shapes(at)  # 3 × 4 heads, each 3 × 3
    assert heatmap_shapes(at).count((3, 3)) >= 2
    at.switch_page(page("positional")).run()
    check(at, "positional")
    texts = " ".join(m.value for m in at.markdown)
    assert "positions 0 and 2" in texts
    # The sentence itself has the repeat, so no separate demo figure is added.
    assert not any("no repeated word" in m.value for m in at.markdown)


def test_chinese_interface_and_the_repeat_demo():
    at = new_app(lang="中文", s="我爱你")
    for name in PAGES:
        at.switch_page(page(name)).run()
        check(at, name)
    at.switch_page(page("positional")).run()
    # The demo for a sentence without repeats follows the interface language.
    assert any("约翰看见了约翰" in m.value for m in at.markdown)
    assert not any("John saw John" in m.value for m in at.markdown)
    assert at.title[0].value == "第二步 · 定位（位置编码）"


def test_the_url_reopens_the_same_view():
    at = new_app(layer="3", head="2", q="2: is")
    at.switch_page(page("self_attention")).run()
    check(at, "url")
    assert at.radio(key="layer").value == 2
    assert at.radio(key="head").value == 1
    assert at.selectbox(key="q").value == 2
    assert "“is”" in " ".join(m.value for m in at.markdown)
    at.switch_page(page("multi_head")).run()
    assert (at.radio(key="layer").value, at.radio(key="head").value) == (2, 1)
    at = new_app(sa_stage="Cross (decoder → encoder) · 交叉注意力", vs_dims="3-D", lang="中文")
    at.switch_page(page("self_attention")).run()
    check(at, "url, Chinese")
    assert at.radio(key="sa_stage").value == 2
    at.switch_page(page("vector_space")).run()
    assert at.radio(key="vs_dims").value == 1


def test_long_input_is_thinned_but_every_page_renders():
    words = " ".join(["Smart John is singing"] * 34)  # 136 tokens
    at = new_app(s=words)
    for name in PAGES:
        at.switch_page(page(name)).run()
        check(at, name)
        if name == "embedding":
            assert (128, 128) in heatmap_shapes(at)
            assert any("first 128 of 136" in c.value for c in at.caption)
        if name == "multi_head":
            grid, *others = heatmap_shapes(at)  # the grid tiles 3 layers × 4 heads
            assert grid[0] // 3 <= 128 and grid[1] // 4 <= 128
            assert all(max(shape) <= 128 for shape in others)
            assert any("block of" in c.value for c in at.caption)


# Other architectures.

@pytest.fixture(scope="module")
def models_dir(tmp_path_factory):
    """A models folder holding small random GPT-2 and Marian models (no download)."""
    from tests.hf_models import build_gpt2, build_marian

    root = tmp_path_factory.mktemp("walk_models")
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


# (model, interface language, stages the pickers must offer)
ARCHITECTURES = [
    pytest.param(MINILM, "English", 1, id="minilm"),
    pytest.param("gpt2", "English", 1, id="gpt2"),
    pytest.param("marian", "中文", 3, id="marian-zh"),
]


@pytest.mark.parametrize("model, lang, n_stages", ARCHITECTURES)
def test_every_page_runs_for_other_architectures(show_models, model, lang, n_stages):
    at = new_app(model=model, s="Smart John is singing", lang=lang)
    for name in PAGES:
        at.switch_page(page(name)).run()
        check(at, (model, name))
        assert at.get("plotly_chart"), (model, name)
        if name in ("self_attention", "multi_head"):
            stage_key = "sa_stage" if name == "self_attention" else "mh_stage"
            assert len(at.radio(key=stage_key).options) == n_stages
            assert stated_difference(at) < 1e-4
    if model == MINILM:  # learned positions: rows drawn as they are, no formula to check
        at.switch_page(page("positional")).run()
        assert not any(r"\sin" in e.value for e in at.latex)
        assert any("learned" in m.value for m in at.markdown)
    if model == "marian":  # sinusoidal, sines in the first half of the dimensions
        at.switch_page(page("positional")).run()
        assert any("d_\\mathrm{model}/2+i" in e.value for e in at.latex)
        (check_line,) = [c.value for c in at.caption if "最大 |差值|" in c.value][:1]
        assert float(DIFF.search(check_line).group(1)) < 1e-5


def test_minilm_attention_can_hide_its_special_tokens():
    at = new_app(model=MINILM, s="Smart John is singing")
    at.switch_page(page("multi_head")).run()
    check(at, "shown")
    assert (6 * 6, 12 * 6) in heatmap_shapes(at)  # 6 layers × 12 heads of [CLS] … [SEP]
    assert heatmap_shapes(at).count((6, 6)) >= 2
    # Pickers start at the article's word (uncased "john"), never at [CLS].
    assert at.selectbox(key="q").value == 2
    at.toggle(key="mh_hide").set_value(True).run()
    check(at, "hidden")
    assert (6 * 4, 12 * 4) in heatmap_shapes(at)
    assert heatmap_shapes(at).count((4, 4)) >= 2
    assert any("[CLS], [SEP]" in c.value for c in at.caption)
    again = new_app(model=MINILM, s="Smart John is singing", mh_hide="true", q="0: [CLS]")
    again.switch_page(page("multi_head")).run()
    assert again.toggle(key="mh_hide").value is True  # the URL keeps the choices
    assert again.selectbox(key="q").value == 0
