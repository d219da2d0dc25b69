"""The guided tour's screen: progress, previous/next, one step, its predict-then-reveal question.

The step is bound to the URL as ``?step=N`` (1-based, as people count). The English tour starts
on "Smart John is singing" (John is the word it follows), the Chinese one on "我爱你": entering
the tour, or switching language inside it, swaps the article's sentence of one language for the
other's; any other sentence is kept. The sidebar is drawn before the page, so the swap is
queued here and applied by ``before_sidebar`` (app.py) on the rerun.
"""

from __future__ import annotations

import streamlit as st

from explainer.contract import Trace
from explainer.tour import ask, load_steps, tour_plan
from ui import presenter, state
from ui.loaders import vocab_cached
from ui.navigation import page_specs
from ui.state import tr
from ui.widgets import escape_md, in_class, pick_token, selection, show_figure

STEP = "step"  # URL parameter, 1-based
STEP_STATE = "tour_step"  # session, 0-based
WORD = "q"  # the followed word: the same key as the other pages' token pickers
TOUR_SENTENCES = {"en": "Smart John is singing", "zh": "我爱你"}
_PENDING = "_tour_sentence"
_LANG_SEEN = "_tour_lang"
_URL_SEEN = "_url_step"
_STEP_KEY = "_tour_step_key"  # the shown step's key, for the notebook export


def before_sidebar() -> None:
    """app.py, before the sidebar's widgets: apply a sentence the tour queued."""
    sentence = st.session_state.pop(_PENDING, None)
    if sentence is not None:
        st.session_state[state.SENTENCE] = sentence
        st.session_state[state.TARGET] = "auto"


def start_sentence(lang: str) -> None:
    """Entering the tour (or changing language in it): the article's sentence of this language
    replaces the other language's; reruns when it does. A student following a teacher keeps the
    teacher's sentence."""
    if st.session_state.get(_LANG_SEEN) == lang:
        return
    st.session_state[_LANG_SEEN] = lang
    current = selection().sentence
    wanted = TOUR_SENTENCES[lang]
    swappable = {*TOUR_SENTENCES.values(), state.DEFAULT_SENTENCE, ""}
    if current != wanted and current in swappable and not _following():
        st.session_state[_PENDING] = wanted
        st.rerun()


def _following() -> bool:
    from ui import classroom

    return in_class() and not st.session_state.get(classroom.TEACHER)


def current_step_key() -> str | None:
    """The key of the step the tour showed last in this session (None before the tour)."""
    return st.session_state.get(_STEP_KEY)


def _restart(lang: str) -> None:
    st.session_state[state.SENTENCE] = TOUR_SENTENCES[lang]
    st.session_state[state.TARGET] = "auto"
    st.session_state[STEP_STATE] = 0
    st.session_state.pop(WORD, None)


def _move(delta: int) -> None:
    st.session_state[STEP_STATE] = int(st.session_state.get(STEP_STATE, 0)) + delta


def current_step(n: int) -> int:
    """The step shown (0-based), from the URL when it names a new one, kept in range and
    written back into the URL."""
    raw = st.query_params.get(STEP)
    if raw is not None and raw != st.session_state.get(_URL_SEEN):
        st.session_state[_URL_SEEN] = raw
        try:
            st.session_state[STEP_STATE] = int(raw) - 1
        except ValueError:
            pass
    step = st.session_state.get(STEP_STATE, 0)
    step = min(max(int(step) if isinstance(step, int) else 0, 0), n - 1)
    st.session_state[STEP_STATE] = step
    st.query_params[STEP] = str(step + 1)
    st.session_state[_URL_SEEN] = str(step + 1)
    return step


def _navigation(step: int, n: int, where: str):
    """Previous / next; the top pair has the keys presenter mode makes large. Returns the
    middle column (the progress bar goes there)."""
    left, middle, right = st.columns([1, 3, 1], vertical_alignment="center")
    suffix = "" if where == "top" else "_bottom"
    with left:
        st.button(tr("tour.prev"), key=f"tour_prev{suffix}", on_click=_move, args=(-1,),
                  disabled=step == 0, icon=":material/arrow_back:", width="stretch")
    with right:
        st.button(tr("tour.next"), key=f"tour_next{suffix}", on_click=_move, args=(1,),
                  disabled=step >= n - 1, type="primary", icon=":material/arrow_forward:",
                  width="stretch")
    return middle


def render_tour(trace: Trace) -> None:
    """Draw the tour for the current trace (any model): progress, one step, its question."""
    sel = selection()
    lang = sel.lang
    plan = tour_plan(load_steps(), page_specs(), trace.caps.features)
    if not plan:
        st.info(tr("tour.empty"))
        return
    n = len(plan)
    index = current_step(n)
    step, spec = plan[index]
    st.session_state[_STEP_KEY] = step.key
    title = tr(f"tour.step.{step.key}.title")
    middle = _navigation(index, n, "top")
    with middle:
        st.progress((index + 1) / n, text=tr("tour.progress", i=index + 1, n=n, title=title))

    st.header(title, anchor=False)
    presenting = presenter.is_on()
    if not presenting:
        st.caption(tr("tour.row", row=step.row))
    st.markdown(tr(f"tour.step.{step.key}.text"))

    tokens = trace.tokens(trace.caps.main_side)
    word_col, link_col = st.columns([1, 1], vertical_alignment="bottom")
    with word_col:
        word = pick_token(tokens, key=WORD, label=tr("tour.word"),
                          specials=trace.caps.special_tokens)
    with link_col:
        page_title = spec["title"].get(lang, spec["title"]["en"])
        st.page_link(str(spec["path"]), label=tr("tour.open_page", title=page_title),
                     icon=spec.get("icon"))

    vocab = vocab_cached(trace.model_name) if trace.caps.has_logits else None
    question = ask(step, trace, lang, word, vocab)
    if question is None:
        st.info(tr("tour.no_question"))
    else:
        _question(step.key, question)
    if not presenting:
        _navigation(index, n, "bottom")
    st.button(tr("tour.restart"), key="tour_restart", on_click=_restart, args=(lang,),
              type="tertiary", icon=":material/restart_alt:")


def _escaped(values: dict) -> dict:
    return {k: escape_md(v) if isinstance(v, str) else v for k, v in values.items()}


def _question(step_key: str, question) -> None:
    values = _escaped(question.values)
    st.subheader(tr(f"tour.q.{question.kind}", **values), anchor=False)
    guess_key = f"tour_guess_{step_key}"
    options = [escape_md(label) for label in question.options]
    if st.session_state.get(guess_key) is not None and not (
            isinstance(st.session_state[guess_key], int)
            and 0 <= st.session_state[guess_key] < len(options)):
        del st.session_state[guess_key]  # options of another sentence
    guess = st.radio(tr("tour.predict"), list(range(len(options))), index=None,
                     format_func=options.__getitem__, key=guess_key, horizontal=True)
    revealed_key = f"tour_revealed_{step_key}"
    if st.button(tr("tour.reveal"), key=f"tour_reveal_{step_key}", icon=":material/visibility:"):
        st.session_state[revealed_key] = question.signature
    if st.session_state.get(revealed_key) != question.signature:
        return
    answer = options[question.answer]
    if guess is None:
        st.info(tr("tour.no_guess", answer=answer))
    elif guess == question.answer:
        st.success(tr("tour.right", answer=answer), icon=":material/check_circle:")
    else:
        st.warning(tr("tour.wrong", guess=options[guess], answer=answer))
    st.markdown(tr(f"tour.a.{question.kind}", **values))
    show_figure(question.figure, key=f"tour_fig_{step_key}")
