"""Beam search (§6.1) as plain numpy and token lists, for the translation page.

Besides ``explainer/trace.py``, the only module of ``explainer`` that touches torch: it runs
``models.beam.beam_search`` and hands back arrays, so analysis and figures stay torch-free.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from explainer.contract import ContractError
from explainer.trace import MODEL_LOCK
from models.adapters.ours import OursAdapter
from models.beam import beam_search
from models.tokenizer import detect_target

__all__ = ["BeamTrace", "beam_trace"]


@dataclass(frozen=True)
class BeamTrace:
    """Every candidate beam search kept, step by step, and the hypotheses it ended with.

    Attributes:
        tokens: [step][node] the token each kept node adds.
        parents: [step, width] int, index of the node extended in the previous step
            (−1: the start token at step 0, or an empty slot).
        log_probs: [step, width] float, log-probability of the node's whole prefix (NaN: empty).
        finished: [step, width] bool, True where the node is ``<eos>`` (a complete sentence).
        hyp_tokens: per hypothesis, best first: its tokens (``<eos>`` last when finished).
        hyp_steps, hyp_nodes: [hypothesis] int, where each hypothesis ends in the arrays above.
        hyp_log_probs, hyp_scores: [hypothesis] float, log P(Y) and log P(Y) / lp(Y).
        hyp_finished: [hypothesis] bool, False for beams cut off at the step limit.
        translations: per hypothesis, its text.
        beam_size, alpha: the search's settings.
        src_tokens: the encoder's input tokens.
        start_token: the decoder's first input (``<2en>`` / ``<2zh>``).
    """

    tokens: list[list[str]]
    parents: np.ndarray
    log_probs: np.ndarray
    finished: np.ndarray
    hyp_tokens: list[list[str]]
    hyp_steps: np.ndarray
    hyp_nodes: np.ndarray
    hyp_log_probs: np.ndarray
    hyp_scores: np.ndarray
    hyp_finished: np.ndarray
    translations: list[str]
    beam_size: int
    alpha: float
    src_tokens: list[str]
    start_token: str


def beam_trace(
    adapter,
    sentence: str,
    target: str | None = None,
    *,
    beam_size: int = 4,
    alpha: float = 0.6,
    max_new: int | None = None,
) -> BeamTrace:
    """Translate ``sentence`` with beam search and return every step's kept candidates.

    Beam search is written for our own Transformer (``models/beam.py``); other models say so.

    Raises:
        InputError: empty text or an unknown target (as ``trace`` does).
        ContractError: the adapter is not our own encoder–decoder.
    """
    if not isinstance(adapter, OursAdapter):
        raise ContractError("beam search is shown for our own translation model only")
    model, tokenizer = adapter.model, adapter.tokenizer
    target = target or detect_target(sentence if isinstance(sentence, str) else "")
    start_id = tokenizer.start_id(target)
    enc = tokenizer.encode(sentence, model.cfg.max_len)
    if model.training:
        model.eval()
    # No hooks are registered here, but a trace running at the same moment would capture this
    # search's forward passes into its own arrays: take turns on the shared model.
    with MODEL_LOCK:
        result = beam_search(model, list(enc.ids), start_id, tokenizer.eos_id,
                             beam_size=beam_size, alpha=alpha, max_new=max_new)
    n_steps = len(result.steps)
    width = max((len(nodes) for nodes in result.steps), default=0)
    parents = np.full((n_steps, width), -1, dtype=int)
    log_probs = np.full((n_steps, width), np.nan)
    finished = np.zeros((n_steps, width), dtype=bool)
    tokens = []
    for step, nodes in enumerate(result.steps):
        tokens.append(tokenizer.ids_to_tokens([node.token_id for node in nodes]))
        for i, node in enumerate(nodes):
            parents[step, i] = node.parent
            log_probs[step, i] = node.log_prob
            finished[step, i] = node.finished
    hyps = result.hypotheses
    out = BeamTrace(
        tokens=tokens,
        parents=parents,
        log_probs=log_probs,
        finished=finished,
        hyp_tokens=[tokenizer.ids_to_tokens(h.ids) for h in hyps],
        hyp_steps=np.array([h.step for h in hyps], dtype=int),
        hyp_nodes=np.array([h.node for h in hyps], dtype=int),
        hyp_log_probs=np.array([h.log_prob for h in hyps], dtype=float),
        hyp_scores=np.array([h.score for h in hyps], dtype=float),
        hyp_finished=np.array([h.finished for h in hyps], dtype=bool),
        translations=[tokenizer.decode(h.ids) for h in hyps],
        beam_size=int(beam_size),
        alpha=float(alpha),
        src_tokens=list(enc.tokens),
        start_token=tokenizer.vocab[start_id],
    )
    for array in (out.parents, out.log_probs, out.finished, out.hyp_steps, out.hyp_nodes,
                  out.hyp_log_probs, out.hyp_scores, out.hyp_finished):
        array.flags.writeable = False  # cached and shared between users
    return out
