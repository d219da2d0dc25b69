"""The walkthrough's analysis (explainer/analysis): PCA, credit example, embedding, positions,
attention step by step, heads, trajectories. Invariants checked on real traces of small random
models: ours (conftest) and Hugging Face BERT, GPT-2 and Marian built offline
(tests/hf_models.py), so no checkpoint and no download is needed."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest

from explainer.analysis import attention_steps as steps_mod
from explainer.analysis import credit, embedding, heads, positional, trajectory, views
from explainer.analysis.walk_pca import fixed_sign_pca
from explainer.trace import model_weights, trace
from models.adapters.ours import OursAdapter
from models.tokenizer import SPECIALS
from models.transformer import positional_encoding as torch_pe

ROOT = Path(__file__).resolve().parent.parent
MINE = ["attention_steps", "credit", "embedding", "heads", "positional", "trajectory",
        "walk_pca", "views"]


@pytest.fixture(scope="module")
def traced(small_model, tokenizer):
    """Traces of the two running examples and a repeated word, plus the model's weights."""
    adapter = OursAdapter(small_model, tokenizer, "small")
    weights = model_weights(adapter)
    return {
        "en": trace(adapter, "Smart John is singing"),
        "zh": trace(adapter, "我爱你"),
        "repeat": trace(adapter, "John saw John"),
        "weights": weights,
        "W_E": np.asarray(weights.embedding, dtype=float),
    }


@pytest.fixture(scope="module")
def hf(tmp_path_factory):
    """Small random BERT, GPT-2 and Marian folders, loaded as the app loads them, with a trace
    of the running example and their weights."""
    from models.adapters.hf import load_hf
    from tests.hf_models import build_bert, build_gpt2, build_marian

    root = tmp_path_factory.mktemp("walk_hf")
    out = {}
    for family, build in (("bert", build_bert), ("gpt2", build_gpt2), ("marian", build_marian)):
        adapter = load_hf(build(root / family), family, device="cpu")
        out[family] = (trace(adapter, "Smart John is singing"), model_weights(adapter))
    return out


@pytest.mark.parametrize("name", MINE)
def test_analysis_builds_no_hook_names_and_finds_no_mask_by_inf(name):
    """Names come from the contract's accessors; masks from ``trace.mask``, never −inf."""
    source = (ROOT / "explainer" / "analysis" / f"{name}.py").read_text("utf-8")
    tree = ast.parse(source)
    docstrings = {id(body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef))
                  and (body := node.body) and isinstance(body[0], ast.Expr)}
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            modules = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""]
            assert not any(m.split(".")[0] == "models" for m in modules), modules
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and \
                id(node) not in docstrings:
            assert "hook_" not in node.value and "blocks." not in node.value, node.value
    assert "isneginf" not in source


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
    token_id = tokenizer.vocab.index("John")
    table = embedding.nearest_neighbours(W_E, token_id, tokenizer.vocab, k=5, skip=SPECIALS)
    assert len(table) == 5 and token_id not in table["id"].tolist()
    assert not set(table["token"]) & set(SPECIALS)
    again = embedding.nearest_neighbours(W_E, token_id, tokenizer.vocab, k=5, skip=SPECIALS,
                                         norms=embedding.row_norms(W_E))
    assert again["id"].tolist() == table["id"].tolist()
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
    assert positional.pe_difference(result.embed("enc", "pos")) < 1e-6
    assert positional.pe_difference(result.embed("enc", "pos"), "halves") > 0.1
    table = positional.position_table(result)
    assert table.kind == "sinusoidal" and table.layout == "interleaved"
    assert table.values.shape == (positional.MIN_SPAN, 128) and table.difference < 1e-6
    np.testing.assert_allclose(positional.positional_encoding(512, 128),
                               torch_pe(512, 128).numpy(), atol=1e-6)
    pe = positional.positional_encoding(60, 128)
    sim = positional.similarity(pe)
    np.testing.assert_allclose(np.diag(sim), 64.0)
    # The dot product depends only on the distance between positions.
    assert sim[3, 10] == pytest.approx(sim[20, 27])


def test_embedding_plus_pe_is_the_input(traced):
    parts = positional.input_sum(traced["en"], 1)
    assert parts.rows.shape == (3, 128) and not parts.normed
    assert parts.difference < 1e-5


def test_repeated_word_becomes_two_points_after_pe(traced):
    result = traced["repeat"]
    view = positional.before_after(result)
    assert view.repeated == [[0, 2]]
    assert positional.copies_distance(result.embed("enc", "embed"), [0, 2]) == 0.0
    assert positional.copies_distance(result.embed("enc", "input"), [0, 2]) > 0.5
    np.testing.assert_allclose(positional.with_positions(result), result.embed("enc", "input"),
                               atol=1e-5)
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
    n = 6
    prev = np.eye(n, k=-1)
    prev[0, 0] = 1.0

    class Fake:
        def n_layers_of(self, stage):
            return 1

        def pattern(self, stage, layer):
            return np.stack([prev, np.full((n, n), 1 / n)])

        def mask(self, stage):
            return np.zeros((n, n), dtype=bool)

    summary = heads.head_summary(Fake(), "enc")
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
    result = trace(OursAdapter(small_model, tokenizer), "Smart Zorblax is singing")
    labels = embedding.marked_tokens(result.src_tokens, result.src_ids, tokenizer.vocab,
                                     result.caps.special_tokens)
    assert labels == ["Smart", "Zorblax → <unk>", "is", "singing"]
    words = {k: k for k in ("position", "token", "id", "status", "known", "unknown",
                            "special")}
    table = views.token_table(result.src_tokens, result.src_ids, result.unknown, words,
                              result.caps.special_tokens)
    assert table["status"].tolist() == ["known", "unknown", "known", "known"]


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


# Hugging Face models: BERT (encoder-only, learned positions, LayerNorm after the embedding),
# GPT-2 (decoder-only, pre-LN) and Marian (encoder–decoder, sinusoidal in halves).

@pytest.mark.parametrize("family", ["bert", "gpt2", "marian"])
def test_hand_computation_equals_every_hugging_face_block(hf, family):
    result, weights = hf[family]
    for stage in result.stages:
        n_queries = len(result.stage_tokens(stage)[0])
        for layer in range(result.n_layers_of(stage)):
            for head in range(result.n_heads):
                s = steps_mod.attention_steps(result, weights, stage, layer, head,
                                              n_queries - 1)
                assert max(s.differences.values()) < 1e-5, (stage, layer, head, s.differences)
                assert s.normed == (family == "gpt2")
            mix = heads.mix_heads(result, weights, stage, layer, n_queries - 1)
            assert mix.difference < 1e-5


def test_pre_ln_recomputation_needs_the_blocks_layer_norm(hf):
    """GPT-2's W_Q multiplies LayerNorm(x), not x: the recomputed x̂ gives the captured q, and
    the raw residual stream would not."""
    result, weights = hf["gpt2"]
    raw, _ = steps_mod.layer_inputs(result, "dec", 1)
    normed, _ = steps_mod.block_inputs(result, weights, "dec", 1)
    assert np.abs(normed - raw).max() > 0.1
    W_Q, b_Q = weights.attn("dec", 1, "W_Q")[0], weights.attn("dec", 1, "b_Q")[0]
    captured = result.attn("dec", 1, "q")[0]
    np.testing.assert_allclose(normed @ W_Q + b_Q, captured, atol=1e-5)
    assert np.abs(raw @ W_Q + b_Q - captured).max() > 1e-2


def test_causal_mask_of_a_decoder_only_model_comes_from_the_trace(hf):
    result, weights = hf["gpt2"]
    first = steps_mod.attention_steps(result, weights, "dec", 0, 0, 0)
    assert first.n_masked == len(result.tgt_tokens) - 1
    assert first.weights[0] == pytest.approx(1.0)
    view = views.attention_pattern(result, "dec", 0, None)
    assert view.masked[0, 1:].all() and not view.masked[-1].any()


def test_halves_layout_matches_marians_positions(hf):
    result, _ = hf["marian"]
    assert result.caps.pe_layout == "halves"
    for side in ("enc", "dec"):
        model_pe = result.embed(side, "pos")
        assert positional.pe_difference(model_pe, "halves") < 1e-5
        assert positional.pe_difference(model_pe, "interleaved") > 0.1
    table = positional.position_table(result)
    assert table.layout == "halves" and table.difference < 1e-5
    d = result.caps.d_model
    assert positional.wave_kind(0, d, "halves") == "sin"
    assert positional.wave_kind(d // 2, d, "halves") == "cos"
    assert positional.wavelength(d // 2 + 3, d, "halves") == positional.wavelength(3, d, "halves")


def test_halves_and_interleaved_hold_the_same_waves():
    inter = positional.positional_encoding(30, 16, "interleaved")
    halves = positional.positional_encoding(30, 16, "halves")
    np.testing.assert_allclose(halves[:, :8], inter[:, 0::2])
    np.testing.assert_allclose(halves[:, 8:], inter[:, 1::2])
    with pytest.raises(ValueError):
        positional.positional_encoding(30, 16, "shuffled")


@pytest.mark.parametrize("family", ["bert", "gpt2"])
def test_learned_positions_are_drawn_as_the_model_stores_them(hf, family):
    result, _ = hf[family]
    side = result.caps.main_side
    table = positional.position_table(result)
    assert table.kind == "learned" and np.isnan(table.difference)
    np.testing.assert_array_equal(table.values, result.embed(side, "pos")[table.positions])
    cosines = positional.similarity(table.values, cosine=True)
    np.testing.assert_allclose(np.diag(cosines), 1.0)
    assert np.abs(cosines).max() <= 1 + 1e-9
    parts = positional.input_sum(result, 1)
    assert parts.normed == (family == "bert")
    if family == "bert":
        # LayerNorm(embed + pos + type): the input is not the plain sum, and no check is made.
        assert np.isnan(parts.difference) and parts.rows.shape[0] == 4
        assert np.abs(parts.rows[2] - parts.rows[3]).max() > 1e-3
    else:
        assert parts.difference < 1e-5


def test_special_tokens_can_be_hidden_from_attention_views(hf):
    result, _ = hf["bert"]
    tokens = list(result.src_tokens)
    assert tokens[0] == "[CLS]" and tokens[-1] == "[SEP]"
    shown = views.visible_positions(tokens, tokens, result.caps.special_tokens)
    assert shown.hidden == ["[CLS]", "[SEP]", "[CLS]", "[SEP]"]
    assert shown.keep_q == list(range(1, len(tokens) - 1))
    pattern = result.pattern("enc", 0)
    values, masked, q, k = shown.apply(pattern, result.mask("enc"))
    assert values.shape == (result.n_heads, len(tokens) - 2, len(tokens) - 2)
    assert q == k == tokens[1:-1] and masked.shape == values.shape[1:]
    np.testing.assert_array_equal(values, pattern[:, 1:-1, 1:-1])
    assert (values.sum(-1) < 1).all()  # not renormalised: the rest went to [CLS] and [SEP]
    everything = views.visible_positions(tokens, tokens, result.caps.special_tokens, hide=False)
    assert everything.hidden == [] and everything.query_tokens == tokens
    assert views.first_word(tokens, result.caps.special_tokens) == 1
    cosines = trajectory.cosine_paths(result, 1, "enc")
    assert trajectory.companions(cosines, 1, allowed=shown.keep_q) == shown.keep_q[1:]


def test_trajectories_follow_each_architectures_sides(hf):
    gpt2, _ = hf["gpt2"]
    n = gpt2.n_layers_of("dec")
    assert trajectory.stages(gpt2, "dec") == [("embed", None), ("pe", None)] + [
        (kind, layer) for layer in range(n) for kind in ("attn", "ffn")]
    with pytest.raises(ValueError):
        trajectory.stages(gpt2, "enc")
    marian, _ = hf["marian"]
    assert sum(kind == "cross" for kind, _ in trajectory.stages(marian, "dec")) == \
        marian.n_layers_of("dec")
    paths = trajectory.trajectories(marian, "dec", True, 2)
    assert paths.points.shape[:2] == (2 + 3 * marian.n_layers_of("dec"), len(marian.tgt_tokens))


def test_vocabulary_map_of_a_hugging_face_model(hf):
    result, weights = hf["bert"]
    vocab, W_E = weights.vocab, weights.embedding
    projection = embedding.vocab_projection(W_E)
    assert projection.points.shape == (len(vocab), 2)
    ids = list(result.src_ids)
    near = embedding.map_neighbours(W_E, ids, vocab, per_token=2,
                                    skip=result.caps.special_tokens)
    assert near and not set(near) & set(ids)
    assert not {vocab[i] for i in near} & set(result.caps.special_tokens)
    assert embedding.scale_kind(result.caps) == "none"
    assert embedding.scale_kind(hf["marian"][0].caps) == "sqrt_d"


def test_large_vocabularies_fit_on_a_sample_and_draw_a_sample():
    rng = np.random.default_rng(3)
    # Low-rank rows plus noise: the leading directions are clear from any large sample.
    values = (rng.normal(size=(5000, 2)) * [5.0, 3.0]) @ rng.normal(size=(2, 24))
    values = (values + 0.1 * rng.normal(size=values.shape)).astype(np.float32)
    full = fixed_sign_pca(values, 2)
    sampled = fixed_sign_pca(values, 2, max_fit=800)
    assert sampled.points.shape == (5000, 2)
    # The sample finds the same plane (each sampled direction lies in the full fit's plane).
    in_plane = np.linalg.norm(sampled.components @ full.components.T, axis=1)
    assert (in_plane > 0.999).all()
    assert sampled.explained[0] == pytest.approx(full.explained[0], abs=0.02)
    drawn = embedding.map_sample(5000, keep=[4999, 7], limit=300)
    assert 300 <= len(drawn) <= 302 and {4999, 7} <= set(drawn.tolist())
    assert (np.diff(drawn) > 0).all()
    np.testing.assert_array_equal(embedding.map_sample(50, limit=300), np.arange(50))
