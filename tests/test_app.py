"""The app's frame under AppTest: sidebar, URL state, notices, page switching."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.figspec import heatmap_shapes
from ui.navigation import page_specs

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def new_app(**params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def test_default_sentence_runs_and_shows_a_heatmap_per_token():
    at = new_app()
    assert not at.exception
    assert at.sidebar.text_input(key="s").value == "Smart John is singing"
    assert (4, 4) in heatmap_shapes(at)


def test_sentence_language_and_model_come_back_from_the_url():
    at = new_app(s="我爱你", lang="中文", model="untrained")
    assert at.sidebar.selectbox(key="model").value == "untrained"
    assert not at.exception
    assert at.sidebar.text_input(key="s").value == "我爱你"
    assert at.sidebar.radio(key="lang").value == "zh"
    assert at.title[0].value == "Transformer 透视"
    assert any("未训练" in w.value for w in at.warning)
    assert (3, 3) in heatmap_shapes(at)


def test_a_typed_sentence_survives_a_page_switch():
    at = new_app()
    at.sidebar.text_input(key="s").set_value("John saw John").run()
    assert (3, 3) in heatmap_shapes(at)
    last = page_specs()[-1]["path"]
    at.switch_page(str(last.relative_to(last.parent.parent))).run()
    assert not at.exception
    at.switch_page("app_pages/overview.py").run()
    assert at.sidebar.text_input(key="s").value == "John saw John"
    assert (3, 3) in heatmap_shapes(at)


def test_an_example_fills_the_sentence_box():
    at = new_app()
    at.sidebar.selectbox(key="example").set_value("我爱你").run()
    assert at.sidebar.text_input(key="s").value == "我爱你"
    assert not at.exception


@pytest.mark.parametrize("text", ["", "   "])
def test_empty_sentence_asks_for_one(text):
    at = new_app()
    at.sidebar.text_input(key="s").set_value(text).run()
    assert not at.exception
    assert any("Type a sentence" in i.value for i in at.info)
    assert not at.get("plotly_chart")


def test_unknown_words_are_named_on_screen():
    at = new_app(s="Smart Zorblax is singing")
    assert not at.exception
    assert any("Zorblax" in w.value for w in at.warning)


def test_the_model_list_offers_our_models_and_folders(tmp_path, monkeypatch, tiny_model,
                                                       tokenizer):
    from models.checkpoint import save_checkpoint
    from ui.loaders import model_names

    save_checkpoint(tmp_path / "tiny-one", tiny_model, tokenizer, {"note": "test"})
    (tmp_path / "not-a-model").mkdir()
    monkeypatch.setenv("EXPLAINER_MODELS_DIR", str(tmp_path))
    model_names.clear()
    try:
        at = new_app(model="tiny-one", s="我爱你")
        assert not at.exception
        options = at.sidebar.selectbox(key="model").options
        assert options[:2] == ["trained", "untrained"] and "tiny-one" in options
        assert "not-a-model" not in options
        assert at.sidebar.selectbox(key="model").value == "tiny-one"
    finally:
        model_names.clear()


def test_a_typed_path_in_the_url_is_never_opened(tmp_path, tiny_model, tokenizer):
    from models.checkpoint import save_checkpoint

    folder = save_checkpoint(tmp_path / "elsewhere", tiny_model, tokenizer, {"note": "x"})
    at = new_app(model=str(folder), s="我爱你")
    assert not at.exception
    assert at.sidebar.selectbox(key="model").value == "trained"


def test_the_direction_is_offered_only_for_a_model_that_translates():
    translator = new_app(model="trained")
    assert not translator.exception
    assert translator.sidebar.radio(key="to").value == "auto"
    reader = new_app(model="all-MiniLM-L6-v2")  # BERT reads; it writes no translation
    assert not reader.exception
    assert "to" not in [radio.key for radio in reader.sidebar.radio]
    captions = [caption.value for caption in reader.sidebar.caption]
    assert any(caption.startswith("A real model,") for caption in captions)
    assert not any("translation model" in caption for caption in captions)
