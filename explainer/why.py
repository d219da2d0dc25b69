"""Why this word? Scoring a translation, attribution, the logit lens, head ablation.

Everything here runs the model itself (torch), through the teacher-forced runs every writing
adapter offers (``models/adapters/forcing.py``), and hands back numpy. Each public function
holds ``MODEL_LOCK`` while it runs (its hooks live on the shared model), changes no weight and
leaves no ``.grad`` on any parameter: gradients are taken on the source embeddings only.

Works for every model that writes: ours (trained or not), Marian/BART (encoder–decoders) and
GPT-2 (decoder-only: "source" means the prompt). An encoder-only model writes no text and is
refused with a ``ValueError``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import torch

from explainer.analysis.rollout import decoder_rollout
from explainer.contract import Capabilities, Trace
from explainer.trace import MODEL_LOCK, from_capture
from models.adapters.forcing import Forced, HeadPatch, patch_heads

HeadRef = tuple[str, int, int]  # (stage, layer, head); stage "enc" | "dec" | "cross"

METHODS = ("ig", "grad-x-input", "rollout")
MODES = ("zero", "mean")
# Attribution runs steps × target tokens passes over the source: it reads at most this many
# source tokens (the benchmark's long case), so a pasted page answers in seconds.
MAX_ATTRIBUTION_SRC = 64
# Interpolation points per forward pass (rows of one batch) in integrated gradients and in
# head importance: bounds the memory of one pass whatever the sentence's length.
ROWS_PER_PASS = 256
# Integrated gradients' completeness: each row should add up to f(x) − f(baseline), and the gap
# |Σ − (f(x) − f(baseline))| / |f(x) − f(baseline)| measures how far the path integral is from
# it. The path crosses ReLU kinks, so the integrand is only piecewise smooth and a token the
# source barely moves (the model writes "的" after "聪明" or <eos> after the last word whatever
# the source says: f(x) − f(baseline) of a few thousandths of a nat) needs far more points than
# the rest before its small error is small *relative to* that small difference. Rather than
# measure such tokens against a floor, they are integrated again: a token above TOLERANCE is
# re-run with REFINE × the points, up to MAX_STEPS, and the gap reported is the issue's own.
TOLERANCE = 0.05
REFINE = 4
MAX_STEPS = 512
# Refinement's extra interpolation points, all rounds together (8 passes of ROWS_PER_PASS): a
# long paste with many such tokens still answers in seconds; the rows with the largest gaps
# go first, and whatever stays above TOLERANCE shows in the reported gap.
REFINE_BUDGET = 8 * 256
# A difference below this many nats is under what float32 log-probabilities resolve (their
# rounding is about 1e-6 nats); only there is the error measured against this instead.
NOISE_NATS = 1e-4


# -- heads --------------------------------------------------------------------------------------
def parse_heads(text: str) -> list[HeadRef]:
    """Heads written as ``block.layer.head`` or ``dec.layer.cross.head``, comma-separated.

    >>> parse_heads("enc.0.1,dec.2.cross.3,dec.1.2")
    [('enc', 0, 1), ('cross', 2, 3), ('dec', 1, 2)]

    Raises:
        ValueError: a part that is no head in that format (the message names it).
    """
    if not isinstance(text, str):
        raise ValueError("heads must be text such as 'enc.0.1,dec.2.cross.3'")
    heads: list[HeadRef] = []
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        parts = item.split(".")
        numbers = [p for p in parts if p.isdigit()]
        if len(parts) == 3 and parts[0] in ("enc", "dec") and len(numbers) == 2 and \
                parts[1].isdigit() and parts[2].isdigit():
            heads.append((parts[0], int(parts[1]), int(parts[2])))
        elif len(parts) == 4 and parts[0] == "dec" and parts[2] == "cross" and \
                parts[1].isdigit() and parts[3].isdigit():
            heads.append(("cross", int(parts[1]), int(parts[3])))
        else:
            raise ValueError(f"{item!r} is not a head: write block.layer.head or "
                             "dec.layer.cross.head, e.g. enc.0.1 or dec.2.cross.3")
    return heads


def format_head(head: HeadRef) -> str:
    """The written form of a head: ("cross", 2, 3) -> "dec.2.cross.3"."""
    stage, layer, number = head
    return f"dec.{layer}.cross.{number}" if stage == "cross" else f"{stage}.{layer}.{number}"


def check_heads(adapter, heads) -> list[HeadRef]:
    """The heads, each checked against the model (stage it has, layer and head in range);
    duplicates dropped, order kept.

    Raises:
        ValueError: a head the model does not have (the message says what it has).
    """
    caps = Capabilities.from_dict(adapter.caps)
    checked: list[HeadRef] = []
    for head in heads:
        try:
            stage, layer, number = head
            layer, number = int(layer), int(number)
        except (TypeError, ValueError):
            raise ValueError(f"{head!r} is not a head (stage, layer, head)") from None
        if stage not in caps.stages:
            raise ValueError(f"{caps.display_name} has no {stage} attention (it has "
                             f"{', '.join(caps.stages)})")
        n_layers = caps.n_layers_of(stage)
        if not 0 <= layer < n_layers:
            raise ValueError(f"{format_head((stage, layer, number))}: layer {layer} is out of "
                             f"range ({caps.display_name} has layers 0 to {n_layers - 1})")
        if not 0 <= number < caps.n_heads:
            raise ValueError(f"{format_head((stage, layer, number))}: head {number} is out of "
                             f"range ({caps.display_name} has heads 0 to {caps.n_heads - 1})")
        if (stage, layer, number) not in checked:
            checked.append((stage, layer, number))
    return checked


def all_heads(adapter) -> list[HeadRef]:
    """Every head of the model, stage by stage, layer by layer."""
    caps = Capabilities.from_dict(adapter.caps)
    return [(stage, layer, head) for stage in caps.stages
            for layer in range(caps.n_layers_of(stage)) for head in range(caps.n_heads)]


# -- shared helpers -----------------------------------------------------------------------------
def _writer(adapter) -> Capabilities:
    caps = Capabilities.from_dict(adapter.caps)
    if not caps.generates:
        raise ValueError(f"{caps.display_name} is {caps.architecture}: it writes no text, so "
                         "there is no written word to explain")
    if not hasattr(adapter, "forced"):
        raise ValueError(f"{caps.display_name} cannot be re-run teacher-forced yet (its adapter "
                         "has no forced runs), so these tools do not apply to it")
    return caps


def _trace_of(adapter, forced: Forced) -> Trace:
    """The trace of ``forced`` read teacher-forced (call with MODEL_LOCK held)."""
    return from_capture(adapter, adapter.capture(forced.sentence, forced.target or None,
                                                 forced_ids=forced.out_ids))


def _logprobs(adapter, forced: Forced, src_embeds=None) -> torch.Tensor:
    """[b, T, vocab] natural-log probabilities of each step's next token."""
    return torch.log_softmax(adapter.forced_logits(forced, src_embeds).float(), dim=-1)


def _picked(logprobs: torch.Tensor, ids: list[int]) -> torch.Tensor:
    """[b, T]: log p of ``ids[t]`` at step t."""
    index = torch.tensor(ids, device=logprobs.device)
    return logprobs.gather(-1, index.expand(logprobs.shape[0], -1)[..., None])[..., 0]


def _device(adapter) -> torch.device:
    return next(adapter.model.parameters()).device


# -- 1. scoring ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Scored:
    """A translation scored by the model, teacher-forced.

    Attributes:
        src_tokens, tgt_tokens: the source; the scored target tokens, end token included.
        logprobs: [T] natural log p of each target token given the ones before it.
        ranks: [T] 1 = the model's own top choice at that step.
        top_tokens, top_probs: [T][k], [T, k] the model's own top-k at each step.
        total, mean: sum and per-token mean of ``logprobs``.
        unknown: words read as unknown in the source or the translation.
        truncated, n_typed: the source was cut to the model's maximum length; its tokens
            before the cut.
    """

    src_tokens: list[str]
    tgt_tokens: list[str]
    logprobs: np.ndarray
    ranks: np.ndarray
    top_tokens: list[list[str]]
    top_probs: np.ndarray
    total: float
    mean: float
    unknown: list[str]
    truncated: bool = False
    n_typed: int = 0


def score(adapter, sentence: str, translation: str, *, to: str | None = None,
          top_k: int = 5) -> Scored:
    """Score ``translation`` of ``sentence``: the model's log-probability of each of its tokens.

    Raises:
        InputError: an empty sentence or translation.
        ValueError: a model that writes no text; ``top_k`` below 1.
    """
    _writer(adapter)
    if top_k < 1:
        raise ValueError("top_k must be at least 1")
    with MODEL_LOCK:
        forced = adapter.forced(sentence, translation, to=to)
        with torch.no_grad():
            lp = _logprobs(adapter, forced)[0]  # [T, vocab]
        picked = _picked(lp[None], forced.out_ids)[0]  # [T]
        ranks = (lp > picked[:, None]).sum(-1) + 1
        top = torch.topk(lp, min(top_k, lp.shape[-1]), dim=-1)
        top_tokens = [adapter.id_tokens(row) for row in top.indices.tolist()]
    logprobs = picked.cpu().numpy().astype(np.float64)
    return Scored(
        src_tokens=list(forced.src_tokens), tgt_tokens=list(forced.out_tokens),
        logprobs=logprobs, ranks=ranks.cpu().numpy(), top_tokens=top_tokens,
        top_probs=top.values.exp().cpu().numpy(), total=float(logprobs.sum()),
        mean=float(logprobs.mean()), unknown=list(forced.unknown), truncated=forced.truncated,
        n_typed=forced.n_typed,
    )


# -- 2. attribution -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Attribution:
    """Each target token's attribution to the source tokens.

    Attributes:
        method: "ig" | "grad-x-input" | "rollout".
        src_tokens, tgt_tokens: the source (the prompt for GPT-2); the explained target tokens
            (end token included).
        values: [T, S]; gradients: summed over the embedding's features, in units of log p
            (ig rows add up to log p(x) − log p(baseline)); rollout: rows sum to 1.
        completeness_gap: ig only: max over target tokens of
            |Σ attributions − (f(x) − f(baseline))| / |f(x) − f(baseline)|, f = log p (see
            TOLERANCE; the denominator is at least NOISE_NATS).
        gaps: [T] the per-token gap (ig only).
        deltas: [T] f(x) − f(baseline), what each ig row should add up to (ig only).
        steps: integration points asked for (ig); rows above TOLERANCE get more.
        token_steps: [T] integration points each ig row used (ig only).
        truncated: the source was cut to MAX_ATTRIBUTION_SRC tokens (gradient methods).
    """

    method: str
    src_tokens: list[str]
    tgt_tokens: list[str]
    values: np.ndarray
    completeness_gap: float | None
    gaps: np.ndarray | None
    steps: int = 0
    truncated: bool = False
    deltas: np.ndarray | None = None
    token_steps: np.ndarray | None = None


def _gaps(values: torch.Tensor, diff: torch.Tensor) -> np.ndarray:
    """Per output: |Σ attributions − diff| / max(|diff|, NOISE_NATS)."""
    return ((values.sum(-1) - diff).abs() / diff.abs().clamp_min(NOISE_NATS)).cpu().numpy()


def _ig(adapter, forced: Forced, fn, rows: list[int], steps: int):
    """Integrated gradients of ``fn(embeds) -> [b, n_out]`` (one output per example) on the
    source embeddings, from a zero baseline, for the outputs ``rows``. Returns attributions
    [len(rows), S] and the per-output values f(x) − f(baseline) [len(rows)]."""
    from captum.attr import IntegratedGradients

    n = len(rows)
    x = adapter.source_embeddings(forced)  # [1, S, d]
    inputs = x.expand(n, -1, -1).contiguous()
    baseline = torch.zeros_like(inputs)
    per_pass = max(n, (ROWS_PER_PASS // n) * n)
    attr = IntegratedGradients(fn).attribute(
        inputs, baselines=baseline, target=list(rows), n_steps=steps,
        method="gausslegendre", internal_batch_size=per_pass)
    with torch.no_grad():
        both = fn(torch.cat([x, torch.zeros_like(x)]))[:, list(rows)]  # [2, n]
    return attr.sum(-1).detach(), (both[0] - both[1]).detach()


def _complete_ig(adapter, forced: Forced, fn, n_out: int, steps: int):
    """Integrated gradients for every output, each integrated with enough points: outputs whose
    completeness gap is above TOLERANCE at ``steps`` points are run again with REFINE × the
    points (only those rows, the largest gaps first), up to MAX_STEPS and within
    REFINE_BUDGET. Returns attributions [n_out, S], deltas [n_out], gaps [n_out] and the
    points each row used [n_out]."""
    values, diff = _ig(adapter, forced, fn, list(range(n_out)), steps)
    gaps = _gaps(values, diff)
    used = np.full(n_out, steps)
    budget = REFINE_BUDGET
    while steps < MAX_STEPS:
        steps = min(steps * REFINE, MAX_STEPS)
        worst = [int(i) for i in np.argsort(-gaps) if gaps[i] > TOLERANCE]
        rows = worst[:budget // steps]
        if not rows:
            break
        budget -= len(rows) * steps
        again, _ = _ig(adapter, forced, fn, rows, steps)
        values[rows] = again
        gaps[rows] = _gaps(again, diff[rows])
        used[rows] = steps
    return values, diff, gaps, used


def attribute(adapter, sentence: str, target: str | None = None, *, method: str = "ig",
              steps: int = 32, to: str | None = None) -> Attribution:
    """Attribute each target token's log-probability to the source tokens.

    Gradients ("ig", "grad-x-input", with Captum) are taken with respect to the source's token
    embeddings as the model scales them, *before* positions are added (ours: E[id]·√d_model,
    what ``enc.hook_embed`` holds; GPT-2: the prompt's ``wte`` rows): a token's attribution is
    then about the word, with its position kept. The integrated-gradients baseline is the zero
    vector: every source position keeps its positional encoding and its place in the padding
    mask but carries no word, whereas a ``<pad>`` embedding is a learned (or, in ours, never
    trained) vector with a meaning of its own. The path integral uses Gauss–Legendre points
    (Captum's "gausslegendre"), exact for polynomials of degree 2·steps − 1, so 32 points bring
    the completeness gap under 5 % for most tokens where a Riemann sum would need far more;
    tokens still above TOLERANCE are integrated again with more points (``_complete_ig``).
    Attributions are summed over the embedding's features; ig values add up (to within
    ``completeness_gap``) to log p(token | sentence) − log p(token | baseline).

    "rollout" is attention rollout (``explainer.analysis.rollout.decoder_rollout``), rows
    summing to 1.

    Args:
        target: the translation to explain; None: the model's own greedy translation.
        method: "ig", "grad-x-input" or "rollout".
        steps: integration points for "ig" (2 to 512) before refinement.

    Raises:
        ValueError: an unknown method, bad ``steps``, a model that writes no text.
        InputError: an empty sentence or target.
    """
    _writer(adapter)
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}: use one of {', '.join(METHODS)}")
    if method == "ig" and not (isinstance(steps, int) and 2 <= steps <= 512):
        raise ValueError("steps must be a whole number from 2 to 512")
    with MODEL_LOCK:
        if method == "rollout":
            forced = adapter.forced(sentence, target, to=to)
            tr = _trace_of(adapter, forced)
            return Attribution("rollout", list(forced.src_tokens), list(forced.out_tokens),
                               decoder_rollout(tr), None, None, 0, forced.truncated)
        forced = adapter.forced(sentence, target, to=to, max_src=MAX_ATTRIBUTION_SRC)
        n_out = len(forced.out_ids)

        def fn(embeds):  # [b, S, d] -> [b, T]: log p of each target token
            return _picked(_logprobs(adapter, forced, embeds), forced.out_ids)

        if method == "ig":
            values, diff, gaps, used = _complete_ig(adapter, forced, fn, n_out, steps)
            gap, deltas = float(gaps.max()), diff.cpu().numpy().astype(np.float64)
        else:
            from captum.attr import InputXGradient

            x = adapter.source_embeddings(forced).expand(n_out, -1, -1).contiguous()
            x.requires_grad_()  # Captum would set it (and warn); x is our own copy
            values = InputXGradient(fn).attribute(x, target=list(range(n_out))).sum(-1)
            gaps, gap, deltas, used = None, None, None, None
    return Attribution(method, list(forced.src_tokens), list(forced.out_tokens),
                       values.detach().cpu().numpy().astype(np.float64), gap, gaps,
                       steps if method == "ig" else 0, forced.truncated, deltas, used)


@dataclass(frozen=True)
class Contrast:
    """Why A rather than B at one step.

    Attributes:
        step: the position of the choice among the written tokens (0 = first).
        token_a, token_b, logprob_a, logprob_b: the two tokens and their log p at that step.
        gap: logprob_a − logprob_b.
        src_tokens: the source.
        attribution: [S] integrated-gradients attribution of log p_a − log p_b to each source
            token (positive: pushes towards A).
        completeness_gap: as in ``Attribution``, for the difference.
    """

    step: int
    token_a: str
    token_b: str
    logprob_a: float
    logprob_b: float
    gap: float
    src_tokens: list[str]
    attribution: np.ndarray
    completeness_gap: float = 0.0


def contrast(adapter, sentence: str, prefix: str, token_a: str, token_b: str, *,
             to: str | None = None, steps: int = 32) -> Contrast:
    """After ``prefix`` (target text already written, may be ""), why ``token_a`` rather than
    ``token_b``: their log-probability gap and its integrated-gradients attribution to the
    source tokens (same embeddings and baseline as ``attribute``).

    Raises:
        ValueError: a token that is not in the model's vocabulary; a model that writes no text.
    """
    _writer(adapter)
    with MODEL_LOCK:
        forced = adapter.forced(sentence, prefix, to=to, end=False,
                                max_src=MAX_ATTRIBUTION_SRC)
        ids = []
        for token in (token_a, token_b):
            found = adapter.token_id(token) if isinstance(token, str) else None
            if found is None:
                raise ValueError(f"{token!r} is not in {adapter.name}'s vocabulary")
            ids.append(found)
        step = len(forced.out_ids)
        forced = dataclasses.replace(forced, out_ids=forced.out_ids + [ids[0]],
                                     out_tokens=list(forced.out_tokens) + [token_a])

        def fn(embeds):  # [b, S, d] -> [b, 1]: log p_a − log p_b at the step
            lp = _logprobs(adapter, forced, embeds)[:, step]
            return (lp[:, ids[0]] - lp[:, ids[1]])[:, None]

        with torch.no_grad():
            lp = _logprobs(adapter, forced)[0, step]
        values, _, gaps, _ = _complete_ig(adapter, forced, fn, 1, steps)
    a, b = float(lp[ids[0]]), float(lp[ids[1]])
    gap = float(gaps[0])
    return Contrast(step, token_a, token_b, a, b, a - b, list(forced.src_tokens),
                    values[0].cpu().numpy().astype(np.float64), gap)


# -- 3. logit lens ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Lens:
    """What each decoder layer would already predict.

    Attributes:
        layers: ["embedding", "layer 1", …, "layer N"].
        tgt_tokens: the decoder input at each explained position.
        next_tokens: the token the full model predicts there (its argmax).
        top_tokens, top_probs: [L][T][k], [L, T, k] each layer's top-k.
        next_prob: [L, T] the probability each layer gives ``next_tokens[t]``.
    """

    layers: list[str]
    tgt_tokens: list[str]
    next_tokens: list[str]
    top_tokens: list[list[list[str]]]
    top_probs: np.ndarray
    next_prob: np.ndarray


def logit_lens(adapter, sentence: str, target: str | None = None, *, to: str | None = None,
               top: int = 3) -> Lens:
    """The logit lens: each decoder layer's output (and the embedding) read through the
    model's own output layer (``adapter.unembed``: GPT-2's final LayerNorm and LM head; ours
    x·Eᵀ; Marian/BART the LM head and final logits bias), exactly as the last layer is, so the
    last row is the model's real prediction.

    Positions: every decoder position of an encoder–decoder; for GPT-2 those from the last
    prompt token on (each predicts a written token).

    Raises:
        ValueError: a model that writes no text; ``top`` below 1.
    """
    _writer(adapter)
    if top < 1:
        raise ValueError("top must be at least 1")
    with MODEL_LOCK:
        forced = adapter.forced(sentence, target, to=to)
        tr = _trace_of(adapter, forced)
        first = forced.first_row
        states = [tr.embed("dec", "input")] + [tr.resid("dec", layer, "post")
                                               for layer in range(tr.n_layers_of("dec"))]
        device = _device(adapter)
        with torch.no_grad():
            hidden = torch.tensor(np.stack(states)[:, first:], device=device)  # [L, T, d]
            probs = torch.softmax(adapter.unembed(hidden).float(), dim=-1)  # [L, T, vocab]
            final = torch.tensor(tr.logits()[first:], device=device).argmax(-1)  # [T]
            best = torch.topk(probs, min(top, probs.shape[-1]), dim=-1)
            next_prob = probs.gather(-1, final.expand(probs.shape[0], -1)[..., None])[..., 0]
        top_tokens = [[adapter.id_tokens(row) for row in layer]
                      for layer in best.indices.tolist()]
        next_tokens = adapter.id_tokens(final.tolist())
    n = len(states)
    return Lens(["embedding"] + [f"layer {i}" for i in range(1, n)],
                list(tr.tgt_tokens[first:]), next_tokens, top_tokens,
                best.values.cpu().numpy(), next_prob.cpu().numpy())


# -- 4. interventions ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Ablated:
    """The model with some heads switched off and/or source tokens dropped.

    Attributes:
        heads, mode, dropped: what was changed ("zero" or "mean"; source positions dropped).
        translation, tokens: what the changed model writes (greedy).
        base_translation, base_tokens: what the model writes unchanged.
        logprob_before, logprob_after: [T] log p of the unchanged translation's tokens,
            without and with the change.
        trace: the changed run's Trace (of the sentence as read, source tokens dropped).
    """

    heads: tuple[HeadRef, ...]
    mode: str
    dropped: tuple[int, ...]
    translation: str
    tokens: list[str]
    base_translation: str
    base_tokens: list[str]
    logprob_before: np.ndarray
    logprob_after: np.ndarray
    trace: object


def _patches(adapter, heads, mode: str, keep_rows: int, clean: Trace | None,
             rows_of: dict | None = None) -> dict:
    """HeadPatch per (stage, layer). ``rows_of`` maps a head to the batch row it is off in
    (None: off in every row)."""
    caps = Capabilities.from_dict(adapter.caps)
    h, d_head = caps.n_heads, caps.d_head
    device = _device(adapter)
    patches: dict = {}
    for head in heads:
        stage, layer, number = head
        key = (stage, layer)
        if key not in patches:
            if mode == "mean":
                z = clean.attn(stage, layer, "z")  # [head, pos, d_head]
                fill = torch.tensor(z.mean(axis=1), device=device)
            else:
                fill = torch.zeros(h, d_head, device=device)
            patches[key] = HeadPatch(torch.ones(keep_rows, h, device=device), fill)
        rows = slice(None) if rows_of is None else rows_of[head]
        patches[key].keep[rows, number] = 0.0
    return patches


def _check_mode(mode: str) -> None:
    if mode not in MODES:
        raise ValueError(f"unknown ablation mode {mode!r}: use 'zero' or 'mean'")


def ablate(adapter, sentence: str, heads=(), *, mode: str = "zero", drop_src=(),
           to: str | None = None) -> Ablated:
    """Switch heads off and/or drop source tokens, and re-run.

    "zero" sets a head's output z (before W_O) to 0 at every position; "mean" replaces it by
    its mean over the positions of the sentence as read (from an unchanged run). Dropped source
    tokens (indices into the source tokens) are removed from the text, which is read again.

    Raises:
        ValueError: a head the model lacks, an unknown mode, a source index out of range, a
            model that writes no text.
        InputError: an empty sentence, or nothing left after dropping.
    """
    _writer(adapter)
    _check_mode(mode)
    heads = tuple(check_heads(adapter, heads))
    with MODEL_LOCK:
        base = adapter.forced(sentence, to=to)
        dropped = tuple(sorted({int(p) for p in drop_src}))
        for pos in dropped:
            if not 0 <= pos < len(base.src_ids):
                raise ValueError(f"source position {pos} is out of range (the sentence has "
                                 f"{len(base.src_ids)} tokens, 0 to {len(base.src_ids) - 1})")
        read = adapter.drop_source(sentence, dropped) if dropped else sentence
        base_trace = _trace_of(adapter, base)
        clean = base_trace
        if mode == "mean" and dropped and heads:
            clean = _trace_of(adapter, adapter.forced(read, to=to))
        patches = _patches(adapter, heads, mode, 1, clean)
        with torch.no_grad():
            before = _picked(_logprobs(adapter, base), base.out_ids)[0]
        with patch_heads(adapter, patches):
            changed = adapter.forced(read, to=to)
            changed_trace = _trace_of(adapter, changed)
            again = dataclasses.replace(changed, out_ids=base.out_ids,
                                        out_tokens=base.out_tokens)
            with torch.no_grad():
                after = _picked(_logprobs(adapter, again), base.out_ids)[0]
    return Ablated(heads, mode, dropped, changed_trace.translation,
                   list(changed_trace.output_tokens), base_trace.translation,
                   list(base_trace.output_tokens), before.cpu().numpy().astype(np.float64),
                   after.cpu().numpy().astype(np.float64), changed_trace)


@dataclass(frozen=True)
class Importance:
    """Each head's importance for one translation.

    Attributes:
        stages: the attention stages the model has ("enc", "dec", "cross").
        drop: stage -> [n_layers, n_heads]: log p(translation) with every head on minus with
            that head alone switched off. Bigger = more important (the translation becomes
            less likely without it); negative: the translation is likelier without the head.
        top: (head, drop), most important first.
        base_logprob: log p(translation) with every head on.
        tokens: the translation's tokens (the model's greedy output, end token included).
    """

    stages: list[str]
    drop: dict[str, np.ndarray]
    top: list[tuple[HeadRef, float]]
    base_logprob: float
    tokens: list[str] = dataclasses.field(default_factory=list)


def head_importance(adapter, sentence: str, *, to: str | None = None,
                    mode: str = "zero") -> Importance:
    """For the model's own translation of ``sentence``: how much its log-probability drops
    when each head alone is switched off. One teacher-forced batch, a row per head (chunked
    to ``ROWS_PER_PASS`` rows), not one generation per head.

    Raises:
        ValueError: an unknown mode, a model that writes no text.
    """
    caps = _writer(adapter)
    _check_mode(mode)
    heads = all_heads(adapter)
    with MODEL_LOCK:
        forced = adapter.forced(sentence, to=to)
        clean = _trace_of(adapter, forced) if mode == "mean" else None
        x = adapter.source_embeddings(forced)
        with torch.no_grad():
            base = float(_picked(_logprobs(adapter, forced), forced.out_ids).sum())
            totals = []
            for start in range(0, len(heads), ROWS_PER_PASS):
                chunk = heads[start:start + ROWS_PER_PASS]
                rows_of = {head: i for i, head in enumerate(chunk)}
                patches = _patches(adapter, chunk, mode, len(chunk), clean, rows_of)
                with patch_heads(adapter, patches):
                    lp = _logprobs(adapter, forced, x.expand(len(chunk), -1, -1))
                totals.append(_picked(lp, forced.out_ids).sum(-1))
            ablated = torch.cat(totals).cpu().numpy().astype(np.float64)
    drops = base - ablated
    grid = {stage: np.zeros((caps.n_layers_of(stage), caps.n_heads)) for stage in caps.stages}
    for (stage, layer, number), value in zip(heads, drops):
        grid[stage][layer, number] = value
    order = np.argsort(-drops, kind="stable")
    return Importance(list(caps.stages), grid, [(heads[i], float(drops[i])) for i in order],
                      base, list(forced.out_tokens))
