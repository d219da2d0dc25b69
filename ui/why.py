"""Cached runs of "Why this word?" and "Switch heads off" (``explainer.why``), keyed by plain
values: model name, sentence, target language, options. Results are shared by every session
(never mutate them)."""

from __future__ import annotations

import streamlit as st

from explainer import why
from ui import loaders

# What a student may type as a translation to score: a sentence, not an essay. Beyond this the
# page says so instead of running the model on it.
MAX_TRANSLATION_CHARS = 500


@st.cache_data(show_spinner=False, max_entries=64)
def score_cached(model_name: str, sentence: str, translation: str, target: str | None,
                 top_k: int = 8) -> why.Scored:
    return why.score(loaders.load_model_cached(model_name), sentence, translation, to=target,
                     top_k=top_k)


@st.cache_data(show_spinner=False, max_entries=32)
def attribute_cached(model_name: str, sentence: str, target: str | None, method: str,
                     steps: int = 32) -> why.Attribution:
    return why.attribute(loaders.load_model_cached(model_name), sentence, method=method,
                         steps=steps, to=target)


@st.cache_data(show_spinner=False, max_entries=32)
def contrast_cached(model_name: str, sentence: str, target: str | None, prefix: str,
                    token_a: str, token_b: str) -> why.Contrast:
    return why.contrast(loaders.load_model_cached(model_name), sentence, prefix, token_a,
                        token_b, to=target)


@st.cache_data(show_spinner=False, max_entries=32)
def lens_cached(model_name: str, sentence: str, target: str | None, top: int = 3) -> why.Lens:
    return why.logit_lens(loaders.load_model_cached(model_name), sentence, to=target, top=top)


# cache_resource: the result holds a whole Trace of the changed run (immutable, read-only).
@st.cache_resource(show_spinner=False, max_entries=32)
def ablate_cached(model_name: str, sentence: str, target: str | None,
                  heads: tuple[tuple[str, int, int], ...], mode: str,
                  drop_src: tuple[int, ...]) -> why.Ablated:
    return why.ablate(loaders.load_model_cached(model_name), sentence, heads, mode=mode,
                      drop_src=drop_src, to=target)


@st.cache_data(show_spinner=False, max_entries=32)
def importance_cached(model_name: str, sentence: str, target: str | None,
                      mode: str) -> why.Importance:
    return why.head_importance(loaders.load_model_cached(model_name), sentence, to=target,
                               mode=mode)


def head_names(model_name: str) -> dict[str, tuple[str, int, int]]:
    """Every head of the model by its written name ("enc.0.1", "dec.2.cross.3")."""
    return {why.format_head(h): h for h in why.all_heads(loaders.load_model_cached(model_name))}


format_head = why.format_head  # ("cross", 2, 3) -> "dec.2.cross.3", the CLI's spelling


def parse_heads(text: str) -> list[tuple[str, int, int]]:
    """Heads typed as "enc.0.1,dec.2.cross.3" (ValueError with the reason otherwise)."""
    return why.parse_heads(text)


def prefix_text(model_name: str, tokens) -> str:
    """The text a list of written tokens spells, as the model's own tokenizer joins them."""
    tokenizer = getattr(loaders.load_model_cached(model_name), "tokenizer", None)
    if hasattr(tokenizer, "convert_tokens_to_string"):  # Hugging Face
        return tokenizer.convert_tokens_to_string(list(tokens))
    from models.tokenizer import detokenize

    return detokenize(list(tokens))


def distribution_at(model_name: str, sentence: str, target: str | None, written, step: int,
                    token: str, k: int = 10):
    """The model's top-``k`` next tokens at ``step`` after the tokens ``written`` before it
    (teacher-forced): (tokens, probabilities, chosen flags, True for ``token``), or None when
    the model cannot score that prefix."""
    from explainer.trace import InputError

    written = list(written)
    text = prefix_text(model_name, written) if written else None
    try:
        # No text yet: the model's own run has the same first step (only the start token).
        scored = score_cached(model_name, sentence, text, target, top_k=k)
    except (InputError, ValueError):
        return None
    if not 0 <= step < len(scored.tgt_tokens):
        return None
    tokens = [str(t) for t in scored.top_tokens[step]]
    probs = [float(p) for p in scored.top_probs[step]]
    return tokens, probs, [t == token for t in tokens]
