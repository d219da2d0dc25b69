"""Figure builders of the output side, on fig.to_dict(): no Streamlit, no torch, no model."""

from __future__ import annotations

import numpy as np
import pytest

from explainer.analysis.pipeline import STAGE_KEYS
from explainer.figures.decoding import beam_tree_figure, cross_attention_figure, next_token_figure
from explainer.figures.masks import mask_figure, padded_matrix_figure, scores_figure
from explainer.figures.pipeline import LAYOUT, padded_size_figure, pipeline_figure
from explainer.figures.residual import (
    ffn_hidden_figure,
    histogram_figure,
    stream_norm_figure,
    token_stats_figure,
    zero_share_figure,
)
from tests.figspec import array

REPEATED = ["John", "saw", "John"]


def _shapes(n_src=3, n_tgt=4, d=128, h=4, f=512, v=67):
    from explainer.analysis.pipeline import stages_from_config

    stages = stages_from_config(dict(d_model=d, n_heads=h, d_ff=f), n_src, n_tgt, v)
    return {s.key: s.shape for s in stages}


def _texts(fig) -> str:
    return " | ".join(a.get("text", "") for a in fig.to_dict()["layout"].get("annotations", []))


def test_figure_one_shows_every_stage_with_its_live_shape():
    assert set(LAYOUT) == set(STAGE_KEYS)
    names = {k: k.upper() for k in STAGE_KEYS} | {"output": "OUT"}
    fig = pipeline_figure(_shapes(), names, 3, "我 爱 你", "<2en> I love", "I love you <eos>")
    text = _texts(fig)
    for key in STAGE_KEYS:
        assert key.upper() in text
    assert "3 × 128" in text and "4 × 4 × 4" in text and "4 × 67" in text and "3×" in text
    assert "paper" not in text
    boxes = [s for s in fig.to_dict()["layout"]["shapes"] if s["type"] == "rect"]
    assert len(boxes) == 2 + len(STAGE_KEYS) - 2  # two frames, one box per non-token stage
    compared = pipeline_figure(_shapes(), names, 3, "a", "b", "c",
                               compare=_shapes(d=512, h=8, f=2048), compare_layers=6,
                               compare_label="paper")
    assert "3×128  |  paper 3×512" in _texts(compared) and "paper 6×" in _texts(compared)


def test_figure_one_rejects_missing_stages():
    names = {k: k for k in STAGE_KEYS} | {"output": "o"}
    shapes = _shapes()
    del shapes["cross"]
    with pytest.raises(ValueError, match="cross"):
        pipeline_figure(shapes, names, 3, "a", "b", "c")
    with pytest.raises(ValueError, match="output"):
        pipeline_figure(_shapes(), {k: k for k in STAGE_KEYS}, 3, "a", "b", "c")


def test_padded_sizes_are_drawn_to_scale():
    fig = padded_size_figure([(512, 128, 3), (512, 512, 3)], ["ours", "paper"], "rows used",
                             "pads", "rows", "cols")
    rects = fig.to_dict()["layout"]["shapes"]
    outer = [r for r in rects if r["y0"] == 0 and r["y1"] == 512]
    assert [r["x1"] - r["x0"] for r in outer] == [128, 512]
    assert "509 pads" in _texts(fig)
    with pytest.raises(ValueError):
        padded_size_figure([(512, 128, 600)], ["x"], "a", "b", "c", "d")


def test_next_token_bars_mark_the_chosen_token():
    fig = next_token_figure(["I", "you", "I"], [0.6, 0.3, 0.05], [True, False, False])
    data = fig.to_dict()["data"]
    assert len(data) == 1 and data[0]["type"] == "bar"
    colours = data[0]["marker"]["color"]
    assert colours[0] != colours[1] == colours[2]
    assert fig.to_dict()["layout"]["yaxis"]["ticktext"] == ["I", "you", "I"]  # repeats kept
    both = next_token_figure(["a", "b"], [0.7, 0.3], [False, True], drawn=[0.9, 0.1])
    assert len(both.to_dict()["data"]) == 2
    with pytest.raises(ValueError):
        next_token_figure(["a"], [0.5, 0.5], [True])


def test_cross_attention_heatmap_frames_the_step():
    pattern = np.full((3, 2), 0.5)
    fig = cross_attention_figure(pattern, REPEATED, ["我", "你"], step=1)
    heat = fig.to_dict()["data"][0]
    assert array(heat["z"]).shape == (3, 2)
    assert (heat["zmin"], heat["zmax"]) == (0.0, 1.0)
    assert fig.to_dict()["layout"]["yaxis"]["ticktext"] == REPEATED
    frame = fig.to_dict()["layout"]["shapes"][0]
    assert (frame["y0"], frame["y1"]) == (0.5, 1.5)
    with pytest.raises(ValueError):
        cross_attention_figure(pattern, REPEATED, ["我", "你"], step=3)
    with pytest.raises(ValueError):
        cross_attention_figure(pattern, ["a"], ["我", "你"])


def test_beam_tree_has_a_node_per_candidate_and_highlights_the_path():
    tokens = [["I", "You"], ["love", "like"], ["<eos>"]]
    parents = np.array([[-1, -1], [0, 0], [0, -1]])
    log_probs = np.array([[-0.1, -2.0], [-0.3, -1.5], [-0.4, np.nan]])
    finished = np.array([[False, False], [False, False], [True, False]])
    fig = beam_tree_figure(tokens, parents, log_probs, finished, [(0, 0), (1, 0), (2, 0)],
                           "<2en>")
    nodes = fig.to_dict()["data"][3]
    assert list(nodes["text"]) == ["I", "You", "love", "like", "<eos>"]
    assert list(nodes["marker"]["symbol"]).count("square") == 1
    best = fig.to_dict()["data"][1]
    assert len([x for x in best["x"] if x is not None]) == 6  # three edges on the path
    with pytest.raises(ValueError):
        beam_tree_figure(tokens, parents[:2], log_probs, finished, [], "<2en>")


def test_mask_figure_is_zero_one_with_token_axes():
    keep = np.tril(np.ones((3, 3), dtype=bool))
    fig = mask_figure(keep, REPEATED, REPEATED, highlight_row=2)
    z = array(fig.to_dict()["data"][0]["z"])
    assert (z == np.tril(np.ones((3, 3)))).all()
    assert fig.to_dict()["layout"]["xaxis"]["ticktext"] == REPEATED
    assert len(fig.to_dict()["layout"]["shapes"]) == 1
    with pytest.raises(ValueError):
        mask_figure(np.full((2, 2), 0.5), ["a", "b"], ["a", "b"])
    with pytest.raises(ValueError):
        mask_figure(keep, ["a", "b"], REPEATED)


def test_padded_matrix_draws_the_padding_line():
    matrix = np.random.default_rng(0).normal(size=(5, 8))
    fig = padded_matrix_figure(matrix, ["我", "爱", "你", "<pad>", "<pad>"],
                               [False, False, False, True, True])
    line = fig.to_dict()["layout"]["shapes"][0]
    assert line["y0"] == 2.5
    heat = fig.to_dict()["data"][0]
    assert heat["zmid"] == 0 and array(heat["z"]).shape == (5, 8)
    with pytest.raises(ValueError):
        padded_matrix_figure(matrix, ["a"] * 5, [True])


def test_scores_figure_shows_masked_cells_as_gaps():
    scores = np.array([[1.0, -np.inf], [0.5, -1.0]])
    fig = scores_figure(scores, ["a", "b"], ["a", "b"])
    z = array(fig.to_dict()["data"][0]["z"]).astype(float)
    assert np.isnan(z[0, 1]) and z[1, 1] == -1.0
    marks = fig.to_dict()["data"][1]
    assert list(marks["text"]) == ["−∞"]


def test_residual_figures():
    tokens = REPEATED
    fig = token_stats_figure(tokens, {"before": ([1, 2, 3], [1, 1, 1]), "after": ([0, 0, 0],
                                                                                [1, 1, 1])})
    assert len(fig.to_dict()["data"]) == 4
    with pytest.raises(ValueError):
        token_stats_figure(tokens, {"x": ([1], [1])})
    hist = histogram_figure({"a": np.arange(10.0), "b": np.ones((2, 3))})
    bins = [t["xbins"] for t in hist.to_dict()["data"]]
    assert bins[0] == bins[1]
    with pytest.raises(ValueError):
        histogram_figure({"a": np.array([np.inf])})
    hidden = np.array([[0.0, 1.0], [2.0, 0.0], [0.0, 0.0]])
    assert array(ffn_hidden_figure(hidden, tokens).to_dict()["data"][0]["z"]).shape == (3, 2)
    with pytest.raises(ValueError):
        ffn_hidden_figure(-hidden - 1, tokens)
    zeros = zero_share_figure([0.5, 0.5, 1.0], tokens, 2 / 3)
    assert list(array(zeros.to_dict()["data"][0]["y"])) == [0.5, 0.5, 1.0]
    with pytest.raises(ValueError):
        zero_share_figure([1.5, 0, 0], tokens, 0.5)
    norms = stream_norm_figure(np.ones((3, 3)), ["in", "sum", "norm"], [False, True, False],
                               tokens)
    lines = norms.to_dict()["data"][:3]
    assert [t["name"] for t in lines] == ["0: John", "1: saw", "2: John"]
    assert list(lines[0]["marker"]["symbol"]) == ["circle", "diamond-open", "circle"]
    with pytest.raises(ValueError):
        stream_norm_figure(np.ones((3, 3)), ["a", "b"], [False, True, False], tokens)
