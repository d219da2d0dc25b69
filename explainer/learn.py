"""The cost made concrete, and one step of gradient descent on it, for one sentence pair.

The article's loop is "compute the cost, change W a little, repeat". :func:`token_costs`
computes the cost of a (sentence, translation) pair the way training does: for each target
token, the probability the model gives the right word, −log of it, and the label-smoothed
cross-entropy (§5.4) that training minimises. :func:`one_step` then takes one step of plain
gradient descent, W ← W − η ∇L, on this pair alone, on a DEEP COPY of the model: the shared
model (cached for every user) is never changed, and no ``.grad`` is left on it.

Only our own encoder–decoder (``caps.family == "ours"``) is trained this way; other models
are refused with a ``ValueError``. Results are numpy and plain values.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from explainer.trace import MODEL_LOCK

LABEL_SMOOTHING = 0.1  # ε_ls of §5.4, as training.recipe uses it
DEFAULT_LR = 0.05  # η of one visible step: large enough to move one sentence's loss


@dataclass(frozen=True)
class Costs:
    """The cost of one (source, translation) pair under a model.

    Attributes:
        target_tokens: the translation's tokens, then the end token (what the model must write).
        target_ids: their ids.
        p_right: [T] the probability the model gives each right token.
        neg_log: [T] −log p_right (the cost of each token without smoothing, in nats).
        smoothed: [T] each token's label-smoothed cross-entropy (what training minimises).
        probs: [T, vocab] the model's whole distribution at each step.
        loss: mean of ``smoothed`` (the sentence's training loss).
        nll: mean of ``neg_log``.
        vocab_size: size of the vocabulary.
        eps: ε_ls used.
        pad_id: the padding id (smoothing gives it nothing).
    """

    target_tokens: tuple[str, ...]
    target_ids: tuple[int, ...]
    p_right: np.ndarray
    neg_log: np.ndarray
    smoothed: np.ndarray
    probs: np.ndarray
    loss: float
    nll: float
    vocab_size: int
    eps: float
    pad_id: int


@dataclass(frozen=True)
class Step:
    """One gradient-descent step on one pair (taken on a copy of the model).

    Attributes:
        before, after: the pair's costs before and after the step.
        lr: η.
        names: parameter names, largest change first.
        change: [n] ‖ΔW‖ (Frobenius norm of the change) per parameter, same order.
        relative: [n] ‖ΔW‖ / ‖W‖.
        translation_before, translation_after: greedy translations of the source.
    """

    before: Costs
    after: Costs
    lr: float
    names: tuple[str, ...]
    change: np.ndarray
    relative: np.ndarray
    translation_before: str
    translation_after: str


def _check(adapter) -> None:
    caps = adapter.caps
    if caps.get("family") != "ours" or caps.get("architecture") != "encoder-decoder":
        raise ValueError(f"{adapter.name}: one training step is shown for our own "
                         "encoder-decoder only")


def _tensors(adapter, sentence: str, translation: str | None, target: str | None):
    forced = adapter.forced(sentence, translation, to=target)
    device = adapter.model.device
    src = torch.tensor([forced.src_ids], dtype=torch.long, device=device)
    dec_in = torch.tensor([forced.dec_in], dtype=torch.long, device=device)
    out = torch.tensor(forced.out_ids, dtype=torch.long, device=device)
    return forced, src, dec_in, out


def _loss(model, src, dec_in, out, first_row: int, eps: float, pad_id: int):
    logits = model(src, dec_in)[0, first_row:].float()  # [T, vocab]
    smoothed = F.cross_entropy(logits, out, label_smoothing=eps, ignore_index=pad_id,
                               reduction="none")
    return logits, smoothed


def _costs(model, tokenizer, forced, src, dec_in, out, eps: float) -> Costs:
    with torch.no_grad():
        logits, smoothed = _loss(model, src, dec_in, out, forced.first_row, eps,
                                 tokenizer.pad_id)
        probs = torch.softmax(logits, dim=-1)
    p_right = probs[torch.arange(len(out)), out]
    neg_log = -torch.log(p_right.clamp_min(1e-30))
    return Costs(
        target_tokens=tuple(tokenizer.ids_to_tokens(forced.out_ids)),
        target_ids=tuple(forced.out_ids),
        p_right=p_right.cpu().numpy(), neg_log=neg_log.cpu().numpy(),
        smoothed=smoothed.cpu().numpy(), probs=probs.cpu().numpy(),
        loss=float(smoothed.mean()), nll=float(neg_log.mean()),
        vocab_size=probs.shape[-1], eps=eps, pad_id=tokenizer.pad_id,
    )


def token_costs(adapter, sentence: str, translation: str | None = None,
                target: str | None = None, eps: float = LABEL_SMOOTHING) -> Costs:
    """The cost of ``translation`` (None: the model's own greedy one) for ``sentence``.

    Raises:
        ValueError: not our encoder–decoder.
        InputError: empty sentence or translation, unknown target.
    """
    _check(adapter)
    with MODEL_LOCK:
        forced, src, dec_in, out = _tensors(adapter, sentence, translation, target)
        return _costs(adapter.model, adapter.tokenizer, forced, src, dec_in, out, eps)


def _greedy(model, tokenizer, src_ids: list[int], target: str) -> str:
    from models.transformer import generate

    ids = generate(model, list(src_ids), tokenizer.start_id(target), tokenizer.eos_id)
    return tokenizer.decode(ids)


def one_step(adapter, sentence: str, translation: str | None = None,
             target: str | None = None, lr: float = DEFAULT_LR,
             eps: float = LABEL_SMOOTHING) -> Step:
    """One step W ← W − η ∇L on this pair alone, on a deep copy of the adapter's model.

    Raises:
        ValueError: not our encoder–decoder, or η not positive.
        InputError: empty sentence or translation, unknown target.
    """
    _check(adapter)
    if not lr > 0:
        raise ValueError("the learning rate must be positive")
    tok = adapter.tokenizer
    with MODEL_LOCK:
        forced, src, dec_in, out = _tensors(adapter, sentence, translation, target)
        # The copy is made under the lock, so no other session's hooks are copied with it.
        model = copy.deepcopy(adapter.model)
    model.eval()  # dropout off: the step is the gradient of exactly the loss shown
    for param in model.parameters():
        param.grad = None
        param.requires_grad_(True)
    before = _costs(model, tok, forced, src, dec_in, out, eps)
    with torch.no_grad():
        translation_before = _greedy(model, tok, forced.src_ids, forced.target)
        old = {name: p.detach().clone() for name, p in model.named_parameters()}
    with torch.enable_grad():
        _, smoothed = _loss(model, src, dec_in, out, forced.first_row, eps, tok.pad_id)
        smoothed.mean().backward()
    with torch.no_grad():
        for param in model.parameters():
            if param.grad is not None:
                param -= lr * param.grad  # plain gradient descent, the article's rule
    after = _costs(model, tok, forced, src, dec_in, out, eps)
    with torch.no_grad():
        translation_after = _greedy(model, tok, forced.src_ids, forced.target)
        rows = []
        for name, param in model.named_parameters():
            delta = float((param - old[name]).norm())
            size = float(old[name].norm())
            rows.append((name, delta, delta / size if size > 0 else 0.0))
    rows.sort(key=lambda r: -r[1])
    return Step(before=before, after=after, lr=lr, names=tuple(r[0] for r in rows),
                change=np.array([r[1] for r in rows]), relative=np.array([r[2] for r in rows]),
                translation_before=translation_before, translation_after=translation_after)


__all__ = ["Costs", "DEFAULT_LR", "LABEL_SMOOTHING", "Step", "one_step", "token_costs"]
