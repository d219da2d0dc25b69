"""The output side's numbers: writing steps, sampling, beam search, masks, Add & Norm, pipeline.

Traces of small random models: ours (conftest) and Hugging Face GPT-2 (pre-LN, GELU), Marian
(post-LN, swish) and BERT (encoder-only, GELU) built offline (tests/hf_models.py), so these hold
for any weights and any architecture; torch only to check against the models themselves.
"""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest
import torch

from explainer.__main__ import main
from explainer.analysis import decoding, masks, pipeline, residual
from explainer.beam_trace import beam_trace
from explainer.contract import ContractError
from explainer.trace import model_weights, trace
from models.adapters.ours import OursAdapter
from models.checkpoint import save_checkpoint
from models.tokenizer import PAD

ROOT = Path(__file__).resolve().parent.parent
SENTENCES = ["我爱你", "Smart John is singing"]
MINE = ["decoding", "masks", "pipeline", "residual"]


@pytest.fixture(scope="module")
def ours(small_model, tokenizer):
    return OursAdapter(small_model, tokenizer, "small")


@pytest.fixture(scope="module")
def traces(ours):
    return {s: trace(ours, s) for s in SENTENCES}


@pytest.fixture(scope="module")
def hf(tmp_path_factory):
    """Small random GPT-2, Marian and BERT folders loaded as the app loads them: (adapter,
    trace of the running example, weights) per family."""
    from models.adapters.hf import load_hf
    from tests.hf_models import build_bert, build_gpt2, build_marian

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # as the app runs; tiny models decode much faster on one thread
    try:
        root = tmp_path_factory.mktemp("decoder_hf")
        out = {}
        for family, build in (("gpt2", build_gpt2), ("marian", build_marian),
                              ("bert", build_bert)):
            adapter = load_hf(build(root / family), family, device="cpu")
            out[family] = (adapter, trace(adapter, "Smart John is singing"),
                           model_weights(adapter))
        yield out
    finally:
        torch.set_num_threads(threads)


@pytest.mark.parametrize("name", MINE)
def test_analysis_builds_no_hook_names_and_finds_no_mask_by_inf(name):
    """Names come from the contract's accessors; masks from ``trace.mask``, never −inf; and no
    analysis module reaches into models/."""
    source = (ROOT / "explainer" / "analysis" / f"{name}.py").read_text("utf-8")
    tree = ast.parse(source)
    docstrings = {id(body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef))
                  and (body := node.body) and isinstance(body[0], ast.Expr)}
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            modules = ([a.name for a in node.names] if isinstance(node, ast.Import)
                       else [node.module or ""])
            assert not any(m.split(".")[0] == "models" for m in modules), modules
        if (isinstance(node, ast.Constant) and isinstance(node.value, str)
                and id(node) not in docstrings):
            assert "hook_" not in node.value and "blocks." not in node.value, node.value
    assert "isneginf" not in source


# --- writing step by step -------------------------------------------------------------------


@pytest.mark.parametrize("sentence", SENTENCES)
def test_probabilities_sum_to_one_and_greedy_picks_the_argmax(traces, sentence):
    result = traces[sentence]
    probs = decoding.probabilities(result)  # numpy softmax of the LM head's output
    assert probs.shape == result.logits().shape
    np.testing.assert_allclose(probs.sum(axis=-1), 1.0, atol=1e-9)
    assert (probs >= 0).all()
    assert probs.argmax(axis=-1).tolist() == list(result.output_ids)


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
        assert view.position == step  # a translator's step i is decoder position i
        assert view.prefix == list(result.tgt_tokens[: step + 1])
        assert view.chosen == result.output_tokens[step]
        assert view.rank == 1 and view.total == pytest.approx(1.0, abs=1e-9)
        assert view.visible.tolist() == [i <= step for i in range(n)]
        assert view.drawn[view.chosen_id] == 1.0 and view.drawn.sum() == 1.0  # greedy
    with pytest.raises(ValueError):
        decoding.step_view(result, n)


def test_a_gpt_writes_from_the_end_of_its_prompt(hf):
    _, result, _ = hf["gpt2"]
    assert result.n_prompt > 1 and decoding.step_offset(result) == result.n_prompt - 1
    for step in range(decoding.n_steps(result)):
        view = decoding.step_view(result, step)
        # The last prompt token's row predicts the first written token, and so on: greedy.
        assert view.position == result.n_prompt - 1 + step
        assert view.rank == 1 and view.chosen_id == result.output_ids[step]
        assert view.prefix == list(result.tgt_tokens[: view.position + 1])
        assert view.prefix[: result.n_prompt] == list(result.tgt_tokens[: result.n_prompt])
    table = decoding.steps_table(result, {k: k for k in ("step", "input", "output", "prob",
                                                         "rank")})
    assert table["output"].tolist() == list(result.output_tokens)
    assert (table["rank"] == 1).all()


@pytest.mark.parametrize("sentence", SENTENCES)
def test_causal_mask_is_the_decoders(traces, sentence):
    result = traces[sentence]
    t = len(result.tgt_tokens)
    keep = decoding.decoder_keep(result)
    assert (keep == np.tril(np.ones((t, t), dtype=bool))).all()
    for layer in range(result.n_layers_of("dec")):
        assert (result.pattern("dec", layer)[:, ~keep] == 0).all()


def test_greedy_steps_reproduce_the_command_line(tmp_path, monkeypatch, capsys, small_model,
                                                  tokenizer, traces):
    folder = save_checkpoint(tmp_path / "ckpt", small_model, tokenizer, {})
    monkeypatch.setenv("TRANSFORMER_CHECKPOINT", str(folder))
    labels = {k: k for k in ("step", "input", "output", "prob", "rank")}
    for sentence in SENTENCES:
        assert main(["translate", sentence]) == 0
        printed = capsys.readouterr().out.strip()
        steps = decoding.steps_table(traces[sentence], labels)
        ids = [tokenizer.index[tok] for tok in steps["output"]]
        assert tokenizer.decode(ids) == printed
        assert steps["input"].tolist() == [
            " ".join(traces[sentence].tgt_tokens[: i + 1]) for i in range(len(ids))]


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


def test_sampling_with_the_same_seed_repeats(ours):
    options = dict(temperature=1.5, top_k=10)
    a = trace(ours, "我爱你", seed=7, **options)
    b = trace(ours, "我爱你", seed=7, **options)
    assert a.output_ids == b.output_ids
    # Every sampled token was allowed by top-k: its sampling probability is above zero.
    for step in range(len(a.output_ids)):
        view = decoding.step_view(a, step, **options)
        assert view.drawn[view.chosen_id] > 0
        assert (view.drawn > 0).sum() <= 10


def test_a_sampled_gpt_draws_only_what_the_shown_distribution_allows(hf):
    adapter = hf["gpt2"][0]
    sampled = trace(adapter, "Smart John is singing", temperature=1.5, top_k=3, seed=11)
    for step in range(decoding.n_steps(sampled)):
        view = decoding.step_view(sampled, step, temperature=1.5, top_k=3)
        assert view.drawn[view.chosen_id] > 0 and (view.drawn > 0).sum() == 3


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


def test_cross_attention_rows_are_the_written_steps(traces):
    result = traces["我爱你"]
    for head in (0, None):
        pattern = decoding.cross_attention(result, result.n_layers - 1, head)
        assert pattern.shape == (len(result.output_tokens), len(result.src_tokens))
        np.testing.assert_allclose(pattern.sum(-1), 1.0, atol=1e-5)
    expected = result.pattern("cross", 1)[0]
    np.testing.assert_array_equal(decoding.cross_attention(result, 1, 0), expected)


def test_the_alignment_is_the_most_attended_key_of_the_view(traces, hf):
    for result in (traces["Smart John is singing"], hf["gpt2"][1], hf["marian"][1]):
        view = decoding.written_attention(result, 0, None)
        assert view.stage == ("cross" if "cross" in result.stages else "dec")
        assert view.pattern.shape == (len(result.output_tokens), len(view.key_tokens))
        table = decoding.alignment_table(view, {"output": "o", "source": "s", "weight": "w"})
        for step in range(len(table)):
            best = int(np.argmax(view.pattern[step]))
            assert table["s"][step] == view.key_tokens[best]
            assert table["w"][step] == pytest.approx(view.pattern[step, best], abs=1e-3)
            assert not view.masked[step, best]
    # A GPT's step looks at its prompt and what it wrote, never ahead.
    view = decoding.written_attention(hf["gpt2"][1], 1, 2)
    offset = decoding.step_offset(hf["gpt2"][1])
    for step in range(view.pattern.shape[0]):
        assert (view.pattern[step, offset + step + 1:] == 0).all()
        assert view.masked[step, offset + step + 1:].all()
    with pytest.raises(ValueError):
        decoding.cross_attention(hf["gpt2"][1], 0, 0)


# --- beam search ----------------------------------------------------------------------------


@pytest.mark.parametrize("sentence", SENTENCES)
def test_beam_of_one_is_greedy(ours, traces, sentence):
    beam = beam_trace(ours, sentence, beam_size=1, alpha=0.0)
    assert beam.hyp_tokens[0] == list(traces[sentence].output_tokens)
    assert beam.translations[0] == traces[sentence].translation


def test_beam_hypotheses_are_ranked_and_their_log_prob_is_the_models(ours, small_model,
                                                                       tokenizer):
    beam = beam_trace(ours, "Smart John is singing", beam_size=3, alpha=0.6)
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


def test_beam_search_is_for_our_model_only(hf):
    with pytest.raises(ContractError):
        beam_trace(hf["marian"][0], "Smart John is singing")


# --- masks and padding ----------------------------------------------------------------------


def test_padding_gets_exactly_zero_attention_and_changes_nothing(ours, small_model, traces):
    plain = traces["我爱你"]
    padded = trace(ours, "我爱你", pad_to=16)
    assert padded.src_tokens == plain.src_tokens + (PAD,) * 13
    assert masks.padding_mask(padded).tolist() == [[1] * 3 + [0] * 13]
    assert masks.padded_keys(padded).tolist() == [False] * 3 + [True] * 13
    assert masks.mask_kind(padded.mask("enc")) == "padding"
    assert masks.mask_kind(padded.mask("cross")) == "padding"
    labels = {k: k for k in ("block", "layer", "largest", "total", "enc", "cross")}
    table = masks.pad_attention_table(padded, labels)
    assert len(table) == 2 * padded.n_layers
    assert (table["largest"] == 0).all() and (table["total"] == 0).all()
    effect = masks.padding_effect(plain, padded)
    assert effect["same_translation"]
    assert effect["encoder"] < 1e-4 and effect["logits"] < 1e-3
    assert masks.padded_input(padded).shape == (16, small_model.cfg.d_model)


def test_padding_an_encoder_from_hugging_face(hf):
    adapter, plain, _ = hf["bert"]
    padded = trace(adapter, "Smart John is singing", pad_to=16)
    n = len(plain.src_tokens)
    assert masks.padded_keys(padded).tolist() == [False] * n + [True] * (16 - n)
    table = masks.pad_attention_table(padded, {k: k for k in ("block", "layer", "largest",
                                                              "total", "enc", "cross")})
    assert len(table) == plain.n_layers and (table["largest"] == 0).all()
    # BERT's LM head sits on the encoder: its logits at the real tokens do not move.
    effect = masks.padding_effect(plain, padded)
    assert effect["encoder"] < 1e-4 and effect["logits"] < 1e-3


def test_mask_kinds_name_what_the_mask_does(traces, hf):
    causal = np.triu(np.ones((4, 4), dtype=bool), k=1)
    pads = np.zeros((4, 4), dtype=bool)
    pads[:, 3] = True
    assert masks.mask_kind(np.zeros((4, 4), dtype=bool)) == "none"
    assert masks.mask_kind(causal) == "causal"
    assert masks.mask_kind(pads) == "padding"
    assert masks.mask_kind(causal | pads) == "causal_padding"
    assert masks.mask_kind(causal.T) == "other"
    plain = traces["我爱你"]
    assert [masks.mask_kind(plain.mask(s)) for s in plain.stages] == ["none", "causal", "none"]
    assert masks.mask_kind(hf["gpt2"][1].mask("dec")) == "causal"
    assert masks.mask_kind(hf["bert"][1].mask("enc")) == "none"


def test_pad_sizes_and_windows():
    assert masks.pad_sizes(3, 512) == [3, 8, 16, 32, 64, 128, 256, 512]
    assert masks.pad_sizes(20, 64) == [20, 32, 64]
    assert masks.default_pad(3, 512) == 8
    assert masks.default_pad(512, 512) == 512
    assert masks.window(512) == 64 and masks.window(5) == 5
    assert masks.window_around(10, 9) == (0, 10)
    assert masks.window_around(512, 3) == (0, 64)
    assert masks.window_around(512, 300) == (237, 301)
    assert masks.window_around(512, 511) == (448, 512)
    with pytest.raises(ValueError):
        masks.window_around(5, 5)


# --- Add & Norm and feed-forward ------------------------------------------------------------


@pytest.mark.parametrize("side,sub", [("enc", "attn"), ("dec", "attn"), ("dec", "cross"),
                                      ("enc", "ffn"), ("dec", "ffn")])
def test_post_ln_layernorm_of_the_sum_is_the_output(ours, traces, side, sub):
    result = traces["Smart John is singing"]
    weights = model_weights(ours)
    view = residual.add_norm(result, side, 1, sub, weights)
    assert view.norm == "post" and view.normed is None
    np.testing.assert_allclose(view.x + view.out, view.total, atol=1e-5)
    gamma, beta = weights.norm(side, 1, sub)
    np.testing.assert_allclose(residual.layer_norm(view.total, gamma, beta), view.after,
                               atol=2e-4)
    assert view.checks["sum"].ok and view.checks["norm"].ok
    mean, std = residual.token_stats(residual.normalise(view.total))
    np.testing.assert_allclose(mean, 0, atol=1e-9)
    np.testing.assert_allclose(std, 1, atol=1e-3)


def test_the_checks_fail_with_another_models_weights(traces, tokenizer):
    """A LayerNorm with the wrong γ, β (another model's) does not reproduce the output."""
    from models.config import preset
    from models.transformer import Transformer

    torch.manual_seed(5)
    other = Transformer(preset("small", len(tokenizer))).eval()
    with torch.no_grad():
        for param in other.parameters():
            param.add_(0.2)
    wrong = model_weights(OursAdapter(other, tokenizer, "other"))
    result = traces["Smart John is singing"]
    assert not residual.add_norm(result, "enc", 0, "attn", wrong).checks["norm"].ok
    assert not residual.ffn_check(result, "enc", 0, wrong).out.ok


def test_pre_ln_adds_the_sublayer_to_the_stream(hf):
    """GPT-2: resid_mid = resid_pre + attn out, resid_post = resid_mid + ffn out, and the
    sub-layer read LayerNorm(x) with the model's γ, β (its q is that times W_Q)."""
    _, result, weights = hf["gpt2"]
    assert result.caps.norm == "pre" and residual.sublayers(result, "dec") == ("attn", "ffn")
    for layer in range(result.n_layers):
        pre, mid = result.resid("dec", layer, "pre"), result.resid("dec", layer, "mid")
        np.testing.assert_allclose(pre + result.attn("dec", layer, "out"), mid, atol=1e-5)
        np.testing.assert_allclose(mid + result.ffn("dec", layer, "out"),
                                   result.resid("dec", layer, "post"), atol=1e-5)
        view = residual.add_norm(result, "dec", layer, "attn", weights)
        assert view.norm == "pre" and set(view.checks) == {"sum"} and view.checks["sum"].ok
        np.testing.assert_array_equal(view.before_norm, view.x)
        q = np.einsum("pd,hde->hpe", view.normed, weights.attn("dec", layer, "W_Q"))
        q = q + weights.attn("dec", layer, "b_Q")[:, None, :]
        np.testing.assert_allclose(q, result.attn("dec", layer, "q"), atol=1e-4)
        with pytest.raises(ContractError):
            result.sum_before_norm("dec", layer, "attn")
    with pytest.raises(ValueError):
        residual.add_norm(result, "dec", 0, "cross", weights)
    with pytest.raises(ValueError):
        residual.add_norm(result, "enc", 0, "attn", weights)


@pytest.mark.parametrize("family", ["gpt2", "marian", "bert"])
def test_the_feed_forward_recomputes_with_the_models_activation(hf, family):
    _, result, weights = hf[family]
    for side in result.sides:
        found = residual.ffn_check(result, side, 0, weights)
        assert found.out.ok and found.hidden is not None and found.hidden.ok, (family, side)
        for sub in residual.sublayers(result, side):
            view = residual.add_norm(result, side, 0, sub, weights)
            assert all(check.ok for check in view.checks.values()), (family, side, sub)


def test_activations_match_torch():
    x = np.linspace(-4, 4, 101)
    t = torch.tensor(x)
    expected = {
        "relu": torch.relu(t), "gelu": torch.nn.functional.gelu(t),
        "gelu_new": torch.nn.functional.gelu(t, approximate="tanh"),
        "swish": torch.nn.functional.silu(t),
    }
    for name, value in expected.items():
        np.testing.assert_allclose(residual.activation(name, x), value.numpy(), atol=1e-12)
    assert residual.activation_family("gelu_new") == "gelu"
    assert residual.activation_family("swish") == "silu"
    with pytest.raises(ValueError):
        residual.activation("tanh-ish", x)


def test_ffn_activity_counts_units_switched_off(traces, hf):
    result = traces["我爱你"]
    activity = residual.ffn_activity(result, "dec", 2)
    hidden = result.ffn("dec", 2, "hidden")
    assert (activity.hidden >= 0).all()  # ReLU
    np.testing.assert_allclose(activity.off_share, (hidden == 0).mean(-1))
    assert 0 < activity.overall < 1
    gelu = residual.ffn_activity(hf["gpt2"][1], "dec", 0)
    assert (gelu.hidden < 0).any()  # GELU lets small negatives through
    np.testing.assert_allclose(gelu.off_share, (gelu.hidden <= 0).mean(-1))


def test_stream_norms_follow_every_sublayer(traces, hf):
    result = traces["我爱你"]
    n = result.n_layers
    full = residual.stream_norms(result, "dec")
    assert full.norms.shape == (1 + n * 3 * 2, len(result.tgt_tokens))  # sum and norm each
    np.testing.assert_allclose(full.norms[-1], np.linalg.norm(result.final("dec"), axis=-1),
                               rtol=1e-6)
    gpt = hf["gpt2"][1]
    pre = residual.stream_norms(gpt, "dec")
    assert pre.norms.shape == (1 + gpt.n_layers * 2, len(gpt.tgt_tokens))  # the stream only
    assert {kind for _, _, kind in pre.checkpoints} == {"input", "sum"}
    labels = [f"c{i}" for i in range(full.norms.shape[0])]
    assert residual.norms_table(full, labels, {"checkpoint": "cp"}).shape == (
        len(labels), 1 + len(result.tgt_tokens))
    cut = residual.first_tokens(full, 2)
    assert cut.norms.shape == (full.norms.shape[0], 2) and cut.tokens == full.tokens[:2]


# --- pipeline -------------------------------------------------------------------------------


@pytest.mark.parametrize("sentence", SENTENCES)
def test_live_shapes_equal_the_shapes_the_config_predicts(traces, sentence):
    result = traces[sentence]
    live = pipeline.stages_from_trace(result)
    predicted = pipeline.stages_from_config(result.caps, result.config, len(result.src_tokens),
                                            len(result.tgt_tokens), result.caps.vocab_size)
    assert [s.shape for s in live] == [s.shape for s in predicted]
    assert live[1].shape == (len(result.src_tokens), result.caps.d_model)


@pytest.mark.parametrize("family", ["gpt2", "marian", "bert"])
def test_every_architecture_draws_what_it_has(hf, family):
    _, result, _ = hf[family]
    live = pipeline.stages_from_trace(result)
    predicted = pipeline.stages_from_config(result.caps, result.config, len(result.src_tokens),
                                            len(result.tgt_tokens), result.caps.vocab_size)
    assert [s.shape for s in live] == [s.shape for s in predicted]
    kinds = [s.kind for s in live]
    assert {s.side for s in live} == set(result.sides)
    assert ("cross" in kinds) == ("cross" in result.stages)
    assert ("linear" in kinds) == result.caps.has_logits
    # Pre-LN draws LayerNorm before each sub-layer and once at the end; post-LN after the sum.
    if result.caps.norm == "pre":
        assert "add_norm" not in kinds and kinds.count("ln") == 2 and "final_norm" in kinds
        assert kinds.index("ln") < kinds.index("attn") < kinds.index("add")
    else:
        assert "ln" not in kinds or result.caps.embed_norm
        assert kinds.count("add_norm") == len(result.sides) * 2 + ("cross" in kinds)
    columns = pipeline.figure_columns(live, {s.key: s.key for s in live})
    assert len(columns) == len(result.sides)
    assert all(column[0]["kind"] == "tokens" for column in columns)


def test_parameter_count_is_the_models(small_model, tokenizer):
    counted = sum(p.numel() for p in small_model.parameters())
    assert pipeline.parameter_count(small_model.cfg.to_dict(), len(tokenizer)) == counted
    # The paper reports 65M for the base model (Table 3); ours from its shape is close.
    paper = pipeline.parameter_count(pipeline.paper_config(), pipeline.PAPER_VOCAB)
    assert 60e6 < paper < 66e6


def test_shape_tables_line_up(traces):
    result = traces["我爱你"]
    ours = pipeline.stages_from_trace(result)
    paper = pipeline.stages_from_config(result.caps, pipeline.paper_config(), 3,
                                        len(result.tgt_tokens), pipeline.PAPER_VOCAB)
    names = {s.key: s.key for s in ours}
    table = pipeline.shape_table(ours, paper, names, {"stage": "s", "ours": "o", "paper": "p"})
    rows = table.set_index("s")
    assert rows.loc["enc.embed", "o"] == "3 × 128" and rows.loc["enc.embed", "p"] == "3 × 512"
    assert rows.loc["enc.attn", "p"] == "8 × 3 × 3"
    # The paper's vocabulary (~37000 BPE tokens, §5.1), not ours, sizes its output layer.
    assert rows.loc["dec.linear", "p"].endswith(f"× {pipeline.PAPER_VOCAB}")
    sizes = pipeline.padded_input_shapes(3, result.config, pipeline.paper_config())
    assert sizes == [(512, 128, 3), (512, 512, 3)]
    hyper = pipeline.hyperparameter_table(result.config, pipeline.paper_config(),
                                          result.caps.vocab_size,
                                          {"name": "n", "ours": "o", "paper": "p",
                                           "vocab": "v", "params": "params"})
    assert hyper.set_index("n").loc["d_model", "p"] == 512
    assert hyper.set_index("n").loc["v", "p"] == pipeline.PAPER_VOCAB
