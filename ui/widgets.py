"""Widgets and blocks pages share: the current trace with its notices, charts, CSV, pickers."""

from __future__ import annotations

import re

import streamlit as st

from explainer.analysis.views import focus_token, remap_choice
from explainer.contract import ContractError, Trace
from explainer.figures.base import compact_figure
from explainer.trace import AdapterError, CheckpointError, InputError
from models.checkpoint import UNTRAINED_SEED
from ui import loaders, presenter
from ui.sidebar import Selection
from ui.state import tr

SELECTION = "_selection"
PLOTLY_CONFIG = {
    "displaylogo": False,
    "toImageButtonOptions": {"format": "png", "scale": 2},
}
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$])")


def selection() -> Selection:
    """What the sidebar chose on this run (app.py stores it before the page runs)."""
    return st.session_state[SELECTION]


def escape_md(text: str) -> str:
    """User text shown inside Markdown: every Markdown/HTML/LaTeX metacharacter escaped."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))


def current_trace(show_notices: bool = True, **options) -> Trace:
    """The trace of the sidebar's sentence (cached). Stops the page with a clear message when
    the input or the model cannot be used; shows notices (untrained, unknown words, cut input).

    ``options`` go to the trace: ``pad_to``, ``temperature``, ``top_k``, ``seed``.
    """
    sel = selection()
    if not sel.sentence.strip():
        st.info(tr("notice.empty"))
        st.stop()
    try:
        result = loaders.trace_cached(sel.model_name, sel.sentence, sel.target, **options)
    except InputError as err:
        st.warning(tr("notice.input_error", reason=str(err)))
        st.stop()
    except CheckpointError as err:
        st.error(tr("notice.checkpoint", reason=str(err)))
        st.stop()
    except (AdapterError, ContractError) as err:
        st.error(tr("models.load_error", name=sel.model_name, reason=str(err)))
        st.stop()
    if show_notices:
        show_notices_for(result)
    return result


def show_notices_for(result: Trace) -> None:
    if result.model_name == "untrained":
        st.warning(tr("notice.untrained", seed=UNTRAINED_SEED), icon=":material/casino:")
    if result.unknown:
        st.warning(tr("notice.unknown", words=" ".join(result.unknown)),
                   icon=":material/help:")
    if result.truncated:
        st.info(tr("notice.truncated", n_typed=result.n_typed,
                   max_len=result.caps.max_len), icon=":material/content_cut:")
    # A continuation (GPT-2) is cut by design; only a translation is expected to end itself.
    if result.caps.architecture == "encoder-decoder" and not result.finished:
        st.info(tr("notice.no_eos", n=len(result.output_tokens)), icon=":material/more_horiz:")


def require(result: Trace, page: dict) -> None:
    """Stop the page with one sentence when the model lacks what ``page["needs"]`` names,
    and link the pages that do apply to this model."""
    needs = set(page.get("needs", ()))
    missing = sorted(needs - result.caps.features)
    if not missing:
        return
    from ui.navigation import applicable_pages

    what = ", ".join(tr(f"models.need.{need}") for need in missing)
    st.info(tr("models.needs_missing", what=what, model=result.caps.display_name,
               arch=tr(f"models.arch.{result.caps.architecture}")),
            icon=":material/block:")
    for spec in applicable_pages(result.caps.features):
        title = spec["title"].get(selection().lang, spec["title"]["en"])
        st.page_link(str(spec["path"]), label=title, icon=spec.get("icon"))
    st.stop()


def show_figure(fig, key: str) -> None:
    """A Plotly chart with its camera button (PNG download) and a stable key.

    Its float arrays go to the browser as float32 (``compact_figure``). In presenter mode
    (``?present=1``) its fonts and height grow (``ui.presenter.presented_figure``)."""
    if presenter.is_on():
        fig = presenter.presented_figure(fig)
    st.plotly_chart(compact_figure(fig), key=key, config=PLOTLY_CONFIG, width="stretch")


def in_class() -> bool:
    """This session teaches a class or follows its teacher (ui/classroom.py)."""
    from ui import classroom  # classroom imports this module

    if st.session_state.get(classroom.TEACHER):
        return True
    return bool(st.session_state.get(classroom.JOINED)) and st.session_state.get(
        classroom.FOLLOW, True)


def section(func):
    """Decorator: a page section that reruns on its own when one of its widgets changes.

    ``st.fragment``: a click on a layer, head, step or token reruns this function only, not the
    page above it, the other sections or the sidebar (a full rerun also redrew every other
    chart of the page). What the section shows must depend only on its own widgets and on its
    arguments (decided by the full run: the trace, pickers above it).

    In a class the whole app reruns as before (a plain function, no fragment): the teacher
    publishes what it shows after a full run, and a following student's click snaps back to
    the teacher's choice only there (ui/classroom.py). Starting or joining a class is itself a
    full run, so the next run already draws the sections this way.
    """
    if in_class():
        return func
    return st.fragment(func)


def csv_button(frame, file_name: str, key: str) -> None:
    """Download a table as UTF-8 CSV (with BOM, so Excel shows Chinese correctly).

    ``frame`` is a DataFrame or a function returning one. The CSV is written only when the
    button is clicked: a 512 × 512 matrix costs most of a second to format, which would slow
    every rerun for a file nobody asked for. Clicking does not rerun the page.
    """

    def data() -> bytes:
        table = frame() if callable(frame) else frame
        return table.to_csv(index=True).encode("utf-8-sig")

    st.download_button(tr("common.download_csv"), data, file_name=file_name, mime="text/csv",
                       key=key, icon=":material/download:", on_click="ignore")


def _clamp_state(key: str, n: int, default: int = 0) -> None:
    value = st.session_state.get(key)
    if value is not None and not (isinstance(value, int) and 0 <= value < n):
        if default:  # the widget's own default applies (a value set by code beside it warns)
            del st.session_state[key]
        else:
            st.session_state[key] = 0


def pick_index(label: str, n: int, key: str, format_func=None, as_radio: bool = True,
               default: int = 0) -> int:
    """Choose 0..n-1 with a URL-bound widget (``?key=value``), starting at ``default``;
    out-of-range values go back to it."""
    default = min(max(int(default), 0), max(n - 1, 0))
    _clamp_state(key, n, default)
    fmt = format_func or (lambda i: str(i + 1))
    if as_radio:
        return st.radio(label, list(range(n)), format_func=fmt, key=key, horizontal=True,
                        bind="query-params", index=default)
    return st.selectbox(label, list(range(n)), format_func=fmt, key=key, bind="query-params",
                        index=default)


def pick_layer(n_layers: int, key: str = "layer", default: int = 0) -> int:
    return pick_index(tr("common.layer"), n_layers, key, default=default)


def pick_head(n_heads: int, key: str = "head") -> int:
    return pick_index(tr("common.head"), n_heads, key)


def pick_token(tokens, key: str = "q", label: str | None = None, specials=None) -> int:
    """Choose a position; labels show position and token, so repeated words stay apart.

    With ``specials`` (``trace.caps.special_tokens``) a picker opened without a choice (none in
    the URL or the session) starts at the word the article would talk about
    (``views.focus_token``: John in "Smart John is singing"), not at [CLS] or <2zh>.

    When the tokens change under the picker (another attention block, side, sentence or page),
    it moves to the same token if the new list has it, else to that word, and the choice is
    written again even when the index stays: Streamlit's browser widget otherwise kept showing
    the old label ("1: John") while the page computed for the new token 1 (聪). The token list
    and the choice made on it are kept in the session under ``_<key>_tokens``: a choice that
    differs from it was set for the new tokens (a teacher's, followed by a student) and stays.
    """
    tokens = tuple(str(tok) for tok in tokens)
    start = 0 if specials is None else focus_token(tokens, specials, selection().sentence)
    seen_key = f"_{key}_tokens"
    seen = st.session_state.get(seen_key)
    current = st.session_state.get(key)
    if seen is not None and tuple(seen[0]) != tokens:
        old_tokens, old_choice = seen
        if current == old_choice or not isinstance(current, int):
            current = remap_choice(old_tokens, tokens, old_choice, start)
        st.session_state[key] = current if 0 <= current < len(tokens) else start
    elif key not in st.session_state and key not in st.query_params:
        st.session_state[key] = start
    choice = pick_index(label or tr("common.token"), len(tokens), key,
                        format_func=lambda i: f"{i}: {tokens[i]}", as_radio=False)
    st.session_state[seen_key] = (tokens, choice)
    return choice
