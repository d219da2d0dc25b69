"""Writing step by step: what the decoder saw, what it could have written, what it wrote.

Works for every model that writes (our translator, Marian, GPT-2). Decoder position ``p`` of
every decoder array read ``tgt_tokens[:p + 1]`` (the causal mask hides the rest, §3.2.3). A
translator's step ``i`` is position ``i`` (its start token first); a decoder-only model first
reads its prompt, so its step ``i`` is position ``n_prompt − 1 + i``: the last prompt token's row
predicts the first written token. Step ``i`` wrote ``output_tokens[i]``, so the teacher-forced
trace replays the token-by-token decoding exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


def softmax(logits: np.ndarray, axis: int = -1) -> np.ndarray:
    """Numerically stable softmax in float64: exp(x − max) / Σ exp(x − max).

    −inf entries (filtered tokens) get probability exactly 0.
    """
    x = np.asarray(logits, dtype=np.float64)
    x = x - np.max(x, axis=axis, keepdims=True)
    e = np.exp(x)
    return e / e.sum(axis=axis, keepdims=True)


def sampling_distribution(logits: np.ndarray, temperature: float = 0.0,
                          top_k: int = 0) -> np.ndarray:
    """The distribution the decoder picks its next token from, as the models do.

    Greedy (``temperature`` 0) puts all mass on the argmax. Otherwise logits are divided by the
    temperature (below 1 sharpens, above 1 flattens), only the ``top_k`` largest are kept
    (0 keeps all; ties with the k-th are kept), and softmax turns them into probabilities.

    Args:
        logits: [..., vocab].

    Returns:
        [..., vocab] probabilities, each row summing to 1.
    """
    logits = np.asarray(logits, dtype=np.float64)
    if temperature <= 0:
        out = np.zeros_like(logits)
        np.put_along_axis(out, logits.argmax(axis=-1)[..., None], 1.0, axis=-1)
        return out
    scaled = logits / float(temperature)
    if top_k > 0:
        k = min(int(top_k), scaled.shape[-1])
        kth = -np.sort(-scaled, axis=-1)[..., k - 1 : k]
        scaled = np.where(scaled < kth, -np.inf, scaled)
    return softmax(scaled)


def decoder_keep(trace) -> np.ndarray:
    """The decoder's self-attention mask as the model applied it: [tgt, tgt] bool, True = may
    attend. Lower-triangular (§3.2.3); the same for every layer and head."""
    return ~np.asarray(trace.mask("dec"))


def step_offset(trace) -> int:
    """Decoder position of step 0: 0 for a translator, the prompt's last position for a
    decoder-only model (its row predicts the first written token)."""
    return max(int(trace.n_prompt), 1) - 1


def n_steps(trace) -> int:
    """How many tokens the model wrote (one per step)."""
    return len(trace.output_tokens)


def probabilities(trace) -> np.ndarray:
    """softmax of the LM head's output: [tgt, vocab], the next-token distribution per position."""
    return softmax(trace.logits())


@dataclass(frozen=True)
class StepView:
    step: int
    position: int  # the decoder position that wrote this step's token
    prefix: list[str]  # the decoder's input so far (start token or prompt first)
    chosen: str  # the token written at this step
    chosen_id: int
    probs: np.ndarray  # [vocab] the model's distribution, softmax(logits)
    drawn: np.ndarray  # [vocab] the distribution the token was picked from
    visible: np.ndarray  # [tgt] bool: the positions this step may attend to
    total: float  # Σ probs over the whole vocabulary (1 up to rounding)
    rank: int  # 1 = the chosen token was the most likely one
    prob: float  # the chosen token's probability


def step_view(trace, step: int, temperature: float = 0.0, top_k: int = 0) -> StepView:
    """Everything the step-by-step page shows for one writing step (0-based)."""
    n = n_steps(trace)
    if not 0 <= int(step) < n:
        raise ValueError(f"step {step} out of range 0..{n - 1}")
    step = int(step)
    position = step_offset(trace) + step
    logits = trace.logits()[position]
    probs = softmax(logits)
    chosen_id = int(trace.output_ids[step])
    return StepView(
        step=step,
        position=position,
        prefix=list(trace.tgt_tokens[: position + 1]),
        chosen=trace.output_tokens[step],
        chosen_id=chosen_id,
        probs=probs,
        drawn=sampling_distribution(logits, temperature, top_k),
        visible=decoder_keep(trace)[position],
        total=float(probs.sum()),
        rank=int((probs > probs[chosen_id]).sum()) + 1,
        prob=float(probs[chosen_id]),
    )


def mass_split(probs: np.ndarray, shown_ids) -> tuple[float, float, int]:
    """(probability of the shown tokens, of all the others, how many others)."""
    probs = np.asarray(probs, dtype=np.float64)
    shown = np.zeros(probs.shape[0], dtype=bool)
    shown[np.asarray(list(shown_ids), dtype=int)] = True
    return float(probs[shown].sum()), float(probs[~shown].sum()), int((~shown).sum())


def top_tokens(probs: np.ndarray, vocab, k: int, chosen_id: int | None = None,
               drawn: np.ndarray | None = None) -> pd.DataFrame:
    """The ``k`` most likely next tokens, most likely first, plus the chosen one if it is not
    among them (sampling can pick an unlikely token).

    Columns: rank (1 = most likely), token, id, prob, drawn (when given), chosen.
    """
    probs = np.asarray(probs, dtype=np.float64)
    if probs.ndim != 1 or len(vocab) != probs.shape[0]:
        raise ValueError(f"probs {probs.shape} does not match a vocabulary of {len(vocab)}")
    order = np.argsort(-probs, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(1, len(order) + 1)
    ids = list(order[: max(1, int(k))])
    if chosen_id is not None and chosen_id not in ids:
        ids.append(int(chosen_id))
    rows = []
    for i in ids:
        row = {"rank": int(rank[i]), "token": str(vocab[i]), "id": int(i),
               "prob": float(probs[i])}
        if drawn is not None:
            row["drawn"] = float(drawn[i])
        row["chosen"] = chosen_id is not None and int(i) == int(chosen_id)
        rows.append(row)
    return pd.DataFrame(rows)


def steps_table(trace, labels: dict[str, str]) -> pd.DataFrame:
    """One row per step: decoder input so far, token written, its probability and rank.

    ``labels`` maps "step", "input", "output", "prob", "rank" to interface words.
    """
    probs = probabilities(trace)
    offset = step_offset(trace)
    rows = []
    for i, (tok, idx) in enumerate(zip(trace.output_tokens, trace.output_ids)):
        p = probs[offset + i]
        rows.append({
            labels["step"]: i + 1,
            labels["input"]: " ".join(trace.tgt_tokens[: offset + i + 1]),
            labels["output"]: tok,
            labels["prob"]: round(float(p[idx]), 4),
            labels["rank"]: int((p > p[idx]).sum()) + 1,
        })
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class WrittenView:
    """Where each written token looked: one row per step.

    For an encoder–decoder, its cross-attention (keys: the source tokens); for a decoder-only
    model, which has no source, its self-attention over the text so far.
    """

    stage: str  # "cross" or "dec"
    pattern: np.ndarray  # [step, key]
    masked: np.ndarray  # [step, key] bool: True where the mask forbade attention
    written: list[str]  # the token each row wrote
    key_tokens: list[str]


def written_attention(trace, layer: int, head: int | None) -> WrittenView:
    """Attention of the positions that wrote each token, one head or the mean over heads
    (``head`` None): cross-attention where the model has it, else decoder self-attention."""
    stage = "cross" if "cross" in trace.stages else "dec"
    patterns = trace.pattern(stage, layer)  # [head, query, key]
    if head is not None and not 0 <= int(head) < patterns.shape[0]:
        raise ValueError(f"head {head} out of range 0..{patterns.shape[0] - 1}")
    rows = slice(step_offset(trace), step_offset(trace) + n_steps(trace))
    pattern = patterns.mean(axis=0) if head is None else patterns[int(head)]
    _, keys = trace.stage_tokens(stage)
    return WrittenView(stage, np.asarray(pattern[rows], dtype=np.float64),
                       np.asarray(trace.mask(stage)[rows]), list(trace.output_tokens), list(keys))


def cross_attention(trace, layer: int, head: int | None) -> np.ndarray:
    """Encoder–decoder attention [step, src] of one head, or the mean over heads (None).

    Row ``i`` is the step that wrote ``output_tokens[i]``; columns are source tokens.
    """
    if "cross" not in trace.stages:
        raise ValueError("this model has no encoder–decoder attention")
    return written_attention(trace, layer, head).pattern


def most_attended(view: WrittenView, step: int) -> tuple[str, float, int]:
    """(key token, weight, key position) that one step's row gives the most weight to."""
    row = np.where(view.masked[step], -np.inf, view.pattern[step])
    j = int(np.argmax(row))
    return view.key_tokens[j], float(view.pattern[step, j]), j


def alignment_table(view: WrittenView, labels: dict[str, str]) -> pd.DataFrame:
    """For each written token, the key token its row attended to most in ``view``.

    ``labels`` maps "output", "source", "weight". A trained translator often lines words up
    (I → 我); an untrained one does not; the table says what this view shows.
    """
    rows = []
    for i, tok in enumerate(view.written):
        key, weight, _ = most_attended(view, i)
        rows.append({labels["output"]: tok, labels["source"]: key,
                     labels["weight"]: round(weight, 3)})
    return pd.DataFrame(rows)


def alignment_pairs(view: WrittenView, specials=(), limit: int = 12
                    ) -> tuple[list[tuple[str, str, float]], int]:
    """What ``view`` says each written word looked at most: (written, key, weight) for the
    first ``limit`` steps whose written token is not special (<eos> aligns with no word), and
    how many such steps there are in all. A caption built from this states what the chart on
    screen shows for this sentence (I → 我 for a trained translator's last layer), never a
    claim written for another sentence."""
    specials = set(specials)
    rows = [i for i, tok in enumerate(view.written) if tok not in specials]
    pairs = []
    for i in rows[: max(int(limit), 0)]:
        key, weight, _ = most_attended(view, i)
        pairs.append((view.written[i], key, weight))
    return pairs, len(rows)


def beam_path(beam, hypothesis: int = 0) -> list[tuple[int, int]]:
    """(step, node) pairs from the first step to the end of one hypothesis (0 = best)."""
    step, node = int(beam.hyp_steps[hypothesis]), int(beam.hyp_nodes[hypothesis])
    path = []
    while step >= 0 and node >= 0:
        path.append((step, node))
        node, step = int(beam.parents[step, node]), step - 1
    return path[::-1]


def hypotheses_table(beam, labels: dict[str, str]) -> pd.DataFrame:
    """Beam search's hypotheses, best first.

    ``labels`` maps "rank", "translation", "tokens", "log_prob", "score", "finished", "yes",
    "no".
    """
    rows = []
    for i, text in enumerate(beam.translations):
        rows.append({
            labels["rank"]: i + 1,
            labels["translation"]: text,
            labels["tokens"]: len(beam.hyp_tokens[i]),
            labels["log_prob"]: round(float(beam.hyp_log_probs[i]), 3),
            labels["score"]: round(float(beam.hyp_scores[i]), 3),
            labels["finished"]: labels["yes"] if beam.hyp_finished[i] else labels["no"],
        })
    return pd.DataFrame(rows)


def labelled_frame(matrix: np.ndarray, rows, cols) -> pd.DataFrame:
    """A matrix as a table for CSV download; labels carry their position so repeats stay apart.

    Args:
        matrix: [rows, cols]; ``cols`` may be None for numbered columns.
    """
    matrix = np.asarray(matrix)
    if matrix.dtype == bool:
        matrix = matrix.astype(int)  # masks as 0/1, as the page shows them
    if matrix.ndim != 2 or len(rows) != matrix.shape[0] or (
            cols is not None and len(cols) != matrix.shape[1]):
        raise ValueError(f"labels do not fit a matrix of shape {matrix.shape}")
    index = [f"{i}: {r}" for i, r in enumerate(rows)]
    columns = ([f"{j}: {c}" for j, c in enumerate(cols)] if cols is not None
               else list(range(matrix.shape[1])))
    return pd.DataFrame(matrix, index=index, columns=columns)


def length_penalty(length: int, alpha: float) -> float:
    """Wu et al. (2016), used in §6.1: lp(Y) = ((5 + |Y|) / 6)^α (as ``models/beam.py``)."""
    return ((5.0 + float(length)) / 6.0) ** float(alpha)


@dataclass(frozen=True)
class BeamNodes:
    """Every node of a beam search with what became of it.

    Attributes:
        status: [step, width] "best" (on the chosen hypothesis), "finished" (ended with <eos>,
            another hypothesis), "kept" (extended at the next step), "pruned" (kept at this
            step, but none of its continuations was among the best at the next: dropped),
            "end" (alive when the search stopped), "" (empty slot).
        scores: [step, width] log P / lp(|Y|), |Y| = step + 1 tokens: what the beam ranks
            finished hypotheses by (NaN: empty slot).
        penalties: [step] lp(step + 1).
        token_probs: [step, width] the node's own token probability given its parent's prefix,
            exp(log P(node) − log P(parent)) (NaN: empty slot).
    """

    status: np.ndarray
    scores: np.ndarray
    penalties: np.ndarray
    token_probs: np.ndarray


def beam_nodes(beam, path=None) -> BeamNodes:
    """Classify every node of ``beam`` (an ``explainer.beam_trace.BeamTrace``): which were kept,
    pruned, finished, and which lie on ``path`` (default: the best hypothesis)."""
    parents = np.asarray(beam.parents)
    log_probs = np.asarray(beam.log_probs, dtype=np.float64)
    finished = np.asarray(beam.finished, dtype=bool)
    n_steps, width = parents.shape
    on_path = set(beam_path(beam) if path is None else path)
    status = np.full((n_steps, width), "", dtype=object)
    token_probs = np.full((n_steps, width), np.nan)
    for step in range(n_steps):
        n_nodes = len(beam.tokens[step])
        extended = set(parents[step + 1, : len(beam.tokens[step + 1])].tolist()) \
            if step + 1 < n_steps else set()
        for node in range(n_nodes):
            parent = int(parents[step, node])
            before = log_probs[step - 1, parent] if step > 0 and parent >= 0 else 0.0
            token_probs[step, node] = np.exp(log_probs[step, node] - before)
            if (step, node) in on_path:
                status[step, node] = "best"
            elif finished[step, node]:
                status[step, node] = "finished"
            elif step + 1 == n_steps:
                status[step, node] = "end"
            else:
                status[step, node] = "kept" if node in extended else "pruned"
    penalties = np.array([length_penalty(step + 1, beam.alpha) for step in range(n_steps)])
    scores = log_probs / penalties[:, None] if n_steps else log_probs.copy()
    return BeamNodes(status=status, scores=scores, penalties=penalties, token_probs=token_probs)


def node_prefix(beam, step: int, node: int) -> list[str]:
    """The tokens of the hypothesis ending at (step, node), first token first."""
    if not (0 <= step < len(beam.tokens) and 0 <= node < len(beam.tokens[step])):
        raise ValueError(f"no beam node ({step}, {node})")
    tokens = []
    while step >= 0 and node >= 0:
        tokens.append(beam.tokens[step][node])
        node, step = int(beam.parents[step, node]), step - 1
    return tokens[::-1]


def step_candidates(beam, step: int, labels: dict[str, str], status_names: dict[str, str]
                    ) -> pd.DataFrame:
    """The nodes of one beam step as a table: the prefix it extends, its token, that token's
    probability, log P, lp, score, and what became of it.

    ``labels`` maps "prefix", "token", "prob", "log_prob", "lp", "score", "status";
    ``status_names`` maps each status to its interface word.
    """
    nodes = beam_nodes(beam)
    if not 0 <= step < len(beam.tokens):
        raise ValueError(f"step {step} out of range 0..{len(beam.tokens) - 1}")
    rows = []
    for node, tok in enumerate(beam.tokens[step]):
        prefix = node_prefix(beam, step, node)[:-1]
        rows.append({
            labels["prefix"]: " ".join([beam.start_token, *prefix]),
            labels["token"]: tok,
            labels["prob"]: round(float(nodes.token_probs[step, node]), 4),
            labels["log_prob"]: round(float(beam.log_probs[step, node]), 3),
            labels["lp"]: round(float(nodes.penalties[step]), 3),
            labels["score"]: round(float(nodes.scores[step, node]), 3),
            labels["status"]: status_names.get(nodes.status[step, node], ""),
        })
    return pd.DataFrame(rows)


def clicked_node(event, beam) -> tuple[int, int] | None:
    """The beam node (step, node) a click on ``beam_tree_figure`` picked, from Streamlit's
    selection event (its points carry the node trace's ``customdata``); None when the click
    hit no node of this beam."""
    try:
        points = event["selection"]["points"]
    except (KeyError, TypeError):
        return None
    for point in points or ():
        data = point.get("customdata") if isinstance(point, dict) else None
        if isinstance(data, (list, tuple)) and len(data) == 2:
            step, node = int(data[0]), int(data[1])
            if 0 <= step < len(beam.tokens) and 0 <= node < len(beam.tokens[step]):
                return step, node
    return None


def beam_node_labels(beam) -> dict[tuple[int, int], str]:
    """Every node as "step s: prefix → token", in step order (for a picker)."""
    labels = {}
    for step, row in enumerate(beam.tokens):
        for node, tok in enumerate(row):
            prefix = node_prefix(beam, step, node)[:-1]
            shown = " ".join(prefix[-4:]) if prefix else beam.start_token
            labels[(step, node)] = f"{step + 1}: {shown} → {tok}"
    return labels
