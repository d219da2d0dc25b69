"""What every adapter returns and offers, whatever the model family.

Names in ``Capture.arrays`` follow the contract (README, "The trace"): ``enc.*`` for an encoder,
``dec.*`` for a decoder, cross-attention under ``dec.blocks.{l}.cross``. ``Capture.caps`` holds
the fields of ``explainer.contract.Capabilities`` as plain values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import numpy as np


class AdapterError(ValueError):
    """A model folder cannot be used: the message names the folder and the problem."""


@dataclass
class Capture:
    """One sentence through one model: the raw material of a ``Trace`` (see its fields)."""

    caps: dict
    arrays: dict[str, np.ndarray]
    masks: dict[str, np.ndarray] = field(default_factory=dict)
    src_tokens: list[str] = field(default_factory=list)
    tgt_tokens: list[str] = field(default_factory=list)
    output_tokens: list[str] = field(default_factory=list)
    translation: str = ""
    target: str = ""
    unknown: list[str] = field(default_factory=list)
    truncated: bool = False
    n_typed: int = 0
    src_ids: list[int] = field(default_factory=list)
    tgt_ids: list[int] = field(default_factory=list)
    output_ids: list[int] = field(default_factory=list)
    n_prompt: int = 0
    end_token: str = ""  # the token that ends generated text ("<eos>", "</s>"); "" if none


@dataclass
class WeightSet:
    """Parameters in the contract's conventions (see ``explainer.contract.Weights``)."""

    arrays: dict[str, np.ndarray]
    embedding: np.ndarray  # [vocab, d_model], unscaled
    vocab: list[str]


class Adapter(Protocol):
    """A loaded model that can be traced. ``capture`` must hold no state between calls and is
    called under the app's model lock (hooks live on a shared model while it runs).

    Adapters of models that write (ours, Marian/BART, GPT-2) also take ``forced_ids`` in
    ``capture`` (read those output ids instead of writing) and offer the teacher-forced runs
    of ``models/adapters/forcing.py`` ("Why this word?")."""

    name: str  # the name the app lists it by

    @property
    def caps(self) -> dict: ...

    def capture(self, sentence: str, target: str | None = None, *, pad_to: int | None = None,
                max_new: int | None = None, temperature: float = 0.0, top_k: int = 0,
                seed: int | None = None) -> Capture: ...

    def weights(self) -> WeightSet: ...


def to_numpy(tensor) -> np.ndarray:
    """A captured tensor as float32 numpy on the CPU (bf16/fp16 widened)."""
    return tensor.detach().float().cpu().numpy()
