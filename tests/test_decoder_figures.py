"""Figure builders of the output side, on fig.to_dict(): no Streamlit, no torch, no model."""

from __future__ import annotations

import numpy as np
import pytest

from explainer.figures.decoding import beam_tree_figure, cross_attention_figure, next_token_figure
from explainer.figures.masks import mask_figure, padded_matrix_figure, scores_figure
from explainer.figures.pipeline import KIND_COLOUR, padded_size_figure, pipeline_figure
from explainer.figures.residual import (
    ffn_hidden_figure,
    histogram_figure,
    stream_norm_figure,
    token_stats_figure,
    zero_share_figure,
)
from tests.figspec import array

REPEATED = ["John", "saw", "John"]


def _column(side: str, n: int, kinds: list[str], d: int = 128, h: int = 4,
            in_block=("attn", "cross", "add_norm", "ffn", "ln", "add")) -> list[dict]:
    """One Figure 1 column: its tokens, then a box per kind (label = side.kind.index)."""
    shapes = {"attn": (h, n, n), "ffn": (n, 4 * d), "linear": (n, 67), "softmax": (n, 67)}
    column = [{"label": f"{side}.tokens", "kind": "tokens", "shape": (n,), "in_block": False}]
    for i, kind in enumerate(kinds):
        column.append({"label": f"{side}.{kind}.{i}", "kind": kind,
                       "shape": shapes.get(kind, (n, d)), "in_block": kind in in_block})
    return column


POST_ENC = ["embed", "pos", "attn", "add_norm", "ffn", "add_norm"]
POST_DEC = ["embed", "pos", "attn", "add_norm", "cross", "add_norm", "ffn", "add_norm",
            "linear", "softmax"]
PRE_DEC = ["embed", "pos", "ln", "attn", "add", "ln", "ffn", "add", "final_norm", "linear",
           "softmax"]


def _texts(fig) -> str:
    return " | ".join(a.get("text", "") for a in fig.to_dict()["layout"].get("annotations", []))


def _rects(fig) -> list[dict]:
    return [s for s in fig.to_dict()["layout"]["shapes"] if s["type"] == "rect"]


def test_figure_one_shows_every_stage_with_its_live_shape():
    columns = [_column("enc", 3, POST_ENC), _column("dec", 4, POST_DEC)]
    fig = pipeline_figure(columns, [3, 3], ["我 爱 你", "<2en> I love"], "OUT",
                          "I love you <eos>")
    text = _texts(fig)
    for column in columns:
        for box in column:
            assert box["label"] in text
    assert "3 × 128" in text and "4 × 4 × 4" in text and "4 × 67" in text and "3×" in text
    assert "paper" not in text and "OUT" in text
    # Two "N×" frames and one box per stage that is not the tokens line.
    assert len(_rects(fig)) == 2 + (len(POST_ENC) + len(POST_DEC))
    # The encoder's output feeds the decoder's cross-attention: one bent path.
    assert [s["type"] for s in fig.to_dict()["layout"]["shapes"]].count("path") == 1
    compared = pipeline_figure(columns, [3, 3], ["a", "b"], "OUT",
                               compare=[[b["shape"] for b in _column("enc", 3, POST_ENC, 512, 8)],
                                        [b["shape"] for b in _column("dec", 4, POST_DEC, 512, 8)]],
                               compare_layers=6, compare_label="paper")
    assert "3×128  |  paper 3×512" in _texts(compared) and "paper 6×" in _texts(compared)


def test_figure_one_draws_one_column_for_a_gpt_and_for_a_bert():
    gpt = pipeline_figure([_column("dec", 5, PRE_DEC)], [12], ["the cat sat"], "OUT")
    assert len(_rects(gpt)) == 1 + len(PRE_DEC)  # one frame
    assert not [s for s in gpt.to_dict()["layout"]["shapes"] if s["type"] == "path"]
    # Pre-LN: the LayerNorm box sits below the attention box it feeds (y grows upwards).
    ys = {a["text"].split("<br>")[0]: a["y"] for a in gpt.to_dict()["layout"]["annotations"]
          if a.get("text", "").startswith("<b>dec.")}
    assert ys["<b>dec.ln.2</b>"] < ys["<b>dec.attn.3</b>"] < ys["<b>dec.add.4</b>"]
    bert = pipeline_figure([_column("enc", 6, ["embed", "pos", "embed_norm", "attn", "add_norm",
                                               "ffn", "add_norm"])], [6], ["[CLS] hi [SEP]"],
                           "VECTORS")
    assert "VECTORS" in _texts(bert) and "6×" in _texts(bert)


def test_figure_one_rejects_what_it_cannot_draw():
    with pytest.raises(ValueError, match="columns"):
        pipeline_figure([], [], [], "o")
    with pytest.raises(ValueError, match="tokens"):
        pipeline_figure([_column("enc", 3, POST_ENC)[1:]], [3], ["a"], "o")
    with pytest.raises(ValueError, match="kinds"):
        pipeline_figure([_column("enc", 3, ["embed", "mystery"])], [3], ["a"], "o")
    with pytest.raises(ValueError, match="compare"):
        pipeline_figure([_column("enc", 3, POST_ENC)], [3], ["a"], "o", compare=[[(3,)]])
    assert set(POST_DEC + PRE_DEC + ["embed_norm"]) <= set(KIND_COLOUR)


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
    masked = np.array([[False, True], [False, False]])
    for blocked in (-np.inf, np.finfo(np.float32).min):  # ours, and Hugging Face's
        scores = np.array([[1.0, blocked], [0.5, -1.0]])
        fig = scores_figure(scores, ["a", "b"], ["a", "b"], masked)
        heat = fig.to_dict()["data"][0]
        z = array(heat["z"]).astype(float)
        assert np.isnan(z[0, 1]) and z[1, 1] == -1.0
        assert heat["zmin"] == -1.0 and heat["zmax"] == 1.0  # the mask stays off the scale
        marks = fig.to_dict()["data"][1]
        assert list(marks["text"]) == ["−∞"]
    with pytest.raises(ValueError):
        scores_figure(np.zeros((2, 2)), ["a", "b"], ["a", "b"], masked[:1])


def test_residual_figures():
    tokens = REPEATED
    fig = token_stats_figure(tokens, {"before": ([1, 2, 3], [1, 1, 1]), "after": ([0, 0, 0],
                                                                                [1, 1, 1])})
    assert len(fig.to_dict()["data"]) == 4
    with pytest.raises(ValueError):
        token_stats_figure(tokens, {"x": ([1], [1])})
    hist = histogram_figure({"a": np.arange(10.0), "b": np.ones((2, 3))}, bins=9)
    bars = hist.to_dict()["data"]
    assert (array(bars[0]["x"]) == array(bars[1]["x"])).all()  # one set of bins
    assert array(bars[0]["y"]).tolist() == [1] * 8 + [2]  # 0..9 in 9 bins, 9 in the last
    assert array(bars[1]["y"]).tolist() == [0, 6] + [0] * 7
    with pytest.raises(ValueError):
        histogram_figure({"a": np.array([np.inf])})
    hidden = np.array([[0.0, 1.0], [2.0, 0.0], [0.0, 0.0]])
    relu = ffn_hidden_figure(hidden, tokens).to_dict()["data"][0]
    assert array(relu["z"]).shape == (3, 2) and relu["zmin"] == 0
    assert relu["colorscale"][0][1] == "#ffffff"  # zero is white
    # GELU's small negatives get a colour of their own; zero stays white wherever it sits.
    gelu = ffn_hidden_figure(hidden - 0.1, tokens).to_dict()["data"][0]
    assert gelu["zmin"] == pytest.approx(-0.1) and gelu["colorscale"][0][1] != "#ffffff"
    zero_at = [stop for stop, colour in gelu["colorscale"] if colour == "#ffffff"][0]
    assert zero_at == pytest.approx(0.1 / (gelu["zmax"] - gelu["zmin"]))
    # One outlier unit does not wash out the rest: the scale ends at the 99th percentile.
    outlier = np.vstack([np.linspace(0, 1, 300).reshape(3, 100)])
    outlier[0, 0] = 50.0
    spec = ffn_hidden_figure(outlier, tokens).to_dict()["data"][0]
    assert spec["zmax"] < 2 and array(spec["z"]).max() == 50.0
    with pytest.raises(ValueError):
        ffn_hidden_figure(np.array([[np.nan, 1.0]] * 3), tokens)
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
    pre = stream_norm_figure(np.ones((2, 3)), ["in", "sum"], [False, True], tokens,
                             norm_label=None)
    assert [t["name"] for t in pre.to_dict()["data"][3:]] == ["before LayerNorm"]
