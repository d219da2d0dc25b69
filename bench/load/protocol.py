"""Streamlit's browser protocol without a browser: the messages, built and read, no I/O here.

The browser and the server talk over one websocket (``/_stcore/stream``) in protobuf messages
that ship with Streamlit (``streamlit.proto``): the browser sends a ``BackMsg``, the server
answers with a stream of ``ForwardMsg``. What the frontend sends was read off a real Chromium's
websocket frames (1.67) and is what this module builds:

- on connect, ``rerun_script`` with the URL's query string and ``page_name`` (the URL's path),
  no widget states yet, and a ``context_info`` (timezone, locale, URL, colour scheme);
- on a click in the page list, ``rerun_script`` with the page's ``page_script_hash``, the URL's
  query string and the sidebar's widget values only (the old page's widgets are dropped);
- on a widget change on the same page, every widget's value, the changed one included (a
  button: ``trigger_value``), and the query string the URL then shows;
- every ``auto_rerun`` interval (a fragment with ``run_every``), ``rerun_script`` with that
  ``fragment_id`` and ``is_auto_rerun``, whether or not a run is going on;
- ``cached_message_hashes``: the hashes of the large elements it holds, for which the server
  sends a ``ref_hash`` instead of the element again.

``AppView`` follows the server's side of the stream: pages (``navigation``), the current page,
the query string (``page_info_changed``), every widget and its value, the element cache, the
fragments to rerun, and what went wrong (exceptions, compile errors, unknown pages).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

MAIN, SIDEBAR = 0, 1  # the first number of a delta's path: the container it lands in

FINISHED = ForwardMsg.FINISHED_SUCCESSFULLY
FINISHED_FRAGMENT = ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY
FINISHED_FOR_RERUN = ForwardMsg.FINISHED_EARLY_FOR_RERUN
COMPILE_ERROR = ForwardMsg.FINISHED_WITH_COMPILE_ERROR

# What the headless Chromium of the benchmarks reports about itself.
CONTEXT = {"timezone": "UTC", "timezone_offset": 0, "locale": "en-US", "is_embedded": False,
           "color_scheme": "light"}

# Elements that are widgets and whose value this client can send back as the browser does.
# Others (download buttons, charts without selections, ...) send no state unless used.
VALUED = ("radio", "selectbox", "text_input", "text_area", "checkbox", "slider",
          "number_input", "multiselect")


class ProtocolError(Exception):
    """The server sent what a browser could not have handled (e.g. a ref to an unknown hash)."""


@dataclass(frozen=True)
class Page:
    """One entry of ``st.navigation`` as the browser gets it."""

    script_hash: str
    url_pathname: str  # "" for the default page
    name: str


@dataclass
class Widget:
    kind: str  # the Element oneof name: "radio", "button", ...
    root: int  # MAIN or SIDEBAR
    state: WidgetState | None  # what the browser would send now; None: nothing (a button)
    query_param_key: str = ""  # set when the widget is bound to the URL

    @property
    def key(self) -> str:
        """The user's key, which Streamlit puts at the end of the element id."""
        return self.state.id.rsplit("-", 1)[-1] if self.state is not None else ""


def widget_state(kind: str, element) -> WidgetState | None:
    """The value a browser sends for this widget as drawn: the value the server set
    (``set_value``) or else the default, in the field the frontend uses for that widget.

    Returns None for a widget kind this client does not fill in (or that has no id).
    """
    if not getattr(element, "id", "") or kind not in VALUED:
        return None
    state = WidgetState(id=element.id)
    if kind in ("radio", "selectbox"):
        if element.set_value:
            if element.HasField("raw_value"):
                state.string_value = element.raw_value
        elif element.HasField("default") and 0 <= element.default < len(element.options):
            state.string_value = element.options[element.default]
        # else: no choice yet (index=None): the browser sends the id with no value
    elif kind in ("text_input", "text_area"):
        if element.set_value and element.HasField("value"):
            state.string_value = element.value
        elif element.HasField("default"):
            state.string_value = element.default
    elif kind == "checkbox":
        state.bool_value = element.value if element.set_value else element.default
    elif kind == "slider":
        numbers = list(element.value if element.set_value else element.default)
        if element.options:  # select_slider: the option labels
            labels = list(element.raw_value) if element.set_value and element.raw_value else [
                element.options[int(i)] for i in numbers if 0 <= int(i) < len(element.options)]
            state.string_array_value.data.extend(labels)
        else:
            state.double_array_value.data.extend(numbers)
    elif kind == "number_input":
        value = element.value if element.set_value and element.HasField("value") else (
            element.default if element.HasField("default") else None)
        if value is not None:
            if element.data_type == element.INT:
                state.int_value = int(value)
            else:
                state.double_value = value
    elif kind == "multiselect":
        labels = list(element.raw_values) if element.set_value else [
            element.options[i] for i in element.default if 0 <= i < len(element.options)]
        state.string_array_value.data.extend(labels)
    return state


def context_info(url: str):
    """The ``context_info`` a browser at ``url`` sends with each rerun request."""
    msg = BackMsg()
    info = msg.rerun_script.context_info
    for name, value in CONTEXT.items():
        setattr(info, name, value)
    info.url = url
    return info


def rerun_message(*, query_string: str = "", page_script_hash: str = "", page_name: str = "",
                  widgets: list[WidgetState] = (), fragment_id: str = "",
                  is_auto_rerun: bool = False, cached_hashes: list[str] = (),
                  url: str = "") -> BackMsg:
    """A ``BackMsg`` asking for a script run, as the frontend sends it."""
    msg = BackMsg()
    rerun = msg.rerun_script
    rerun.query_string = query_string
    rerun.widget_states.SetInParent()  # the browser always sends the (maybe empty) list
    rerun.widget_states.widgets.extend(widgets)
    if page_script_hash:
        rerun.page_script_hash = page_script_hash
    if page_name:
        rerun.page_name = page_name
    if fragment_id:
        rerun.fragment_id = fragment_id
    if is_auto_rerun:
        rerun.is_auto_rerun = True
    rerun.cached_message_hashes.extend(cached_hashes)
    if url:
        rerun.context_info.CopyFrom(context_info(url))
    return msg


def set_query(query_string: str, name: str, value: str | None) -> str:
    """``query_string`` with ``name`` set to ``value`` (removed when None), order kept."""
    pairs = [(k, v) for k, v in parse_qsl(query_string, keep_blank_values=True) if k != name]
    if value is not None:
        pairs.append((name, value))
    return urlencode(pairs)


@dataclass
class Event:
    """What one ForwardMsg meant for the client, when it meant something."""

    kind: str  # "started", "finished", "error"
    status: int | None = None  # script_finished's status
    fragment: bool = False  # a fragment's run (not the whole app)
    page_hash: str = ""
    text: str = ""


@dataclass
class AppView:
    """What a browser knows from the stream, kept up to date by ``handle``."""

    session_id: str = ""
    pages: list[Page] = field(default_factory=list)
    page_hash: str = ""
    query_string: str = ""
    max_cached_age: int = 2
    widgets: dict[str, Widget] = field(default_factory=dict)
    auto_reruns: dict[str, float] = field(default_factory=dict)  # fragment id -> seconds
    texts: list[str] = field(default_factory=list)  # markdown, code and alerts of the last run
    errors: list[str] = field(default_factory=list)
    full_runs: int = 0  # whole-app runs finished (any status)
    fragment_runs: int = 0
    # hash -> (run count when last used, the widget it held or None): the browser's cache of
    # large elements, so that a ref_hash can be resolved (only widgets matter to this client).
    _cache: dict[str, tuple[int, Widget | None]] = field(default_factory=dict)
    _running_fragment: bool = False
    _seen_widgets: set[str] = field(default_factory=set)
    _seen_fragments: set[str] = field(default_factory=set)
    _run_texts: list[str] = field(default_factory=list)

    def page(self, url_pathname: str) -> Page:
        for page in self.pages:
            if page.url_pathname == url_pathname:
                return page
        raise KeyError(f"no page {url_pathname!r}; pages: "
                       f"{[p.url_pathname for p in self.pages]}")

    @property
    def current_page(self) -> Page | None:
        return next((p for p in self.pages if p.script_hash == self.page_hash), None)

    def cached_hashes(self) -> list[str]:
        return list(self._cache)

    def widget(self, key: str) -> Widget:
        """The widget whose user key is ``key`` (the end of its element id)."""
        for widget in self.widgets.values():
            if widget.state is not None and widget.key == key:
                return widget
        raise KeyError(f"no widget with key {key!r}")

    def set_widget(self, state: WidgetState) -> None:
        """Remember a value the user gave a widget (the browser keeps it for the next runs)."""
        widget = self.widgets.get(state.id)
        if widget is not None and widget.kind in VALUED:
            widget.state = state

    def widget_states(self, roots: tuple[int, ...] = (MAIN, SIDEBAR)) -> list[WidgetState]:
        return [w.state for w in self.widgets.values()
                if w.root in roots and w.state is not None and w.kind in VALUED]

    def handle(self, msg: ForwardMsg) -> Event | None:
        """Take one message into the view; say what it meant for a waiting client."""
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            return self._new_session(msg)
        if kind == "navigation":
            self.pages = [Page(p.page_script_hash, p.url_pathname, p.page_name)
                          for p in msg.navigation.app_pages]
            if msg.navigation.page_script_hash:
                self.page_hash = msg.navigation.page_script_hash
        elif kind == "page_info_changed":
            self.query_string = msg.page_info_changed.query_string
        elif kind == "delta":
            self._delta(msg)
        elif kind == "ref_hash":
            entry = self._cache.get(msg.ref_hash)
            if entry is None:
                raise ProtocolError(f"ref_hash {msg.ref_hash} for an element never received")
            self._cache[msg.ref_hash] = (self.full_runs, entry[1])
            if entry[1] is not None:
                self._keep_widget(entry[1].state.id, entry[1])
        elif kind == "auto_rerun":
            self.auto_reruns[msg.auto_rerun.fragment_id] = msg.auto_rerun.interval
            self._seen_fragments.add(msg.auto_rerun.fragment_id)
        elif kind == "stop_auto_rerun":
            for fragment_id in msg.stop_auto_rerun.fragment_ids:
                self.auto_reruns.pop(fragment_id, None)
        elif kind == "script_finished":
            return self._finished(msg)
        elif kind == "session_event":
            if msg.session_event.HasField("script_compilation_exception"):
                exc = msg.session_event.script_compilation_exception
                return self._error(f"compile error: {exc.type}: {exc.message}")
        elif kind == "page_not_found":
            return self._error(f"page not found: {msg.page_not_found.page_name!r}")
        return None

    def _error(self, text: str) -> Event:
        self.errors.append(text)
        return Event("error", text=text)

    def _new_session(self, msg: ForwardMsg) -> Event:
        new = msg.new_session
        if new.initialize.session_id:
            self.session_id = new.initialize.session_id
        if new.config.max_cached_message_age:
            self.max_cached_age = new.config.max_cached_message_age
        self.page_hash = new.page_script_hash or self.page_hash
        if new.app_pages and not self.pages:  # pages/ folder apps; st.navigation sends its own
            self.pages = [Page(p.page_script_hash, p.url_pathname, p.page_name)
                          for p in new.app_pages]
        self._running_fragment = bool(msg.metadata.run.fragment_ids)
        if not self._running_fragment:
            self._seen_widgets = set()
            self._seen_fragments = set()
            self._run_texts = []
        return Event("started", fragment=self._running_fragment, page_hash=self.page_hash)

    def _delta(self, msg: ForwardMsg) -> None:
        delta = msg.delta
        if delta.WhichOneof("type") != "new_element":
            return
        element = delta.new_element
        kind = element.WhichOneof("type")
        root = msg.metadata.delta_path[0] if msg.metadata.delta_path else MAIN
        widget = None
        if kind == "exception":
            self._error(f"exception: {element.exception.type}: {element.exception.message}")
        elif kind in ("markdown", "code", "alert"):
            body = getattr(element, kind)
            self._run_texts.append(body.code_text if kind == "code" else body.body)
        else:
            inner = getattr(element, kind)
            element_id = getattr(inner, "id", "")
            if element_id and element_id.startswith("$$ID-"):
                widget = Widget(kind, root, widget_state(kind, inner),
                                getattr(inner, "query_param_key", ""))
                known = self.widgets.get(element_id)
                if known is not None and known.state is not None and not getattr(
                        inner, "set_value", False):
                    # The frontend keeps the value it holds for a widget id; the element's
                    # default only counts when it holds none, and set_value overrides it.
                    widget.state = known.state
                self._keep_widget(element_id, widget)
        if msg.metadata.cacheable:
            self._cache[msg.hash] = (self.full_runs, widget)

    def _keep_widget(self, element_id: str, widget: Widget) -> None:
        if widget.kind not in VALUED:  # a button and the like: no value until clicked
            widget.state = WidgetState(id=element_id)
        self.widgets[element_id] = widget
        self._seen_widgets.add(element_id)

    def _finished(self, msg: ForwardMsg) -> Event:
        status = msg.script_finished
        fragment = status == FINISHED_FRAGMENT or (
            status == FINISHED_FOR_RERUN and self._running_fragment)
        if fragment:
            self.fragment_runs += 1
        else:
            self.full_runs += 1
        if status == FINISHED:
            # The frontend forgets the widgets and timers the finished run no longer drew,
            # and the cached elements not used for max_cached_message_age runs.
            self.widgets = {k: w for k, w in self.widgets.items() if k in self._seen_widgets}
            self.auto_reruns = {k: v for k, v in self.auto_reruns.items()
                                if k in self._seen_fragments}
            self._cache = {h: entry for h, entry in self._cache.items()
                           if self.full_runs - entry[0] <= self.max_cached_age}
            self.texts = self._run_texts
        elif status == COMPILE_ERROR:
            self._error("the script did not compile")
        return Event("finished", status=status, fragment=fragment, page_hash=self.page_hash)


CLASS_CODE = re.compile(r"[?&]class=([A-Za-z0-9]+)")


def class_code(texts: list[str]) -> str | None:
    """The class code in the link a teacher's page shows (``…?class=CODE``), if any."""
    for text in texts:
        found = CLASS_CODE.search(text)
        if found:
            return found.group(1)
    return None
