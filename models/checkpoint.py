"""Saving and loading a model folder: safetensors weights and JSON, never pickle.

A folder holds ``model.safetensors`` (weights), ``config.json`` (ModelConfig), ``vocab.json``
(the joint vocabulary) and ``training.json`` (what training measured; optional to load).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file

from models.config import ModelConfig, preset
from models.device import pick_device
from models.tokenizer import Tokenizer
from models.transformer import Transformer

SHIPPED_CHECKPOINT = Path(__file__).resolve().parent / "checkpoints" / "zh-en-small"
DEFAULT_CHECKPOINT = SHIPPED_CHECKPOINT


def default_checkpoint() -> Path:
    """The shipped model folder, unless TRANSFORMER_CHECKPOINT points to another one."""
    return Path(os.environ.get("TRANSFORMER_CHECKPOINT") or SHIPPED_CHECKPOINT)
REBUILD_COMMAND = "python -m training.train --out models/checkpoints/zh-en-small"
UNTRAINED_SEED = 0


class CheckpointError(RuntimeError):
    """A checkpoint folder is missing, malformed or does not fit its config. Message names it."""


@dataclass
class Loaded:
    model: Transformer
    tokenizer: Tokenizer
    config: ModelConfig
    training: dict = field(default_factory=dict)
    name: str = "trained"


def save_checkpoint(folder, model: Transformer, tokenizer: Tokenizer, training: dict) -> Path:
    """Write the four files of a checkpoint folder (created if needed)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    # The output projection reuses the embedding (§3.4): stored once, under "embed.weight".
    weights = {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
    save_file(weights, str(folder / "model.safetensors"))
    (folder / "config.json").write_text(json.dumps(model.cfg.to_dict(), indent=2) + "\n", "utf-8")
    tokenizer.save(folder / "vocab.json")
    (folder / "training.json").write_text(
        json.dumps(training, indent=1, ensure_ascii=False) + "\n", "utf-8"
    )
    return folder


def _read_json(path: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise CheckpointError(f"{path}: cannot be read as JSON ({err})") from err


def load_checkpoint(folder=None, device: str | None = None) -> Loaded:
    """Load a trained model folder onto ``device`` (auto: CUDA when available) in eval mode.

    Raises:
        CheckpointError: a file is missing (the message names the command that rebuilds it),
            unreadable, or does not match the config.
    """
    folder = Path(folder) if folder is not None else default_checkpoint()
    weights_path = folder / "model.safetensors"
    for path in (weights_path, folder / "config.json", folder / "vocab.json"):
        if not path.is_file():
            raise CheckpointError(f"{path} is missing; rebuild it with `{REBUILD_COMMAND}`")
    try:
        cfg = ModelConfig.from_dict(_read_json(folder / "config.json"))
    except (TypeError, ValueError) as err:
        raise CheckpointError(f"{folder / 'config.json'}: invalid model config ({err})") from err
    try:
        tokenizer = Tokenizer.load(folder / "vocab.json")
    except (ValueError, OSError) as err:
        raise CheckpointError(f"{folder / 'vocab.json'}: {err}") from err
    if len(tokenizer) != cfg.vocab_size:
        raise CheckpointError(
            f"{folder / 'vocab.json'} has {len(tokenizer)} tokens but config.json says "
            f"vocab_size {cfg.vocab_size}"
        )
    try:
        weights = load_file(str(weights_path))
    except (SafetensorError, OSError, ValueError) as err:
        raise CheckpointError(f"{weights_path}: not a readable safetensors file ({err})") from err
    model = Transformer(cfg)
    expected = model.state_dict()
    missing = sorted(set(expected) - set(weights))
    extra = sorted(set(weights) - set(expected))
    if missing or extra:
        raise CheckpointError(
            f"{weights_path} does not match config.json: missing {missing[:3]}, "
            f"unexpected {extra[:3]}"
        )
    for name, tensor in weights.items():
        if tensor.shape != expected[name].shape:
            raise CheckpointError(
                f"{weights_path}: {name} has shape {tuple(tensor.shape)}, config.json implies "
                f"{tuple(expected[name].shape)}"
            )
    model.load_state_dict(weights)
    training = {}
    if (folder / "training.json").is_file():
        training = _read_json(folder / "training.json")
    model.to(pick_device(device)).eval()
    return Loaded(model, tokenizer, cfg, training, name="trained")


def load_untrained(folder=None, device: str | None = None, seed: int = UNTRAINED_SEED) -> Loaded:
    """The same architecture and vocabulary with seeded random weights, for comparison.

    Vocabulary and config come from the checkpoint folder, so the two models differ only in
    their weights.
    """
    folder = Path(folder) if folder is not None else default_checkpoint()
    vocab_path = folder / "vocab.json"
    if not vocab_path.is_file():
        raise CheckpointError(f"{vocab_path} is missing; rebuild it with `{REBUILD_COMMAND}`")
    try:
        tokenizer = Tokenizer.load(vocab_path)
    except (ValueError, OSError) as err:
        raise CheckpointError(f"{vocab_path}: {err}") from err
    cfg_path = folder / "config.json"
    cfg = (
        ModelConfig.from_dict(_read_json(cfg_path))
        if cfg_path.is_file()
        else preset("small", len(tokenizer))
    )
    # Seed for a reproducible model, then restore the caller's random state.
    gen_state = torch.random.get_rng_state()
    try:
        torch.manual_seed(seed)
        model = Transformer(cfg)
    finally:
        torch.random.set_rng_state(gen_state)
    model.to(pick_device(device)).eval()
    return Loaded(model, tokenizer, cfg, {"seed": seed}, name="untrained")
