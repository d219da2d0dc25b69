"""Why this word? (explainer/why.py): scoring, attribution, logit lens, head ablation.

On the trained model (the issue's "done when"), on a tiny random one of ours, and on small
random Hugging Face models (Marian, BART, GPT-2; tests/hf_models.py).
"""

from __future__ import annotations

import hashlib

import numpy as np
import pytest
import torch

from explainer import why
from explainer.trace import trace
from models.adapters.hf import load_hf
from models.adapters.ours import OursAdapter
from models.registry import load_model
from models.tokenizer import InputError
from tests.hf_models import BUILDERS

WRITERS = ("marian", "bart", "gpt2")


@pytest.fixture(scope="module", autouse=True)
def one_thread():
    """One torch thread, as the app runs: on 2 shared cores more threads only slow it down."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def trained():
    return load_model("trained", "cpu")


@pytest.fixture(scope="module")
def tiny(tiny_model, tokenizer):
    return OursAdapter(tiny_model, tokenizer, name="tiny")


@pytest.fixture(scope="module")
def hf(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("why_hf")
    return {name: load_hf(BUILDERS[name](root / name), name, device="cpu")
            for name in (*WRITERS, "bert")}


def _all_writers(trained, tiny, hf):
    return {"trained": trained, "tiny": tiny, **{n: hf[n] for n in WRITERS}}


def _fingerprint(model) -> str:
    digest = hashlib.sha256()
    for name, value in model.state_dict().items():
        digest.update(name.encode())
        digest.update(value.detach().cpu().numpy().tobytes())
    return digest.hexdigest()


def _hook_count(model) -> int:
    return sum(len(m._forward_hooks) + len(m._forward_pre_hooks) for m in model.modules())


def _log_softmax(logits: np.ndarray) -> np.ndarray:
    return torch.log_softmax(torch.tensor(logits, dtype=torch.float64), -1).numpy()


# -- scoring ------------------------------------------------------------------------------------
def test_score_equals_the_traces_log_softmax_at_the_target_tokens(trained):
    traced = trace(trained, "我爱你")
    scored = why.score(trained, "我爱你", traced.translation)
    assert scored.tgt_tokens == list(traced.output_tokens)
    assert scored.tgt_tokens[-1] == "<eos>"
    expected = _log_softmax(traced.logits())[np.arange(len(traced.output_ids)),
                                              list(traced.output_ids)]
    np.testing.assert_allclose(scored.logprobs, expected, atol=1e-4)
    assert scored.total == pytest.approx(expected.sum(), abs=1e-4)
    assert (scored.ranks == 1).all()  # greedy: every token is the model's own first choice
    assert [row[0] for row in scored.top_tokens] == scored.tgt_tokens


def test_a_wrong_translation_scores_lower(trained):
    right = why.score(trained, "我爱你", "I love you")
    wrong = why.score(trained, "我爱你", "The cat drinks tea")
    assert wrong.total < right.total - 1.0
    assert (wrong.ranks > 1).any()


@pytest.mark.parametrize("name", ["tiny", *WRITERS])
def test_score_of_the_greedy_output_matches_the_trace_for_every_family(trained, tiny, hf, name):
    adapter = _all_writers(trained, tiny, hf)[name]
    forced = adapter.forced("Smart John is singing", to="zh")
    traced = why._trace_of(adapter, forced)  # the capture path, not forced_logits
    rows = np.arange(traced.n_prompt - 1 if traced.n_prompt else 0, len(traced.logits()))
    expected = _log_softmax(traced.logits())[rows, forced.out_ids]
    # Re-tokenizing decoded text can differ from the ids; score the ids' own tokens here.
    with torch.no_grad():
        got = why._picked(why._logprobs(adapter, forced), forced.out_ids)[0].numpy()
    np.testing.assert_allclose(got, expected, atol=1e-4)


def test_empty_translation_is_an_input_error(trained):
    with pytest.raises(InputError, match="empty"):
        why.score(trained, "我爱你", "  ")


def test_unknown_words_are_reported(trained):
    scored = why.score(trained, "我爱你", "I love Zorblax")
    assert "Zorblax" in scored.unknown


def test_encoder_only_models_write_no_text(hf):
    with pytest.raises(ValueError, match="writes no text"):
        why.score(hf["bert"], "Smart John is singing", "x")
    with pytest.raises(ValueError, match="writes no text"):
        why.head_importance(hf["bert"], "Smart John is singing")


# -- attribution --------------------------------------------------------------------------------
@pytest.mark.parametrize("sentence", ["我爱你", "Smart John is singing"])
def test_integrated_gradients_are_complete_on_the_trained_model(trained, sentence):
    result = why.attribute(trained, sentence, method="ig", steps=32)
    assert result.values.shape == (len(result.tgt_tokens), len(result.src_tokens))
    assert result.completeness_gap <= 0.05
    # Completeness itself: each row adds up to log p(x) − log p(baseline).
    error = np.abs(result.values.sum(-1) - result.deltas)
    assert (error <= 0.05 * np.abs(result.deltas)).all()
    assert (result.token_steps >= 32).all() and (result.token_steps <= why.MAX_STEPS).all()


def test_only_tokens_above_the_tolerance_are_integrated_again(trained, monkeypatch):
    """At 8 points several rows are far from complete; refinement re-runs exactly those, with
    4× the points each time, and leaves the others as they were."""
    sentence = "Smart John is singing"
    refined = why.attribute(trained, sentence, method="ig", steps=8)
    monkeypatch.setattr(why, "MAX_STEPS", 8)  # no refinement: the plain 8-point integral
    plain = why.attribute(trained, sentence, method="ig", steps=8)
    assert (plain.token_steps == 8).all()
    again = refined.token_steps > 8
    np.testing.assert_array_equal(again, plain.gaps > why.TOLERANCE)
    assert again.any() and not again.all()
    assert set(refined.token_steps) <= {8, 32, 128, 512}
    np.testing.assert_allclose(refined.values[~again], plain.values[~again], atol=1e-6)
    assert refined.completeness_gap <= why.TOLERANCE < plain.completeness_gap
    np.testing.assert_allclose(refined.deltas, plain.deltas, atol=1e-6)
    # A budget of 64 extra points: two rows at 32 (the worst two), none at 128.
    monkeypatch.setattr(why, "MAX_STEPS", 512)
    monkeypatch.setattr(why, "REFINE_BUDGET", 64)
    budgeted = why.attribute(trained, sentence, method="ig", steps=8)
    worst = np.argsort(-plain.gaps)[:2]
    assert sorted(np.flatnonzero(budgeted.token_steps > 8)) == sorted(worst)
    assert (budgeted.token_steps[worst] == 32).all()


def test_attribution_finds_the_translated_word(trained):
    result = why.attribute(trained, "我爱你", "I love you")
    love = result.tgt_tokens.index("love")
    assert result.src_tokens[int(np.argmax(result.values[love]))] == "爱"


@pytest.mark.parametrize("name", WRITERS)
def test_attribution_works_for_hugging_face_writers(hf, name):
    adapter = hf[name]
    ig = why.attribute(adapter, "Smart John is singing", method="ig", steps=32)
    assert ig.values.shape == (len(ig.tgt_tokens), len(ig.src_tokens))
    assert np.isfinite(ig.values).all() and ig.completeness_gap <= 0.05
    gxi = why.attribute(adapter, "Smart John is singing", method="grad-x-input")
    assert gxi.values.shape == ig.values.shape and gxi.completeness_gap is None
    roll = why.attribute(adapter, "Smart John is singing", method="rollout")
    assert roll.values.shape == ig.values.shape
    np.testing.assert_allclose(roll.values.sum(-1), 1.0, atol=1e-6)


def test_bad_method_and_steps_are_value_errors(tiny):
    with pytest.raises(ValueError, match="unknown method"):
        why.attribute(tiny, "我爱你", method="saliency")
    with pytest.raises(ValueError, match="steps"):
        why.attribute(tiny, "我爱你", steps=1)


def test_contrast_gap_and_its_attribution(trained):
    result = why.contrast(trained, "我爱你", "I", "love", "like")
    scored = why.score(trained, "我爱你", "I love you")
    assert result.step == 1
    assert result.logprob_a == pytest.approx(scored.logprobs[1], abs=1e-4)
    assert result.gap == pytest.approx(result.logprob_a - result.logprob_b)
    assert result.gap > 0 and result.attribution.shape == (3,)
    assert result.completeness_gap <= 0.05
    assert result.src_tokens[int(np.argmax(result.attribution))] == "爱"
    with pytest.raises(ValueError, match="vocabulary"):
        why.contrast(trained, "我爱你", "", "love", "Zorblax")


# -- logit lens ---------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["trained", *WRITERS])
def test_logit_lens_last_layer_is_the_models_prediction(trained, tiny, hf, name):
    adapter = _all_writers(trained, tiny, hf)[name]
    lens = why.logit_lens(adapter, "Smart John is singing", to="zh", top=3)
    forced = adapter.forced("Smart John is singing", to="zh")
    traced = why._trace_of(adapter, forced)
    logits = traced.logits()[forced.first_row:]
    probs = torch.softmax(torch.tensor(logits), -1).numpy()
    n_layers = traced.n_layers_of("dec") + 1
    assert lens.layers[0] == "embedding" and len(lens.layers) == n_layers
    assert lens.top_probs.shape == (n_layers, len(logits), 3)
    assert [row[0] for row in lens.top_tokens[-1]] == lens.next_tokens
    np.testing.assert_allclose(lens.top_probs[-1, :, 0], probs.max(-1), atol=1e-4)
    np.testing.assert_allclose(lens.next_prob[-1], probs.max(-1), atol=1e-4)


def test_logit_lens_with_a_given_target(trained):
    lens = why.logit_lens(trained, "我爱你", "I like you")
    assert lens.tgt_tokens == ["<2en>", "I", "like", "you"]
    assert len(lens.next_tokens) == 4


# -- interventions ------------------------------------------------------------------------------
def test_ablating_the_last_layers_cross_attention_changes_the_translation(trained):
    last = trained.model.cfg.n_layers - 1
    heads = [("cross", last, h) for h in range(trained.model.cfg.n_heads)]
    result = why.ablate(trained, "我爱你", heads)
    changed = result.translation != result.base_translation
    moved = np.abs(result.logprob_after - result.logprob_before).max()
    assert changed or moved > 0.1
    assert moved > 0.1  # the translation's own tokens lose probability
    z = result.trace.attn("cross", last, "z")
    assert np.abs(z).max() == 0.0  # the changed trace saw the heads switched off


def test_no_change_gives_the_same_numbers(tiny):
    result = why.ablate(tiny, "我爱你", [])
    assert result.translation == result.base_translation
    np.testing.assert_allclose(result.logprob_after, result.logprob_before, atol=1e-6)


def test_mean_ablation_writes_the_heads_mean(tiny):
    result = why.ablate(tiny, "Smart John is singing", [("enc", 0, 1)], mode="mean", to="zh")
    base = trace(tiny, "Smart John is singing", "zh")
    z = result.trace.attn("enc", 0, "z")[1]  # [pos, d_head]
    np.testing.assert_allclose(z, np.broadcast_to(base.attn("enc", 0, "z")[1].mean(0), z.shape),
                               atol=1e-5)


def test_dropping_a_source_word_reads_the_sentence_without_it(trained):
    result = why.ablate(trained, "我爱你", drop_src=[1])
    assert list(result.trace.src_tokens) == ["我", "你"]
    assert result.dropped == (1,)
    assert result.logprob_after[1] < result.logprob_before[1]  # "love" without 爱
    with pytest.raises(ValueError, match="out of range"):
        why.ablate(trained, "我爱你", drop_src=[7])


@pytest.mark.parametrize("name", ["tiny", *WRITERS])
def test_head_importance_equals_one_head_ablated_at_a_time(trained, tiny, hf, name):
    adapter = _all_writers(trained, tiny, hf)[name]
    result = why.head_importance(adapter, "Smart John is singing", to="zh")
    caps = adapter.caps
    assert result.stages == list({"encoder-decoder": ("enc", "dec", "cross"),
                                  "decoder-only": ("dec",)}[caps["architecture"]])
    for stage in result.stages:
        n_layers = caps["n_dec_layers"] if stage != "enc" else caps["n_enc_layers"]
        assert result.drop[stage].shape == (n_layers, caps["n_heads"])
    head, drop = result.top[0]
    alone = why.ablate(adapter, "Smart John is singing", [head], to="zh")
    assert drop == pytest.approx(alone.logprob_before.sum() - alone.logprob_after.sum(),
                                 abs=1e-3)
    assert result.top[0][1] >= result.top[-1][1]


def test_importance_on_the_trained_model_comes_from_real_reruns(trained):
    result = why.head_importance(trained, "我爱你")
    assert np.ptp(np.concatenate([g.ravel() for g in result.drop.values()])) > 0.01
    assert result.base_logprob == pytest.approx(why.score(trained, "我爱你", "I love you").total,
                                                abs=1e-4)


# -- heads: parsing and checking ----------------------------------------------------------------
def test_parse_heads_reads_the_documented_format():
    assert why.parse_heads("enc.0.1,dec.2.cross.3,dec.1.2") == [
        ("enc", 0, 1), ("cross", 2, 3), ("dec", 1, 2)]
    assert why.parse_heads(" enc.0.1 , ") == [("enc", 0, 1)]
    assert [why.format_head(h) for h in why.parse_heads("enc.0.1,dec.2.cross.3")] == [
        "enc.0.1", "dec.2.cross.3"]


@pytest.mark.parametrize("text", ["enc.0", "cross.1.2", "dec.1.attn.2", "enc.-1.0", "enc.a.1",
                                  "<b>enc</b>"])
def test_parse_heads_refuses_other_text(text):
    with pytest.raises(ValueError, match="not a head"):
        why.parse_heads(text)


def test_check_heads_knows_the_models_sizes(trained, hf):
    assert why.check_heads(trained, [("enc", 0, 1), ("enc", 0, 1)]) == [("enc", 0, 1)]
    with pytest.raises(ValueError, match="layer 9"):
        why.check_heads(trained, [("enc", 9, 0)])
    with pytest.raises(ValueError, match="head 4"):
        why.check_heads(trained, [("cross", 0, 4)])
    with pytest.raises(ValueError, match="no cross"):
        why.check_heads(hf["gpt2"], [("cross", 0, 0)])


# -- the shared model is left alone -------------------------------------------------------------
CALLS = {
    "score": lambda a: why.score(a, "我爱你", "I love you"),
    "ig": lambda a: why.attribute(a, "我爱你", steps=4),
    "grad-x-input": lambda a: why.attribute(a, "我爱你", method="grad-x-input"),
    "rollout": lambda a: why.attribute(a, "我爱你", method="rollout"),
    "contrast": lambda a: why.contrast(a, "我爱你", "", "I", "love", steps=4),
    "lens": lambda a: why.logit_lens(a, "我爱你"),
    "ablate": lambda a: why.ablate(a, "我爱你", [("cross", 0, 0)], mode="mean", drop_src=[0]),
    "importance": lambda a: why.head_importance(a, "我爱你", mode="mean"),
}


@pytest.mark.parametrize("call", list(CALLS))
def test_every_function_leaves_the_model_unchanged(tiny, call):
    model = tiny.model
    before, hooks = _fingerprint(model), _hook_count(model)
    CALLS[call](tiny)
    assert _fingerprint(model) == before
    assert _hook_count(model) == hooks
    assert all(p.grad is None for p in model.parameters())
    assert not model.training


def test_hooks_are_removed_when_a_run_fails(tiny, monkeypatch):
    hooks = _hook_count(tiny.model)

    def broken(*args, **kwargs):
        raise RuntimeError("forward failed")

    monkeypatch.setattr(tiny, "forced_logits", broken)
    with pytest.raises(RuntimeError, match="forward failed"):
        why.head_importance(tiny, "我爱你")
    with pytest.raises(RuntimeError, match="forward failed"):
        why.ablate(tiny, "我爱你", [("enc", 0, 0)])
    assert _hook_count(tiny.model) == hooks
