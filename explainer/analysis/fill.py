"""Fill in the blank: a masked-language model's guesses for each ``[MASK]`` of a traced sentence.

Reads only the trace (``trace.logits()``, the tokens, the special tokens) and the model's
vocabulary, so it works for our ``mlm-small`` and for any Hugging Face BERT with a masked-LM
head alike; numpy (and pandas for tables) only. The command line (``python -m explainer fill``)
and the page "BERT: fill in the blank" use it. The page's other questions are answered here too:
which words to cover and how to write the covered sentence, where each ``[MASK]`` looked in
every layer and head, and what pre-training bought (the curves in ``training.json``).

    adapter = load_model("mlm-small")                      # models.registry
    t = trace(adapter, "Smart John is [MASK]")              # explainer.trace
    blanks = fill(t, model_weights(adapter).vocab, top=5)   # [Blank(position=3, ...)]
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from explainer.contract import Capabilities, Trace

__all__ = ["Blank", "FillError", "Guess", "PretrainingComparison", "Run", "blank_counts",
           "check_blanks", "compare_pretraining", "counterpart", "cover", "coverable",
           "covered_rank", "curves_frame", "default_cover", "fill", "fill_fits", "guesses_frame",
           "head_row", "mask_attention", "mask_grid_frame", "mask_positions", "mask_token",
           "model_mask", "probabilities", "to_json", "too_many_blanks", "uncover", "verdict"]

MAX_TOP = 50


class FillError(ValueError):
    """The sentence cannot be filled in (no blank, nothing but blanks, a model without a
    masked-LM head). The message is for people."""


@dataclass(frozen=True)
class Guess:
    token: str
    prob: float  # softmax over the whole vocabulary at this position


@dataclass(frozen=True)
class Blank:
    position: int  # index in trace.src_tokens (special tokens such as [CLS] counted)
    predictions: tuple[Guess, ...]  # best first


def model_mask(specials: Iterable[str]) -> str | None:
    """The mask token among a model's special tokens (``[MASK]``, ``<mask>`` …), or None."""
    specials = tuple(specials)
    if "[MASK]" in specials:
        return "[MASK]"
    for token in specials:
        if "mask" in token.lower():
            return token
    return None


def mask_token(trace: Trace) -> str:
    """The model's mask token: ``[MASK]`` (BERT, ours) or another special token named mask."""
    token = model_mask(trace.caps.special_tokens)
    if token is None:
        raise FillError(f"{trace.caps.display_name} has no mask token: it is not a "
                        "masked-language model")
    return token


def fill_fits(caps: Capabilities) -> bool:
    """True when a model can fill blanks: an encoder-only model with an LM head over its input
    (``has_logits``) and a mask token (our mlm-small, a Hugging Face BERT for masked LM)."""
    return (caps.architecture == "encoder-only" and caps.has_logits
            and "encoder" in caps.features and model_mask(caps.special_tokens) is not None)


def mask_positions(trace: Trace) -> list[int]:
    """Positions of the mask token in the encoder's input, in order."""
    mask = mask_token(trace)
    return [i for i, token in enumerate(trace.src_tokens) if token == mask]


def _is_word(token: str) -> bool:
    return any(ch.isalnum() for ch in token)


def check_blanks(trace: Trace) -> list[str]:
    """Refuse what cannot be filled in; return warnings for what can, but poorly.

    Raises:
        FillError: the model has no masked-LM head, the sentence has no ``[MASK]``, or it has
            nothing but masks (and punctuation) to go on.

    Returns:
        Warnings for people (empty when all is well): more masks than half the words.
    """
    if not trace.caps.has_logits or trace.caps.architecture != "encoder-only":
        raise FillError(f"{trace.caps.display_name} has no masked-language-model head; choose "
                        "mlm-small or a BERT with one")
    mask = mask_token(trace)
    n_masks, n_words = blank_counts(trace)
    if not n_masks:
        raise FillError(f"the sentence has no {mask}: cover a word, e.g. "
                        f"'Smart John is {mask}' or '我{mask}你'")
    if n_masks == n_words:
        raise FillError(f"the sentence is only {mask}: leave some words for the model to read")
    warnings = []
    if too_many_blanks(n_masks, n_words):
        warnings.append(f"{n_masks} of {n_words} words are {mask}: with most words "
                        "covered the model has little to go on")
    return warnings


def blank_counts(trace: Trace) -> tuple[int, int]:
    """(masks, words) in the encoder's input: words count the masks and every token that holds a
    letter or digit and is not a special token (punctuation and ``[CLS]`` are no words)."""
    mask = mask_token(trace)
    specials = set(trace.caps.special_tokens) - {mask}
    words = [t for t in trace.src_tokens if t == mask or (t not in specials and _is_word(t))]
    return len(mask_positions(trace)), len(words)


def too_many_blanks(n_masks: int, n_words: int) -> bool:
    """More than half the words covered: allowed, but worth a warning."""
    return n_masks > n_words / 2


def fill(trace: Trace, vocab, top: int = 5) -> list[Blank]:
    """The ``top`` most likely tokens for each mask, from the trace's masked-LM logits.

    Probabilities are the softmax over the whole vocabulary at the mask's position; special
    tokens (``<pad>``, ``[MASK]`` …) are left out of the ranking (no blank is filled with them)
    but keep their share, so the listed probabilities may sum to less than 1.

    Args:
        trace: a trace of a masked-language model (``trace.logits()`` [pos, vocab]).
        vocab: the model's tokens in id order (``Weights.vocab``), one per logit column.
        top: how many guesses per mask (1 … 50).

    Raises:
        FillError: see :func:`check_blanks`; ``ValueError`` for a bad ``top`` or vocabulary.
    """
    if not isinstance(top, int) or not 1 <= top <= MAX_TOP:
        raise ValueError(f"top must be a whole number from 1 to {MAX_TOP}")
    check_blanks(trace)
    logits = np.asarray(trace.logits(), dtype=np.float64)  # [pos, vocab]
    vocab = list(vocab)
    if len(vocab) != logits.shape[-1]:
        raise ValueError(f"the vocabulary has {len(vocab)} tokens but the logits "
                         f"{logits.shape[-1]} columns")
    specials = set(trace.caps.special_tokens)
    allowed = np.array([token not in specials for token in vocab])  # [vocab]
    blanks = []
    for position in mask_positions(trace):
        probs = probabilities(logits[position])  # [vocab]
        ranked = np.where(allowed, probs, -1.0)
        best = np.argsort(-ranked, kind="stable")[:top]
        blanks.append(Blank(position, tuple(Guess(vocab[i], float(probs[i])) for i in best)))
    return blanks


def probabilities(logits: np.ndarray) -> np.ndarray:
    """Softmax of one position's logits [vocab] (float64; the maximum is subtracted first, so
    large logits do not overflow)."""
    row = np.asarray(logits, dtype=np.float64)
    probs = np.exp(row - row.max())
    return probs / probs.sum()


def to_json(blanks: list[Blank], digits: int = 4) -> dict:
    """``{"masks": [{"position": 3, "predictions": [{"token": …, "prob": …}, …]}, …]}``."""
    return {"masks": [
        {"position": b.position,
         "predictions": [{"token": g.token, "prob": round(g.prob, digits)}
                         for g in b.predictions]}
        for b in blanks
    ]}


# -- which words to cover, and the covered sentence ------------------------------------------

# No space is written before these when tokens are joined back into a sentence ("tea?").
_CLOSING = frozenset(".,!?;:%)]}»”’，。！？；：、）】》」』…")
# ... and none after these ("(pi)").
_OPENING = frozenset("([{«“‘（【《「『")
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")
# Marks tokenizers put on word pieces: WordPiece's "##" continues a word; GPT-2's "Ġ" and
# SentencePiece's "▁" start one.
_CONTINUES = "##"
_WORD_START = ("Ġ", "▁")


def coverable(tokens: Sequence[str], specials: Iterable[str]) -> list[int]:
    """Positions a student may cover: every token that is not a special token (``[CLS]``,
    ``<pad>``, a ``[MASK]`` already typed)."""
    specials = set(specials)
    return [i for i, token in enumerate(tokens) if token not in specials]


def default_cover(tokens: Sequence[str], specials: Iterable[str]) -> list[int]:
    """What the page covers before the student picks: nothing when the sentence already has a
    blank, else its last word ("singing" in "Smart John is singing", 你 in 我爱你): the blank
    the article's example invites, with the whole sentence before it to go on."""
    specials = set(specials)
    mask = model_mask(specials)
    if mask is not None and mask in tokens:
        return []
    words = [i for i in coverable(tokens, specials)
             if _is_word(tokens[i]) and not tokens[i].startswith(_CONTINUES)]
    return words[-1:]


def _glued(left: str, right: str, mask: str) -> bool:
    """True when no space belongs between two tokens written out: Chinese characters (and a
    blank among them) run together, punctuation sticks to the word it closes or opens."""
    if right in _CLOSING or left in _OPENING:
        return True
    left_cjk, right_cjk = bool(_CJK.search(left)), bool(_CJK.search(right))
    return (left_cjk or left == mask) and (right_cjk or right == mask) and (left_cjk or right_cjk)


def cover(tokens: Sequence[str], positions: Iterable[int], mask: str,
          specials: Iterable[str]) -> str:
    """The sentence written back from its tokens with those at ``positions`` replaced by
    ``mask``: what the model is then given ("Smart John is [MASK]", "我爱[MASK]").

    Special tokens the tokenizer adds itself (``[CLS]``, ``[SEP]``, ``<pad>``) are left out;
    masks already in ``tokens`` stay. A WordPiece continuation ("##ing") joins the piece before
    it unless one of the two is covered. Re-tokenizing the result gives the same tokens with the
    masks in place for our tokenizer and for BERT's; a caller that must be sure compares
    ``mask_positions`` of the new trace with ``positions``.
    """
    chosen = set(positions)
    bad = sorted(p for p in chosen if not 0 <= p < len(tokens))
    if bad:
        raise ValueError(f"positions {bad} are outside the {len(tokens)} tokens")
    dropped = set(specials) - {mask}
    text, previous = "", None
    for i, token in enumerate(tokens):
        if token in dropped:
            continue
        word = mask if i in chosen else token
        if word.startswith(_CONTINUES) and word != _CONTINUES:
            if previous is not None and previous != mask:
                text += word[len(_CONTINUES):]
                previous = word
                continue
            word = word[len(_CONTINUES):]
        for mark in _WORD_START:
            word = word.removeprefix(mark) if word != mark else word
        if previous is not None and not _glued(previous, word, mask):
            text += " "
        text += word
        previous = word
    return text


def uncover(tokens: Sequence[str], mask: str, specials: Iterable[str]) -> str:
    """The sentence written back without its typed masks (for a model that cannot read them:
    the translation model would see ``[MASK]`` as three unknown tokens)."""
    kept = [token for token in tokens if token != mask]
    return cover(kept, (), mask, specials)


def _bare(token: str) -> str:
    token = str(token).removeprefix(_CONTINUES)
    for mark in _WORD_START:
        token = token.removeprefix(mark)
    return token.casefold()


def _word_groups(tokens: Sequence[str]) -> list[list[int]]:
    """Positions grouped into words: a WordPiece continuation ("##ing") joins the word before."""
    groups: list[list[int]] = []
    for i, token in enumerate(tokens):
        if groups and str(token).startswith(_CONTINUES) and token != _CONTINUES:
            groups[-1].append(i)
        else:
            groups.append([i])
    return groups


def counterpart(tokens: Sequence[str], other: Sequence[str], position: int) -> int | None:
    """Where the token at ``position`` of ``tokens`` sits in another model's ``other`` tokens
    of the same sentence: in the same occurrence of the same word, case and tokenizer marks
    ignored (BERT's "john" is our "John"; BERT's "sing" "##ing" is our "singing"). Within a word
    split into as many pieces on both sides, the same piece; else the word's first token. None
    when the other model has no such word."""
    if not 0 <= position < len(tokens):
        raise ValueError(f"position {position} is outside the {len(tokens)} tokens")
    groups, other_groups = _word_groups(tokens), _word_groups(other)

    def word(group: list[int], where: Sequence[str]) -> str:
        return "".join(_bare(where[i]) for i in group)

    mine = next(g for g in groups if position in g)
    text = word(mine, tokens)
    occurrence = sum(word(g, tokens) == text for g in groups[:groups.index(mine)])
    found = [g for g in other_groups if word(g, other) == text]
    if occurrence >= len(found):
        return None
    theirs = found[occurrence]
    return theirs[mine.index(position)] if len(theirs) == len(mine) else theirs[0]


# -- the guesses -------------------------------------------------------------------------------


def covered_rank(trace: Trace, vocab: Sequence[str], position: int,
                 word: str) -> tuple[int, float] | None:
    """Where the covered word itself stands among the model's guesses for the blank at
    ``position``: (rank from 1, probability), ranked as :func:`fill` ranks (special tokens left
    out). None when the word is not in the vocabulary (the model could never say it) or is a
    special token."""
    vocab = list(vocab)
    specials = set(trace.caps.special_tokens)
    if word in specials:
        return None
    index = {token: i for i, token in enumerate(vocab)}
    column = index.get(word)
    if column is None:  # an uncased BERT's vocabulary holds "john", not "John"
        column = index.get(word.casefold())
    if column is None or vocab[column] in specials:
        return None
    probs = probabilities(np.asarray(trace.logits(), dtype=np.float64)[position])  # [vocab]
    allowed = np.array([token not in specials for token in vocab])
    rank = int(np.sum(allowed & (probs > probs[column]))) + 1
    return rank, float(probs[column])


def guesses_frame(blanks: Sequence[Blank], labels: Mapping[str, str]) -> pd.DataFrame:
    """Every blank's guesses as a table: position, rank, token, probability.

    ``labels``: column names for people ({"position": …, "rank": …, "token": …, "prob": …}).
    """
    rows = [{labels["position"]: blank.position, labels["rank"]: rank,
             labels["token"]: guess.token, labels["prob"]: guess.prob}
            for blank in blanks for rank, guess in enumerate(blank.predictions, start=1)]
    return pd.DataFrame(rows, columns=[labels[k] for k in ("position", "rank", "token", "prob")])


# -- where each blank looked -------------------------------------------------------------------


def mask_attention(trace: Trace, position: int) -> np.ndarray:
    """The attention row of one position in every encoder layer and head, read from the trace:
    ``trace.pattern("enc", layer)[:, position, :]`` stacked [layer, head, key] (each row sums to
    1: how much of what the blank gathers comes from each word)."""
    n = len(trace.stage_tokens("enc")[0])
    if not 0 <= position < n:
        raise ValueError(f"position {position} is outside the {n} encoder tokens")
    return np.stack([trace.pattern("enc", layer)[:, position, :]
                     for layer in range(trace.n_layers_of("enc"))])


def head_row(trace: Trace, layer: int, head: int, position: int) -> np.ndarray:
    """One head's attention row for one position: ``trace.pattern("enc", layer)[head,
    position]`` [key] (sums to 1)."""
    pattern = trace.pattern("enc", layer)  # [head, query, key]
    if not 0 <= head < pattern.shape[0] or not 0 <= position < pattern.shape[1]:
        raise ValueError(f"head {head} or position {position} is outside the pattern "
                         f"{pattern.shape}")
    return pattern[head, position]


def mask_grid_frame(values: np.ndarray, row_labels: Sequence[str],
                    key_labels: Sequence[str]) -> pd.DataFrame:
    """[layer, head, key] weights as a table: one row per layer and head, one column per key
    (columns named "position: token", so repeated words stay apart)."""
    values = np.asarray(values)
    flat = values.reshape(-1, values.shape[-1])  # [layer * head, key]
    if len(row_labels) != flat.shape[0] or len(key_labels) != flat.shape[1]:
        raise ValueError(f"{flat.shape} weights for {len(row_labels)} rows and "
                         f"{len(key_labels)} keys")
    return pd.DataFrame(flat, index=list(row_labels),
                        columns=[f"{i}: {token}" for i, token in enumerate(key_labels)])


# -- what pre-training bought ------------------------------------------------------------------

RUNS = ("pretrained", "random")


@dataclass(frozen=True)
class Run:
    """One training run of the translation model: held-out exact match after each step count.

    Attributes:
        name: "pretrained" (encoder and embeddings from the MLM) or "random" (random W0).
        steps: [n] optimisation steps at each evaluation, increasing.
        exact: [n] exact match (0 … 1), the mean of both directions.
        first_step: the first evaluated step at which ``exact`` reached the target; None when
            it never did within the budget.
    """

    name: str
    steps: np.ndarray
    exact: np.ndarray
    first_step: int | None


@dataclass(frozen=True)
class PretrainingComparison:
    """The two runs of ``training.json["pretraining_comparison"]``, read and checked."""

    runs: tuple[Run, ...]  # "pretrained", then "random"
    target: float  # exact match both runs aim for (0.9)
    budget: int  # steps each run was given

    def run(self, name: str) -> Run:
        return next(run for run in self.runs if run.name == name)


def compare_pretraining(section: Mapping) -> PretrainingComparison:
    """Read ``training.json["pretraining_comparison"]`` (``runs`` → ``random``/``pretrained``,
    each with a ``curve`` of ``{"step", "exact_match", …}``; ``target``; ``budget.steps``).

    The step at which each run first reaches the target is found on its curve (the point the
    figure marks, so the two always agree).

    Raises:
        ValueError: a run or a field is missing, or a curve is empty or not increasing in steps.
    """
    try:
        target = float(section["target"])
        runs = []
        for name in RUNS:
            curve = section["runs"][name]["curve"]
            steps = np.array([int(point["step"]) for point in curve])
            exact = np.array([float(point["exact_match"]) for point in curve])
            if steps.size == 0 or np.any(np.diff(steps) <= 0):
                raise ValueError(f"the {name} curve is empty or its steps do not increase")
            reached = np.flatnonzero(exact >= target)
            first = int(steps[reached[0]]) if reached.size else None
            runs.append(Run(name, steps, exact, first))
        budget = section.get("budget", {}).get("steps") or max(int(r.steps[-1]) for r in runs)
    except (KeyError, TypeError) as err:
        raise ValueError(f"training.json has no usable pre-training comparison ({err!r})") \
            from err
    return PretrainingComparison(tuple(runs), target, int(budget))


def verdict(comparison: PretrainingComparison) -> list[tuple[str, dict]]:
    """What the numbers say, as text keys (``bert.verdict.*``) with their values: which run
    reached the target first and by how many steps (or that only one, or neither, did within
    the budget), then where the two curves were furthest apart. Nothing here is decided
    before the numbers are read."""
    pre, rand = comparison.run("pretrained"), comparison.run("random")
    values = {"target": comparison.target, "budget": comparison.budget,
              "pre_step": pre.first_step, "rand_step": rand.first_step,
              "pre_end": float(pre.exact[-1]), "rand_end": float(rand.exact[-1])}
    if pre.first_step is not None and rand.first_step is not None:
        if pre.first_step < rand.first_step:
            key, values["steps"] = "pre_first", rand.first_step - pre.first_step
        elif rand.first_step < pre.first_step:
            key, values["steps"] = "rand_first", pre.first_step - rand.first_step
        else:
            key = "tie"
    elif pre.first_step is not None:
        key = "only_pre"
    elif rand.first_step is not None:
        key = "only_rand"
    else:
        key = "neither"
    said = [(f"bert.verdict.{key}", values)]
    shared, pre_at, rand_at = np.intersect1d(pre.steps, rand.steps, return_indices=True)
    if shared.size:
        gaps = pre.exact[pre_at] - rand.exact[rand_at]  # [shared steps]
        widest = int(np.argmax(np.abs(gaps)))
        if gaps[widest] != 0:
            said.append(("bert.verdict.gap", {
                "step": int(shared[widest]), "pre": float(pre.exact[pre_at[widest]]),
                "rand": float(rand.exact[rand_at[widest]]),
                "points": abs(float(gaps[widest])) * 100}))
    return said


def curves_frame(comparison: PretrainingComparison, labels: Mapping[str, str]) -> pd.DataFrame:
    """Both curves as one table (run, step, exact match); ``labels`` names the columns and runs
    for people ({"run", "step", "exact", "pretrained", "random"})."""
    rows = [{labels["run"]: labels[run.name], labels["step"]: int(step),
             labels["exact"]: float(value)}
            for run in comparison.runs for step, value in zip(run.steps, run.exact)]
    return pd.DataFrame(rows, columns=[labels[k] for k in ("run", "step", "exact")])
