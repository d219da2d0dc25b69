"""Our Transformer: cached decoding equals the full pass, every hook fires once in contract order,
the hooked tensors are what their names say, and the shipped checkpoint still translates."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from explainer.contract import Capabilities, expected_names
from models.beam import beam_search
from models.checkpoint import SHIPPED_CHECKPOINT, load_checkpoint
from models.transformer import HookPoint, MultiHeadAttention, Transformer, generate

SOURCES = ["Smart John is singing", "我爱你"]


def padded_batch(tokenizer, sentences: list[str]) -> torch.Tensor:
    """[b, s] source ids, the shorter sentences padded (so padding masks are exercised)."""
    rows = [tokenizer.encode(s, 64).ids for s in sentences]
    width = max(map(len, rows))
    return torch.tensor([r + [tokenizer.pad_id] * (width - len(r)) for r in rows])


def random_targets(model: Transformer, b: int, t: int, seed: int = 0) -> torch.Tensor:
    """[b, t] decoder inputs drawn from the non-padding ids."""
    gen = torch.Generator().manual_seed(seed)
    return torch.randint(1, model.cfg.vocab_size, (b, t), generator=gen)


def capture(model: Transformer, run) -> list[tuple[str, torch.Tensor]]:
    """(hook name, tensor) for every HookPoint firing while ``run()`` runs, in order."""
    fired: list[tuple[str, torch.Tensor]] = []
    handles = [
        module.register_forward_hook(lambda _m, _i, out, name=name: fired.append((name, out)))
        for name, module in model.named_modules() if isinstance(module, HookPoint)
    ]
    try:
        with torch.no_grad():
            run()
    finally:
        for handle in handles:
            handle.remove()
    return fired


def caps_of(model: Transformer) -> Capabilities:
    cfg = model.cfg
    return Capabilities(
        architecture="encoder-decoder", positional="sinusoidal", norm="post", family="ours",
        display_name="test", n_enc_layers=cfg.n_layers, n_dec_layers=cfg.n_layers,
        n_heads=cfg.n_heads, d_model=cfg.d_model, d_head=cfg.d_head, d_ff=cfg.d_ff,
        vocab_size=cfg.vocab_size, max_len=cfg.max_len, generates=True, has_logits=True,
    )


@pytest.fixture(params=["small", "noisy"])
def model(request) -> Transformer:
    """The app's preset, and a model whose biases and LayerNorm parameters are not trivial."""
    return request.getfixturevalue(f"{request.param}_model")


@pytest.fixture()
def teacher_forced(noisy_model, tokenizer) -> dict[str, torch.Tensor]:
    """Every hooked tensor of one teacher-forced pass over a padded batch of two sentences."""
    src = padded_batch(tokenizer, SOURCES)
    tgt = random_targets(noisy_model, 2, 5)
    return dict(capture(noisy_model, lambda: noisy_model(src, tgt)))


# --- cached decoding -------------------------------------------------------------------------


def test_cached_steps_equal_the_teacher_forced_pass_at_every_position(model, tokenizer):
    src = padded_batch(tokenizer, SOURCES)
    tgt = random_targets(model, 2, 7)
    with torch.no_grad():
        full = model(src, tgt)  # [b, t, vocab]
        cache = model.dec.start_cache(model.encode(src), model.src_keep(src))
        steps = torch.stack([model.dec.step(tgt[:, i], cache) for i in range(7)], dim=1)
    torch.testing.assert_close(steps, full, atol=1e-5, rtol=0)


def test_a_step_projects_keys_and_values_of_the_new_position_only(tiny_model, tokenizer,
                                                                  monkeypatch):
    model = tiny_model
    calls: list[tuple[MultiHeadAttention, int]] = []
    project = MultiHeadAttention.project_kv

    def counting(self, x_kv):
        calls.append((self, x_kv.shape[1]))
        return project(self, x_kv)

    monkeypatch.setattr(MultiHeadAttention, "project_kv", counting)
    src = padded_batch(tokenizer, SOURCES)
    tgt = random_targets(model, 2, 4)
    self_attn = {block.attn for block in model.dec.blocks}
    cross_attn = {block.cross for block in model.dec.blocks}
    with torch.no_grad():
        memory = model.encode(src)
        calls.clear()
        cache = model.dec.start_cache(memory, model.src_keep(src))
        # The memory's cross-attention keys and values: once per layer, for the whole source.
        assert {a for a, _ in calls} == cross_attn and len(calls) == model.cfg.n_layers
        for i in range(4):
            before = [layer.k.clone() for layer in cache.layers]
            calls.clear()
            model.dec.step(tgt[:, i], cache)
            # One self-attention projection per layer, of one position; none for the memory.
            assert sorted(n for _, n in calls) == [1] * model.cfg.n_layers
            assert {a for a, _ in calls} == self_attn
            for layer, old in zip(cache.layers, before):
                assert layer.k.shape[2] == i + 1
                assert torch.equal(layer.k[:, :, :i], old)  # earlier keys kept, not recomputed
            assert cache.length == i + 1


def test_in_a_step_hook_k_sees_every_cached_key(tiny_model, tokenizer):
    src = padded_batch(tokenizer, SOURCES[:1])
    tgt = random_targets(tiny_model, 1, 3)
    with torch.no_grad():
        cache = tiny_model.dec.start_cache(tiny_model.encode(src), tiny_model.src_keep(src))
    for i in range(3):
        fired = dict(capture(tiny_model, lambda i=i: tiny_model.dec.step(tgt[:, i], cache)))
        assert fired["dec.blocks.0.attn.hook_k"].shape[2] == i + 1
        assert fired["dec.blocks.0.attn.hook_pattern"].shape[-2:] == (1, i + 1)
        assert fired["dec.blocks.0.cross.hook_k"].shape[2] == src.shape[1]


def test_a_step_past_max_len_is_refused(tiny_model, tokenizer):
    src = padded_batch(tokenizer, SOURCES[:1])
    with torch.no_grad():
        cache = tiny_model.dec.start_cache(tiny_model.encode(src), tiny_model.src_keep(src))
        token = torch.tensor([tokenizer.start_id("en")])
        for _ in range(tiny_model.cfg.max_len):
            tiny_model.dec.step(token, cache)
        with pytest.raises(ValueError, match="max_len"):
            tiny_model.dec.step(token, cache)


def test_generate_is_the_argmax_of_the_teacher_forced_pass(any_model, tokenizer):
    for sentence, target in (("我爱你", "en"), ("Smart John is singing", "zh")):
        src = tokenizer.encode(sentence, 64).ids
        start = tokenizer.start_id(target)
        out = generate(any_model, src, start, tokenizer.eos_id, max_new=12)
        with torch.no_grad():
            logits = any_model(torch.tensor([src]), torch.tensor([[start] + out[:-1]]))[0]
        assert logits.argmax(-1).tolist() == out


def test_beam_of_one_is_greedy(any_model, tokenizer):
    src = tokenizer.encode("Smart John is singing", 64).ids
    start = tokenizer.start_id("zh")
    greedy = generate(any_model, src, start, tokenizer.eos_id, max_new=10)
    beam = beam_search(any_model, src, start, tokenizer.eos_id, beam_size=1, alpha=0.0,
                       max_new=10)
    assert beam.hypotheses[0].ids == greedy


def test_every_beam_log_prob_is_the_teacher_forced_one(small_model, tokenizer):
    """The cache follows the beams: each hypothesis scores what a full pass over it gives."""
    src = tokenizer.encode("我爱你", 64).ids
    start = tokenizer.start_id("en")
    result = beam_search(small_model, src, start, tokenizer.eos_id, beam_size=3, max_new=6)
    assert len(result.hypotheses) >= 3
    for hyp in result.hypotheses:
        with torch.no_grad():
            logits = small_model(torch.tensor([src]), torch.tensor([[start] + hyp.ids[:-1]]))[0]
        log_probs = torch.log_softmax(logits.double(), -1)
        expected = sum(log_probs[i, t].item() for i, t in enumerate(hyp.ids))
        assert hyp.log_prob == pytest.approx(expected, abs=1e-4)


# --- hooks -----------------------------------------------------------------------------------


def test_every_hook_fires_once_in_the_contract_order(any_model, tokenizer):
    src = padded_batch(tokenizer, SOURCES)
    tgt = random_targets(any_model, 2, 4)
    fired = [name for name, _ in capture(any_model, lambda: any_model(src, tgt))]
    hook_points = [n for n, m in any_model.named_modules() if isinstance(m, HookPoint)]
    assert sorted(fired) == sorted(hook_points)  # each exactly once
    assert fired == expected_names(caps_of(any_model))


def test_each_sum_is_the_residual_plus_the_sublayer_and_its_layernorm_the_next_stream(
        noisy_model, teacher_forced):
    t = teacher_forced
    for side in ("enc", "dec"):
        stream = t[f"{side}.hook_input"]
        for layer, block in enumerate(getattr(noisy_model, side).blocks):
            p = f"{side}.blocks.{layer}"
            torch.testing.assert_close(t[f"{p}.hook_resid_pre"], stream, atol=0, rtol=0)
            steps = [("attn", "attn.hook_out", "mid", block.ln_attn)]
            if side == "dec":
                steps.append(("cross", "cross.hook_out", "cross", block.ln_cross))
            steps.append(("ffn", "ffn.hook_out", "post", block.ln_ffn))
            for sublayer, out, where, norm in steps:
                summed = t[f"{p}.hook_sum_{sublayer}"]
                # Eval mode: dropout is the identity, so the sum is x + Sublayer(x) exactly.
                torch.testing.assert_close(summed, stream + t[f"{p}.{out}"])
                stream = t[f"{p}.hook_resid_{where}"]
                expected = F.layer_norm(summed, (summed.shape[-1],), norm.weight, norm.bias)
                torch.testing.assert_close(stream, expected, atol=1e-5, rtol=1e-5)


def test_ffn_out_is_hidden_times_w2_plus_b2(noisy_model, teacher_forced):
    for side in ("enc", "dec"):
        for layer, block in enumerate(getattr(noisy_model, side).blocks):
            p = f"{side}.blocks.{layer}.ffn"
            hidden = teacher_forced[f"{p}.hook_hidden"]  # [b, pos, d_ff]
            expected = hidden @ block.ffn.W_2.weight.T + block.ffn.W_2.bias  # [b, pos, d_model]
            torch.testing.assert_close(teacher_forced[f"{p}.hook_out"], expected,
                                       atol=1e-5, rtol=1e-5)


def test_logits_are_the_last_stream_times_the_shared_embedding(noisy_model, teacher_forced):
    last = teacher_forced[f"dec.blocks.{noisy_model.cfg.n_layers - 1}.hook_resid_post"]
    torch.testing.assert_close(teacher_forced["dec.hook_logits"],
                               last @ noisy_model.embed.weight.T)


# --- weights ---------------------------------------------------------------------------------


def test_the_shared_embedding_is_one_saved_matrix(tiny_model):
    """§3.4: one matrix for both sides and the output; saved once (safetensors refuses a tensor
    stored under two names), under the key the shipped checkpoint uses."""
    state = tiny_model.state_dict()
    cfg = tiny_model.cfg
    assert [k for k, v in state.items() if v.shape == (cfg.vocab_size, cfg.d_model)] == [
        "embed.weight"]
    assert tiny_model.enc.embeddings is tiny_model.embed is tiny_model.dec.embeddings
    for key in ("enc.blocks.0.attn.W_Q", "dec.blocks.0.cross.W_O", "enc.blocks.0.ffn.W_1.weight",
                "enc.blocks.0.ln_attn.weight", "dec.blocks.1.ln_cross.bias"):
        assert key in state


@pytest.mark.skipif(not (SHIPPED_CHECKPOINT / "model.safetensors").is_file(),
                    reason="no shipped checkpoint")
def test_the_shipped_checkpoint_still_translates():
    loaded = load_checkpoint(SHIPPED_CHECKPOINT, device="cpu")
    tok = loaded.tokenizer
    for sentence, target, expected in (("我爱你", "en", "I love you"),
                                       ("Smart John is singing", "zh", "聪明的约翰在唱歌")):
        src = tok.encode(sentence, loaded.config.max_len).ids
        out = generate(loaded.model, src, tok.start_id(target), tok.eos_id)
        assert tok.decode(out) == expected
