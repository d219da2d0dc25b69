"""Figures and analysis of "Why this word?" on synthetic arrays: shapes, scales, gaps, and the
rank agreement of two views."""

from __future__ import annotations

import numpy as np
import pytest

from explainer.analysis.agreement import compare_views, rank_agreement, visible
from explainer.figures.why import (
    agreement_figure,
    contrast_figure,
    head_importance_figure,
    lens_figure,
    prob_change_figure,
    token_heatmap_figure,
    token_scores_figure,
)
from tests.figspec import array

REPEATED = ["John", "saw", "John"]


def test_signed_heatmap_is_symmetric_about_zero_and_keeps_repeated_tokens():
    values = np.array([[0.5, -2.0, 0.1], [1.0, 0.0, np.nan]])
    fig = token_heatmap_figure(values, ["a", "b"], REPEATED, signed=True,
                               col_hover=["", "", "x"]).to_dict()
    heat = fig["data"][0]
    assert heat["zmin"] == -2.0 and heat["zmax"] == 2.0 and heat["zmid"] == 0.0
    assert len(heat["x"]) == 3 and len(set(heat["x"])) == 3  # both Johns kept
    assert np.isnan(array(heat["z"]).astype(float)[1, 2])
    assert heat["customdata"][0][2] == "x"


def test_weight_heatmap_uses_the_fixed_attention_scale():
    heat = token_heatmap_figure(np.full((1, 3), 1 / 3), ["a"], REPEATED).to_dict()["data"][0]
    assert (heat["zmin"], heat["zmax"]) == (0.0, 1.0)
    with pytest.raises(ValueError):
        token_heatmap_figure(np.ones((2, 2)), ["a"], ["b", "c"])


def test_token_scores_colour_guesses_below_the_threshold():
    fig = token_scores_figure(["I", "love", "you"], [0.9, 0.5, 0.1], [1, 2, 9], 0.3).to_dict()
    colours = fig["data"][0]["marker"]["color"]
    assert colours[0] != colours[1] != colours[2] and colours[0] != colours[2]
    assert fig["layout"]["shapes"][0]["y0"] == 0.3
    with pytest.raises(ValueError):
        token_scores_figure(["I"], [0.9, 0.1], [1, 2], 0.3)


def test_contrast_bars_point_towards_the_token_they_push():
    fig = contrast_figure(REPEATED, [0.4, -0.2, 0.0], "love", "like").to_dict()
    bar = fig["data"][0]
    assert bar["marker"]["color"][0] != bar["marker"]["color"][1]
    assert "like" in fig["layout"]["xaxis"]["title"]["text"]
    with pytest.raises(ValueError):
        contrast_figure(REPEATED, [0.1], "a", "b")


def test_agreement_has_a_bar_series_per_comparison_and_gaps_for_nan():
    fig = agreement_figure([[1.0, np.nan], [-0.5, 0.2]], ["attention", "rollout"],
                           ["I", "<eos>"]).to_dict()
    assert len(fig["data"]) == 2
    assert np.isnan(array(fig["data"][0]["y"]).astype(float)[1])
    with pytest.raises(ValueError):
        agreement_figure([[1.0]], ["a"], ["I", "you"])


def test_lens_grid_prints_the_top_word_in_each_cell_last_layer_on_top():
    fig = lens_figure([["a", "b"], ["I", "love"]], np.array([[0.2, 0.1], [0.9, 0.8]]),
                      ["embedding", "layer 1"], ["<2en> → I", "I → love"],
                      answer_probs=np.array([[0.1, 0.0], [0.9, 0.8]])).to_dict()
    heat = fig["data"][0]
    assert [list(row) for row in heat["text"]] == [["a", "b"], ["I", "love"]]
    assert fig["layout"]["yaxis"]["categoryarray"] == ["embedding", "layer 1"]
    with pytest.raises(ValueError):
        lens_figure([["a"]], np.ones((2, 2)), ["e", "l"], ["x", "y"])


def test_head_importance_grid_frames_the_chosen_heads():
    drop = np.arange(12, dtype=float).reshape(3, 4) - 4
    fig = head_importance_figure(drop, marked=[(2, 3)]).to_dict()
    heat = fig["data"][0]
    assert array(heat["z"]).shape == (3, 4) and heat["zmid"] == 0
    assert heat["zmax"] == 7.0 and heat["zmin"] == -7.0
    shape = fig["layout"]["shapes"][0]
    assert (shape["x0"], shape["y0"]) == (2.5, 1.5)


def test_probability_change_draws_before_and_after_per_token():
    fig = prob_change_figure(REPEATED, [0.9, 0.8, 0.7], [0.1, 0.8, 0.7]).to_dict()
    assert len(fig["data"]) == 2 and array(fig["data"][1]["y"]).tolist() == [0.1, 0.8, 0.7]
    with pytest.raises(ValueError):
        prob_change_figure(REPEATED, [0.9], [0.1])


def test_rank_agreement_is_one_for_the_same_order_and_minus_one_reversed():
    attention = np.array([[0.1, 0.3, 0.6], [0.5, 0.3, 0.2], [1 / 3, 1 / 3, 1 / 3]])
    same = np.array([[1.0, 2.0, 3.0], [-9.0, 4.0, 1.0], [1.0, 2.0, 3.0]])
    rho = rank_agreement(same, attention)
    assert rho[0] == pytest.approx(1.0)
    assert rho[1] == pytest.approx(1.0)  # ranked by magnitude: |−9| is the largest
    assert np.isnan(rho[2])  # a constant row has no ranking
    assert rank_agreement(-same, attention, absolute=False)[0] == pytest.approx(-1.0)
    with pytest.raises(ValueError):
        rank_agreement(np.ones((2, 3)), np.ones((3, 2)))


def test_compare_views_hides_specials_and_groups_words_keeping_row_sums():
    src = ["我", "们", "好", "<eos>"]
    tgt = ["We", "<eos>"]
    rng = np.random.default_rng(0)
    attention = rng.dirichlet(np.ones(4), size=2)
    attribution = rng.normal(size=(2, 4))
    views = compare_views(attribution, tgt, src, attention, attention, ["<eos>"],
                          show_specials=False, words=True)
    assert views.rows == ["We"] and views.cols == ["我们", "好"]
    assert views.col_hover[0] == "wǒ men"
    np.testing.assert_allclose(views.attention[0], [attention[0, :2].sum(), attention[0, 2]])
    np.testing.assert_allclose(views.attribution[0, 0], attribution[0, :2].sum())
    assert views.rho_rollout is not None and views.rho_rollout[0] == pytest.approx(1.0)
    mismatched = compare_views(attribution, tgt, src, attention[:1])
    assert mismatched.attention is None and mismatched.rho_attention is None
    assert visible(src, ["<eos>"], True) == [0, 1, 2, 3]
