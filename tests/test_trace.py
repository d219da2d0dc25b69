"""The trace is exactly what the model computed, and the model is the paper's model."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from explainer.trace import attention_weights, trace
from models.config import ModelConfig, preset
from models.tokenizer import PAD, InputError
from models.transformer import HookPoint, Transformer, generate

SENTENCE = "Smart John is singing"


def expected_names(n_layers: int) -> list[str]:
    """The public contract, written out from the issue, in forward order."""
    attn = ["hook_q", "hook_k", "hook_v", "hook_scores", "hook_pattern", "hook_z", "hook_out"]
    names = ["enc.hook_embed", "enc.hook_pos", "enc.hook_input"]
    for layer in range(n_layers):
        block = f"enc.blocks.{layer}"
        names += [f"{block}.attn.{a}" for a in attn]
        names += [f"{block}.hook_resid_mid", f"{block}.ffn.hook_hidden", f"{block}.hook_resid_post"]
    names += ["dec.hook_embed", "dec.hook_pos", "dec.hook_input"]
    for layer in range(n_layers):
        block = f"dec.blocks.{layer}"
        names += [f"{block}.attn.{a}" for a in attn]
        names += [f"{block}.hook_resid_mid"]
        names += [f"{block}.cross.{a}" for a in attn]
        names += [f"{block}.hook_resid_cross", f"{block}.ffn.hook_hidden",
                  f"{block}.hook_resid_post"]
    return names + ["dec.hook_logits"]


def all_patterns(result):
    return {k: v for k, v in result.arrays.items() if k.endswith("hook_pattern")}


def layer_input(result, side: str, layer: int) -> np.ndarray:
    if layer == 0:
        return result[f"{side}.hook_input"]
    return result[f"{side}.blocks.{layer - 1}.hook_resid_post"]


def softmax(x: np.ndarray) -> np.ndarray:
    x = x - np.max(x, axis=-1, keepdims=True)
    e = np.exp(x)
    return e / e.sum(axis=-1, keepdims=True)


def test_exact_ordered_names(any_model, tokenizer):
    result = trace(any_model, tokenizer, SENTENCE)
    assert result.names() == expected_names(any_model.cfg.n_layers)


def test_shapes_follow_the_contract(small_model, tokenizer):
    cfg = small_model.cfg
    result = trace(small_model, tokenizer, SENTENCE)
    s, t = len(result.src_tokens), len(result.tgt_tokens)
    h, e = cfg.n_heads, cfg.d_head
    assert s == 4 and result.tgt_tokens[0] == "<2zh>"
    assert result["enc.hook_input"].shape == (s, cfg.d_model)
    assert result["enc.blocks.2.attn.hook_q"].shape == (h, s, e)
    assert result["enc.blocks.0.attn.hook_pattern"].shape == (h, s, s)
    assert result["enc.blocks.0.ffn.hook_hidden"].shape == (s, cfg.d_ff)
    assert result["dec.blocks.0.attn.hook_pattern"].shape == (h, t, t)
    assert result["dec.blocks.1.cross.hook_q"].shape == (h, t, e)
    assert result["dec.blocks.1.cross.hook_k"].shape == (h, s, e)
    assert result["dec.blocks.1.cross.hook_pattern"].shape == (h, t, s)
    assert result["dec.blocks.1.hook_resid_cross"].shape == (t, cfg.d_model)
    assert result["dec.hook_logits"].shape == (t, cfg.vocab_size)


def test_attention_rows_sum_to_one(any_model, tokenizer):
    for pad_to in (None, 9):
        result = trace(any_model, tokenizer, SENTENCE, pad_to=pad_to)
        for name, pattern in all_patterns(result).items():
            np.testing.assert_allclose(pattern.sum(-1), 1.0, atol=1e-5, err_msg=name)


def test_decoder_self_attention_is_exactly_causal(any_model, tokenizer):
    result = trace(any_model, tokenizer, "我爱你", max_new=6)
    t = len(result.tgt_tokens)
    assert t > 2
    upper = np.triu(np.ones((t, t), dtype=bool), k=1)
    for layer in range(any_model.cfg.n_layers):
        pattern = result[f"dec.blocks.{layer}.attn.hook_pattern"]
        assert np.all(pattern[:, upper] == 0.0)
        assert np.all(np.isneginf(result[f"dec.blocks.{layer}.attn.hook_scores"][:, upper]))
        assert np.all(pattern[:, ~upper] > 0.0)


def test_padding_keys_get_exactly_zero_weight(any_model, tokenizer):
    result = trace(any_model, tokenizer, SENTENCE, pad_to=10)
    pads = np.array([tok == PAD for tok in result.src_tokens])
    assert pads.sum() == 6
    for name, pattern in all_patterns(result).items():
        if name.startswith("enc.") or ".cross." in name:
            assert np.all(pattern[..., pads] == 0.0), name
            assert np.all(pattern[..., ~pads] > 0.0), name


def test_padding_does_not_change_the_translation(small_model, tokenizer):
    plain = trace(small_model, tokenizer, SENTENCE, max_new=5)
    padded = trace(small_model, tokenizer, SENTENCE, max_new=5, pad_to=12)
    assert plain.output_ids == padded.output_ids
    np.testing.assert_allclose(plain["dec.hook_logits"], padded["dec.hook_logits"], atol=1e-4)


def test_positional_encoding_is_the_closed_form(any_model, tokenizer):
    result = trace(any_model, tokenizer, "John saw John is singing")
    pe = result["enc.hook_pos"]
    d = any_model.cfg.d_model
    for pos in range(pe.shape[0]):
        for i in range(d // 2):
            angle = pos / 10000 ** (2 * i / d)
            assert pe[pos, 2 * i] == pytest.approx(math.sin(angle), abs=1e-6)
            assert pe[pos, 2 * i + 1] == pytest.approx(math.cos(angle), abs=1e-6)
    scale = math.sqrt(d)
    embed = any_model.embed.weight.detach().numpy()[result.src_ids] * scale
    np.testing.assert_allclose(result["enc.hook_embed"], embed, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(result["enc.hook_input"], result["enc.hook_embed"] + pe, atol=1e-5)


def test_recomputing_attention_from_captured_arrays(any_model, tokenizer):
    result = trace(any_model, tokenizer, SENTENCE, pad_to=7)
    d_head = any_model.cfg.d_head
    for name in all_patterns(result):
        prefix = name.rsplit(".", 1)[0]
        q, k, v = (result[f"{prefix}.hook_{x}"] for x in "qkv")
        scores = q @ k.transpose(0, 2, 1) / math.sqrt(d_head)
        captured = result[f"{prefix}.hook_scores"]
        masked = np.isneginf(captured)
        np.testing.assert_allclose(scores[~masked], captured[~masked], atol=1e-5, err_msg=prefix)
        pattern = softmax(np.where(masked, -np.inf, scores))
        np.testing.assert_allclose(pattern, result[name], atol=1e-5, err_msg=prefix)
        np.testing.assert_allclose(result[name] @ v, result[f"{prefix}.hook_z"], atol=1e-5)


def test_captured_projections_equal_input_times_weights(any_model, tokenizer):
    result = trace(any_model, tokenizer, SENTENCE)
    weights = attention_weights(any_model)
    memory = result[f"enc.blocks.{any_model.cfg.n_layers - 1}.hook_resid_post"]
    for layer in range(any_model.cfg.n_layers):
        for side, kind, x_q, x_kv in (
            ("enc", "attn", layer_input(result, "enc", layer), None),
            ("dec", "attn", layer_input(result, "dec", layer), None),
            ("dec", "cross", result[f"dec.blocks.{layer}.hook_resid_mid"], memory),
        ):
            block = f"{side}.blocks.{layer}.{kind}"
            x_kv = x_q if x_kv is None else x_kv
            for name, x in (("Q", x_q), ("K", x_kv), ("V", x_kv)):
                w, b = weights[f"{block}.W_{name}"], weights[f"{block}.b_{name}"]
                expected = np.einsum("pd,hde->hpe", x, w) + b[:, None, :]
                np.testing.assert_allclose(result[f"{block}.hook_{name.lower()}"], expected,
                                           atol=1e-4, err_msg=f"{block} {name}")
            z = result[f"{block}.hook_z"]
            out = np.einsum("hpe,hed->pd", z, weights[f"{block}.W_O"]) + weights[f"{block}.b_O"]
            np.testing.assert_allclose(result[f"{block}.hook_out"], out, atol=1e-4)


def test_tracing_does_not_change_the_logits(any_model, tokenizer):
    result = trace(any_model, tokenizer, SENTENCE)
    with torch.no_grad():
        logits = any_model(torch.tensor([result.src_ids]), torch.tensor([result.tgt_ids]))[0]
    np.testing.assert_array_equal(result["dec.hook_logits"], logits.numpy())
    # The decoder input is the model's own greedy output, so argmax reproduces it.
    assert result["dec.hook_logits"].argmax(-1).tolist() == result.output_ids


def test_step_by_step_decoding_equals_the_full_pass(small_model, tokenizer):
    src = tokenizer.encode("我爱你", 64).ids
    start = tokenizer.start_id("en")
    out = generate(small_model, src, start, tokenizer.eos_id, max_new=8)
    with torch.no_grad():
        logits = small_model(torch.tensor([src]), torch.tensor([[start] + out[:-1]]))[0]
    assert logits.argmax(-1).tolist() == out


def hooks_left(model: Transformer) -> int:
    return sum(len(m._forward_hooks) for m in model.modules() if isinstance(m, HookPoint))


def test_no_hook_survives_a_trace(tiny_model, tokenizer):
    trace(tiny_model, tokenizer, SENTENCE)
    assert hooks_left(tiny_model) == 0


def test_no_hook_survives_a_failing_forward_pass(tiny_model, tokenizer, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(tiny_model, "forward", broken)
    with pytest.raises(RuntimeError, match="boom"):
        trace(tiny_model, tokenizer, SENTENCE)
    assert hooks_left(tiny_model) == 0


def test_the_paper_preset_has_the_papers_shapes(tokenizer):
    cfg = preset("base", len(tokenizer))
    assert (cfg.d_model, cfg.n_heads, cfg.n_layers, cfg.d_ff, cfg.d_head) == (512, 8, 6, 2048, 64)
    torch.manual_seed(0)
    model = Transformer(cfg).eval()
    result = trace(model, tokenizer, SENTENCE, max_new=2)
    assert result.names() == expected_names(6)
    assert result["enc.blocks.5.attn.hook_q"].shape == (8, 4, 64)
    assert result["dec.blocks.5.ffn.hook_hidden"].shape == (2, 2048)
    assert result["enc.hook_input"].shape == (4, 512)


def test_config_validates_heads():
    with pytest.raises(ValueError, match="divisible"):
        ModelConfig(vocab_size=10, d_model=10, n_heads=3)


def test_trace_arrays_are_read_only(tiny_model, tokenizer):
    result = trace(tiny_model, tokenizer, SENTENCE)
    with pytest.raises(ValueError):
        result["enc.hook_input"][0, 0] = 1.0


@pytest.mark.parametrize("text", ["", "   ", "\n\t ", "\u200b\u200d", "\x00\x01"])
def test_empty_input_is_a_clear_error(tiny_model, tokenizer, text):
    with pytest.raises(InputError, match="empty"):
        trace(tiny_model, tokenizer, text)


def test_over_length_input_is_cut_and_reported(tiny_model, tokenizer):
    words = " ".join(["John"] * 100)
    result = trace(tiny_model, tokenizer, words, max_new=2)
    assert result.truncated and result.n_typed == 100
    assert len(result.src_tokens) == tiny_model.cfg.max_len


def test_unknown_words_are_reported_not_dropped(tiny_model, tokenizer):
    result = trace(tiny_model, tokenizer, "Smart Zorblax is singing", max_new=2)
    assert result.unknown == ["Zorblax"]
    assert result.src_tokens == ["Smart", "Zorblax", "is", "singing"]
    assert result.src_ids[1] == tokenizer.unk_id


def test_direction_defaults_from_the_script(tiny_model, tokenizer):
    assert trace(tiny_model, tokenizer, "我爱你", max_new=1).tgt_tokens[0] == "<2en>"
    assert trace(tiny_model, tokenizer, "I love you", max_new=1).tgt_tokens[0] == "<2zh>"
    assert trace(tiny_model, tokenizer, "I love you", "en", max_new=1).tgt_tokens[0] == "<2en>"
    with pytest.raises(InputError):
        trace(tiny_model, tokenizer, "I love you", "fr")


def test_sampling_with_a_seed_repeats(small_model, tokenizer):
    runs = [trace(small_model, tokenizer, SENTENCE, temperature=1.5, top_k=20, seed=7,
                  max_new=10).output_ids for _ in range(2)]
    assert runs[0] == runs[1]
