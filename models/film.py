"""The training film's snapshots as models: ``trained@STEP`` is the snapshot nearest STEP.

``python -m training.film`` records them (see that module) in ``models/checkpoints/film/``:
``film.json`` (config and the snapshot list), ``vocab.json``, ``training.json`` and fp16
``step-NNNNNN.safetensors`` files. Loading turns the weights back into fp32. Only names of the
form ``trained@<digits>`` reach this module, never a path.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from safetensors.torch import load_file

from models.checkpoint import CheckpointError, Loaded
from models.config import ModelConfig
from models.device import pick_device
from models.tokenizer import Tokenizer
from models.transformer import Transformer

FILM_DIR = Path(__file__).resolve().parent / "checkpoints" / "film"
PREFIX = "trained@"
_NAME = re.compile(r"trained@(\d{1,9})")
REBUILD = "python -m training.film"


def parse(name: str) -> int | None:
    """The step in ``trained@STEP``, or None for any other name."""
    match = _NAME.fullmatch(name) if isinstance(name, str) else None
    return int(match.group(1)) if match else None


@lru_cache(maxsize=4)
def _index(folder: Path) -> dict:
    path = folder / "film.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise CheckpointError(f"{path}: cannot be read ({err}); rebuild with `{REBUILD}`") from err


def available(folder: Path = FILM_DIR) -> bool:
    return (folder / "film.json").is_file()


def snapshots(folder: Path = FILM_DIR) -> list[dict]:
    """Per snapshot: step, file, exact_match (held-out) and loss, in step order."""
    if not available(folder):
        return []
    return sorted(_index(folder)["snapshots"], key=lambda s: s["step"])


def steps(folder: Path = FILM_DIR) -> list[int]:
    return [s["step"] for s in snapshots(folder)]


def nearest(step: int, folder: Path = FILM_DIR) -> int:
    """The recorded step closest to ``step`` (the earlier one on a tie)."""
    known = steps(folder)
    if not known:
        raise CheckpointError(f"{folder}: no training film; record it with `{REBUILD}`")
    return min(known, key=lambda s: (abs(s - step), s))


def training_record(folder: Path = FILM_DIR) -> dict:
    """The film run's training.json (loss curve, exact match, gradient norms per log step)."""
    path = folder / "training.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise CheckpointError(f"{path}: cannot be read ({err})") from err


def load_snapshot(step: int, device: str | None = None, folder: Path = FILM_DIR) -> Loaded:
    """The snapshot nearest ``step`` as an fp32 model in eval mode."""
    chosen = nearest(step, folder)
    entry = next(s for s in snapshots(folder) if s["step"] == chosen)
    cfg = ModelConfig.from_dict(_index(folder)["config"])
    tokenizer = Tokenizer.load(folder / "vocab.json")
    try:
        weights = load_file(str(folder / entry["file"]))
    except (OSError, ValueError) as err:
        raise CheckpointError(f"{folder / entry['file']}: cannot be read ({err})") from err
    model = Transformer(cfg)
    model.load_state_dict({k: v.float() for k, v in weights.items()})
    model.to(pick_device(device)).eval()
    training = {"film_step": chosen, "steps": max(steps(folder)),
                "exact_match": entry.get("exact_match"), "loss": entry.get("loss"),
                "source": "training film (python -m training.film)"}
    return Loaded(model, tokenizer, cfg, training, name=f"{PREFIX}{chosen}")


__all__ = ["FILM_DIR", "PREFIX", "available", "load_snapshot", "nearest", "parse", "snapshots",
           "steps", "training_record"]
