"""How sure the model was of what it wrote: per-token probabilities and honest warnings.

A translation of nonsense looks exactly like a good one on screen ("再见音乐" for a sentence of
words the model never saw, its first word chosen at probability 0.02). Everything here is read
from the trace's own logits, so the colours and warnings say what the model computed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from explainer.analysis.decoding import softmax, step_offset

# Below this probability a written token counts as a guess. 0.3: a trained translator writes
# most tokens of a sentence it knows at 0.8 or more (我爱你 → I love you: 0.92 each); a token
# the model was torn about sits well below.
LOW_PROB = 0.3
# Between LOW_PROB and this, "unsure" (orange); above, "sure" (green).
HIGH_PROB = 0.7

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")


@dataclass(frozen=True)
class Confidence:
    """The model's probability for each token it wrote, and why it may be guessing.

    Attributes:
        tokens: the written tokens (end token included).
        probs: [T] probability the model gave each written token (softmax of its logits).
        ranks: [T] 1 = the token was the model's top choice.
        levels: per token "sure", "unsure" or "low".
        threshold: the probability below which a token is "low".
        unknown: source words the tokenizer did not know (read as <unk>).
        same_language: the request asks for the language the sentence is already in.
        source_lang: "en" or "zh" from the script of the sentence, "" when neither.
    """

    tokens: tuple[str, ...]
    probs: np.ndarray
    ranks: np.ndarray
    levels: tuple[str, ...]
    threshold: float
    unknown: tuple[str, ...]
    same_language: bool
    source_lang: str

    @property
    def low(self) -> list[int]:
        """Positions of the tokens written below the threshold."""
        return [i for i, level in enumerate(self.levels) if level == "low"]

    @property
    def lowest(self) -> int | None:
        """Position of the least likely written token (None when nothing was written)."""
        return int(np.argmin(self.probs)) if len(self.probs) else None

    @property
    def guessing(self) -> bool:
        """The output should not be trusted: unknown words, a low token, or a same-language
        request."""
        return bool(self.unknown or self.low or self.same_language)

    @property
    def mean_logprob(self) -> float:
        """Average natural log-probability per written token (0 = certain)."""
        if not len(self.probs):
            return 0.0
        return float(np.mean(np.log(np.maximum(self.probs, 1e-300))))


def level(prob: float, threshold: float = LOW_PROB, high: float = HIGH_PROB) -> str:
    """"low" below ``threshold``, "unsure" below ``high``, else "sure"."""
    if prob < threshold:
        return "low"
    return "unsure" if prob < max(high, threshold) else "sure"


def source_language(text: str) -> str:
    """"zh" when the text holds Chinese characters, "en" when it holds Latin letters and no
    Chinese, "" otherwise (digits, emoji, nothing)."""
    text = str(text)
    if _CJK.search(text):
        return "zh"
    return "en" if _LATIN.search(text) else ""


def is_same_language(sentence: str, target: str | None, languages) -> bool:
    """A translator asked for the language the sentence is already written in (English →
    English): it was trained only between its ``languages``, so whatever it writes is not a
    translation. Only models with a choice of target (``caps.languages``) can be asked."""
    if not target or len(tuple(languages)) < 2 or target not in languages:
        return False
    return source_language(sentence) == target


def written_probabilities(trace) -> tuple[np.ndarray, np.ndarray]:
    """(probs [T], ranks [T]) of each written token under the model's own distribution.

    Row ``step_offset + i`` of the logits predicted ``output_ids[i]``.
    """
    ids = np.asarray(trace.output_ids, dtype=int)
    if not len(ids):
        return np.zeros(0), np.zeros(0, dtype=int)
    offset = step_offset(trace)
    logits = np.asarray(trace.logits()[offset: offset + len(ids)], dtype=np.float64)
    probs = softmax(logits)  # [T, vocab]
    chosen = probs[np.arange(len(ids)), ids]
    ranks = (probs > chosen[:, None]).sum(axis=1) + 1
    return chosen, ranks.astype(int)


def confidence(trace, sentence: str = "", target: str | None = None,
               threshold: float = LOW_PROB) -> Confidence:
    """How sure the model was of each token of ``trace``'s output.

    Args:
        trace: a trace of a model that writes (``caps.generates``) and has logits.
        sentence: what the user typed (for the same-language check).
        target: the requested target language (None: chosen from the script, never the same).
        threshold: probability below which a token is "low".
    """
    if not 0.0 < float(threshold) < 1.0:
        raise ValueError(f"threshold must lie in (0, 1), got {threshold}")
    probs, ranks = written_probabilities(trace)
    return Confidence(
        tokens=tuple(trace.output_tokens),
        probs=probs,
        ranks=ranks,
        levels=tuple(level(float(p), threshold) for p in probs),
        threshold=float(threshold),
        unknown=tuple(trace.unknown),
        same_language=is_same_language(sentence, target, trace.caps.languages),
        source_lang=source_language(sentence),
    )


def score_table(tokens, logprobs, ranks, labels: dict[str, str]):
    """One row per scored token: its probability, rank and −log p.

    ``labels`` maps "token", "prob", "rank", "nll" to interface words.
    """
    import pandas as pd

    logprobs = np.asarray(logprobs, dtype=np.float64)
    return pd.DataFrame({
        labels["token"]: [str(t) for t in tokens],
        labels["prob"]: np.round(np.exp(logprobs), 4),
        labels["rank"]: np.asarray(ranks, dtype=int),
        labels["nll"]: np.round(-logprobs, 4),
    })


def probs_of(logprobs) -> np.ndarray:
    """Probabilities from natural log-probabilities."""
    return np.exp(np.asarray(logprobs, dtype=np.float64))
