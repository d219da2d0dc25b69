"""Checkpoints load through safetensors only, and every broken folder says what is wrong."""

from __future__ import annotations

import json

import pytest
import torch

from models.checkpoint import CheckpointError, load_checkpoint, load_untrained, save_checkpoint
from models.device import pick_device


@pytest.fixture()
def folder(tmp_path, tiny_model, tokenizer):
    return save_checkpoint(tmp_path / "ckpt", tiny_model, tokenizer, {"seed": 1})


def test_round_trip_keeps_every_weight(folder, tiny_model):
    loaded = load_checkpoint(folder, device="cpu")
    assert not loaded.model.training
    for name, tensor in tiny_model.state_dict().items():
        assert torch.equal(loaded.model.state_dict()[name], tensor), name
    assert loaded.training == {"seed": 1}


def test_missing_folder_names_the_rebuild_command(tmp_path):
    with pytest.raises(CheckpointError, match="python -m training.train"):
        load_checkpoint(tmp_path / "none")


def test_corrupt_weights_name_the_file(folder):
    (folder / "model.safetensors").write_bytes(b"\x80\x04 not safetensors at all")
    with pytest.raises(CheckpointError, match="model.safetensors"):
        load_checkpoint(folder)


def test_mismatched_config_is_explained(folder):
    cfg = json.loads((folder / "config.json").read_text())
    cfg["d_ff"] = cfg["d_ff"] * 2
    (folder / "config.json").write_text(json.dumps(cfg))
    with pytest.raises(CheckpointError, match="shape"):
        load_checkpoint(folder)


def test_vocab_size_mismatch_is_explained(folder):
    vocab = json.loads((folder / "vocab.json").read_text())
    (folder / "vocab.json").write_text(json.dumps(vocab[:-1]))
    with pytest.raises(CheckpointError, match="vocab_size"):
        load_checkpoint(folder)


def test_bad_config_json_is_explained(folder):
    (folder / "config.json").write_text("{not json")
    with pytest.raises(CheckpointError, match="config.json"):
        load_checkpoint(folder)


def test_untrained_model_is_seeded_and_shares_the_vocabulary(folder, tokenizer):
    a, b = load_untrained(folder, seed=0), load_untrained(folder, seed=0)
    assert a.tokenizer.vocab == tokenizer.vocab and a.name == "untrained"
    for name, tensor in a.model.state_dict().items():
        assert torch.equal(b.model.state_dict()[name], tensor)
    before = torch.random.get_rng_state()
    load_untrained(folder, seed=3)
    assert torch.equal(before, torch.random.get_rng_state())


def test_device_is_chosen_in_one_place():
    assert pick_device().type == ("cuda" if torch.cuda.is_available() else "cpu")
    assert pick_device("cpu").type == "cpu"
    with pytest.raises(ValueError):
        pick_device("tpu-9000")
