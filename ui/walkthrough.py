"""Streamlit helpers for the walkthrough pages: cached heavy work, shared pickers and labels.

Heavy results are cached by plain values (model name, sentence, options), never by a Trace:
the vocabulary's PCA once per model (a sampled fit for large vocabularies), trajectories once
per sentence.
"""

from __future__ import annotations

import streamlit as st

from explainer.analysis import credit, embedding, trajectory
from explainer.analysis.positional import repeated_groups
from ui import loaders
from ui.state import lang, tr
from ui.widgets import pick_index, selection

# Sentences with a repeated word: the positional page shows the two copies parting. Those of
# the interface language come first; a model that cannot read them (no Chinese in MiniLM's
# vocabulary but 我) falls back to the next. "the cat saw the cat" is for tokenizers that split
# "John" and " John" into different tokens (GPT-2's byte BPE).
REPEAT_DEMOS = {
    "en": ("John saw John", "the cat saw the cat"),
    "zh": ("约翰看见了约翰", "我看见了我"),
}


@st.cache_data(show_spinner=False, max_entries=16)
def credit_cached(n: int, seed: int) -> credit.CreditExample:
    """The generated credit example for ``n`` people and a seed (cached by those two values)."""
    return credit.credit_example(n, seed)


@st.cache_resource(show_spinner=False)
def vocab_map_cached(model_name: str):
    """PCA of the model's embedding matrix (points [vocab, 2]), once per model."""
    projection = embedding.vocab_projection(loaders.weights_cached(model_name).embedding)
    for array in (projection.points, projection.components, projection.mean,
                  projection.explained):
        array.flags.writeable = False  # shared by every session
    return projection


@st.cache_resource(show_spinner=False)
def embedding_norms_cached(model_name: str):
    """Length of every embedding row [vocab], once per model (cosines then need one product)."""
    norms = embedding.row_norms(loaders.weights_cached(model_name).embedding)
    norms.flags.writeable = False
    return norms


@st.cache_data(show_spinner=False, max_entries=32)
def trajectories_cached(model_name: str, sentence: str, target: str | None, side: str,
                        substeps: bool, n_components: int,
                        positions: tuple[int, ...] | None = None) -> trajectory.Trajectories:
    """Every token's projected path (see ``trajectory.trajectories``), once per sentence;
    ``positions``: only these tokens (the PCA is fitted on them alone)."""
    result = loaders.trace_cached(model_name, sentence, target)
    return trajectory.trajectories(result, side, substeps, n_components,
                                   None if positions is None else list(positions))


def repeat_demo_trace():
    """(sentence, trace) with the sidebar's model for the first of ``REPEAT_DEMOS`` (the
    interface language's first) in which its tokenizer repeats a word on the side the user
    types into; a repeated special token ([UNK] for characters it does not know) does not
    count. None when none does."""
    sentences = REPEAT_DEMOS.get(lang(), ()) + tuple(
        s for code, demos in REPEAT_DEMOS.items() if code != lang() for s in demos)
    for sentence in sentences:
        try:
            found = loaders.trace_cached(selection().model_name, sentence, None)
        except ValueError:  # a tokenizer that cannot read it (InputError is a ValueError)
            continue
        if repeated_groups(found.tokens(found.caps.main_side), found.caps.special_tokens):
            return sentence, found
    return None


def pick_stage(key: str, stages) -> str:
    """One of the model's attention stages (``trace.stages``: encoder self-, decoder self- or
    cross-attention), bound to the URL (``?key=0``)."""
    stages = tuple(stages)
    index = pick_index(tr("walk.stage"), len(stages), key,
                       format_func=lambda i: tr(f"walk.stage_{stages[i]}"))
    return stages[index]


def pick_dims(key: str) -> int:
    """2-D or 3-D projection, bound to the URL."""
    return 2 + pick_index(tr("walk.view"), 2, key,
                          format_func=lambda i: tr(f"walk.dims{2 + i}"))


def stage_label(kind: str, layer: int | None) -> str:
    """A pipeline stage's short name: "embedding", "+ PE", "L2 attention", …"""
    if layer is None:
        return tr(f"walk.stage.{kind}")
    return tr(f"walk.stage.{kind}", n=layer + 1)


def pc_titles(explained, k: int | None = None) -> list[str]:
    """Axis titles "PC1 (41% of the spread)", … for a projection's components."""
    shares = list(explained)[: k or len(explained)]
    return [tr("walk.pc_explained", n=i + 1, share=float(s)) for i, s in enumerate(shares)]


def pca_note(explained, k: int) -> None:
    st.caption(tr("walk.pca_note", k=k, share=float(sum(list(explained)[:k]))))


def cut_notice(shown: int, total: int) -> None:
    if shown < total:
        st.caption(tr("walk.cut", shown=shown, total=total))


def diff_line(diff: float, tolerance: float = 1e-4) -> None:
    """The hand computation against the model: success below ``tolerance``, else an error;
    the tolerance is stated, since float32 arithmetic never gives exactly 0."""
    if diff < tolerance:
        st.success(tr("walk.diff_ok", diff=diff, tol=tolerance), icon=":material/check_circle:")
    else:
        st.error(tr("walk.diff_bad", diff=diff, tol=tolerance))


def hide_specials_toggle(key: str, present) -> bool:
    """"Hide special tokens" for attention views (URL-bound, off by default: tokens are shown
    exactly as the model read them), with the reason models attend to them as help.
    ``present``: the special tokens this view holds; without any, no toggle is drawn."""
    if not present:
        return False
    return st.toggle(tr("walk.hide_specials"), value=False, key=key, bind="query-params",
                     help=tr("walk.hide_specials_help"))


def hidden_note(hidden) -> None:
    """What was hidden, and that rows no longer sum to 1."""
    if hidden:
        st.caption(tr("walk.hidden_note", tokens=", ".join(dict.fromkeys(hidden))))


def labels(**keys: str) -> dict[str, str]:
    """Interface words for table columns: ``labels(token="common.token")`` -> {"token": …}."""
    return {name: tr(key) for name, key in keys.items()}


