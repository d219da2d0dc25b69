"""Hugging Face models from a local folder: one entry point, ``load_hf``, and shared helpers.

``load_hf`` reads the folder's ``config.json``, picks the adapter for its ``model_type`` and
loads model and tokenizer under the app's rules:

- local only: ``local_files_only=True`` and ``HF_HUB_OFFLINE=1`` (set when loading, never at
  import), so a missing file is an error here and never a download;
- ``model.safetensors`` only (``use_safetensors=True``): a ``pytorch_model.bin`` is a pickle,
  and unpickling a file can run code, so such a folder is refused;
- never ``trust_remote_code``: only architectures that ship with ``transformers`` run;
- ``attn_implementation="eager"``: the fused kernels (SDPA, flash) never materialise the
  attention pattern, and the pattern is what we exist to show;
- float32 in eval mode on the device ``models.device.pick_device`` chooses.

The family adapters (``hf_bert``, ``hf_gpt2``, ``hf_seq2seq``) capture with forward hooks on the
model's own submodules (the q/k/v projections, the attention module, the output projection,
the LayerNorms, the feed-forward layers) and recompute only what no module returns on its own:
the scores, as ``q·kᵀ·scale + the additive mask the model passed to that attention module``.

torch and transformers are imported inside functions, so importing this module stays cheap.
"""

from __future__ import annotations

import json
import os
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from models.adapters.base import Adapter, AdapterError, Capture, WeightSet, to_numpy
from models.tokenizer import InputError

__all__ = [
    "FAMILIES", "Encoded", "HFAdapter", "Recorder", "assemble", "attention_parts", "encode",
    "linear_heads", "load_hf", "next_token", "out_heads", "read_config",
]

# model_type (config.json) -> the module whose ``load`` builds its adapter.
FAMILIES = {
    "bert": "hf_bert",
    "distilbert": "hf_bert",
    "gpt2": "hf_gpt2",
    "marian": "hf_seq2seq",
    "bart": "hf_seq2seq",
}
_TOKENIZER_FILES = (
    "tokenizer.json", "tokenizer_config.json", "vocab.txt", "vocab.json", "source.spm",
    "spiece.model", "sentencepiece.bpe.model", "merges.txt",
)


def load_hf(folder: Path, name: str, device: str | None = None) -> Adapter:
    """Load the Hugging Face model saved in ``folder`` and return its adapter.

    Args:
        folder: a folder written by ``save_pretrained`` (``config.json``, ``model.safetensors``,
            the tokenizer's files).
        name: the name the app lists the model by.
        device: "cpu", "cuda", "auto" or None (cuda when available).

    Raises:
        AdapterError: the folder cannot be used (no or broken config.json, an architecture we
            have no adapter for, no model.safetensors, no tokenizer); the message names the
            folder and the problem.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise AdapterError(f"{folder}: no such model folder")
    config = read_config(folder)
    model_type = config.get("model_type")
    if model_type not in FAMILIES:
        raise AdapterError(
            f"{folder}: model_type {model_type!r} is not supported "
            f"(supported: {', '.join(sorted(FAMILIES))})"
        )
    _check_weights(folder)
    if not any((folder / f).is_file() for f in _TOKENIZER_FILES):
        raise AdapterError(
            f"{folder}: no tokenizer files (tokenizer.json, vocab.txt, …); save the model's "
            "tokenizer into the same folder with tokenizer.save_pretrained(folder)"
        )
    # Set here and not at import: importing a module must not change the environment.
    os.environ["HF_HUB_OFFLINE"] = "1"
    import importlib

    module = importlib.import_module(f"models.adapters.{FAMILIES[model_type]}")
    return module.load(folder, name or folder.name, config, device)


def read_config(folder: Path) -> dict:
    """``config.json`` as a dict, or ``AdapterError`` naming the folder."""
    path = Path(folder) / "config.json"
    if not path.is_file():
        raise AdapterError(f"{folder}: no config.json (is this a Hugging Face model folder?)")
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise AdapterError(f"{folder}: config.json is not readable JSON ({err})") from None
    if not isinstance(config, dict):
        raise AdapterError(f"{folder}: config.json does not hold a JSON object")
    return config


def _check_weights(folder: Path) -> None:
    if any((folder / f).is_file() for f in ("model.safetensors", "model.safetensors.index.json")):
        return
    if any(folder.glob("pytorch_model*.bin")):
        raise AdapterError(
            f"{folder}: only pytorch_model.bin, no model.safetensors; a .bin file is a pickle "
            "that can run code when loaded, so we load safetensors only (where you trust the "
            "file, re-save the model once with save_pretrained, which writes model.safetensors)"
        )
    raise AdapterError(f"{folder}: no model.safetensors")


# -- loading ------------------------------------------------------------------------------------
def load_tokenizer(folder: Path):
    """The folder's own tokenizer (AutoTokenizer, local files only, no remote code)."""
    from transformers import AutoTokenizer

    try:
        with warnings.catch_warnings():
            # MarianTokenizer asks for sacremoses, an optional punctuation normaliser.
            warnings.filterwarnings("ignore", message=".*sacremoses.*")
            return AutoTokenizer.from_pretrained(
                str(folder), local_files_only=True, trust_remote_code=False
            )
    except Exception as err:  # any failure here means the folder is unusable
        raise AdapterError(f"{folder}: the tokenizer cannot be loaded ({err})") from None


def load_model(folder: Path, auto_class: str, device: str | None):
    """``transformers.<auto_class>.from_pretrained`` under the app's loading rules."""
    import torch
    import transformers

    from models.device import pick_device

    try:
        torch_device = pick_device(device)
    except ValueError as err:
        raise AdapterError(f"{folder}: {err}") from None
    from transformers.utils import logging as hf_logging

    cls = getattr(transformers, auto_class)
    # A "Loading weights" bar on the server's console for every load says nothing to a class.
    bar = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        model = cls.from_pretrained(
            str(folder), local_files_only=True, use_safetensors=True, trust_remote_code=False,
            attn_implementation="eager", dtype=torch.float32,
        )
    except Exception as err:  # any failure here means the folder is unusable
        raise AdapterError(f"{folder}: the model cannot be loaded ({err})") from None
    finally:
        if bar:
            hf_logging.enable_progress_bar()
    return model.to(torch_device).eval()


# -- text ---------------------------------------------------------------------------------------
@dataclass
class Encoded:
    """A sentence as the model's tokenizer cut it (special tokens included)."""

    ids: list[int]
    tokens: list[str]
    unknown: list[str] = field(default_factory=list)
    truncated: bool = False
    n_typed: int = 0


def encode(tokenizer, sentence: str, max_len: int, *, find_unknown: bool = True) -> Encoded:
    """Tokenize ``sentence`` as the model does, cut to ``max_len`` tokens.

    ``unknown`` lists the typed words that became the unknown token (from the character
    offsets where the tokenizer gives them, else word by word). ``n_typed`` counts the
    tokenizer's tokens before the cut, its special tokens included.

    Raises:
        InputError: the text is empty or only whitespace.
    """
    if not isinstance(sentence, str) or not sentence.strip():
        raise InputError("type a sentence first: the text is empty")
    ids = list(tokenizer(sentence)["input_ids"])
    n_typed = len(ids)
    truncated = n_typed > max_len
    if truncated:
        ids = list(tokenizer(sentence, truncation=True, max_length=max_len)["input_ids"])
    unknown = _unknown_words(tokenizer, sentence, ids) if find_unknown else []
    return Encoded(ids, token_strings(tokenizer, ids), unknown, truncated, n_typed)


def token_strings(tokenizer, ids) -> list[str]:
    """Token strings for ids, never None (an id the tokenizer lacks reads ``<id>``)."""
    tokens = tokenizer.convert_ids_to_tokens([int(i) for i in ids])
    return [t if t is not None else f"<{i}>" for i, t in zip(ids, tokens)]


def vocab_id(tokenizer, token: str) -> int | None:
    """The vocabulary's id of ``token`` exactly, None when it has none (a tokenizer maps an
    unknown token to its unknown id, which does not read back as ``token``)."""
    found = tokenizer.convert_tokens_to_ids(token)
    if found is None or token_strings(tokenizer, [found])[0] != token:
        return None
    return int(found)


def _unknown_words(tokenizer, sentence: str, ids: list[int]) -> list[str]:
    unk = tokenizer.unk_token_id
    if unk is None or unk not in ids:
        return []
    if getattr(tokenizer, "is_fast", False):
        enc = tokenizer(sentence, return_offsets_mapping=True)
        words = [sentence[a:b] for i, (a, b) in zip(enc["input_ids"], enc["offset_mapping"])
                 if i == unk and b > a]
    else:
        words = [w for w in sentence.split()
                 if unk in tokenizer(w, add_special_tokens=False)["input_ids"]]
    return list(dict.fromkeys(words))


def vocab_strings(tokenizer, size: int) -> list[str]:
    """The id-ordered token strings of an embedding matrix with ``size`` rows."""
    return token_strings(tokenizer, range(size))


def special_tokens(tokenizer) -> tuple[str, ...]:
    return tuple(str(t) for t in tokenizer.all_special_tokens)


def check_pad_to(pad_to, max_len: int) -> int | None:
    if pad_to is None:
        return None
    if isinstance(pad_to, bool) or not isinstance(pad_to, int) or not 0 < pad_to <= max_len:
        raise InputError(f"pad_to must be a whole number from 1 to {max_len}")
    return pad_to


# -- decoding -----------------------------------------------------------------------------------
def next_token(logits, temperature: float = 0.0, top_k: int = 0, generator=None,
               banned: tuple[int, ...] = ()) -> int:
    """The next token from one row of logits [vocab]: argmax when ``temperature`` <= 0, else a
    draw from softmax(logits / temperature) over the ``top_k`` best (all when 0)."""
    import torch

    row = logits.detach().float().cpu().clone()
    if banned:
        row[list(banned)] = float("-inf")
    if temperature is None or temperature <= 0:
        return int(torch.argmax(row))
    row = row / float(temperature)
    if top_k and 0 < top_k < row.numel():
        kth = torch.topk(row, int(top_k)).values[-1]
        row[row < kth] = float("-inf")
    probs = torch.softmax(row, dim=-1)
    return int(torch.multinomial(probs, 1, generator=generator))


def make_generator(temperature: float, seed: int | None):
    """A seeded CPU generator for sampling (None for greedy): the same seed, the same text."""
    import torch

    if temperature is None or temperature <= 0:
        return None
    return torch.Generator().manual_seed(0 if seed is None else int(seed))


# -- capture ------------------------------------------------------------------------------------
def _first(value):
    return value[0] if isinstance(value, tuple | list) else value


class Recorder:
    """Forward hooks that keep tensors by key; ``with Recorder() as rec:`` removes them all on
    exit, also when the forward pass raises. A key recorded twice in one pass is an error: it
    would mean a module we hooked ran twice and the trace would hold only the last call."""

    def __init__(self):
        self.saved: dict = {}
        self._handles: list = []

    def __enter__(self) -> Recorder:
        return self

    def __exit__(self, *exc) -> None:
        self.remove()

    def remove(self) -> None:
        for handle in self._handles:
            handle.remove()
        self._handles.clear()

    def _keep(self, key, value) -> None:
        if key in self.saved:
            raise RuntimeError(f"hooked module for {key!r} ran twice in one pass")
        self.saved[key] = value.detach() if value is not None else None

    def output(self, module, key, pick: Callable = _first) -> None:
        """Keep ``pick(module output)`` (default: the output, or its first element)."""
        self._handles.append(module.register_forward_hook(
            lambda _m, _args, out: self._keep(key, pick(out))))

    def input(self, module, key) -> None:
        """Keep the module's first input (its hidden states)."""
        def hook(_m, args, kwargs):
            self._keep(key, args[0] if args else kwargs["hidden_states"])
        self._handles.append(module.register_forward_pre_hook(hook, with_kwargs=True))

    def kwarg(self, module, key, name: str) -> None:
        """Keep a keyword argument the module was called with (None when absent)."""
        def hook(_m, _args, kwargs):
            self._keep(key, kwargs.get(name))
        self._handles.append(module.register_forward_pre_hook(hook, with_kwargs=True))

    def attention(self, module, key) -> None:
        """Keep an attention module's pattern (its second output) and the additive mask it
        was given: eager attention computes softmax(q·kᵀ·scale + mask)."""
        self.output(module, (*key, "pattern"), pick=lambda out: out[1])
        self.kwarg(module, (*key, "mask"), "attention_mask")


def split_heads(t, n_heads: int):
    """[1, pos, head·d_head] -> [head, pos, d_head] (the batch of one dropped)."""
    pos = t.shape[-2]
    return t.reshape(pos, n_heads, -1).transpose(0, 1)


def attention_parts(saved: dict, key: tuple, n_heads: int, scaling: float, forbidden) -> dict:
    """The seven attention arrays of one block (numpy, contract shapes).

    Args:
        saved: a Recorder's tensors: ``key + ("q" | "k" | "v" | "z",)`` [1, pos, head·d_head]
            (the projections' outputs, the concatenated heads before the output projection),
            ``key + ("out",)`` [1, q, d_model] (before the residual add), and the
            ``key + ("pattern" | "mask",)`` that ``Recorder.attention`` keeps.
        key: (side, layer, "attn" | "cross").
        scaling: the attention module's own factor (1/√d_head for all we load).
        forbidden: [q, k] bool tensor, True where attention is forbidden; used for the scores
            only where the model passed no additive mask of its own.
    """
    import torch

    q, k, v, z = (split_heads(saved[(*key, part)], n_heads) for part in ("q", "k", "v", "z"))
    scores = (q @ k.transpose(-1, -2)) * scaling  # [head, q, k]
    mask = saved.get((*key, "mask"))
    if mask is not None:
        scores = scores + mask[0].to(scores.dtype)  # [1, q, k] broadcasts over heads
    elif bool(forbidden.any()):
        scores = scores.masked_fill(forbidden.to(scores.device), torch.finfo(scores.dtype).min)
    return {"q": to_numpy(q), "k": to_numpy(k), "v": to_numpy(v), "scores": to_numpy(scores),
            "pattern": to_numpy(saved[(*key, "pattern")][0]), "z": to_numpy(z),
            "out": to_numpy(saved[(*key, "out")][0])}


def assemble(saved: dict, *, sides: tuple[str, ...], n_layers: dict[str, int], n_heads: int,
             post_ln: bool, cross: bool, scaling: Callable[[tuple], float],
             forbidden: dict) -> dict[str, np.ndarray]:
    """Every contract array from a Recorder's tensors, in the contract's forward order.

    ``saved`` keys: ``(side, "embed" | "pos" | "input")``; per block ``(side, l, what)`` with
    what in resid_pre, sum_attn, resid_mid, sum_cross, resid_cross, hidden, ffn_out, sum_ffn,
    resid_post, and the attention keys of ``attention_parts`` under ``(side, l, "attn")`` and
    ``("dec", l, "cross")``. ``forbidden`` maps a stage ("enc", "dec", "cross") to its [q, k]
    bool mask. The logits are the caller's to add.
    """
    arrays: dict[str, np.ndarray] = {}
    for side in sides:
        for part in ("embed", "pos", "input"):
            arrays[f"{side}.hook_{part}"] = to_numpy(saved[(side, part)][0])
        for layer in range(n_layers[side]):
            block = f"{side}.blocks.{layer}"

            def put(name: str, what: str, side=side, layer=layer, block=block) -> None:
                arrays[f"{block}.{name}"] = to_numpy(saved[(side, layer, what)][0])

            put("hook_resid_pre", "resid_pre")
            kinds = [("attn", side, "mid")]
            if side == "dec" and cross:
                kinds.append(("cross", "cross", "cross"))
            for kind, stage, where in kinds:
                key = (side, layer, kind)
                parts = attention_parts(saved, key, n_heads, scaling(key), forbidden[stage])
                for part, array in parts.items():
                    arrays[f"{block}.{kind}.hook_{part}"] = array
                if post_ln:
                    put(f"hook_sum_{kind}", f"sum_{kind}")
                put(f"hook_resid_{where}", f"resid_{where}")
            put("ffn.hook_hidden", "hidden")
            put("ffn.hook_out", "ffn_out")
            if post_ln:
                put("hook_sum_ffn", "sum_ffn")
            put("hook_resid_post", "resid_post")
    return arrays


def causal_forbidden(n: int):
    """[n, n] bool, True above the diagonal: position i may not read a later one."""
    import torch

    return torch.ones(n, n, dtype=torch.bool).triu(1)


def padding_forbidden(n_query: int, key_keep: list[bool]):
    """[q, k] bool, True on padded keys (every query row alike)."""
    import torch

    keep = torch.tensor(key_keep, dtype=torch.bool)
    return (~keep).unsqueeze(0).expand(n_query, -1).clone()


# -- weights ------------------------------------------------------------------------------------
def linear_heads(weight, bias, n_heads: int, conv1d: bool = False):
    """A q/k/v projection as (W [head, d_model, d_head], b [head, d_head]) numpy, so that
    ``x @ W[h] + b[h]`` is head h's output. ``nn.Linear`` stores W as [out, in] (y = x Wᵀ + b);
    GPT-2's ``Conv1D`` stores [in, out] (y = x W + b)."""
    w = weight if conv1d else weight.T  # [d_model, head·d_head]
    d_model = w.shape[0]
    w = w.reshape(d_model, n_heads, -1).permute(1, 0, 2)
    b = bias.reshape(n_heads, -1) if bias is not None else w.new_zeros(n_heads, w.shape[-1])
    return to_numpy(w), to_numpy(b)


def out_heads(weight, n_heads: int, conv1d: bool = False):
    """The output projection as W_O [head, d_head, d_model] numpy (out = Σ_h z_h @ W_O[h] + b)."""
    w = weight if conv1d else weight.T  # [head·d_head, d_model]
    return to_numpy(w.reshape(n_heads, -1, w.shape[-1]))


def dense_t(module, conv1d: bool = False) -> np.ndarray:
    """A feed-forward layer's weight as [in, out] numpy (hidden = x @ W + b)."""
    return to_numpy(module.weight if conv1d else module.weight.T)


def norm_weights(arrays: dict, prefix: str, ln) -> None:
    arrays[f"{prefix}.gamma"] = to_numpy(ln.weight)
    arrays[f"{prefix}.beta"] = to_numpy(ln.bias)


# -- the adapter base ---------------------------------------------------------------------------
class HFAdapter:
    """What every Hugging Face adapter shares: the model, its tokenizer, caps, the device."""

    family = ""

    def __init__(self, folder: Path, name: str, model, tokenizer, caps: dict):
        self.folder = Path(folder)
        self.name = name
        self.model = model
        self.tokenizer = tokenizer
        self._caps = caps

    @property
    def caps(self) -> dict:
        import torch

        eps = next((m.eps for m in self.model.modules() if isinstance(m, torch.nn.LayerNorm)),
                   1e-5)
        return {**self._caps, "norm_eps": float(eps)}

    @property
    def device(self):
        return next(self.model.parameters()).device

    def tensor(self, ids: list[int]):
        import torch

        return torch.tensor([ids], dtype=torch.long, device=self.device)

    @contextmanager
    def recording(self) -> Iterator[Recorder]:
        """Hooks for one pass, removed on exit, with autograd off."""
        import torch

        with Recorder() as rec, torch.no_grad():
            yield rec

    def capture(self, sentence, target=None, *, pad_to=None, max_new=None, temperature=0.0,
                top_k=0, seed=None) -> Capture:  # pragma: no cover - each family has its own
        raise NotImplementedError

    def weights(self) -> WeightSet:  # pragma: no cover - each family has its own
        raise NotImplementedError
