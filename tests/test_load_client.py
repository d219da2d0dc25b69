"""The load test's simulated browser (bench/load): Streamlit's own protobuf messages built and
read as the frontend does, and one simulated student against a real `streamlit run app.py`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from bench.load.protocol import (
    FINISHED,
    FINISHED_FOR_RERUN,
    FINISHED_FRAGMENT,
    MAIN,
    SIDEBAR,
    AppView,
    ProtocolError,
    class_code,
    rerun_message,
    set_query,
)

websocket = pytest.importorskip("websocket", reason="pip install -r bench/requirements.txt")

from bench.load.client import Tab, require_loopback  # noqa: E402 (needs websocket-client)

ROOT = Path(__file__).resolve().parent.parent


# -- ForwardMsgs as the server builds them --------------------------------------------------

def _new_session(page_hash: str, fragment: str = "", session_id: str = "") -> ForwardMsg:
    msg = ForwardMsg()
    msg.new_session.page_script_hash = page_hash
    msg.new_session.config.max_cached_message_age = 2
    if session_id:
        msg.new_session.initialize.session_id = session_id
    msg.metadata.run.script_run_id = "run"
    if fragment:
        msg.metadata.run.fragment_ids.append(fragment)
    return msg


def _navigation(current: str, *pages: tuple[str, str]) -> ForwardMsg:
    msg = ForwardMsg()
    for script_hash, path in pages:
        page = msg.navigation.app_pages.add()
        page.page_script_hash, page.url_pathname, page.page_name = script_hash, path, path
    msg.navigation.page_script_hash = current
    return msg


def _element(kind: str, root: int = MAIN, cacheable_hash: str = "", **fields) -> ForwardMsg:
    msg = ForwardMsg()
    msg.metadata.delta_path.extend([root, 0])
    element = getattr(msg.delta.new_element, kind)
    for name, value in fields.items():
        if isinstance(value, list):
            getattr(element, name).extend(value)
        else:
            setattr(element, name, value)
    if cacheable_hash:
        msg.hash = cacheable_hash
        msg.metadata.cacheable = True
    return msg


def _finished(status=FINISHED) -> ForwardMsg:
    msg = ForwardMsg()
    msg.script_finished = status
    return msg


def _wire(msg: ForwardMsg) -> ForwardMsg:
    """Through the wire format, as the websocket carries it."""
    back = ForwardMsg()
    back.ParseFromString(msg.SerializeToString())
    return back


def _view(*msgs: ForwardMsg) -> AppView:
    view = AppView()
    for msg in msgs:
        view.handle(_wire(msg))
    return view


RADIO = dict(id="$$ID-aa-lang", options=["English", "中文"], default=0, query_param_key="lang")


# -- BackMsg: what the browser sends ---------------------------------------------------------

def test_first_request_carries_the_address_like_the_browser():
    """The browser's first rerun: the URL's query and path, an empty (but present) widget list,
    no page hash yet, and its context (read off Chromium's frames, see bench/load/compare.py)."""
    msg = BackMsg()
    msg.ParseFromString(rerun_message(query_string="s=John+saw+John&lang=zh",
                                      page_name="masks",
                                      url="http://127.0.0.1:1/masks").SerializeToString())
    assert msg.WhichOneof("type") == "rerun_script"
    rerun = msg.rerun_script
    assert parse_qs(rerun.query_string) == {"s": ["John saw John"], "lang": ["zh"]}
    assert rerun.page_name == "masks" and rerun.page_script_hash == ""
    assert rerun.HasField("widget_states") and len(rerun.widget_states.widgets) == 0
    assert rerun.context_info.url == "http://127.0.0.1:1/masks"
    assert rerun.context_info.HasField("timezone") and not rerun.is_auto_rerun


def test_fragment_poll_names_its_fragment_and_is_an_auto_rerun():
    msg = BackMsg()
    msg.ParseFromString(rerun_message(page_script_hash="h1", fragment_id="frag",
                                      is_auto_rerun=True, cached_hashes=["x", "y"]
                                      ).SerializeToString())
    rerun = msg.rerun_script
    assert (rerun.fragment_id, rerun.is_auto_rerun, rerun.page_script_hash) == ("frag", True, "h1")
    assert list(rerun.cached_message_hashes) == ["x", "y"]


def test_set_query_replaces_one_parameter_and_keeps_the_rest():
    assert parse_qs(set_query("model=untrained&s=a", "s", "Do you like tea?")) == {
        "model": ["untrained"], "s": ["Do you like tea?"]}
    assert parse_qs(set_query("model=untrained&s=a", "s", None)) == {"model": ["untrained"]}


# -- ForwardMsg: what the browser learns --------------------------------------------------------

def test_navigation_gives_the_pages_and_new_session_the_current_one():
    view = _view(_new_session("h2", session_id="abc"),
                 _navigation("h2", ("h1", ""), ("h2", "masks")))
    assert view.session_id == "abc"
    assert view.page("masks").script_hash == "h2"
    assert view.current_page.url_pathname == "masks"
    with pytest.raises(KeyError):
        view.page("nowhere")


def test_page_info_changed_rewrites_the_query_string():
    msg = ForwardMsg()
    msg.page_info_changed.query_string = "model=untrained&s=x"
    assert _view(msg).query_string == "model=untrained&s=x"


def test_radio_sends_its_default_label_then_what_the_server_set():
    view = _view(_new_session("h1"), _element("radio", SIDEBAR, **RADIO))
    assert view.widget("lang").state.string_value == "English"
    view.handle(_wire(_element("radio", SIDEBAR, set_value=True, raw_value="中文", **RADIO)))
    assert view.widget("lang").state.string_value == "中文"


def test_a_widget_keeps_the_value_the_browser_holds_when_redrawn_without_set_value():
    """Chromium kept "untrained" from the URL's first run although later runs drew the
    selectbox with its default index 0 and no set_value."""
    box = dict(id="$$ID-bb-model", options=["trained", "untrained"], default=0)
    view = _view(_new_session("h1"), _element("selectbox", SIDEBAR, set_value=True,
                                              raw_value="untrained", **box))
    view.handle(_wire(_finished()))
    view.handle(_wire(_new_session("h1")))
    view.handle(_wire(_element("selectbox", SIDEBAR, **box)))
    assert view.widget("model").state.string_value == "untrained"


def test_selectbox_without_a_choice_sends_its_id_and_no_value():
    view = _view(_element("selectbox", SIDEBAR, id="$$ID-cc-example", options=["a", "b"]))
    state = view.widget("example").state
    assert state.id == "$$ID-cc-example" and state.WhichOneof("value") is None


def test_slider_kinds_use_the_fields_streamlit_deserializes():
    view = _view(
        _element("slider", id="$$ID-dd-mk_pad", options=["4", "8", "16"], default=[1.0]),
        _element("slider", id="$$ID-ee-vec_n", default=[240.0]),
        _element("number_input", id="$$ID-ff-vec_seed", default=3.0, data_type=0),
        _element("checkbox", id="$$ID-gg-vs_sub", default=True),
        _element("multiselect", id="$$ID-hh-dims", options=["0", "1", "2"], default=[0, 2]),
    )
    assert list(view.widget("mk_pad").state.string_array_value.data) == ["8"]
    assert list(view.widget("vec_n").state.double_array_value.data) == [240.0]
    assert view.widget("vec_seed").state.WhichOneof("value") == "int_value"
    assert view.widget("vec_seed").state.int_value == 3
    assert view.widget("vs_sub").state.bool_value is True
    assert list(view.widget("dims").state.string_array_value.data) == ["0", "2"]


def test_page_switch_sends_only_the_sidebar_and_buttons_send_nothing_unclicked():
    view = _view(_element("radio", SIDEBAR, **RADIO),
                 _element("radio", MAIN, id="$$ID-ii-head", options=["1", "2"], default=0),
                 _element("button", SIDEBAR, id="$$ID-jj-_class_start"))
    assert [s.id for s in view.widget_states(roots=(SIDEBAR,))] == ["$$ID-aa-lang"]
    assert {s.id for s in view.widget_states()} == {"$$ID-aa-lang", "$$ID-ii-head"}
    assert view.widget("_class_start").kind == "button"


def test_a_finished_run_forgets_widgets_and_timers_it_did_not_draw():
    auto = ForwardMsg()
    auto.auto_rerun.interval, auto.auto_rerun.fragment_id = 0.5, "frag"
    view = _view(_new_session("h1"), _element("radio", SIDEBAR, **RADIO), auto, _finished())
    assert view.auto_reruns == {"frag": 0.5} and view.widgets
    view.handle(_wire(_new_session("h2")))
    view.handle(_wire(_finished()))
    assert view.widgets == {} and view.auto_reruns == {}


def test_a_fragment_run_is_counted_apart_and_keeps_the_page_widgets():
    view = _view(_new_session("h1"), _element("radio", SIDEBAR, **RADIO), _finished())
    event = view.handle(_wire(_new_session("h1", fragment="frag")))
    assert event.fragment
    done = view.handle(_wire(_finished(FINISHED_FRAGMENT)))
    assert done.fragment and (view.fragment_runs, view.full_runs) == (1, 1)
    assert "$$ID-aa-lang" in view.widgets
    # A fragment that calls st.rerun ends "early for rerun": still the fragment's run.
    view.handle(_wire(_new_session("h1", fragment="frag")))
    assert view.handle(_wire(_finished(FINISHED_FOR_RERUN))).fragment


def test_ref_hash_needs_an_element_the_browser_holds_and_the_cache_ages_out():
    chart = _element("plotly_chart", cacheable_hash="big", id="$$ID-kk-chart")
    view = _view(_new_session("h1"), chart, _finished())
    assert view.cached_hashes() == ["big"]
    ref = ForwardMsg()
    ref.ref_hash = "big"
    view.handle(_wire(ref))
    unknown = ForwardMsg()
    unknown.ref_hash = "never-sent"
    with pytest.raises(ProtocolError):
        view.handle(_wire(unknown))
    for _ in range(view.max_cached_age + 1):  # runs that do not use it
        view.handle(_wire(_new_session("h1")))
        view.handle(_wire(_finished()))
    assert view.cached_hashes() == []


def test_exceptions_compile_errors_and_unknown_pages_are_errors():
    exc = _element("exception")
    exc.delta.new_element.exception.type = "ValueError"
    lost = ForwardMsg()
    lost.page_not_found.page_name = "nowhere"
    view = _view(exc, lost, _finished(ForwardMsg.FINISHED_WITH_COMPILE_ERROR))
    assert len(view.errors) == 3 and "ValueError" in view.errors[0]


def test_class_code_is_read_from_the_link_the_teacher_sees():
    texts = ["Class code: **X**", "http://127.0.0.1:8501/embedding/?class=3N5C4K"]
    assert class_code(texts) == "3N5C4K"
    assert class_code(["no link here"]) is None


def test_tab_refuses_anything_but_loopback():
    for url in ("http://localhost:8501", "http://10.0.0.1:8501", "https://127.0.0.1:8501",
                "http://127.0.0.1"):
        with pytest.raises(ValueError):
            require_loopback(url)
    assert require_loopback("http://127.0.0.1:8501") == ("127.0.0.1", 8501)


class _Socket:
    """Stands in for the websocket: keeps what is sent, never answers."""

    def __init__(self):
        self.sent = []

    def send_binary(self, data):
        msg = BackMsg()
        msg.ParseFromString(data)
        self.sent.append(msg)


def test_tab_fires_each_fragment_timer_on_its_beat():
    tab = Tab("http://127.0.0.1:9")
    tab.ws = _Socket()
    auto = ForwardMsg()
    auto.auto_rerun.interval, auto.auto_rerun.fragment_id = 0.5, "frag"
    tab.view.handle(_wire(_new_session("h1")))
    tab.view.handle(_wire(auto))
    tab._sync_timers(now=100.0)
    tab._fire_timers(now=100.4)
    assert tab.ws.sent == []
    tab._fire_timers(now=100.5)
    tab._fire_timers(now=100.9)
    tab._fire_timers(now=101.0)
    assert [m.rerun_script.fragment_id for m in tab.ws.sent] == ["frag", "frag"]
    assert all(m.rerun_script.is_auto_rerun and m.rerun_script.page_script_hash == "h1"
               for m in tab.ws.sent)


# -- one simulated student against the real app --------------------------------------------------

def test_a_simulated_student_opens_two_pages_and_follows_a_class():
    """A real `streamlit run app.py`: the tab's first request runs the page its address names,
    a click in the page list runs the other page, no exception; with a classroom in the app,
    a second tab that joins the class lands on the teacher's page and follows it."""
    from bench.browser import AppServer

    env = os.environ.copy()
    env["EXPLAINER_CLASS_DB"] = str(Path(tempfile.mkdtemp()) / "classes.sqlite3")
    with AppServer(ROOT / "tests" / "artifacts" / "load-smoke.log", env) as server:
        teacher = Tab(server.url)
        student = None
        try:
            first = teacher.open("embedding", "s=John+saw+John&model=trained&lang=en")
            assert first.error is None and first.page == "embedding", first
            assert len(teacher.view.pages) > 2
            assert teacher.view.widget("s").state.string_value == "John saw John"
            second = teacher.visit("masks")
            assert second.error is None and second.page == "masks", second
            assert second.started >= second.sent
            try:
                teacher.view.widget("_class_start")
            except KeyError:
                pytest.skip("the app has no classroom: the page views above passed")
            assert teacher.click("_class_start").error is None
            code = class_code(teacher.view.texts)
            assert code
            student = Tab(server.url)
            joined = student.open("", f"class={code}")
            assert joined.error is None and joined.page == "masks", joined
            assert student.view.auto_reruns, "a following student polls the class"
            assert teacher.visit("embedding").error is None
            moved = student.pump(
                until=lambda e, at: e.kind == "finished" and not e.fragment
                and e.status == FINISHED and student.view.current_page.url_pathname
                == "embedding", limit_s=60)
            assert moved is not None and student.auto_reruns_sent > 0
            assert teacher.view.errors == [] and student.view.errors == []
        finally:
            teacher.close()
            if student is not None:
                student.close()


@pytest.mark.slow
def test_locust_runs_a_teacher_and_one_student_to_the_end():
    """The locustfile end to end (a subprocess: Locust patches the process with gevent)."""
    pytest.importorskip("locust", reason="pip install -r bench/requirements.txt")
    from bench.browser import AppServer

    env = os.environ.copy()
    env["EXPLAINER_CLASS_DB"] = str(Path(tempfile.mkdtemp()) / "classes.sqlite3")
    samples = Path(tempfile.mkdtemp()) / "samples.json"
    with AppServer(ROOT / "tests" / "artifacts" / "load-locust.log", env) as server:
        start = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-m", "locust", "-f", str(ROOT / "bench/load/locustfile.py"),
             "--headless", "-u", "2", "-r", "2", "-t", "90s", "--host", server.url,
             "--students", "1", "--pages", "2", "--think", "1", "--samples", str(samples),
             "--only-summary", "--loglevel", "WARNING"],
            cwd=ROOT, capture_output=True, text=True, timeout=150)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    result = json.loads(samples.read_text())
    students = [s for s in result["samples"] if s["kind"] != "teacher"]
    assert len(students) == 2, result  # one student, two page views
    assert all(s["error"] is None and s["seconds"] is not None for s in students), students
    assert time.monotonic() - start < 90, "Locust stopped when the class was done"
