"""The guided tour: the article's steps in its order, and one "predict, then reveal" question
per step whose answer is computed from the model's own numbers for the current sentence.

The steps are data (``tour_steps.json``): a key (its text), the TEACHING.md row it follows, the
page urls it explains (the first that exists is linked; a step whose pages do not exist yet is
left out) and the question kinds it may ask, in order of preference: the first kind this model
can answer is asked (a BERT has no next word to guess, so the step asks another question).

Everything here reads a ``Trace`` through its accessors and explainer/analysis; no Streamlit,
no torch. A question carries the figure that answers it (built with explainer/figures).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import plotly.graph_objects as go

from explainer.analysis.decoding import n_steps, step_view, top_tokens
from explainer.analysis.pipeline import figure_columns, stages_from_trace
from explainer.analysis.residual import ffn_activity
from explainer.analysis.views import attention_pattern, focus_token, is_word
from explainer.contract import Trace
from explainer.figures.attention import attention_heatmap_figure
from explainer.figures.decoding import next_token_figure
from explainer.figures.embedding import neighbours_figure, vector_strips_figure
from explainer.figures.fill import attention_row_figure
from explainer.figures.masks import mask_figure
from explainer.figures.pipeline import pipeline_figure
from explainer.figures.positional import pe_waves_figure
from explainer.figures.rnn import path_figure
from explainer.text import t

STEPS_FILE = Path(__file__).with_name("tour_steps.json")
N_CHOICES = 4  # options offered for a numeric guess
PROB_BUCKETS = (0.25, 0.5, 0.75)  # a probability or a share is guessed as one of four ranges


@dataclass(frozen=True)
class Step:
    """One screen of the tour.

    Attributes:
        key: names its text (``tour.step.<key>.title`` / ``.text``).
        row: the TEACHING.md row (the article's step) it follows.
        urls: the pages it explains, first choice first.
        questions: question kinds, first choice first.
    """

    key: str
    row: int
    urls: tuple[str, ...]
    questions: tuple[str, ...]


@dataclass(frozen=True)
class Question:
    """A question about the current sentence and the model's answer to it.

    Attributes:
        kind: which question (``tour.q.<kind>`` is its text, ``tour.a.<kind>`` its answer).
        values: the fields its texts name (word, layer, head… 1-based for people).
        options: what the student may predict (labels shown as they are).
        answer: index into ``options`` of the model's answer.
        figure: the figure that shows the answer.
    """

    kind: str
    values: dict
    options: tuple[str, ...]
    answer: int
    figure: go.Figure = field(compare=False, repr=False)

    @property
    def signature(self) -> str:
        """Changes when the question changes (another sentence, model, word): a reveal made
        for one question is not shown under another."""
        return json.dumps([self.kind, self.values, self.options, self.answer], sort_keys=True,
                          default=str, ensure_ascii=False)


def load_steps(path: Path = STEPS_FILE) -> list[Step]:
    """Every step of the tour in the article's order."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return [Step(s["key"], int(s["row"]), tuple(s["urls"]), tuple(s["questions"]))
            for s in data["steps"]]


def tour_plan(steps: Sequence[Step], specs: Sequence[dict], features) -> list[tuple[Step, dict]]:
    """The steps this app and model can show, each with the page spec it links to.

    A step is kept when one of its urls names a page that exists and whose ``needs`` the model
    has (``Capabilities.features``), and when the model can answer one of its questions.
    """
    by_url = {spec["url"]: spec for spec in specs}
    features = set(features)
    plan = []
    for step in steps:
        spec = next((by_url[url] for url in step.urls if url in by_url), None)
        if spec is None or not set(spec.get("needs", ())) <= features:
            continue
        if not any(QUESTION_NEEDS.get(kind, set()) <= features for kind in step.questions):
            continue
        plan.append((step, spec))
    return plan


def focus(trace: Trace, sentence: str = "") -> int:
    """The word the tour talks about on the side the user typed (John in "Smart John is
    singing", 我 in "我爱你")."""
    return focus_token(trace.tokens(trace.caps.main_side), trace.caps.special_tokens, sentence)


def ask(step: Step, trace: Trace, lang: str = "en", word: int | None = None,
        vocab: Sequence[str] | None = None) -> Question | None:
    """The first of the step's questions this model can answer for this sentence, or None.

    Args:
        word: the chosen position on the typed side (``focus`` when None).
        vocab: the model's vocabulary (id order), for the next-word question's options.
    """
    features = trace.caps.features
    tokens = trace.tokens(trace.caps.main_side)
    if word is None or not 0 <= int(word) < len(tokens):
        word = focus(trace)
    for kind in step.questions:
        if not QUESTION_NEEDS.get(kind, set()) <= features:
            continue
        question = QUESTIONS[kind](trace, int(word), lang, vocab)
        if question is not None:
            return question
    return None


# -- helpers ---------------------------------------------------------------------------------
def _label(tokens: Sequence[str], i: int) -> str:
    return f"{i}: {tokens[i]}"


def _number_options(answer: int, candidates: Sequence[int]) -> tuple[tuple[str, ...], int]:
    """``N_CHOICES`` distinct numbers including ``answer``, ascending, and the answer's index."""
    chosen = [int(answer)]
    for value in candidates:
        if len(chosen) == N_CHOICES:
            break
        if int(value) >= 0 and int(value) not in chosen:
            chosen.append(int(value))
    chosen.sort()
    return tuple(str(v) for v in chosen), chosen.index(int(answer))


def _bucket_options(value: float, lang: str) -> tuple[tuple[str, ...], int]:
    edges = (0.0, *PROB_BUCKETS, 1.0)
    options = tuple(t("tour.range", lang, lo=round(100 * lo), hi=round(100 * hi))
                    for lo, hi in zip(edges[:-1], edges[1:]))
    index = int(np.searchsorted(PROB_BUCKETS, value, side="right"))
    return options, min(index, len(options) - 1)


def _cosines(vectors: np.ndarray, row: int) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1) * np.linalg.norm(vectors[row])
    return (vectors @ vectors[row]) / np.where(norms == 0, 1.0, norms)


def _others(trace: Trace, word: int) -> list[int]:
    """Positions on the typed side other than ``word``, words first (specials only when the
    sentence has no other word)."""
    tokens = trace.tokens(trace.caps.main_side)
    specials = trace.caps.special_tokens
    words = [i for i, tok in enumerate(tokens) if i != word and is_word(tok, specials)]
    return words or [i for i in range(len(tokens)) if i != word]


def _closest(trace: Trace, vectors: np.ndarray, word: int, kind: str, lang: str,
             layer_name: str) -> Question | None:
    tokens = trace.tokens(trace.caps.main_side)
    others = _others(trace, word)
    if not others:
        return None
    cos = _cosines(np.asarray(vectors, dtype=np.float64), word)[others]
    order = np.argsort(-cos, kind="stable")
    options = tuple(_label(tokens, others[i]) for i in range(len(others)))
    fig = neighbours_figure([options[i] for i in order], cos[order],
                            value_title=t("tour.fig.cosine", lang))
    return Question(kind, {"word": tokens[word], "where": layer_name,
                           "value": round(float(cos.max()), 3)},
                    options, int(np.argmax(cos)), fig)


# -- the questions ---------------------------------------------------------------------------
def q_token_count(trace: Trace, word: int, lang: str, vocab) -> Question:
    """How many tokens the model cuts the sentence into (pipeline figure)."""
    side = trace.caps.main_side
    n = len(trace.tokens(side))
    options, answer = _number_options(n, (n - 1, n + 1, n + 2, n - 2, n + 3))
    stages = stages_from_trace(trace)
    names = {s.key: t(s.label, lang) for s in stages}
    fig = pipeline_figure(
        figure_columns(stages, names), [trace.n_layers_of(s) for s in trace.sides],
        [" ".join(trace.tokens(s)) for s in trace.sides],
        top_label=t("pipe.output" if trace.caps.has_logits else "pipe.output_vectors", lang),
        top_text=" ".join(trace.output_tokens))
    return Question("token_count", {"n": n, "tokens": " · ".join(trace.tokens(side))},
                    options, answer, fig)


def q_rnn_hops(trace: Trace, word: int, lang: str, vocab) -> Question | None:
    """Steps an RNN needs from the first token to the last, against attention's one."""
    tokens = trace.tokens(trace.caps.main_side)
    hops = len(tokens) - 1
    options, answer = _number_options(hops, (1, hops + 1, len(tokens) // 2, hops + 2, 0))
    fig = path_figure(tokens, attention_label=t("tour.fig.attention", lang),
                      hop_label=t("tour.fig.steps", lang))
    return Question("rnn_hops", {"n": len(tokens), "hops": hops}, options, answer, fig)


def q_width(trace: Trace, word: int, lang: str, vocab) -> Question:
    """How many numbers describe one token (d_model), with the token's input vector."""
    d = trace.caps.d_model
    tokens = trace.tokens(trace.caps.main_side)
    options, answer = _number_options(d, (8, 512, d // 2, 2 * d, 3, 9))
    fig = vector_strips_figure(trace.embed(trace.caps.main_side, "input")[[word]],
                               [_label(tokens, word)], dim_title=t("common.dimension", lang),
                               value_title=t("common.value", lang), row_height=48)
    return Question("width", {"word": tokens[word], "d": d}, options, answer, fig)


def q_embed_neighbour(trace: Trace, word: int, lang: str, vocab) -> Question | None:
    """Which other token's embedding is closest (cosine) to the chosen word's."""
    return _closest(trace, trace.embed(trace.caps.main_side, "embed"), word, "embed_neighbour",
                    lang, t("tour.where.embedding", lang))


def q_final_neighbour(trace: Trace, word: int, lang: str, vocab) -> Question | None:
    """After the last layer, which other token's vector is closest to the chosen word's."""
    return _closest(trace, trace.final(trace.caps.main_side), word, "final_neighbour", lang,
                    t("tour.where.final", lang))


def pe_speed(positions: np.ndarray) -> np.ndarray:
    """How fast each positional dimension changes along the sentence: mean |PE[p+1] − PE[p]|
    per dimension [d_model] (positions [pos, d_model], at least two)."""
    positions = np.asarray(positions, dtype=np.float64)
    return np.abs(np.diff(positions, axis=0)).mean(axis=0)


def q_pe_fastest(trace: Trace, word: int, lang: str, vocab) -> Question | None:
    """Which of a few positional dimensions changes fastest from word to word."""
    side = trace.caps.main_side
    pos = np.asarray(trace.embed(side, "pos"), dtype=np.float64)
    if pos.shape[0] < 2:
        return None
    speed = pe_speed(pos)
    if not np.any(speed > 0):  # no positions added to the input (rotary or none)
        return None
    d = pos.shape[1]
    # The first pair, two middle pairs and the last pair: the formula's fastest and slowest.
    dims = sorted({0, d // 8 * 2, d // 4 * 2, d - 2} & set(range(d)))
    for extra in range(1, d):  # small models: fill up to N_CHOICES distinct dimensions
        if len(dims) >= N_CHOICES:
            break
        if extra not in dims:
            dims = sorted({*dims, extra})
    dims = dims[:N_CHOICES]
    answer = int(np.argmax(speed[dims]))
    tokens = trace.tokens(side)
    lo = float(min(-1.1, pos[:, dims].min()))
    hi = float(max(1.1, pos[:, dims].max()))
    fig = pe_waves_figure(list(range(pos.shape[0])), pos[:, dims], dims, tokens,
                          position_title=t("common.position", lang),
                          dim_label=t("common.dimension", lang), value_range=(lo, hi))
    return Question("pe_fastest", {"dims": ", ".join(map(str, dims)), "dim": dims[answer],
                                   "speed": round(float(speed[dims[answer]]), 3)},
                    tuple(str(x) for x in dims), answer, fig)


def q_attend_most(trace: Trace, word: int, lang: str, vocab) -> Question:
    """Which token the chosen word attends to most in layer 1, head 1 (the typed side)."""
    stage = trace.stages[0]
    view = attention_pattern(trace, stage, 0, 0)
    row = np.asarray(view.pattern[word], dtype=np.float64)
    options = tuple(_label(view.key_tokens, j) for j in range(len(view.key_tokens)))
    answer = int(np.argmax(row))
    fig = attention_row_figure(row, view.key_tokens, value_title=t("common.weight", lang),
                               key_title=t("common.key", lang), highlight=word)
    return Question("attend_most", {"word": view.query_tokens[word], "layer": 1, "head": 1,
                                    "weight": round(float(row[answer]), 3)},
                    options, answer, fig)


def q_head_self(trace: Trace, word: int, lang: str, vocab) -> Question:
    """Which head of the last layer puts the most weight on the chosen word itself."""
    stage = trace.stages[0]
    layer = trace.n_layers_of(stage) - 1
    pattern = np.asarray(trace.pattern(stage, layer)[:, word, :], dtype=np.float64)  # [head, key]
    answer = int(np.argmax(pattern[:, word]))
    heads = [t("tour.head", lang, head=h + 1) for h in range(pattern.shape[0])]
    keys = list(trace.stage_tokens(stage)[1])
    fig = attention_heatmap_figure(pattern, heads, keys, query_title=t("common.head", lang),
                                   key_title=t("common.key", lang),
                                   hover=t("common.weight", lang))
    return Question("head_self", {"word": keys[word], "layer": layer + 1,
                                  "weight": round(float(pattern[answer, word]), 3)},
                    tuple(heads), answer, fig)


def q_head_sharpest(trace: Trace, word: int, lang: str, vocab) -> Question:
    """Which head of the last layer is most focused (largest single weight) for the word."""
    stage = trace.stages[0]
    layer = trace.n_layers_of(stage) - 1
    pattern = np.asarray(trace.pattern(stage, layer)[:, word, :], dtype=np.float64)
    peak = pattern.max(axis=1)
    answer = int(np.argmax(peak))
    heads = [t("tour.head", lang, head=h + 1) for h in range(pattern.shape[0])]
    keys = list(trace.stage_tokens(stage)[1])
    fig = attention_heatmap_figure(pattern, heads, keys, query_title=t("common.head", lang),
                                   key_title=t("common.key", lang),
                                   hover=t("common.weight", lang))
    return Question("head_sharpest", {"word": keys[word], "layer": layer + 1,
                                      "weight": round(float(peak[answer]), 3)},
                    tuple(heads), answer, fig)


def q_mask_count(trace: Trace, word: int, lang: str, vocab) -> Question | None:
    """How many (query, key) pairs the decoder's causal mask forbids."""
    if "dec" not in trace.caps.stages:
        return None
    mask = np.asarray(trace.mask("dec"), dtype=bool)
    n = int(mask.sum())
    size = mask.shape[0]
    options, answer = _number_options(n, (0, size * size - n, size, n + size, n - 1, n + 1))
    tokens = trace.tokens("dec")
    fig = mask_figure(~mask, tokens, tokens, visible_label=t("tour.fig.visible", lang),
                      hidden_label=t("tour.fig.hidden", lang),
                      row_title=t("common.query", lang), col_title=t("common.key", lang))
    return Question("mask_count", {"n": size, "blocked": n}, options, answer, fig)


def q_visible_keys(trace: Trace, word: int, lang: str, vocab) -> Question:
    """How many tokens the chosen word may attend to on the typed side."""
    stage = trace.stages[0]
    mask = np.asarray(trace.mask(stage), dtype=bool)
    seen = int((~mask[word]).sum())
    n = mask.shape[1]
    options, answer = _number_options(seen, (1, word + 1, n, n - 1, word, n + 1))
    q_tokens, k_tokens = trace.stage_tokens(stage)
    fig = mask_figure(~mask, q_tokens, k_tokens, highlight_row=word,
                      visible_label=t("tour.fig.visible", lang),
                      hidden_label=t("tour.fig.hidden", lang),
                      row_title=t("common.query", lang), col_title=t("common.key", lang))
    return Question("visible_keys", {"word": q_tokens[word], "n": n, "seen": seen},
                    options, answer, fig)


def q_ffn_zero(trace: Trace, word: int, lang: str, vocab) -> Question:
    """What share of the first feed-forward layer's hidden units are silent for the word."""
    side = trace.caps.main_side
    activity = ffn_activity(trace, side, 0)
    hidden = np.asarray(activity.hidden[word], dtype=np.float64)
    share = float(activity.off_share[word])
    options, answer = _bucket_options(share, lang)
    tokens = trace.tokens(side)
    fig = vector_strips_figure(hidden[None, :], [_label(tokens, word)],
                               dim_title=t("tour.fig.unit", lang),
                               value_title=t("common.value", lang), row_height=48)
    return Question("ffn_zero", {"word": tokens[word], "share": round(100 * share, 1),
                                 "units": hidden.shape[0], "act": trace.caps.activation},
                    options, answer, fig)


def _first_step(trace: Trace, vocab):
    if vocab is None or n_steps(trace) < 1:
        return None, None
    view = step_view(trace, 0)
    table = top_tokens(view.probs, vocab, N_CHOICES, chosen_id=view.chosen_id)
    return view, table


def q_next_word(trace: Trace, word: int, lang: str, vocab) -> Question | None:
    """Which token the model writes first, among its most likely ones."""
    view, table = _first_step(trace, vocab)
    if view is None:
        return None
    tokens = [str(x) for x in table["token"]]
    chosen = [bool(x) for x in table["chosen"]]
    options = tuple(f"{i + 1}: {tok}" for i, tok in enumerate(tokens))
    fig = next_token_figure(tokens, table["prob"].to_numpy(), chosen,
                            prob_label=t("tour.fig.prob", lang))
    return Question("next_word", {"chosen": view.chosen, "prob": round(100 * view.prob, 1)},
                    options, chosen.index(True), fig)


def q_first_prob(trace: Trace, word: int, lang: str, vocab) -> Question | None:
    """How sure the model was of its first word; training lowers −log p of the right word."""
    view, table = _first_step(trace, vocab)
    if view is None:
        return None
    options, answer = _bucket_options(view.prob, lang)
    tokens = [str(x) for x in table["token"]]
    fig = next_token_figure(tokens, table["prob"].to_numpy(), [bool(x) for x in table["chosen"]],
                            prob_label=t("tour.fig.prob", lang))
    return Question("first_prob", {"chosen": view.chosen, "prob": round(100 * view.prob, 1),
                                   "cost": round(-float(np.log(max(view.prob, 1e-12))), 3)},
                    options, answer, fig)


def q_cross_look(trace: Trace, word: int, lang: str, vocab) -> Question | None:
    """Which source token the first written token reads most (last layer, heads averaged)."""
    if n_steps(trace) < 1:
        return None
    layer = trace.n_layers_of("cross") - 1
    view = attention_pattern(trace, "cross", layer, None)
    position = step_view(trace, 0).position if trace.caps.has_logits else 0
    row = np.asarray(view.pattern[position], dtype=np.float64)
    answer = int(np.argmax(row))
    options = tuple(_label(view.key_tokens, j) for j in range(len(view.key_tokens)))
    fig = attention_row_figure(row, view.key_tokens, value_title=t("common.weight", lang),
                               key_title=t("common.key", lang))
    return Question("cross_look", {"written": trace.output_tokens[0], "layer": layer + 1,
                                   "row": position, "weight": round(float(row[answer]), 3)},
                    options, answer, fig)


def q_param_count(trace: Trace, word: int, lang: str, vocab) -> Question:
    """How many numbers W_Q, W_K and W_V of one attention layer hold together (no biases)."""
    caps = trace.caps
    n = 3 * caps.d_model * caps.n_heads * caps.d_head
    d = caps.d_model
    options, answer = _number_options(n, (d * d, 3 * d, n * caps.n_heads, 2 * n, n // 2))
    pe = q_token_count(trace, word, lang, vocab).figure
    return Question("param_count", {"d": d, "heads": caps.n_heads, "d_head": caps.d_head,
                                    "n": f"{n:,}"}, options, answer, pe)


QUESTIONS: dict[str, Callable] = {
    "token_count": q_token_count,
    "rnn_hops": q_rnn_hops,
    "width": q_width,
    "embed_neighbour": q_embed_neighbour,
    "final_neighbour": q_final_neighbour,
    "pe_fastest": q_pe_fastest,
    "attend_most": q_attend_most,
    "head_self": q_head_self,
    "head_sharpest": q_head_sharpest,
    "mask_count": q_mask_count,
    "visible_keys": q_visible_keys,
    "ffn_zero": q_ffn_zero,
    "next_word": q_next_word,
    "first_prob": q_first_prob,
    "cross_look": q_cross_look,
    "param_count": q_param_count,
}
# What the model must have (``Capabilities.features``) for a question to make sense.
QUESTION_NEEDS: dict[str, set[str]] = {
    "next_word": {"generates", "logits"},
    "first_prob": {"generates", "logits"},
    "cross_look": {"cross", "generates"},
    "mask_count": {"decoder"},
}
