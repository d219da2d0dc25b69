"""The walkthrough's analysis (explainer/analysis): PCA, credit example, embedding, positional
encoding, attention step by step, heads, trajectories. Invariants checked on real traces of
small random models (conftest), so no checkpoint is needed."""

from __future__ import annotations

import numpy as np
import pytest

from explainer.analysis import attention_steps as steps_mod
from explainer.analysis import credit, embedding, heads, positional, trajectory
from explainer.analysis.walk_pca import fixed_sign_pca
from explainer.trace import attention_weights, embedding_matrix, trace
from models.transformer import positional_encoding as torch_pe


@pytest.fixture(scope="module")
def traced(small_model, tokenizer):
    """Traces of the two running examples and a repeated word, plus the model's weights."""
    return {
        "en": trace(small_model, tokenizer, "Smart John is singing"),
        "zh": trace(small_model, tokenizer, "我爱你"),
        "repeat": trace(small_model, tokenizer, "John saw John"),
        "weights": attention_weights(small_model),
        "W_E": embedding_matrix(small_model),
    }


# PCA with fixed signs.

def test_pca_signs_are_fixed_and_reruns_agree():
    rng = np.random.default_rng(0)
    values = rng.normal(size=(40, 7)) @ rng.normal(size=(7, 7))
    first = fixed_sign_pca(values, 3)
    again = fixed_sign_pca(values.copy(), 3)
    np.testing.assert_array_equal(first.points, again.points)
    biggest = first.components[np.arange(3), np.abs(first.components).argmax(axis=1)]
    assert (biggest > 0).all()
    np.testing.assert_allclose(first.transform(values), first.points, atol=1e-9)
    assert first.explained[0] >= first.explained[1] >= first.explained[2] > 0


@pytest.mark.parametrize("values", [np.ones((1, 5)), np.ones((4, 5)), np.arange(6.0)[:, None]])
def test_pca_degenerate_inputs_still_give_the_asked_columns(values):
    projection = fixed_sign_pca(values, 2)
    assert projection.points.shape == (values.shape[0], 2)
    assert np.isfinite(projection.points).all()


# The credit example.

@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_ninth_feature_separates_credit_better(seed):
    example = credit.credit_example(240, seed)
    assert example.points8.shape == example.points9.shape == (240, 3)
    assert list(example.table.columns[:9]) == [name for name, _, _ in
                                               (*credit.FEATURES, credit.SALARY)]
    assert example.accuracy9 > example.accuracy8 + 0.08
    assert 0.3 < example.good.mean() < 0.7
    again = credit.credit_example(240, seed)
    np.testing.assert_array_equal(example.points9, again.points9)


# Embedding.

def test_nearest_neighbours_match_brute_force(traced, tokenizer):
    W_E = traced["W_E"]
    unit = embedding.unit_rows(W_E)
    token_id = tokenizer.vocab.index("John")
    table = embedding.nearest_neighbours(unit, token_id, tokenizer.vocab, k=5)
    assert len(table) == 5 and token_id not in table["id"].tolist()
    assert (np.diff(table["cosine"].to_numpy()) <= 1e-12).all()
    for _, row in table.iterrows():
        a, b = W_E[token_id], W_E[row["id"]]
        assert row["cosine"] == pytest.approx(a @ b / np.linalg.norm(a) / np.linalg.norm(b))


def test_vocabulary_map_places_repeated_words_on_one_point(traced):
    projection = embedding.vocab_projection(traced["W_E"])
    result = traced["repeat"]
    points = embedding.sentence_points(projection.points, result.src_ids)
    assert points.shape == (3, 2)
    np.testing.assert_array_equal(points[0], points[2])  # "John" … "John"


def test_long_inputs_are_cut_for_figures_only():
    tokens = [f"w{i}" for i in range(300)]
    values, shown, cut = embedding.first_rows(np.zeros((300, 4)), tokens)
    assert cut and len(shown) == values.shape[0] == embedding.MAX_FIGURE_TOKENS
    frame = embedding.vector_frame(np.zeros((300, 4)), tokens)
    assert frame.shape == (300, 4) and frame.index[299] == "299: w299"


# Positional encoding.

def test_positional_encoding_matches_the_model_and_the_closed_form(traced):
    result = traced["en"]
    assert positional.pe_difference(result["enc.hook_pos"]) < 1e-6
    np.testing.assert_allclose(positional.positional_encoding(512, 128),
                               torch_pe(512, 128).numpy(), atol=1e-6)
    pe = positional.positional_encoding(60, 128)
    sim = positional.similarity(pe)
    np.testing.assert_allclose(np.diag(sim), 64.0)
    # The dot product depends only on the distance between positions.
    assert sim[3, 10] == pytest.approx(sim[20, 27])


def test_embedding_plus_pe_is_the_input(traced):
    parts = positional.input_sum(traced["en"], 1)
    assert parts.rows.shape == (3, 128)
    assert parts.difference < 1e-5


def test_repeated_word_becomes_two_points_after_pe(traced):
    result = traced["repeat"]
    view = positional.before_after(result)
    assert view.repeated == [[0, 2]]
    assert positional.copies_distance(result["enc.hook_embed"], [0, 2]) == 0.0
    assert positional.copies_distance(result["enc.hook_input"], [0, 2]) > 0.5
    np.testing.assert_allclose(view.before[0], view.before[2], atol=1e-9)
    assert np.linalg.norm(view.after[0] - view.after[2]) > 1e-3


def test_positions_are_thinned_for_long_spans():
    assert positional.span(4, 512) == positional.MIN_SPAN
    assert positional.span(500, 512) == 500
    drawn = positional.drawn_positions(512)
    assert len(drawn) <= positional.MAX_DRAWN and drawn[0] == 0 and drawn[-1] == 511
    assert positional.wavelength(0, 128) == pytest.approx(2 * np.pi)


# Attention, step by step.

@pytest.mark.parametrize("name", ["en", "zh"])
@pytest.mark.parametrize("stage", ["enc", "dec", "cross"])
def test_hand_computation_equals_the_model(traced, name, stage):
    result = traced[name]
    n_queries = len(result.src_tokens if stage == "enc" else result.tgt_tokens)
    for layer in range(result.n_layers):
        for head in range(result.n_heads):
            for query in {0, n_queries - 1}:
                s = steps_mod.attention_steps(result, traced["weights"], stage, layer, head, query)
                assert s.z_difference < 1e-5
                assert max(s.differences.values()) < 1e-4
                assert s.weight_sum == pytest.approx(1.0, abs=1e-9)
                assert (s.weights[s.masked] == 0).all()
    if stage == "dec":  # causal mask: the first decoder position sees only itself
        first = steps_mod.attention_steps(result, traced["weights"], "dec", 0, 0, 0)
        assert first.n_masked == len(result.tgt_tokens) - 1


def test_score_table_and_weighted_rows(traced):
    s = steps_mod.attention_steps(traced["en"], traced["weights"], "enc", 1, 2, 1)
    words = {k: k for k in ("position", "token", "dot", "scaled", "masked", "weight")}
    table = steps_mod.score_table(s, words)
    assert len(table) == 4 and table["weight"].sum() == pytest.approx(1.0)
    rows, kept = steps_mod.weighted_rows(s)
    assert kept == [0, 1, 2, 3]
    np.testing.assert_allclose(rows[:-1].sum(axis=0), rows[-1])


def test_weighted_rows_keep_the_largest_weights_for_long_inputs(traced):
    s = steps_mod.attention_steps(traced["en"], traced["weights"], "enc", 0, 0, 0)
    rows, kept = steps_mod.weighted_rows(s, limit=2)
    assert len(kept) == 2 and rows.shape == (3, s.d_k)
    assert set(kept) == set(np.argsort(-s.weights)[:2].tolist())


def test_bad_choices_raise(traced):
    with pytest.raises(ValueError):
        steps_mod.attention_steps(traced["en"], traced["weights"], "enc", 9, 0, 0)
    with pytest.raises(ValueError):
        steps_mod.attention_steps(traced["en"], traced["weights"], "enc", 0, 0, 99)
    with pytest.raises(ValueError):
        steps_mod.attention_steps(traced["en"], traced["weights"], "sideways", 0, 0, 0)


# Heads.

def test_pooling_keeps_row_sums_and_shrinks_long_inputs():
    rng = np.random.default_rng(1)
    n = 130
    raw = rng.random((2, 3, n, n))
    mask = np.triu(np.ones((n, n), bool), 1)
    raw = np.where(mask, 0.0, raw)
    pattern = raw / raw.sum(-1, keepdims=True)
    tokens = [f"t{i}" for i in range(n)]
    pooled = heads.pool_attention(pattern, mask, tokens, tokens, max_bins=48)
    assert pooled.pooled and pooled.pattern.shape[-1] <= 48
    assert pooled.pattern.shape[-2] == len(pooled.query_labels)
    np.testing.assert_allclose(np.nansum(pooled.pattern, -1), 1.0)
    assert np.isnan(pooled.pattern[..., 0, -1]).all()  # a fully masked block is a gap
    short = heads.pool_attention(pattern[..., :5, :5], mask[:5, :5], tokens[:5], tokens[:5])
    assert not short.pooled and short.query_labels == tokens[:5]


def test_head_summary_names_a_previous_token_head():
    class Fake:
        n_layers = 1
        arrays = {}

        def __getitem__(self, name):
            return self.arrays[name]

    n = 6
    prev = np.eye(n, k=-1)
    prev[0, 0] = 1.0
    fake = Fake()
    fake.arrays = {"enc.blocks.0.attn.hook_pattern": np.stack([prev, np.full((n, n), 1 / n)]),
                   "enc.blocks.0.attn.hook_scores": np.zeros((2, n, n))}
    summary = heads.head_summary(fake, "enc")
    assert summary["looks_at"].tolist() == ["previous", "broad"]
    assert summary["spread"].iloc[0] < 0.05 and summary["spread"].iloc[1] == pytest.approx(1.0)


def test_head_summary_and_mixing_on_the_model(traced):
    result = traced["en"]
    for stage in ("enc", "dec", "cross"):
        summary = heads.head_summary(result, stage)
        assert len(summary) == result.n_layers * result.n_heads
        assert summary["spread"].between(0, 1 + 1e-9).all()
        assert heads.summary_grid(summary, "spread").shape == (result.n_layers, result.n_heads)
        mix = heads.mix_heads(result, traced["weights"], stage, result.n_layers - 1, 0)
        assert mix.difference < 1e-4
        np.testing.assert_allclose(mix.contributions.sum(0) + mix.b_O, mix.out, atol=1e-9)
    qk = heads.query_key_map(result, "cross", 0, 1)
    assert qk.queries.shape == (len(result.tgt_tokens), 2)
    assert qk.keys.shape == (len(result.src_tokens), 2)


# Trajectories.

def test_trajectories_follow_every_stage(traced):
    result = traced["en"]
    n_layers = result.n_layers
    assert len(trajectory.stages(result, "enc")) == 2 + 2 * n_layers
    assert len(trajectory.stages(result, "dec")) == 2 + 3 * n_layers
    assert len(trajectory.stages(result, "enc", substeps=False)) == 2 + n_layers
    paths = trajectory.trajectories(result, "enc", True, 3)
    assert paths.points.shape == (2 + 2 * n_layers, 4, 3)
    cos = trajectory.cosine_paths(result, 1, "enc")
    np.testing.assert_allclose(cos[:, 1], 1.0)
    assert trajectory.companions(cos, 1) == [0, 2, 3]
    frame = trajectory.trajectory_frame(paths, [str(i) for i in range(len(paths.stages))],
                                        result.src_tokens)
    assert len(frame) == paths.points.shape[0] * 4


def test_repeated_words_keep_their_own_paths(traced):
    paths = trajectory.trajectories(traced["repeat"], "enc")
    np.testing.assert_allclose(paths.points[0, 0], paths.points[0, 2], atol=1e-9)
    assert np.linalg.norm(paths.points[-1, 0] - paths.points[-1, 2]) > 1e-4


def test_unknown_words_are_marked_in_labels(small_model, tokenizer):
    result = trace(small_model, tokenizer, "Smart Zorblax is singing")
    labels = embedding.marked_tokens(result.src_tokens, result.src_ids, tokenizer.vocab)
    assert labels == ["Smart", "Zorblax → <unk>", "is", "singing"]


def test_grid_and_summary_tables(traced):
    result = traced["zh"]
    patterns = heads.stage_patterns(result, "enc")
    frame = heads.grid_frame(patterns, result.src_tokens, result.src_tokens)
    assert len(frame) == patterns.size
    assert frame.groupby(["layer", "head", "query_pos"])["weight"].sum().round(6).eq(1).all()
    summary = heads.head_summary(result, "enc")
    words = {c: c.upper() for c in summary.columns} | {"broad": "B", "self": "S",
                                                       "previous": "P", "next": "N",
                                                       "first": "F", "last": "L"}
    shown = heads.summary_table(summary, words)
    assert shown["LAYER"].min() == 1 and set(shown["LOOKS_AT"]) <= set("BSPNFL")
