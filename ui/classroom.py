"""Follow the teacher: the Streamlit side of a class (the store is classroom/, Streamlit-free).

A teacher starts a class in the sidebar and gets a code. The write token stays in the teacher's
session state, never in a URL. After every run of the teacher's script, ``publish`` stores what
the teacher shows: the page, the URL's query, and the value of every widget bound to the URL
(sentence, direction, model, language, layer, head, token, a page's sliders...).

A student opens ``?class=CODE``. Before any widget is drawn, ``follow_teacher`` writes the
teacher's values into the student's session state (so a student's own click on a page widget
snaps back to the teacher's choice in the same run), and ``render_panel`` moves the student to
the teacher's page. A fragment polls the store every ``POLL_S`` seconds and reruns the app when
the teacher's version changes. "Follow the teacher" off: the student explores alone; on again:
back to the class on the next run.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass

import streamlit as st
from streamlit.errors import StreamlitAPIException
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from classroom import (
    ClassError,
    ClassStore,
    NotTeacher,
    Snapshot,
    UnknownClass,
    normalize_code,
    open_store,
    store_config,
)
from classroom.codes import new_token
from ui.presenter import PRESENT
from ui.state import tr
from ui.widgets import escape_md


def _poll_seconds() -> float:
    """How often a following student asks the store for a change (``EXPLAINER_CLASS_POLL_S``).

    0.5 s: half of the one second a student may lag, leaving the rest for the student's rerun.
    Each poll is a short run of the student's session on the server (see README, "A class").
    """
    try:
        value = float(os.environ.get("EXPLAINER_CLASS_POLL_S", "0.5"))
    except ValueError:
        return 0.5
    return value if 0.05 <= value <= 60 else 0.5


POLL_S = _poll_seconds()
CLASS_PARAM = "class"  # ?class=CODE, the students' link
TEACHER = "_class_teacher"  # {"code": ..., "token": ...}: the teacher's secret, this session only
JOINED = "_class_code"  # the class this (student) session joined
FOLLOW = "_class_follow"  # plain state: survives runs that do not draw the toggle
FOLLOW_TOGGLE = "_class_follow_toggle"
SEEN = "_class_seen"  # the teacher's version this student last applied
SWITCHED = "_class_switched"  # (version, page) of the last page switch: never loop on one
NOTICE = "_class_notice"  # (text key, values) for the teacher, from a failed publish
LAST_VALUES = "_class_values"  # the teacher's last complete values


@dataclass(frozen=True)
class Follow:
    """What this run of a session does with a class."""

    code: str | None = None  # the class a student joined (None: not a student)
    snapshot: Snapshot | None = None  # the teacher's state, when following it in this run
    problem: tuple[str, dict] | None = None  # (text key, values): why it cannot follow
    slot: object = None  # a student's place at the top of the sidebar, for the class panel

    @property
    def locked(self) -> bool:
        """The teacher chooses: the student's sidebar is read-only."""
        return self.snapshot is not None


@st.cache_resource(show_spinner=False)
def _store(config: tuple[str, str, float]) -> ClassStore:
    return open_store(config)


def store() -> ClassStore:
    """The class store the environment names (one per process, shared by every session).

    Raises:
        ClassError: the store cannot be opened. ValueError: a bad setting.
    """
    return _store(store_config())


def _idle_hours() -> str:
    try:
        return f"{store_config()[2] / 3600:g}"
    except ValueError:
        return "?"


def _problem(err: Exception) -> tuple[str, dict]:
    return "class.store_down", {"reason": escape_md(str(err) or type(err).__name__)}


def _joined_code() -> tuple[str | None, tuple[str, dict] | None]:
    raw = st.query_params.get(CLASS_PARAM)
    if raw is not None:
        code = normalize_code(raw)
        if code is None:
            return None, ("class.invalid", {})
        if code != st.session_state.get(JOINED):  # a new link: join it, following
            st.session_state[JOINED] = code
            st.session_state[FOLLOW] = True
            st.session_state.pop(SEEN, None)
    return st.session_state.get(JOINED), None


def follow_teacher() -> Follow:
    """Call first in app.py, before any widget: a following student takes the teacher's
    selections into its own session state. Never raises for a bad code or a store that is
    down: the problem comes back for ``render_panel`` to show."""
    code, problem = _joined_code()
    if code is None:
        return Follow(problem=problem)
    teacher = st.session_state.get(TEACHER)
    if teacher and teacher["code"] == code:  # the teacher opened the students' link
        return Follow()
    # Above the sidebar's widgets: a student sees the class first (the page list stays on top).
    slot = st.sidebar.container()
    st.session_state.setdefault(FOLLOW, True)
    if not st.session_state[FOLLOW]:
        return Follow(code, slot=slot)
    try:
        snapshot = store().read(code)
    except (ClassError, ValueError) as err:
        return Follow(code, problem=_problem(err), slot=slot)
    if snapshot is None:
        return Follow(code, problem=("class.unknown", {"code": code, "hours": _idle_hours()}),
                      slot=slot)
    values = snapshot.state.get("values")
    for key, value in (values if isinstance(values, dict) else {}).items():
        if isinstance(key, str) and key.isidentifier() and not key.startswith("_"):
            try:
                # Only changes are written: an equal value written again would still count
                # as set by code, and Streamlit logs each such widget once with a stack.
                if key not in st.session_state or st.session_state[key] != value:
                    st.session_state[key] = value
            except StreamlitAPIException:
                pass  # a value this session's widget cannot take: it keeps its own
    st.session_state[SEEN] = snapshot.version
    return Follow(code, snapshot, slot=slot)


def render_panel(page, pages: list, follow: Follow) -> None:
    """After ``st.navigation``: move a following student to the teacher's page, then draw the
    class panel in the sidebar (teacher's controls, or a student's toggle) and any message."""
    if follow.snapshot is not None:
        _switch_to(follow.code, follow.snapshot, page.url_path, pages)
    if follow.code is not None:
        if follow.problem is None:  # a class that cannot be followed has only the message
            with follow.slot:
                _student_controls(follow, page.url_path, pages)
    elif follow.problem is None:
        with st.sidebar:
            _teacher_controls()
    if follow.problem is not None:
        key, values = follow.problem
        st.error(tr(key, **values), icon=":material/group_off:")
        if follow.code is not None or key == "class.invalid":
            st.button(tr("class.leave"), key="_class_leave_main", on_click=_leave)


def _switch_to(code: str, snapshot: Snapshot, here: str, pages: list) -> None:
    """``st.switch_page`` to the teacher's page when this session is elsewhere."""
    state = snapshot.state
    target = state.get("page")
    if not isinstance(target, str) or target == here:
        return
    if st.session_state.get(SWITCHED) == (snapshot.version, target):
        return  # already switched for this version; never loop
    for candidate in pages:
        if candidate.url_path == target:
            # Only the URL's unbound parameters travel with the switch (Streamlit refuses to
            # set a widget's parameter directly); the widgets' own values are set by
            # follow_teacher, and Streamlit writes them into the URL as the page draws them.
            query = state.get("query") if isinstance(state.get("query"), dict) else {}
            params = {str(k): str(v) for k, v in query.items()}
            params[CLASS_PARAM] = code
            st.session_state[SWITCHED] = (snapshot.version, target)
            try:
                st.switch_page(candidate, query_params=params)
            except StreamlitAPIException:
                st.switch_page(candidate, query_params={CLASS_PARAM: code})


def _teacher_controls() -> None:
    teacher = st.session_state.get(TEACHER)
    if teacher is not None:
        try:
            alive = store().read(teacher["code"]) is not None
        except (ClassError, ValueError) as err:
            alive, st.session_state[NOTICE] = True, _problem(err)  # unreachable is not ended
        if not alive:
            st.session_state.pop(TEACHER, None)
            st.session_state[NOTICE] = ("class.teacher_lost", {"code": teacher["code"]})
            teacher = None
    with st.expander(tr("class.heading"), expanded=teacher is not None, icon=":material/school:"):
        if teacher is None:
            st.button(tr("class.start"), key="_class_start", on_click=_start_class,
                      help=tr("class.start_help"), icon=":material/group_add:")
        else:
            st.markdown(tr("class.code_is", code=teacher["code"]))
            st.caption(tr("class.link"))
            st.code(_link(teacher["code"]), language=None)
            st.caption(tr("class.teaching", hours=_idle_hours()))
            st.button(tr("class.end"), key="_class_end", on_click=_end_class,
                      icon=":material/logout:")
    notice = st.session_state.pop(NOTICE, None)
    if notice:
        st.warning(tr(notice[0], **notice[1]))


def _link(code: str) -> str:
    base = st.context.url  # the app's root as the teacher's browser sees it (None in tests)
    return f"{base.rstrip('/')}/?{CLASS_PARAM}={code}" if base else f"?{CLASS_PARAM}={code}"


def _start_class() -> None:
    token = new_token()
    try:
        code = store().create_class(token)
    except (ClassError, ValueError) as err:
        st.session_state[NOTICE] = _problem(err)
        return
    st.session_state[TEACHER] = {"code": code, "token": token}


def _end_class() -> None:
    teacher = st.session_state.pop(TEACHER, None)
    if teacher:
        try:
            store().end_class(teacher["code"], teacher["token"])
        except (ClassError, ValueError):
            pass  # gone already, or unreachable: either way this tab leads no class now


def _student_controls(follow: Follow, here: str, pages: list) -> None:
    with st.container(border=True):
        st.markdown(f"**{tr('class.heading')}**")
        if st.session_state.get(FOLLOW_TOGGLE) != st.session_state.get(FOLLOW, True):
            st.session_state[FOLLOW_TOGGLE] = st.session_state.get(FOLLOW, True)
        st.toggle(tr("class.follow"), key=FOLLOW_TOGGLE, on_change=_copy_toggle,
                  help=tr("class.follow_help"))
        if follow.snapshot is not None:
            key = "class.following" if follow.snapshot.version else "class.waiting"
            st.caption(tr(key, code=follow.code))
            _poll(follow.code, here, pages)
        elif not st.session_state.get(FOLLOW, True):
            st.caption(tr("class.stepped_out", code=follow.code))
        st.button(tr("class.leave"), key="_class_leave", on_click=_leave,
                  icon=":material/logout:")


def _copy_toggle() -> None:
    st.session_state[FOLLOW] = st.session_state[FOLLOW_TOGGLE]


def _leave() -> None:
    for key in (JOINED, SEEN, SWITCHED, FOLLOW):
        st.session_state.pop(key, None)
    if CLASS_PARAM in st.query_params:
        del st.query_params[CLASS_PARAM]


@st.fragment(run_every=POLL_S)
def _poll(code: str, here: str, pages: list) -> None:
    """Rerun the app as soon as the teacher's version differs from the one applied; when the
    teacher is on another page, switch to it at once (one run instead of a rerun and a switch).
    """
    try:
        snapshot = store().read(code)
    except (ClassError, ValueError):
        return  # the next full run says so; polling must not draw an error every half second
    if (snapshot.version if snapshot else None) == st.session_state.get(SEEN):
        return
    if snapshot is not None:
        _switch_to(code, snapshot, here, pages)
    st.rerun()


# How this screen shows things, not what it shows: presenter mode's large type is for the
# projector, not for every student's laptop that follows it.
VIEWER_ONLY = (PRESENT,)


def publish(page, complete: bool = False) -> None:
    """A teacher's session stores what it shows; nothing happens in any other session.

    Called twice per run. Before the page runs (``complete=False``): session state already
    holds the values the teacher just chose, so the last published keys are sent again with
    their current values and students start following while the teacher's page still draws.
    After the page has run, also when it stopped early (``complete=True``): exactly the URL-bound
    widgets this run drew, so the two publishes agree unless the page itself changed.
    """
    teacher = st.session_state.get(TEACHER)
    if not teacher:
        return
    drawn = _bound_keys()
    if complete:
        keys = drawn
    else:
        keys = list(dict.fromkeys([*st.session_state.get(LAST_VALUES, ()), *drawn]))
    values = _plain_values(keys)
    if complete:
        st.session_state[LAST_VALUES] = list(values)
    # Bound parameters travel as values; the URL's other parameters (not the class) as they are.
    bound = set(values) | set(st.session_state.get(LAST_VALUES, ()))
    query = {k: v for k, v in st.query_params.to_dict().items()
             if k not in (CLASS_PARAM, *VIEWER_ONLY) and k not in bound}
    state = {"page": page.url_path, "values": values, "query": query}
    try:
        store().publish(teacher["code"], teacher["token"], state)
    except (UnknownClass, NotTeacher):
        st.session_state.pop(TEACHER, None)
        st.session_state[NOTICE] = ("class.teacher_lost", {"code": teacher["code"]})
    except (ClassError, ValueError, TypeError) as err:
        st.session_state[NOTICE] = _problem(err)


def _bound_keys() -> list[str]:
    """Keys of the widgets drawn so far in this run that are bound to the URL
    (``bind="query-params"``).

    Streamlit keeps the bindings on the session's query params, with no public accessor;
    bindings of widgets from an earlier run linger until the run ends, so only those whose
    widget this run drew count. When Streamlit's internals differ from 1.67's, the keys in the
    URL (the non-default values) are the fallback.
    """
    ctx = get_script_run_ctx()
    if ctx is None:
        return list(st.query_params)
    drawn = getattr(getattr(ctx, "shared", None), "widget_ids_this_run", None)
    with ctx.session_state.query_params() as params:
        bindings = getattr(params, "_bindings_by_param", None)
        if not isinstance(bindings, dict):
            return list(params)
        return [key for key, binding in bindings.items()
                if drawn is None or getattr(binding, "widget_id", None) in drawn]


def _plain_values(keys) -> dict:
    values = {}
    for key in keys:
        if (key.startswith("_") or key in (CLASS_PARAM, *VIEWER_ONLY)
                or key not in st.session_state):
            continue
        value = st.session_state[key]
        value = list(value) if isinstance(value, tuple) else value
        try:
            json.dumps(value, allow_nan=False)
        except (TypeError, ValueError):
            continue  # not a plain value (a date, a file): the student keeps its own
        values[key] = value
    return values
