"""The output side's numbers: decoding steps, sampling, beam search, masks, Add & Norm, pipeline.

Random models from conftest, so these hold for any weights; torch only to check against the
model itself.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from explainer.__main__ import main
from explainer.analysis import decoding, masks, pipeline, residual
from explainer.beam_trace import beam_trace
from explainer.trace import trace
from models.checkpoint import save_checkpoint
from models.tokenizer import PAD

SENTENCES = ["我爱你", "Smart John is singing"]


@pytest.fixture(scope="module")
def traces(small_model, tokenizer):
    return {s: trace(small_model, tokenizer, s) for s in SENTENCES}


# --- decoding -------------------------------------------------------------------------------


@pytest.mark.parametrize("sentence", SENTENCES)
def test_probabilities_sum_to_one_and_greedy_picks_the_argmax(traces, sentence):
    result = traces[sentence]
    probs = decoding.probabilities(result)  # numpy softmax of dec.hook_logits
    assert probs.shape == result["dec.hook_logits"].shape
    np.testing.assert_allclose(probs.sum(axis=-1), 1.0, atol=1e-9)
    assert (probs >= 0).all()
    assert probs.argmax(axis=-1).tolist() == result.output_ids


def test_softmax_matches_torch():
    logits = np.random.default_rng(0).normal(size=(3, 50)) * 5
    expected = torch.softmax(torch.tensor(logits), -1).numpy()
    np.testing.assert_allclose(decoding.softmax(logits), expected, atol=1e-12)


@pytest.mark.parametrize("sentence", SENTENCES)
def test_each_step_sees_its_prefix_and_writes_its_token(traces, sentence):
    result = traces[sentence]
    n = len(result.output_tokens)
    for step in range(n):
        view = decoding.step_view(result, step)
        assert view.prefix == result.tgt_tokens[: step + 1]
        assert view.chosen == result.output_tokens[step]
        assert view.rank == 1 and view.total == pytest.approx(1.0, abs=1e-9)
        assert view.visible.tolist() == [i <= step for i in range(n)]
        assert view.drawn[view.chosen_id] == 1.0 and view.drawn.sum() == 1.0  # greedy
    with pytest.raises(ValueError):
        decoding.step_view(result, n)


@pytest.mark.parametrize("sentence", SENTENCES)
def test_causal_mask_has_the_decoders_shape_and_zeros(traces, sentence):
    result = traces[sentence]
    t = len(result.tgt_tokens)
    for layer in range(result.n_layers):
        keep = decoding.decoder_keep(result, layer)
        assert keep.shape == result["dec.blocks.0.attn.hook_pattern"].shape[1:] == (t, t)
        assert (keep == np.tril(np.ones((t, t), dtype=bool))).all()
        pattern = result[f"dec.blocks.{layer}.attn.hook_pattern"]
        assert (pattern[:, ~keep] == 0).all()


def test_greedy_steps_reproduce_the_command_line(tmp_path, monkeypatch, capsys, small_model,
                                                  tokenizer):
    folder = save_checkpoint(tmp_path / "ckpt", small_model, tokenizer, {})
    monkeypatch.setenv("TRANSFORMER_CHECKPOINT", str(folder))
    labels = {k: k for k in ("step", "input", "output", "prob", "rank")}
    for sentence in SENTENCES:
        assert main(["translate", sentence]) == 0
        printed = capsys.readouterr().out.strip()
        result = trace(small_model, tokenizer, sentence)
        steps = decoding.steps_table(result, labels)
        ids = [tokenizer.index[tok] for tok in steps["output"]]
        assert tokenizer.decode(ids) == printed
        assert steps["input"].tolist() == [
            " ".join(result.tgt_tokens[: i + 1]) for i in range(len(ids))]


def test_sampling_distribution_follows_the_models_rule():
    rng = np.random.default_rng(1)
    logits = rng.normal(size=(2, 40)) * 3
    for temperature, top_k in ((1.0, 0), (0.5, 5), (2.0, 1), (0.7, 40)):
        drawn = decoding.sampling_distribution(logits, temperature, top_k)
        np.testing.assert_allclose(drawn.sum(-1), 1.0, atol=1e-12)
        scaled = torch.tensor(logits) / temperature
        if top_k:
            kth = torch.topk(scaled, top_k, dim=-1).values[:, -1:]
            scaled = scaled.masked_fill(scaled < kth, float("-inf"))
            assert ((drawn > 0).sum(-1) == top_k).all()
        np.testing.assert_allclose(drawn, torch.softmax(scaled, -1).numpy(), atol=1e-12)
    greedy = decoding.sampling_distribution(logits, 0.0, 0)
    assert (greedy.argmax(-1) == logits.argmax(-1)).all() and (greedy.sum(-1) == 1).all()


def test_sampling_with_the_same_seed_repeats(small_model, tokenizer):
    options = dict(temperature=1.5, top_k=10)
    a = trace(small_model, tokenizer, "我爱你", seed=7, **options)
    b = trace(small_model, tokenizer, "我爱你", seed=7, **options)
    assert a.output_ids == b.output_ids
    # Every sampled token was allowed by top-k: its sampling probability is above zero.
    for step in range(len(a.output_ids)):
        view = decoding.step_view(a, step, **options)
        assert view.drawn[view.chosen_id] > 0
        assert (view.drawn > 0).sum() <= 10


def test_top_tokens_lists_the_most_likely_and_the_chosen():
    probs = np.array([0.05, 0.5, 0.2, 0.25])
    table = decoding.top_tokens(probs, ["a", "b", "c", "d"], 2, chosen_id=0)
    assert table["token"].tolist() == ["b", "d", "a"]
    assert table["rank"].tolist() == [1, 2, 4]
    assert table["chosen"].tolist() == [False, False, True]
    shown, rest, n_rest = decoding.mass_split(probs, table["id"])
    assert shown == pytest.approx(0.8) and rest == pytest.approx(0.2) and n_rest == 1
    with pytest.raises(ValueError):
        decoding.top_tokens(probs, ["a"], 2)


def test_cross_attention_rows_sum_to_one(traces):
    result = traces["我爱你"]
    for head in (0, None):
        pattern = decoding.cross_attention(result, result.n_layers - 1, head)
        assert pattern.shape == (len(result.output_tokens), len(result.src_tokens))
        np.testing.assert_allclose(pattern.sum(-1), 1.0, atol=1e-5)
    table = decoding.alignment_table(result, 0, {"output": "o", "source": "s", "weight": "w"})
    assert len(table) == len(result.output_tokens)
    assert set(table["s"]) <= set(result.src_tokens)


# --- beam search ----------------------------------------------------------------------------


@pytest.mark.parametrize("sentence", SENTENCES)
def test_beam_of_one_is_greedy(small_model, tokenizer, traces, sentence):
    beam = beam_trace(small_model, tokenizer, sentence, beam_size=1, alpha=0.0)
    assert beam.hyp_tokens[0] == traces[sentence].output_tokens
    assert beam.translations[0] == traces[sentence].translation


def test_beam_hypotheses_are_ranked_and_their_log_prob_is_the_models(small_model, tokenizer):
    beam = beam_trace(small_model, tokenizer, "Smart John is singing", beam_size=3, alpha=0.6)
    assert list(beam.hyp_scores) == sorted(beam.hyp_scores, reverse=True)
    assert beam.parents.shape == beam.log_probs.shape == beam.finished.shape
    # Walk the best hypothesis back through the parents: its tokens come back.
    path = decoding.beam_path(beam, 0)
    assert [beam.tokens[s][n] for s, n in path] == beam.hyp_tokens[0]
    # Its log P equals the model's teacher-forced log-probability of those tokens.
    ids = [tokenizer.index[t] for t in beam.hyp_tokens[0]]
    src = torch.tensor([tokenizer.encode("Smart John is singing", 512).ids])
    tgt = torch.tensor([[tokenizer.index[beam.start_token]] + ids[:-1]])
    with torch.no_grad():
        logp = torch.log_softmax(small_model(src, tgt)[0].double(), -1)
    expected = float(logp[torch.arange(len(ids)), torch.tensor(ids)].sum())
    assert beam.hyp_log_probs[0] == pytest.approx(expected, abs=1e-4)
    table = decoding.hypotheses_table(beam, {k: k for k in (
        "rank", "translation", "tokens", "log_prob", "score", "finished", "yes", "no")})
    assert table["rank"].tolist() == list(range(1, len(beam.translations) + 1))


# --- masks and padding ----------------------------------------------------------------------


def test_padding_gets_exactly_zero_attention_and_changes_nothing(small_model, tokenizer,
                                                                 traces):
    plain = traces["我爱你"]
    padded = trace(small_model, tokenizer, "我爱你", pad_to=16)
    assert padded.src_tokens == plain.src_tokens + [PAD] * 13
    assert masks.padding_mask(padded).tolist() == [[1] * 3 + [0] * 13]
    keep = masks.encoder_keep(padded)
    assert (keep == masks.padding_mask(padded).astype(bool)).all()  # same row for every query
    assert (masks.cross_keep(padded) == keep[:1]).all()
    labels = {k: k for k in ("block", "layer", "largest", "total", "enc", "cross")}
    table = masks.pad_attention_table(padded, labels)
    assert len(table) == 2 * padded.n_layers
    assert (table["largest"] == 0).all() and (table["total"] == 0).all()
    effect = masks.padding_effect(plain, padded)
    assert effect["same_translation"]
    assert effect["encoder"] < 1e-4 and effect["logits"] < 1e-3
    assert masks.padded_input(padded).shape == (16, small_model.cfg.d_model)


def test_pad_sizes_run_from_the_sentence_to_max_len():
    assert masks.pad_sizes(3, 512) == [3, 8, 16, 32, 64, 128, 256, 512]
    assert masks.pad_sizes(20, 64) == [20, 32, 64]
    assert masks.default_pad(3, 512) == 8
    assert masks.default_pad(512, 512) == 512
    assert masks.window(512) == 64 and masks.window(5) == 5


# --- Add & Norm and feed-forward ------------------------------------------------------------


def _layer_norm(model, side, layer, name):
    block = getattr(model, side).blocks[layer]
    ln = getattr(block, name)
    return ln.weight.detach().double().numpy(), ln.bias.detach().double().numpy()


def _ffn_weights(model) -> dict:
    return {name: p.detach().numpy() for name, p in model.named_parameters()
            if ".ffn." in name}


@pytest.mark.parametrize("side,sub,ln", [("enc", "attn", "ln_attn"), ("dec", "attn", "ln_attn"),
                                         ("dec", "cross", "ln_cross"), ("enc", "ffn", "ln_ffn"),
                                         ("dec", "ffn", "ln_ffn")])
def test_the_sum_before_layernorm_is_what_layernorm_received(small_model, traces, side, sub, ln):
    result = traces["Smart John is singing"]
    layer = 1
    view = residual.add_norm(result, side, layer, sub, _ffn_weights(small_model))
    np.testing.assert_allclose(view.total, view.x + view.out)
    gamma, beta = _layer_norm(small_model, side, layer, ln)
    np.testing.assert_allclose(residual.normalise(view.total) * gamma + beta, view.after,
                               atol=2e-4)
    normed = residual.normalise(view.total)
    mean, std = residual.token_stats(normed)
    np.testing.assert_allclose(mean, 0, atol=1e-9)
    np.testing.assert_allclose(std, 1, atol=1e-3)


def test_without_ffn_weights_the_ffn_sum_is_unknown(traces):
    result = traces["我爱你"]
    view = residual.add_norm(result, "enc", 0, "ffn", {})
    assert view.total is None and view.out is None
    table = residual.stats_table(view, {k: k for k in (
        "position", "token", "mean_before", "std_before", "mean_after", "std_after")})
    assert "mean_before" not in table and len(table) == len(result.src_tokens)
    with pytest.raises(ValueError):
        residual.add_norm(result, "enc", 0, "cross")


def test_ffn_activity_counts_relu_zeros(traces):
    result = traces["我爱你"]
    activity = residual.ffn_activity(result, "dec", 2)
    hidden = result["dec.blocks.2.ffn.hook_hidden"]
    assert (activity.hidden >= 0).all()
    np.testing.assert_allclose(activity.zero_share, (hidden == 0).mean(-1))
    assert 0 < activity.overall < 1


def test_stream_norms_follow_every_sublayer(small_model, traces):
    result = traces["我爱你"]
    n = result.n_layers
    full = residual.stream_norms(result, "dec", _ffn_weights(small_model))
    assert full.norms.shape == (1 + n * 3 * 2, len(result.tgt_tokens))
    partial = residual.stream_norms(result, "enc")
    assert partial.norms.shape == (1 + n * 3, len(result.src_tokens))  # no FFN sum
    np.testing.assert_allclose(partial.norms[-1],
                               np.linalg.norm(result[f"enc.blocks.{n - 1}.hook_resid_post"],
                                              axis=-1), rtol=1e-6)
    labels = [f"c{i}" for i in range(partial.norms.shape[0])]
    assert residual.norms_table(partial, labels, {"checkpoint": "cp"}).shape == (
        len(labels), 1 + len(result.src_tokens))


# --- pipeline -------------------------------------------------------------------------------


@pytest.mark.parametrize("sentence", SENTENCES)
def test_live_shapes_equal_the_shapes_the_config_predicts(small_model, tokenizer, traces,
                                                          sentence):
    result = traces[sentence]
    live = pipeline.stages_from_trace(result)
    predicted = pipeline.stages_from_config(result.config, len(result.src_tokens),
                                            len(result.tgt_tokens), len(tokenizer))
    assert [s.shape for s in live] == [s.shape for s in predicted]
    assert [s.key for s in live] == list(pipeline.STAGE_KEYS)
    assert live[1].shape == (len(result.src_tokens), small_model.cfg.d_model)


def test_parameter_count_is_the_models(small_model, tokenizer):
    counted = sum(p.numel() for p in small_model.parameters())
    assert pipeline.parameter_count(small_model.cfg.to_dict(), len(tokenizer)) == counted
    # The paper reports 65M for the base model (Table 3); ours from its shape is close.
    paper = pipeline.parameter_count(pipeline.paper_config(), pipeline.PAPER_VOCAB)
    assert 60e6 < paper < 66e6


def test_shape_tables_line_up(traces, tokenizer):
    result = traces["我爱你"]
    ours = pipeline.stages_from_trace(result)
    paper = pipeline.stages_from_config(pipeline.paper_config(), 3, len(result.tgt_tokens),
                                        len(tokenizer))
    names = {k: k for k in pipeline.STAGE_KEYS}
    table = pipeline.shape_table(ours, paper, names, {"stage": "s", "ours": "o", "paper": "p"})
    assert table.loc[1, "o"] == "3 × 128" and table.loc[1, "p"] == "3 × 512"
    assert table.loc[3, "p"] == "8 × 3 × 3"
    sizes = pipeline.padded_input_shapes(3, result.config, pipeline.paper_config())
    assert sizes == [(512, 128, 3), (512, 512, 3)]
    hyper = pipeline.hyperparameter_table(result.config, pipeline.paper_config(), len(tokenizer),
                                          {"name": "n", "ours": "o", "paper": "p",
                                           "vocab": "v", "params": "params"})
    assert hyper.set_index("n").loc["d_model", "p"] == 512
