"""Streamlit helpers for the walkthrough pages: cached heavy work, shared pickers and labels.

Heavy results are cached by plain values (model name, sentence, options), never by a Trace:
the vocabulary's PCA once per model, trajectories once per sentence.
"""

from __future__ import annotations

import streamlit as st

from explainer.analysis import credit, embedding, trajectory
from explainer.analysis.views import STAGES
from ui import loaders
from ui.state import tr
from ui.widgets import pick_index, selection

# A sentence with a repeated word: the positional-encoding page shows its two copies parting.
REPEAT_DEMO = "John saw John"


@st.cache_data(show_spinner=False, max_entries=16)
def credit_cached(n: int, seed: int) -> credit.CreditExample:
    """The generated credit example for ``n`` people and a seed (cached by those two values)."""
    return credit.credit_example(n, seed)


@st.cache_resource(show_spinner=False)
def vocab_map_cached(model_name: str):
    """PCA of the model's embedding matrix (points [vocab, 2]), once per model."""
    projection = embedding.vocab_projection(loaders.weights_cached(model_name)["embed.W_E"])
    for array in (projection.points, projection.components, projection.mean,
                  projection.explained):
        array.flags.writeable = False  # shared by every session
    return projection


@st.cache_resource(show_spinner=False)
def unit_embeddings_cached(model_name: str):
    """Unit-length embedding rows [vocab, d_model] for cosine neighbours, once per model."""
    unit = embedding.unit_rows(loaders.weights_cached(model_name)["embed.W_E"])
    unit.flags.writeable = False
    return unit


@st.cache_data(show_spinner=False, max_entries=32)
def trajectories_cached(model_name: str, sentence: str, target: str | None, side: str,
                        substeps: bool, n_components: int) -> trajectory.Trajectories:
    """Every token's projected path (see ``trajectory.trajectories``), once per sentence."""
    result = loaders.trace_cached(model_name, sentence, target)
    return trajectory.trajectories(result, side, substeps, n_components)


def repeat_demo_trace():
    """The trace of ``REPEAT_DEMO`` with the sidebar's model (cached like any trace)."""
    return loaders.trace_cached(selection().model_name, REPEAT_DEMO, None)


def pick_stage(key: str) -> str:
    """Encoder self-, decoder self- or cross-attention, bound to the URL (``?key=0``)."""
    index = pick_index(tr("walk.stage"), len(STAGES), key,
                       format_func=lambda i: tr(f"walk.stage_{STAGES[i]}"))
    return STAGES[index]


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
    """The hand computation against the model: success below ``tolerance``, else an error."""
    if diff < tolerance:
        st.success(tr("walk.diff_ok", diff=diff), icon=":material/check_circle:")
    else:
        st.error(tr("walk.diff_bad", diff=diff))


def labels(**keys: str) -> dict[str, str]:
    """Interface words for table columns: ``labels(token="common.token")`` -> {"token": …}."""
    return {name: tr(key) for name, key in keys.items()}


