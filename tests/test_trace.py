"""The trace is exactly what the model computed, and the model is the paper's model."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from explainer.contract import Capabilities, ContractError, expected_names
from explainer.trace import model_weights
from explainer.trace import trace as trace_adapter
from models.adapters.ours import OursAdapter
from models.config import ModelConfig, preset
from models.tokenizer import PAD, InputError
from models.transformer import HookPoint, Transformer, generate

SENTENCE = "Smart John is singing"


def trace(model, tokenizer, sentence, target=None, **options):
    """Our model through its adapter, as the app and the command line trace it."""
    return trace_adapter(OursAdapter(model, tokenizer), sentence, target, **options)


def contract_names(model) -> list[str]:
    return expected_names(Capabilities.from_dict(OursAdapter(model, None).caps))


def all_patterns(result):
    return {(stage, layer): result.pattern(stage, layer) for stage in result.stages
            for layer in range(result.n_layers_of(stage))}


def softmax(x: np.ndarray) -> np.ndarray:
    x = x - np.max(x, axis=-1, keepdims=True)
    e = np.exp(x)
    return e / e.sum(axis=-1, keepdims=True)


def layer_norm(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float = 1e-5):
    mean = x.mean(-1, keepdims=True)
    var = x.var(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * gamma + beta


def test_exact_ordered_names(any_model, tokenizer):
    result = trace(any_model, tokenizer, SENTENCE)
    assert result.names() == contract_names(any_model)
    n = any_model.cfg.n_layers
    # Written out for one block, so a change in the contract's own list cannot hide here.
    assert result.names()[:6] == ["enc.hook_embed", "enc.hook_pos", "enc.hook_input",
                                  "enc.blocks.0.hook_resid_pre", "enc.blocks.0.attn.hook_q",
                                  "enc.blocks.0.attn.hook_k"]
    block = [f"dec.blocks.{n - 1}.{x}" for x in (
        "hook_resid_pre", "attn.hook_q", "attn.hook_k", "attn.hook_v", "attn.hook_scores",
        "attn.hook_pattern", "attn.hook_z", "attn.hook_out", "hook_sum_attn", "hook_resid_mid",
        "cross.hook_q", "cross.hook_k", "cross.hook_v", "cross.hook_scores",
        "cross.hook_pattern", "cross.hook_z", "cross.hook_out", "hook_sum_cross",
        "hook_resid_cross", "ffn.hook_hidden", "ffn.hook_out", "hook_sum_ffn",
        "hook_resid_post")] + ["dec.hook_logits"]
    assert result.names()[-len(block):] == block


def test_shapes_follow_the_contract(small_model, tokenizer):
    cfg = small_model.cfg
    result = trace(small_model, tokenizer, SENTENCE)
    s, t = len(result.src_tokens), len(result.tgt_tokens)
    assert result.stages == ("enc", "dec", "cross")
    assert result.mask("enc").shape == (s, s) and result.mask("cross").shape == (t, s)
    assert result.ffn("enc", 0, "out").shape == (s, cfg.d_model)
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
            np.testing.assert_allclose(pattern.sum(-1), 1.0, atol=1e-5, err_msg=str(name))


def test_decoder_self_attention_is_exactly_causal(any_model, tokenizer):
    result = trace(any_model, tokenizer, "我爱你", max_new=6)
    t = len(result.tgt_tokens)
    assert t > 2
    upper = np.triu(np.ones((t, t), dtype=bool), k=1)
    np.testing.assert_array_equal(result.mask("dec"), upper)
    assert result.mask("dec").dtype == bool
    for layer in range(any_model.cfg.n_layers):
        pattern = result.pattern("dec", layer)
        assert np.all(pattern[:, upper] == 0.0)
        assert np.all(np.isneginf(result.scores("dec", layer)[:, upper]))
        assert np.all(pattern[:, ~upper] > 0.0)


def test_padding_keys_get_exactly_zero_weight(any_model, tokenizer):
    result = trace(any_model, tokenizer, SENTENCE, pad_to=10)
    pads = np.array([tok == PAD for tok in result.src_tokens])
    assert pads.sum() == 6
    np.testing.assert_array_equal(result.mask("enc"), np.broadcast_to(pads, (10, 10)))
    assert result.mask("cross")[:, pads].all() and not result.mask("cross")[:, ~pads].any()
    for (stage, layer), pattern in all_patterns(result).items():
        if stage in ("enc", "cross"):
            assert np.all(pattern[..., pads] == 0.0), (stage, layer)
            assert np.all(pattern[..., ~pads] > 0.0), (stage, layer)


def test_padding_does_not_change_the_translation(small_model, tokenizer):
    plain = trace(small_model, tokenizer, SENTENCE, max_new=5)
    padded = trace(small_model, tokenizer, SENTENCE, max_new=5, pad_to=12)
    assert plain.output_ids == padded.output_ids
    np.testing.assert_allclose(plain.logits(), padded.logits(), atol=1e-4)


def test_positional_encoding_is_the_closed_form(any_model, tokenizer):
    result = trace(any_model, tokenizer, "John saw John is singing")
    pe = result.embed("enc", "pos")
    d = any_model.cfg.d_model
    for pos in range(pe.shape[0]):
        for i in range(d // 2):
            angle = pos / 10000 ** (2 * i / d)
            assert pe[pos, 2 * i] == pytest.approx(math.sin(angle), abs=1e-6)
            assert pe[pos, 2 * i + 1] == pytest.approx(math.cos(angle), abs=1e-6)
    scale = math.sqrt(d)
    embed = any_model.embed.weight.detach().numpy()[list(result.src_ids)] * scale
    np.testing.assert_allclose(result.embed("enc", "embed"), embed, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(result.embed("enc"), result.embed("enc", "embed") + pe, atol=1e-5)


def test_recomputing_attention_from_captured_arrays(any_model, tokenizer):
    result = trace(any_model, tokenizer, SENTENCE, pad_to=7)
    d_head = any_model.cfg.d_head
    for stage, layer in all_patterns(result):
        q, k, v = (result.attn(stage, layer, x) for x in "qkv")
        scores = q @ k.transpose(0, 2, 1) / math.sqrt(d_head)
        captured = result.scores(stage, layer)
        masked = np.broadcast_to(result.mask(stage), captured.shape)
        where = f"{stage} {layer}"
        np.testing.assert_allclose(scores[~masked], captured[~masked], atol=1e-5, err_msg=where)
        pattern = softmax(np.where(masked, -np.inf, scores))
        np.testing.assert_allclose(pattern, result.pattern(stage, layer), atol=1e-5,
                                   err_msg=where)
        np.testing.assert_allclose(result.pattern(stage, layer) @ v,
                                   result.attn(stage, layer, "z"), atol=1e-5)


def test_captured_projections_equal_input_times_weights(any_model, tokenizer):
    adapter = OursAdapter(any_model, tokenizer)
    result = trace_adapter(adapter, SENTENCE)
    weights = model_weights(adapter)
    memory = result.final("enc")
    for layer in range(any_model.cfg.n_layers):
        for stage, x_q, x_kv in (
            ("enc", result.resid("enc", layer, "pre"), None),
            ("dec", result.resid("dec", layer, "pre"), None),
            ("cross", result.resid("dec", layer, "mid"), memory),
        ):
            x_kv = x_q if x_kv is None else x_kv
            for name, x in (("Q", x_q), ("K", x_kv), ("V", x_kv)):
                w, b = weights.attn(stage, layer, f"W_{name}"), weights.attn(stage, layer,
                                                                              f"b_{name}")
                expected = np.einsum("pd,hde->hpe", x, w) + b[:, None, :]
                np.testing.assert_allclose(result.attn(stage, layer, name.lower()), expected,
                                           atol=1e-4, err_msg=f"{stage} {layer} {name}")
            z = result.attn(stage, layer, "z")
            out = (np.einsum("hpe,hed->pd", z, weights.attn(stage, layer, "W_O"))
                   + weights.attn(stage, layer, "b_O"))
            np.testing.assert_allclose(result.attn(stage, layer, "out"), out, atol=1e-4)


def test_every_block_recomputes_from_exported_weights(any_model, tokenizer):
    """Each residual point equals numpy's LayerNorm(x + Sublayer(x)) from the weights alone."""
    adapter = OursAdapter(any_model, tokenizer)
    result = trace_adapter(adapter, SENTENCE)
    weights = model_weights(adapter)
    for side in result.sides:
        for layer in range(result.n_layers_of(side)):
            x = result.resid(side, layer, "pre")
            subs = [("attn", result.attn(side, layer, "out"), "mid")]
            if side == "dec":
                subs.append(("cross", result.attn("cross", layer, "out"), "cross"))
            for sub, out, where in subs:
                np.testing.assert_allclose(result.sum_before_norm(side, layer, sub), x + out,
                                           atol=1e-5)
                x = layer_norm(x + out, *weights.norm(side, layer, sub))
                np.testing.assert_allclose(result.resid(side, layer, where), x, atol=1e-4)
            hidden = np.maximum(0, x @ weights.ffn(side, layer, "W_1")
                                + weights.ffn(side, layer, "b_1"))
            np.testing.assert_allclose(result.ffn(side, layer, "hidden"), hidden, atol=1e-4)
            ffn_out = hidden @ weights.ffn(side, layer, "W_2") + weights.ffn(side, layer, "b_2")
            np.testing.assert_allclose(result.ffn(side, layer, "out"), ffn_out, atol=1e-4)
            x = layer_norm(x + ffn_out, *weights.norm(side, layer, "ffn"))
            np.testing.assert_allclose(result.resid(side, layer, "post"), x, atol=1e-4)
    logits = result.final("dec") @ weights.embedding.T
    np.testing.assert_allclose(result.logits(), logits, atol=1e-3)


def test_tracing_does_not_change_the_logits(any_model, tokenizer):
    result = trace(any_model, tokenizer, SENTENCE)
    with torch.no_grad():
        logits = any_model(torch.tensor([result.src_ids]), torch.tensor([result.tgt_ids]))[0]
    np.testing.assert_array_equal(result.logits(), logits.numpy())
    # The decoder input is the model's own greedy output, so argmax reproduces it.
    assert result.logits().argmax(-1).tolist() == list(result.output_ids)


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
    monkeypatch.setattr("models.adapters.ours.generate", lambda *a, **k: [1])
    with pytest.raises(RuntimeError, match="boom"):
        trace(tiny_model, tokenizer, SENTENCE)
    assert hooks_left(tiny_model) == 0


def test_the_paper_preset_has_the_papers_shapes(tokenizer):
    cfg = preset("base", len(tokenizer))
    assert (cfg.d_model, cfg.n_heads, cfg.n_layers, cfg.d_ff, cfg.d_head) == (512, 8, 6, 2048, 64)
    torch.manual_seed(0)
    model = Transformer(cfg).eval()
    result = trace(model, tokenizer, SENTENCE, max_new=2)
    assert result.names() == contract_names(model)
    assert result.n_layers_of("dec") == 6
    assert result["enc.blocks.5.attn.hook_q"].shape == (8, 4, 64)
    assert result["dec.blocks.5.ffn.hook_hidden"].shape == (2, 2048)
    assert result["enc.hook_input"].shape == (4, 512)


def test_config_validates_heads():
    with pytest.raises(ValueError, match="divisible"):
        ModelConfig(vocab_size=10, d_model=10, n_heads=3)


def test_trace_arrays_are_read_only(tiny_model, tokenizer):
    result = trace(tiny_model, tokenizer, SENTENCE)
    with pytest.raises(ValueError):
        result.embed("enc")[0, 0] = 1.0
    with pytest.raises(ValueError):
        result.mask("dec")[0, 0] = False
    with pytest.raises(AttributeError):
        result.translation = "changed"  # frozen dataclass
    with pytest.raises(TypeError):
        result.arrays["enc.hook_input"] = np.zeros(3)  # a read-only mapping


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
    assert result.unknown == ("Zorblax",)
    assert result.src_tokens == ("Smart", "Zorblax", "is", "singing")
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


def test_accessors_refuse_what_the_model_lacks(tiny_model, tokenizer):
    result = trace(tiny_model, tokenizer, SENTENCE, max_new=2)
    with pytest.raises(ContractError, match="layer 7"):
        result.pattern("enc", 7)
    with pytest.raises(ContractError, match="stage"):
        result.pattern("encoder", 0)
    with pytest.raises(ContractError, match="cross"):
        result.resid("enc", 0, "cross")
    with pytest.raises(KeyError):
        result["enc.blocks.0.nothing"]


def test_capabilities_describe_our_model(tiny_model, tokenizer):
    caps = trace(tiny_model, tokenizer, SENTENCE, max_new=2).caps
    assert (caps.architecture, caps.positional, caps.norm) == ("encoder-decoder", "sinusoidal",
                                                               "post")
    assert {"encoder", "decoder", "cross", "generates", "translates"} <= caps.features
    assert caps.n_enc_layers == caps.n_dec_layers == tiny_model.cfg.n_layers
    assert "<eos>" in caps.special_tokens
    with pytest.raises(ContractError, match="architecture"):
        Capabilities.from_dict({**caps.to_dict(), "architecture": "recurrent"})
