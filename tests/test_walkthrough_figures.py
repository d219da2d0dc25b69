"""The walkthrough's figure builders on plain numpy: trace types, shapes, repeated tokens kept,
fixed colour ranges, clear errors. No Streamlit, no torch (checked on the modules' imports)."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest

from explainer.figures import embedding as emb_fig
from explainer.figures import heads as heads_fig
from explainer.figures import positional as pe_fig
from explainer.figures import space as space_fig
from explainer.figures import steps as steps_fig
from explainer.figures import vectors as vec_fig
from tests.figspec import array

MODULES = ["vectors", "embedding", "positional", "steps", "heads", "space"]
ROOT = Path(__file__).resolve().parent.parent
REPEAT = ["John", "saw", "John"]
RNG = np.random.default_rng(0)


def traces_of(fig, kind):
    return [t for t in fig.to_dict()["data"] if t["type"] == kind]


@pytest.mark.parametrize("name", MODULES)
def test_figure_modules_import_neither_streamlit_nor_torch(name):
    tree = ast.parse((ROOT / "explainer" / "figures" / f"{name}.py").read_text("utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert not imported & {"streamlit", "torch", "sklearn", "ui", "models"}


@pytest.mark.parametrize("dims", [2, 3])
def test_credit_scatter_is_2d_or_3d(dims):
    good = np.arange(20) % 3 == 0
    fig = vec_fig.credit_scatter_figure(RNG.normal(size=(20, dims)), good, "good", "bad",
                                        hover=[f"p{i}" for i in range(20)])
    kind = "scatter3d" if dims == 3 else "scatter"
    parts = traces_of(fig, kind)
    assert [p["name"] for p in parts] == ["good", "bad"]
    assert sum(len(array(p["x"])) for p in parts) == 20
    with pytest.raises(ValueError):
        vec_fig.credit_scatter_figure(np.zeros((20, 4)), good)


def test_vector_strips_keep_repeated_rows_and_centre_zero():
    values = RNG.normal(size=(3, 16))
    values[2] = values[0]
    fig = emb_fig.vector_strips_figure(values, REPEAT)
    (heat,) = traces_of(fig, "heatmap")
    assert array(heat["z"]).shape == (3, 16)
    layout = fig.to_dict()["layout"]
    assert layout["yaxis"]["tickvals"] == [0, 1, 2]
    assert layout["yaxis"]["ticktext"] == REPEAT
    assert heat["zmin"] == -heat["zmax"] and heat["zmid"] == 0
    with pytest.raises(ValueError):
        emb_fig.vector_strips_figure(values, ["a", "b"])


def test_one_outlier_dimension_does_not_wash_out_the_strips():
    values = RNG.normal(size=(4, 384))
    values[:, 7] = 80.0  # trained models have a few such dimensions
    (heat,) = traces_of(emb_fig.vector_strips_figure(values, list("abcd")), "heatmap")
    assert heat["zmax"] < 10 and array(heat["z"]).max() == 80.0


def test_vector_strips_drop_per_cell_labels_when_huge():
    fig = emb_fig.vector_strips_figure(np.zeros((200, 128)), [str(i) for i in range(200)])
    (heat,) = traces_of(fig, "heatmap")
    assert "customdata" not in heat
    assert len(fig.layout.yaxis.tickvals) <= 60  # thinned tick labels


def test_vocab_map_highlights_every_sentence_token():
    vocab = [f"v{i}" for i in range(50)]
    points = RNG.normal(size=(50, 2))
    fig = emb_fig.vocab_map_figure(points, vocab, points[[3, 7, 3]], ["0: a", "1: b", "2: a"])
    grey, marks = fig.to_dict()["data"]
    assert grey["type"] == "scattergl" and len(array(grey["x"])) == 50
    assert list(marks["text"]) == ["0: a", "1: b", "2: a"]
    with pytest.raises(ValueError):
        emb_fig.vocab_map_figure(points, vocab[:10], points[:1], ["x"])


def test_vocab_map_names_the_nearest_words_apart():
    points = RNG.normal(size=(20, 2))
    fig = emb_fig.vocab_map_figure(points, [f"v{i}" for i in range(20)], points[[1]], ["0: a"],
                                   neighbour_points=points[[4, 5]], neighbour_labels=["x", "y"],
                                   neighbour_name="near")
    grey, near, marks = fig.to_dict()["data"]
    assert near["name"] == "near" and list(near["text"]) == ["x", "y"]
    assert near["mode"] == "markers+text" and list(marks["text"]) == ["0: a"]
    with pytest.raises(ValueError):
        emb_fig.vocab_map_figure(points, [f"v{i}" for i in range(20)], points[[1]], ["0: a"],
                                 neighbour_points=points[[4, 5]], neighbour_labels=["x"])


def test_neighbours_bars_in_order():
    fig = emb_fig.neighbours_figure(["a", "b", "a"], [0.9, 0.5, 0.1])
    (bar,) = traces_of(fig, "bar")
    assert list(array(bar["x"])) == [0.9, 0.5, 0.1]
    assert fig.layout.yaxis.ticktext == ("a", "b", "a")


def test_pe_heatmap_and_similarity_have_position_axes():
    pe = RNG.uniform(-1, 1, size=(10, 8))
    positions = list(range(0, 20, 2))
    fig = pe_fig.pe_heatmap_figure(pe, positions, n_sentence=4)
    (heat,) = traces_of(fig, "heatmap")
    assert array(heat["z"]).shape == (10, 8) and list(array(heat["y"])) == positions
    assert (heat["zmin"], heat["zmax"]) == (-1.0, 1.0)
    sim = pe_fig.pe_similarity_figure(pe @ pe.T, positions)
    assert array(traces_of(sim, "heatmap")[0]["z"]).shape == (10, 10)
    with pytest.raises(ValueError):
        pe_fig.pe_heatmap_figure(pe, positions[:3])
    with pytest.raises(ValueError):
        pe_fig.pe_similarity_figure(pe, positions)


def test_learned_rows_get_their_own_colour_range():
    rows = RNG.normal(size=(6, 8)) * 3.0
    fig = pe_fig.pe_heatmap_figure(rows, list(range(6)), limit=None, value_title="P")
    (heat,) = traces_of(fig, "heatmap")
    top = float(np.percentile(np.abs(rows), 99.5))
    assert (heat["zmin"], heat["zmax"]) == pytest.approx((-top, top))
    assert top < np.abs(rows).max()  # an outlier does not set the range
    assert not fig.layout.shapes  # no "end of sentence" line: every row is the sentence


def test_pe_waves_name_the_layouts_waves_or_none():
    positions = list(range(10))
    columns = RNG.normal(size=(10, 2)) * 4
    halves = pe_fig.pe_waves_figure(positions, columns, [0, 8], kinds=["sin", "cos"])
    assert [t["name"] for t in halves.to_dict()["data"]] == ["dim 0 (sin)", "dim 8 (cos)"]
    learned = pe_fig.pe_waves_figure(positions, columns, [0, 8], kinds=["", ""],
                                     value_range=None)
    assert [t["name"] for t in learned.to_dict()["data"]] == ["dim 0", "dim 8"]
    assert learned.layout.yaxis.range is None
    with pytest.raises(ValueError):
        pe_fig.pe_waves_figure(positions, columns, [0, 8], kinds=["sin"])


def test_pe_waves_one_line_per_dimension_with_sentence_marks():
    positions = list(range(30))
    columns = RNG.uniform(-1, 1, size=(30, 3))
    fig = pe_fig.pe_waves_figure(positions, columns, [0, 1, 6], REPEAT)
    lines = [t for t in fig.to_dict()["data"] if t["mode"] == "lines"]
    marks = [t for t in fig.to_dict()["data"] if t["mode"] == "markers"]
    assert len(lines) == 3 and len(marks) == 3
    assert list(marks[0]["text"]) == REPEAT
    assert "(sin)" in lines[0]["name"] and "(cos)" in lines[1]["name"]


def test_before_after_keeps_both_copies_of_a_repeated_word():
    before = np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 0.0]])
    after = before + np.array([[0.1, 0.0], [0.0, 0.1], [0.3, 0.2]])
    fig = pe_fig.before_after_figure(before, after, REPEAT)
    points = [t for t in fig.to_dict()["data"] if "markers" in t["mode"]]
    assert [len(array(t["x"])) for t in points] == [3, 3]
    assert list(points[1]["text"]) == ["0: John", "1: saw", "2: John"]


def test_projection_matrices_share_one_scale_and_name_their_shape():
    mats = [RNG.normal(size=(16, 4)) for _ in range(3)]
    fig = steps_fig.projection_matrices_figure(mats, ["W_Q", "W_K", "W_V"])
    assert len(traces_of(fig, "heatmap")) == 3
    titles = [a["text"] for a in fig.to_dict()["layout"]["annotations"]]
    assert titles == ["W_Q  [16 × 4]", "W_K  [16 × 4]", "W_V  [16 × 4]"]
    coloraxis = fig.layout.coloraxis
    assert coloraxis.cmin == -coloraxis.cmax
    with pytest.raises(ValueError):
        steps_fig.projection_matrices_figure(mats[:2] + [np.zeros((3, 3))], ["a", "b", "c"])


def test_score_bars_leave_masked_keys_out():
    fig = steps_fig.score_bars_figure(REPEAT, np.array([3.0, 1.0, 2.0]),
                                      np.array([1.5, 0.5, 1.0]), np.array([False, False, True]))
    dots, scaled = traces_of(fig, "bar")
    assert np.isnan(array(scaled["y"]).astype(float)[2])
    assert len(traces_of(fig, "scatter")) == 1  # the masked marker
    assert fig.layout.xaxis.ticktext == tuple(REPEAT)


def test_weight_bars_fixed_to_unit_range_and_state_their_sum():
    weights = np.array([0.2, 0.5, 0.3])
    fig = steps_fig.weight_bars_figure(REPEAT, weights, sum_text="sum = {total:.3f}")
    (bar,) = traces_of(fig, "bar")
    assert list(array(bar["y"])) == list(weights)
    assert tuple(fig.layout.yaxis.range) == (0.0, 1.08)
    assert "sum = 1.000" in fig.layout.title.text
    with pytest.raises(ValueError):
        steps_fig.weight_bars_figure(REPEAT, weights[:2])


def test_model_view_grid_tiles_every_layer_and_head_into_one_heatmap():
    pattern = RNG.dirichlet(np.ones(3), size=(2, 3, 3))  # [layer, head, q, k], rows sum to 1
    pattern[:, :, 0, 1:] = np.nan  # masked cells
    fig = heads_fig.model_view_figure(pattern, REPEAT, REPEAT, ["L1", "L2"], ["H1", "H2", "H3"])
    (heat,) = traces_of(fig, "heatmap")  # one trace on one pair of axes, not 6 subplots
    z = array(heat["z"])
    assert z.dtype == np.float32 and z.shape == (2 * 3, 3 * 3)
    for layer in range(2):
        for head in range(3):
            block = z[3 * layer:3 * layer + 3, 3 * head:3 * head + 3]
            np.testing.assert_allclose(block, pattern[layer, head], rtol=1e-6)
    # Hover names layer, head and both tokens: every row and column label is distinct, and the
    # repeated "John" keeps its position.
    assert len(set(heat["y"])) == 6 and len(set(heat["x"])) == 9
    assert heat["y"][3] == "L2 · 0: John" and heat["x"][5] == "H2 · 2: John"
    coloraxis = fig.layout.coloraxis
    assert (coloraxis.cmin, coloraxis.cmax) == (0.0, 1.0)
    layout = fig.to_dict()["layout"]  # short sentences: tokens along the left and bottom edges
    assert layout["yaxis"]["ticktext"] == REPEAT * 2
    assert layout["xaxis"]["ticktext"] == REPEAT * 3
    assert len(layout["shapes"]) == (2 - 1) + (3 - 1)  # lines between the blocks
    titles = {note["text"] for note in layout["annotations"]}
    assert {"L1", "L2", "H1", "H2", "H3"} <= titles
    with pytest.raises(ValueError):
        heads_fig.model_view_figure(pattern, REPEAT[:2], REPEAT, ["L1", "L2"], ["a", "b", "c"])


def test_model_view_grid_keeps_pooled_block_labels_as_they_are():
    pattern = np.full((1, 2, 2, 2), 0.5)
    fig = heads_fig.model_view_figure(pattern, ["0–9", "10–19"], ["0–9", "10–19"], ["L1"],
                                      ["H1", "H2"])
    (heat,) = traces_of(fig, "heatmap")
    assert heat["y"] == ["L1 · 0–9", "L1 · 10–19"]


def test_head_summary_grid_is_labelled():
    fig = heads_fig.head_summary_figure(np.array([[0.1, 0.9]]), [["previous", "broad"]],
                                        ["L1"], ["H1", "H2"])
    (heat,) = traces_of(fig, "heatmap")
    assert (heat["zmin"], heat["zmax"]) == (0.0, 1.0)
    assert [list(r) for r in heat["text"]] == [["previous", "broad"]]


def test_head_mix_draws_the_multiplication():
    fig = heads_fig.head_mix_figure(np.ones(8), np.zeros((8, 6)), np.ones(6), n_heads=4)
    shapes = [array(t["z"]).shape for t in traces_of(fig, "heatmap")]
    assert shapes == [(8, 1), (8, 6), (1, 6)]
    with pytest.raises(ValueError):
        heads_fig.head_mix_figure(np.ones(8), np.zeros((8, 6)), np.ones(6), n_heads=3)
    share = heads_fig.head_share_figure(np.array([1.0, 2.0]), ["1", "2"])
    assert len(traces_of(share, "bar")) == 1


def test_query_key_map_joins_queries_to_their_top_key():
    fig = heads_fig.query_key_figure(RNG.normal(size=(3, 2)), RNG.normal(size=(2, 2)), REPEAT,
                                     ["a", "b"], top_key=[1, 0, 1])
    data = fig.to_dict()["data"]
    assert [d["mode"] for d in data] == ["lines", "markers+text", "markers+text"]
    assert sum(x is None for x in data[0]["x"]) == 3
    with pytest.raises(ValueError):
        heads_fig.query_key_figure(np.zeros((3, 2)), np.zeros((2, 2)), REPEAT, ["a", "b"],
                                   top_key=[5, 0, 0])


@pytest.mark.parametrize("dims", [2, 3])
def test_trajectories_one_path_per_token_with_repeats_kept(dims):
    points = RNG.normal(size=(5, 3, dims))
    fig = space_fig.trajectory_figure(points, [f"s{i}" for i in range(5)], REPEAT, chosen=1)
    kind = "scatter3d" if dims == 3 else "scatter"
    paths = [t for t in traces_of(fig, kind) if t["mode"] == "lines+markers"]
    assert [p["name"] for p in paths] == ["0: John", "1: saw", "2: John"]
    assert all(len(array(p["x"])) == 5 for p in paths)


def test_long_trajectories_collapse_into_one_grey_trace():
    n = space_fig.COLOURED_TOKENS + 6
    points = RNG.normal(size=(4, n, 2))
    fig = space_fig.trajectory_figure(points, list("abcd"), [f"t{i}" for i in range(n)], 3)
    data = fig.to_dict()["data"]
    assert len(data) == 3  # grey paths, the chosen token, its label
    assert len(array(data[0]["x"])) == n * 5
    with pytest.raises(ValueError):
        space_fig.trajectory_figure(points, list("abc"), [f"t{i}" for i in range(n)])


def test_similarity_paths_one_line_per_companion():
    fig = space_fig.similarity_paths_figure(np.zeros((4, 2)), list("abcd"), REPEAT, [0, 2], 1)
    assert [t["name"] for t in fig.to_dict()["data"]] == ["0: John", "2: John"]
    assert tuple(fig.layout.yaxis.range) == (-1.05, 1.05)
