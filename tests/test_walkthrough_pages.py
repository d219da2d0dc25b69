"""The walkthrough pages under AppTest: they run for both running examples (English and Chinese
interface), heatmaps are sized by the tokens, the step-by-step check holds, pickers can change,
and the URL reopens the same view."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.figspec import array, chart_specs, heatmap_shapes

APP = str(Path(__file__).resolve().parent.parent / "app.py")
PAGES = ["vectors", "embedding", "positional", "self_attention", "multi_head", "vector_space"]
DIFF = re.compile(r"=\s*([0-9.]+e[-+][0-9]+)")


def page(name: str) -> str:
    return f"app_pages/{name}.py"


def new_app(**params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def stated_difference(at) -> float:
    """The number the step-by-step page states under its final check."""
    (message,) = [m.value for m in at.success]
    return float(DIFF.search(message).group(1))


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
            assert shapes.count((n_tokens, n_tokens)) >= 12 + 2  # grid + head + average
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
    assert heatmap_shapes(at).count((3, 3)) >= 14
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
    assert any("John saw John" in m.value for m in at.markdown)  # the demo for no repeats
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
            assert all(max(shape) <= 128 for shape in heatmap_shapes(at))
            assert any("block of" in c.value for c in at.caption)
