"""Trace one sentence through any model: an adapter's capture, as a torch-free ``Trace``.

With ``models/`` the only code that touches torch. An adapter (``models/adapters/``) runs its
model with hooks and hands back plain arrays; this module holds the lock that keeps concurrent
users' hooks apart and turns the capture into the immutable ``Trace`` of ``contract.py``.
"""

from __future__ import annotations

import threading

from explainer.contract import Capabilities, ContractError, Trace, Weights, expected_names
from models.adapters.base import Adapter, AdapterError
from models.checkpoint import CheckpointError
from models.tokenizer import InputError

__all__ = [
    "MODEL_LOCK", "AdapterError", "CheckpointError", "InputError", "Trace", "from_capture",
    "model_weights", "trace",
]

# Capture hooks live on the (shared) model while a trace runs: any other forward pass at that
# moment would fire them. Every pass over a shared model (traces, beam search) holds this lock,
# so concurrent users take turns.
MODEL_LOCK = threading.Lock()


def trace(
    adapter: Adapter,
    sentence: str,
    target: str | None = None,
    *,
    pad_to: int | None = None,
    max_new: int | None = None,
    temperature: float = 0.0,
    top_k: int = 0,
    seed: int | None = None,
) -> Trace:
    """Run ``sentence`` through the adapter's model and capture every intermediate.

    A model that writes (ours, GPT-2, Marian) writes first (greedy, or sampled when
    ``temperature`` > 0, reproducible by ``seed``), then runs once more teacher-forced on what
    it wrote with capture hooks on: attention rows belong to the tokens actually produced.

    Args:
        sentence: the user's text; cut to the model's maximum length (``truncated`` says so).
        target: "en" or "zh" for our translation model; default from the script.
        pad_to: pad the source to this many positions (padded keys get zero attention).
        max_new: most tokens to write.

    Raises:
        InputError: empty or unusable text, an unknown target, a bad ``pad_to``.
        ContractError: the adapter broke the contract (a missing or extra name).
    """
    with MODEL_LOCK:
        captured = adapter.capture(sentence, target, pad_to=pad_to, max_new=max_new,
                                   temperature=temperature, top_k=top_k, seed=seed)
    return from_capture(adapter, captured)


def from_capture(adapter: Adapter, captured) -> Trace:
    """An adapter's ``Capture`` as a ``Trace``, checked against the contract's names (also for
    captures taken elsewhere under the lock, such as explainer/why.py's changed runs).

    Raises:
        ContractError: the adapter broke the contract (a missing or extra name).
    """
    caps = Capabilities.from_dict(captured.caps)
    expected = expected_names(caps)
    if list(captured.arrays) != expected:
        missing = [n for n in expected if n not in captured.arrays]
        extra = [n for n in captured.arrays if n not in expected]
        raise ContractError(
            f"{caps.display_name}: trace names differ from the contract (missing {missing[:3]}, "
            f"unexpected {extra[:3]}{', order differs' if not (missing or extra) else ''})"
        )
    return Trace(
        caps=caps, arrays=captured.arrays, masks=captured.masks,
        src_tokens=captured.src_tokens, tgt_tokens=captured.tgt_tokens,
        output_tokens=captured.output_tokens, translation=captured.translation,
        target=captured.target or "", unknown=captured.unknown, truncated=captured.truncated,
        n_typed=captured.n_typed, src_ids=captured.src_ids, tgt_ids=captured.tgt_ids,
        output_ids=captured.output_ids, n_prompt=captured.n_prompt,
        end_token=captured.end_token, model_name=adapter.name,
    )


def model_weights(adapter: Adapter) -> Weights:
    """The model's parameters in the contract's conventions (read-only numpy)."""
    found = adapter.weights()
    return Weights(found.arrays, found.embedding, found.vocab)
