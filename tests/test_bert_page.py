"""The page "BERT: fill in the blank": what it shows comes from the models' own traces (the
bars are ``python -m explainer fill``'s guesses for the same covered sentence, the [MASK] grid
is ``trace.pattern`` rows, the close-ups are rows of both models), hostile input gets a clear
message, and the analysis and figure builders behind it hold their invariants."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from explainer.analysis.fill import (
    PretrainingComparison,
    Run,
    compare_pretraining,
    counterpart,
    cover,
    covered_rank,
    default_cover,
    fill,
    mask_attention,
    uncover,
    verdict,
)
from explainer.figures.fill import (
    attention_row_figure,
    guesses_figure,
    mask_grid_figure,
    pretraining_figure,
)
from explainer.text import TEXT
from explainer.trace import model_weights, trace
from models.registry import MODELS_DIR_ENV, load_model
from tests.figspec import array, chart_specs
from tests.hostile_inputs import BY_NAME, notice_pattern

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
PAGE = "app_pages/bert.py"
MASK = "[MASK]"


@pytest.fixture(scope="module")
def mlm():
    return load_model("mlm-small", "cpu")


@pytest.fixture(scope="module")
def translation():
    return load_model("trained", "cpu")


def open_page(**params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(PAGE)
    return at.run()


def check(at) -> None:
    assert not at.exception, [e.message for e in at.exception]


def guess_charts(at) -> list[dict]:
    """Charts of guesses: horizontal bars, one chart per blank."""
    return [spec for spec in chart_specs(at)
            if spec["data"][0].get("type") == "bar" and spec["data"][0].get("orientation") == "h"]


def guesses_of(spec: dict) -> tuple[list[str], np.ndarray]:
    bars = spec["data"][0]
    return list(bars["customdata"]), array(bars["x"]).astype(float)


def charts_of_type(at, kind: str) -> list[dict]:
    return [spec for spec in chart_specs(at) if spec["data"][0].get("type") == kind]


def closeups(at) -> list[dict]:
    """The two close-ups: vertical bars of one head's row (the MLM's, then the translation
    model's)."""
    return [spec for spec in chart_specs(at)
            if spec["data"][0].get("type") == "bar" and spec["data"][0].get("orientation") != "h"]


def texts(elements) -> list[str]:
    return [str(el.value) for el in elements]


def said(at, key: str, lang: str = "en") -> bool:
    pattern = notice_pattern(key, lang)
    return any(pattern.fullmatch(text) for text in
               texts(at.info) + texts(at.warning) + texts(at.error) + texts(at.caption))


def assert_bars_are_fill(spec: dict, result, vocab, position: int, top: int = 5) -> None:
    (expected,) = [b for b in fill(result, vocab, top) if b.position == position]
    tokens, probs = guesses_of(spec)
    assert tokens == [g.token for g in expected.predictions]
    np.testing.assert_allclose(probs, [g.prob for g in expected.predictions], rtol=1e-5)


# -- the page in both languages ---------------------------------------------------------------


@pytest.mark.parametrize("lang, sentence, covered, position", [
    ("en", "Smart John is singing", "Smart John is [MASK]", 3),
    ("zh", "我爱你", "我爱[MASK]", 2),
])
def test_page_fills_the_last_word_from_the_models_own_guesses(lang, sentence, covered, position,
                                                              mlm):
    at = open_page(s=sentence, lang=lang)
    check(at)
    assert at.title[0].value == TEXT["bert.title"][lang]
    result = trace(mlm, covered)
    vocab = model_weights(mlm).vocab
    (bars,) = guess_charts(at)
    assert_bars_are_fill(bars, result, vocab, position)
    assert sentence.split()[-1][-1] in bars["layout"]["title"]["text"]

    # The [MASK] grid: row l * heads + h is trace.pattern("enc", l)[h, position, :].
    (grid,) = charts_of_type(at, "heatmap")
    z = array(grid["data"][0]["z"]).astype(float)
    n_layers, n_heads = result.n_layers_of("enc"), result.n_heads
    assert z.shape == (n_layers * n_heads, len(result.src_tokens))
    for layer in range(n_layers):
        for head in range(n_heads):
            np.testing.assert_allclose(z[layer * n_heads + head],
                                       result.pattern("enc", layer)[head, position], atol=1e-6)
    # The pre-training curves are drawn, in the page's language.
    (curves,) = [spec for spec in chart_specs(at) if spec["data"][0].get("type") == "scatter"]
    assert curves["layout"]["xaxis"]["title"]["text"] == TEXT["bert.step"][lang]


def test_picking_words_adds_a_chart_per_blank_and_the_closeups_are_trace_rows(mlm, translation):
    at = open_page(s="Smart John is singing", fill_layer="3", fill_head="2")
    check(at)
    at.button_group(key="cover").set_value([0, 3]).run()
    check(at)
    result = trace(mlm, "[MASK] John is [MASK]")
    vocab = model_weights(mlm).vocab
    charts = guess_charts(at)
    assert len(charts) == 2
    for spec, position in zip(charts, (0, 3)):
        assert_bars_are_fill(spec, result, vocab, position)
    # Two blanks: a picker chooses which one the grid shows (the first by default).
    assert at.radio(key="fill_blank").value == 0
    mlm_row, tr_row = closeups(at)
    layer, head = 2, 1  # the URL's "3" and "2" are labels, counted from 1
    np.testing.assert_allclose(array(mlm_row["data"][0]["y"]).astype(float),
                               result.pattern("enc", layer)[head, 0], atol=1e-6)
    uncovered = trace(translation, "Smart John is singing")
    np.testing.assert_allclose(array(tr_row["data"][0]["y"]).astype(float),
                               uncovered.pattern("enc", layer)[head, 0], atol=1e-6)
    assert tr_row["layout"]["xaxis"]["ticktext"] == list(uncovered.src_tokens)
    assert mlm_row["layout"]["xaxis"]["ticktext"] == list(result.src_tokens)


def test_a_sentence_typed_with_a_blank_is_filled_as_typed(mlm):
    at = open_page(s="Smart [MASK] is singing")
    check(at)
    result = trace(mlm, "Smart [MASK] is singing")
    (bars,) = guess_charts(at)
    assert_bars_are_fill(bars, result, model_weights(mlm).vocab, 1)
    # No word under a typed blank: the translation side says so instead of a chart.
    assert said(at, "bert.tr_no_word") and len(closeups(at)) == 1


# -- hostile input ----------------------------------------------------------------------------


def test_nothing_picked_asks_for_a_word():
    at = open_page(s="Smart John is singing")
    at.button_group(key="cover").set_value([]).run()
    check(at)
    assert said(at, "bert.pick_ask")
    assert not guess_charts(at) and not charts_of_type(at, "heatmap")
    assert charts_of_type(at, "scatter")  # the pre-training curves do not depend on a pick


def test_every_word_covered_is_refused_and_most_covered_is_warned():
    at = open_page(s="Smart John is singing")
    at.button_group(key="cover").set_value([0, 1, 2, 3]).run()
    check(at)
    assert said(at, "bert.only_masks") and not guess_charts(at)
    at.button_group(key="cover").set_value([0, 1, 3]).run()
    check(at)
    assert said(at, "bert.warn_most") and any("3 of 4" in w for w in texts(at.warning))
    assert len(guess_charts(at)) == 3


@pytest.mark.parametrize("typed, key", [
    ("[MASK] [MASK]?", "bert.only_masks"),
    ("?!?!", "bert.pick_ask"),
    ("", "notice.empty"),
    ("   ", "notice.empty"),
])
def test_sentences_with_nothing_to_fill_get_one_clear_message(typed, key):
    at = open_page()
    at.sidebar.text_input(key="s").set_value(typed).run()
    check(at)
    assert said(at, key), texts(at.info) + texts(at.warning)
    assert not guess_charts(at)


def test_ten_thousand_characters_are_cut_with_the_usual_notice(mlm):
    long = BY_NAME["long_10000_latin"].text
    at = open_page()
    at.sidebar.text_input(key="s").set_value(long).run()
    check(at)
    assert said(at, "notice.truncated")
    # The covered 512 tokens are folded away, not a wall of text.
    assert [e.label for e in at.main.expander] == [TEXT["bert.reads_long"]["en"].format(n=512)]
    # Hundreds of words: a searchable list, not a button per word.
    assert at.multiselect(key="cover").value == [511]
    (bars,) = guess_charts(at)
    assert "511" in bars["layout"]["title"]["text"]
    (grid,) = charts_of_type(at, "heatmap")
    assert array(grid["data"][0]["z"]).shape[-1] == 512


def test_markup_in_the_sentence_is_never_rendered():
    typed = '<b id="x">John</b> is <script>alert(1)</script> [MASK] $x$ **y**'
    at = open_page()
    at.sidebar.text_input(key="s").set_value(typed).run()
    check(at)
    assert guess_charts(at)
    for node in at.main:
        proto = getattr(node, "proto", None)
        assert not getattr(proto, "allow_html", False)
        body = getattr(proto, "body", "")
        for raw in ("<b", "<script", "$x$", "**y**"):
            assert raw not in body, body
    assert not [node for node in at.main if getattr(node, "type", "") == "html"]


# -- which model fills the blanks ---------------------------------------------------------------


def test_a_model_without_a_masked_lm_head_hands_the_blanks_to_ours(mlm):
    at = open_page(s="Smart John is singing", model="all-MiniLM-L6-v2")
    check(at)
    assert said(at, "bert.model_fallback")
    (bars,) = guess_charts(at)
    assert_bars_are_fill(bars, trace(mlm, "Smart John is [MASK]"), model_weights(mlm).vocab, 3)


@pytest.fixture
def tiny_bert(tmp_path, monkeypatch):
    from tests.hf_models import build_bert

    build_bert(tmp_path / "tiny-bert")
    monkeypatch.setenv(MODELS_DIR_ENV, str(tmp_path))
    st.cache_data.clear()  # the sidebar's model list is cached for 30 s
    yield tmp_path / "tiny-bert"
    st.cache_data.clear()


def test_a_hugging_face_bert_with_a_masked_lm_head_fills_the_blanks_itself(tiny_bert):
    from models.registry import load_folder

    at = open_page(s="Smart John is singing", model="tiny-bert")
    check(at)
    assert not said(at, "bert.model_fallback")
    bert = load_folder(tiny_bert)
    typed = trace(bert, "Smart John is singing")
    (bars,) = guess_charts(at)
    # The last word's first piece is covered; BERT's own tokens ([CLS] … [SEP]) stay around it.
    position = int(bars["layout"]["title"]["text"].split(":")[0].split()[-1])
    assert typed.src_tokens[0] == "[CLS]" and 0 < position < len(typed.src_tokens) - 1
    covered = trace(bert, cover(typed.src_tokens, [position], MASK, typed.caps.special_tokens))
    assert_bars_are_fill(bars, covered, model_weights(bert).vocab, position)
    # The shipped mlm-small is listed whatever the models folder is: its curves are drawn.
    assert not said(at, "bert.pre_missing")


# -- analysis ---------------------------------------------------------------------------------


SPECIALS = ("[CLS]", "[SEP]", "[PAD]", MASK)


@pytest.mark.parametrize("tokens, positions, text", [
    (("Smart", "John", "is", "singing"), [3], "Smart John is [MASK]"),
    (("我", "爱", "你"), [1], "我[MASK]你"),
    (("Do", "you", "like", "tea", "?"), [3], "Do you like [MASK]?"),
    (("[CLS]", "smart", "sing", "##ing", "[SEP]"), [2], "smart [MASK] ing"),
    (("[CLS]", "smart", "sing", "##ing", "[SEP]"), [1], "[MASK] singing"),
    (("John", MASK, "John"), [0], "[MASK] [MASK] John"),
])
def test_cover_writes_the_sentence_the_model_is_given(tokens, positions, text):
    assert cover(tokens, positions, MASK, SPECIALS) == text


def test_cover_round_trips_through_our_tokenizer(mlm):
    for sentence in ("Mary is reading a book in the library", "我们昨天在学校吃了米饭",
                     "John saw John", "Do you like tea?"):
        tokens = trace(mlm, sentence).src_tokens
        for position in range(len(tokens)):
            covered = trace(mlm, cover(tokens, [position], MASK, SPECIALS)).src_tokens
            assert covered == tokens[:position] + (MASK,) + tokens[position + 1:]


def test_default_cover_is_the_last_word_unless_a_blank_was_typed():
    assert default_cover(("Do", "you", "like", "tea", "?"), SPECIALS) == [3]
    assert default_cover(("[CLS]", "sing", "##ing", "[SEP]"), SPECIALS) == [1]
    assert default_cover(("Smart", MASK, "is"), SPECIALS) == []
    assert default_cover(("?", "!"), SPECIALS) == []
    assert uncover(("Smart", MASK, "is", "singing"), MASK, SPECIALS) == "Smart is singing"


def test_counterpart_finds_the_same_occurrence_of_the_same_word():
    ours = ("John", "saw", "John")
    assert [counterpart(ours, ours, i) for i in range(3)] == [0, 1, 2]
    bert = ("[CLS]", "john", "saw", "john", "[SEP]")
    assert [counterpart(bert, ours, i) for i in range(1, 4)] == [0, 1, 2]
    assert counterpart(("[CLS]", "sing", "##ing"), ("singing",), 2) == 0
    assert counterpart(("singing",), ("[CLS]", "sing", "##ing"), 0) == 1
    assert counterpart(("tea",), ("coffee",), 0) is None


def test_mask_attention_rows_sum_to_one_and_covered_rank_matches_fill(mlm):
    result = trace(mlm, "Smart John is [MASK]")
    grid = mask_attention(result, 3)
    assert grid.shape == (result.n_layers_of("enc"), result.n_heads, 4)
    np.testing.assert_allclose(grid.sum(axis=-1), 1.0, atol=1e-5)
    vocab = model_weights(mlm).vocab
    best = fill(result, vocab, 3)[0].predictions
    for rank, guess in enumerate(best, start=1):
        assert covered_rank(result, vocab, 3, guess.token) == (rank, pytest.approx(guess.prob))
    assert covered_rank(result, vocab, 3, "Zyzzyva") is None
    with pytest.raises(ValueError):
        mask_attention(result, 4)


def _comparison(pre, rand, target=0.9, steps=(100, 200, 300)) -> PretrainingComparison:
    section = {"target": target, "budget": {"steps": steps[-1]}, "runs": {
        name: {"curve": [{"step": s, "exact_match": v} for s, v in zip(steps, values)]}
        for name, values in (("pretrained", pre), ("random", rand))}}
    return compare_pretraining(section)


@pytest.mark.parametrize("pre, rand, key, steps", [
    ((0.5, 0.92, 0.95), (0.1, 0.5, 0.91), "pre_first", 100),
    ((0.1, 0.5, 0.91), (0.5, 0.92, 0.95), "rand_first", 100),
    ((0.5, 0.92, 0.95), (0.1, 0.9, 0.91), "tie", None),
    ((0.5, 0.7, 0.95), (0.1, 0.5, 0.8), "only_pre", None),
    ((0.1, 0.5, 0.8), (0.5, 0.7, 0.95), "only_rand", None),
    ((0.1, 0.5, 0.8), (0.1, 0.5, 0.7), "neither", None),
])
def test_verdict_follows_the_numbers(pre, rand, key, steps):
    said_first, *rest = verdict(_comparison(pre, rand))
    assert said_first[0] == f"bert.verdict.{key}"
    assert said_first[1].get("steps") == steps
    # Every sentence fills its text in both languages.
    for text_key, values in [said_first, *rest]:
        for lang in ("en", "zh"):
            assert TEXT[text_key][lang].format(**values)


def test_verdict_names_the_widest_gap_and_the_first_step_is_on_the_curve():
    comparison = _comparison((0.5, 0.92, 0.95), (0.1, 0.6, 0.91))
    assert comparison.run("pretrained").first_step == 200
    assert comparison.run("random").first_step == 300
    gap = dict(verdict(comparison))["bert.verdict.gap"]
    assert gap["step"] == 100 and gap["points"] == pytest.approx(40.0)
    with pytest.raises(ValueError):
        compare_pretraining({"target": 0.9, "runs": {"random": {"curve": []}}})


def test_shipped_comparison_reads_and_marks_where_each_curve_crosses(mlm):
    comparison = compare_pretraining(mlm.training["pretraining_comparison"])
    for run in comparison.runs:
        assert isinstance(run, Run) and run.steps.size == run.exact.size > 0
        crossed = run.steps[run.exact >= comparison.target]
        assert run.first_step == (int(crossed[0]) if crossed.size else None)


# -- figures ----------------------------------------------------------------------------------


def test_figure_builders_keep_repeated_tokens_and_refuse_bad_shapes():
    fig = mask_grid_figure(np.full((2, 3, 3), 1 / 3), ["John", "saw", "John"], ["L1", "L2"],
                           ["H1", "H2", "H3"], blank=1)
    spec = fig.to_dict()
    assert array(spec["data"][0]["z"]).shape == (6, 3)
    assert spec["layout"]["xaxis"]["ticktext"] == ["John", "saw", "John"]
    with pytest.raises(ValueError):
        mask_grid_figure(np.zeros((2, 3, 3)), ["a", "b"], ["L1", "L2"], ["H1", "H2", "H3"])
    with pytest.raises(ValueError):
        guesses_figure(["a", "b"], [0.5])
    with pytest.raises(ValueError):
        guesses_figure(["a"], [1.5])
    bars = guesses_figure(["a", "b"], [0.6, 0.3], covered=1).to_dict()["data"][0]
    assert bars["marker"]["color"][0] != bars["marker"]["color"][1]
    with pytest.raises(ValueError):
        attention_row_figure([0.5, 0.5], ["a"])
    with pytest.raises(ValueError):  # a star must sit on its curve
        pretraining_figure([[100, 200]], [[0.5, 0.95]], ["run"], [150], 0.9, ["step 150"])
    curves = pretraining_figure([[100, 200]], [[0.5, 0.95]], ["run"], [200], 0.9, ["step 200"])
    (star,) = [t for t in curves.to_dict()["data"] if t.get("marker", {}).get("symbol") == "star"]
    assert list(star["x"]) == [200] and list(star["y"]) == [0.95]
