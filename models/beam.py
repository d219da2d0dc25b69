"""Beam search (§6.1): keep the ``beam_size`` most likely partial translations at every step.

The paper decodes with "beam search with a beam size of 4 and length penalty α = 0.6" (§6.1,
following Wu et al. 2016). Greedy decoding is beam search with one beam; a wider beam can find
a sentence whose *whole* probability is higher even when its first word was not the top pick.

Each step reads every kept beam's newest token with ``Decoder.step``, as greedy decoding does;
the decoder's cache (keys and values of earlier positions) follows the beams: a kept beam takes
the cache rows of the beam it extends.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch

from models.transformer import Transformer, default_max_new


@dataclass(frozen=True)
class BeamNode:
    """One candidate kept at one step.

    Attributes:
        parent: index of the node it extends in the previous step's list (−1: the start token).
        token_id: the token it adds.
        log_prob: log-probability of the whole prefix so far (sum over its tokens).
        finished: True when ``token_id`` is ``<eos>``: a complete hypothesis, never extended.
    """

    parent: int
    token_id: int
    log_prob: float
    finished: bool


@dataclass(frozen=True)
class Hypothesis:
    """A complete (or cut-off) translation: its ids (``<eos>`` last when finished), the step
    and node index where it ends, its summed log-probability and length-penalised score."""

    ids: list[int]
    step: int
    node: int
    log_prob: float
    score: float
    finished: bool


@dataclass
class BeamResult:
    steps: list[list[BeamNode]] = field(default_factory=list)  # the nodes kept per step
    hypotheses: list[Hypothesis] = field(default_factory=list)  # best score first


def length_penalty(length: int, alpha: float) -> float:
    """Wu et al. (2016), used in §6.1: lp(Y) = ((5 + |Y|) / 6)^α; score = log P(Y) / lp(Y).

    Without it, every extra token lowers log P, so beam search would favour short outputs.
    """
    return ((5.0 + length) / 6.0) ** alpha


@torch.inference_mode()
def beam_search(
    model: Transformer,
    src_ids: list[int],
    start_id: int,
    eos_id: int,
    beam_size: int = 4,
    alpha: float = 0.6,
    max_new: int | None = None,
) -> BeamResult:
    """Translate one sentence with beam search.

    Args:
        src_ids: source ids (no batch dimension).
        start_id: the decoder's start token (``<2en>`` / ``<2zh>``).
        beam_size: partial translations kept per step (paper: 4); 1 is greedy decoding.
        alpha: length-penalty exponent (paper: 0.6); 0 ranks by plain log-probability.
        max_new: most tokens to write; default as in ``generate``.

    Returns:
        The nodes kept at every step and the hypotheses, best (highest score) first. The search
        stops once ``beam_size`` hypotheses have ended with ``<eos>`` or after ``max_new``
        steps, when the unfinished beams become (cut-off) hypotheses too.
    """
    if beam_size < 1:
        raise ValueError("beam_size must be at least 1")
    cfg = model.cfg
    src = torch.tensor([src_ids], dtype=torch.long, device=model.device)
    cache = model.dec.start_cache(model.encode(src), model.src_keep(src))  # batch of 1 beam
    n_src = sum(1 for i in src_ids if i != cfg.pad_id)
    max_new = min(max_new or default_max_new(n_src, cfg.max_len), cfg.max_len)
    result = BeamResult()
    # Alive beams: (prefix ids including the start token, log-prob, node index at last step).
    alive: list[tuple[list[int], float, int]] = [([start_id], 0.0, -1)]
    finished: list[Hypothesis] = []
    for step in range(max_new):
        newest = torch.tensor([ids[-1] for ids, _, _ in alive], dtype=torch.long,
                              device=model.device)  # [beam]
        logits = model.dec.step(newest, cache)  # [beam, vocab]; cache row i is beam i
        log_probs = torch.log_softmax(logits.double(), dim=-1)  # [beam, vocab]
        total = log_probs + torch.tensor([lp for _, lp, _ in alive], dtype=torch.double,
                                         device=log_probs.device)[:, None]
        # 2 × beam candidates: even if up to beam of them end here, beam others stay alive.
        n_cand = min(2 * beam_size, total.numel())
        values, flat = torch.topk(total.view(-1), n_cand)
        vocab = total.shape[1]
        nodes: list[BeamNode] = []
        next_alive: list[tuple[list[int], float, int]] = []
        parents: list[int] = []  # the beam (cache row) each of next_alive extends
        for value, index in zip(values.tolist(), flat.tolist()):
            beam, token = divmod(index, vocab)
            prefix, _, node_index = alive[beam]
            is_eos = token == eos_id
            nodes.append(BeamNode(node_index, token, value, is_eos))
            if is_eos:
                ids = prefix[1:] + [token]
                finished.append(Hypothesis(ids, step, len(nodes) - 1, value,
                                           value / length_penalty(len(ids), alpha), True))
            else:
                next_alive.append((prefix + [token], value, len(nodes) - 1))
                parents.append(beam)
            if len(next_alive) == beam_size:
                break
        result.steps.append(nodes)
        alive = next_alive
        if len(finished) >= beam_size or not alive:
            break
        cache.reorder(torch.tensor(parents, dtype=torch.long, device=model.device))
    if len(finished) < beam_size:
        # Ran out of steps: what is still alive counts, marked unfinished.
        last = len(result.steps) - 1
        for prefix, value, node_index in alive:
            ids = prefix[1:]
            finished.append(Hypothesis(ids, last, node_index, value,
                                       value / length_penalty(len(ids), alpha), False))
    result.hypotheses = sorted(finished, key=lambda h: h.score, reverse=True)
    return result
