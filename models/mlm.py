"""A small BERT of our own: the paper's encoder with a masked-language-model head (Devlin et al.
2019, "BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding").

BERT is the encoder of "Attention Is All You Need" trained on another task: cover some words of
a sentence and guess them from both sides. This module builds it from the translation model's
own parts (``models.transformer``: ``Embeddings``, ``Encoder``, ``EncoderBlock``, hand-written
attention), so every hook has the same name and meaning as in our encoder::

    enc.hook_embed, enc.hook_pos, enc.hook_input          token × √d_model, PE rows, their sum
    enc.blocks.{l}.hook_resid_pre … hook_resid_post       as in the translation model's encoder
    enc.hook_logits                                       x Eᵀ: a score per vocabulary word

Choices, and why:

* Vocabulary: the translation model's (``models/checkpoints/zh-en-small/vocab.json``) plus one
  token, ``[MASK]``, appended last. Row i of the embedding is the same word in both models, so
  pre-trained matrices drop into the translation model row for row.
* Positions: sinusoidal (§3.5 of the Transformer paper), not BERT's learned table. The encoder
  we want to pre-train reads sinusoids, so the matrices learned here expect the same position
  signal there; and computed positions cost no parameters and accept 512 tokens although no
  training sentence is longer than 23.
* No ``[CLS]`` / ``[SEP]``: BERT adds them for sentence-pair tasks (next-sentence prediction),
  which we do not train. The model reads exactly what the translation encoder reads.
* The head is the embedding itself, ``logits = x Eᵀ`` (§3.4's weight sharing, as BERT ties its
  output to its input embedding). BERT puts a dense layer, GELU and a LayerNorm and a bias
  before it; we leave them out, so one matrix both reads and writes words.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file
from torch import Tensor, nn

from models.config import ModelConfig
from models.device import pick_device
from models.tokenizer import (
    SPECIALS,
    Tokenizer,
    normalize,
    tokenize,
)
from models.transformer import Embeddings, Encoder, HookPoint

MASK = "[MASK]"
MLM_SPECIALS = (*SPECIALS, MASK)
# What config.json says besides ModelConfig's fields, so the registry tells an MLM folder from
# a translation model's: {"architecture": "encoder-only", "objective": "masked-lm", ...}.
ARCHITECTURE = "encoder-only"
OBJECTIVE = "masked-lm"
SHIPPED_MLM = Path(__file__).resolve().parent / "checkpoints" / "mlm-small"
REBUILD_COMMAND = "python -m training.mlm --out models/checkpoints/mlm-small"

# "[MASK]" as people type it; NFKC has already turned full-width ［ＭＡＳＫ］ into it.
_MASK_RE = re.compile(r"\[\s*mask\s*\]", re.IGNORECASE)


class MLMError(RuntimeError):
    """An MLM folder is missing, malformed or does not fit its config. The message names it."""


def is_mlm_config(config: dict) -> bool:
    """True for the config.json of a masked-language model of ours."""
    return config.get("architecture") == ARCHITECTURE and config.get("objective") == OBJECTIVE


def tokenize_masked(text: str) -> list[str]:
    """``tokenize``, with every ``[MASK]`` kept whole as one token.

    >>> tokenize_masked("Smart John is [MASK]")
    ['Smart', 'John', 'is', '[MASK]']
    >>> tokenize_masked("我[MASK]你")
    ['我', '[MASK]', '你']
    """
    pieces = _MASK_RE.split(normalize(text))
    tokens: list[str] = []
    for i, piece in enumerate(pieces):
        if i:
            tokens.append(MASK)
        tokens += tokenize(piece)
    return tokens


class MaskedTokenizer(Tokenizer):
    """The translation model's tokenizer plus ``[MASK]``, which typed text may contain."""

    def __init__(self, vocab: list[str]):
        super().__init__(vocab)
        if MASK not in self.index:
            raise ValueError(f"a masked-LM vocabulary must contain {MASK}")
        self.mask_id = self.index[MASK]

    @classmethod
    def from_translation_vocab(cls, vocab: list[str]) -> MaskedTokenizer:
        """The translation vocabulary, row for row, with ``[MASK]`` appended as the last row."""
        if MASK in vocab:
            raise ValueError(f"the translation vocabulary already has {MASK}")
        return cls([*vocab, MASK])

    @property
    def word_ids(self) -> range:
        """Ids of ordinary tokens (words, characters, punctuation): no special token, no mask.

        The specials come first (``Tokenizer`` checks it) and ``[MASK]`` last."""
        return range(len(SPECIALS), self.mask_id)

    EXAMPLE = "'Smart John is [MASK]' or '我[MASK]你'"

    def split(self, text: str) -> list[str]:
        """The sentence's tokens, ``[MASK]`` (any spelling) read as the mask token."""
        return tokenize_masked(text)


class MaskedLMEncoder(Encoder):
    """The paper's encoder stack (§3.1) followed by the masked-LM head x Eᵀ (hook_logits).

    Its module path is ``enc``, so hooks are named ``enc.hook_embed`` … ``enc.hook_logits``.
    """

    def __init__(self, cfg: ModelConfig, embeddings: Embeddings):
        super().__init__(cfg, embeddings)
        self.hook_logits = HookPoint()

    def encode(self, src: Tensor, keep: Tensor | None = None) -> Tensor:
        """Ids [b, s] -> the last block's output [b, s, d_model] (no head)."""
        return Encoder.forward(self, src, keep)

    def forward(self, src: Tensor, keep: Tensor | None = None) -> Tensor:
        """Ids [b, s] -> logits [b, s, vocab]: a score for every word at every position."""
        return self.hook_logits(self.embeddings.unembed(self.encode(src, keep)))


class MaskedLM(nn.Module):
    """Encoder-only Transformer with a tied masked-LM head; parameter names match the
    translation model's encoder (``embed.weight``, ``enc.blocks.{l}.…``)."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.cfg = cfg
        self.embed = Embeddings(cfg)
        self.enc = MaskedLMEncoder(cfg, self.embed)
        for module in self.modules():  # as Transformer initialises its Linear layers
            if isinstance(module, nn.Linear):
                nn.init.xavier_uniform_(module.weight)
                nn.init.zeros_(module.bias)

    @property
    def device(self) -> torch.device:
        return self.embed.weight.device

    def forward(self, src: Tensor) -> Tensor:
        """Ids [b, s] (padded with ``pad_id``) -> logits [b, s, vocab]."""
        return self.enc(src)


def mlm_config_dict(cfg: ModelConfig) -> dict:
    """What config.json holds: ModelConfig's fields, the marker fields and the mask token."""
    return {**cfg.to_dict(), "architecture": ARCHITECTURE, "objective": OBJECTIVE,
            "mask_token": MASK}


@dataclass
class LoadedMLM:
    model: MaskedLM
    tokenizer: MaskedTokenizer
    config: ModelConfig
    training: dict = field(default_factory=dict)


def save_mlm(folder, model: MaskedLM, tokenizer: MaskedTokenizer, training: dict) -> Path:
    """Write model.safetensors, config.json, vocab.json and training.json (folder created)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    weights = {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
    save_file(weights, str(folder / "model.safetensors"))
    (folder / "config.json").write_text(
        json.dumps(mlm_config_dict(model.cfg), indent=2) + "\n", "utf-8")
    tokenizer.save(folder / "vocab.json")
    write_training(folder, training)
    return folder


def write_training(folder, training: dict) -> None:
    (Path(folder) / "training.json").write_text(
        json.dumps(training, indent=1, ensure_ascii=False) + "\n", "utf-8")


def _read_json(path: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise MLMError(f"{path}: cannot be read as JSON ({err})") from err


def load_mlm(folder=None, device: str | None = None) -> LoadedMLM:
    """Load a masked-LM folder onto ``device`` (auto: CUDA when available), in eval mode.

    Raises:
        MLMError: a file is missing (the message names the command that rebuilds it),
            unreadable, or does not fit the config.
    """
    folder = Path(folder) if folder is not None else SHIPPED_MLM
    weights_path = folder / "model.safetensors"
    for path in (weights_path, folder / "config.json", folder / "vocab.json"):
        if not path.is_file():
            raise MLMError(f"{path} is missing; rebuild it with `{REBUILD_COMMAND}`")
    config = _read_json(folder / "config.json")
    if not isinstance(config, dict) or not is_mlm_config(config):
        raise MLMError(f"{folder / 'config.json'}: not a masked-language model's config")
    sizes = {k: v for k, v in config.items()
             if k not in ("architecture", "objective", "mask_token")}
    try:
        cfg = ModelConfig.from_dict(sizes)
        tokenizer = MaskedTokenizer.load(folder / "vocab.json")
    except (TypeError, ValueError, OSError) as err:
        raise MLMError(f"{folder}: {err}") from err
    if len(tokenizer) != cfg.vocab_size:
        raise MLMError(f"{folder / 'vocab.json'} has {len(tokenizer)} tokens but config.json "
                       f"says vocab_size {cfg.vocab_size}")
    try:
        weights = load_file(str(weights_path))
    except (SafetensorError, OSError, ValueError) as err:
        raise MLMError(f"{weights_path}: not a readable safetensors file ({err})") from err
    model = MaskedLM(cfg)
    expected = model.state_dict()
    bad = sorted(set(expected) ^ set(weights)) or [
        k for k in weights if weights[k].shape != expected[k].shape]
    if bad:
        raise MLMError(f"{weights_path} does not match config.json ({', '.join(bad[:3])})")
    model.load_state_dict(weights)
    training = _read_json(folder / "training.json") if (folder / "training.json").is_file() \
        else {}
    model.to(pick_device(device)).eval()
    return LoadedMLM(model, tokenizer, cfg, training)
