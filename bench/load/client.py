"""One simulated browser tab: HTTP and the websocket as the frontend uses them, no rendering.

``Tab`` opens the app the way Chromium does (the page's HTML and the files it names, the
health and host-config checks, then ``/_stcore/stream`` with the ``streamlit`` subprotocol and
the XSRF token from the cookie), then asks for script runs with the messages of
``bench.load.protocol`` and reads the server's stream until the run it asked for has finished.
While it waits or "thinks", it keeps reading and sends each fragment's auto-rerun on time, as
the browser's timers do. Plain blocking sockets (websocket-client, http.client): under Locust
they are gevent's; in a test, a thread's.

It refuses any host but 127.0.0.1: this load generator is for a server on this machine.
"""

from __future__ import annotations

import http.client
import re
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import websocket
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

from bench.load.protocol import (
    FINISHED,
    SIDEBAR,
    AppView,
    Event,
    ProtocolError,
    rerun_message,
    set_query,
)

LOOPBACK = "127.0.0.1"
VIEW_LIMIT_S = 60.0  # a page not finished by then counts as an error
XSRF_COOKIE = "_streamlit_xsrf"
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) bench.load (Streamlit protocol, no rendering)"
ASSET = re.compile(r'(?:src|href)="\./(static/[^"]+)"')


class LoadError(Exception):
    """A page view that failed: timeout, closed socket, server error, protocol surprise."""


@dataclass
class PageView:
    """One request for a script run and how it ended."""

    action: str  # "open", "page", "click", "type"
    page: str  # url_pathname of the page it ended on ("" = default page)
    sent: float  # time.monotonic() when the request left
    started: float | None = None  # the server's new_session for the run
    finished: float | None = None  # the script_finished that ended the run chain
    error: str | None = None

    @property
    def seconds(self) -> float | None:
        return None if self.finished is None else self.finished - self.sent


def require_loopback(base_url: str) -> tuple[str, int]:
    parts = urlsplit(base_url)
    if parts.scheme != "http" or parts.hostname != LOOPBACK or parts.port is None:
        raise ValueError(f"load only ever goes to http://{LOOPBACK}:PORT, not {base_url!r}")
    return parts.hostname, parts.port


class Tab:
    """A browser tab on the app, speaking Streamlit's websocket protocol.

    Args:
        base_url: ``http://127.0.0.1:PORT`` (nothing else is accepted).
        fetch_assets: also fetch the files the page's HTML names, as a first visit does.
        on_event: called with each ``Event`` and the time it arrived (for followers).
    """

    def __init__(self, base_url: str, fetch_assets: bool = True, on_event=None,
                 view_limit_s: float = VIEW_LIMIT_S):
        self.host, self.port = require_loopback(base_url)
        self.base_url = base_url.rstrip("/")
        self.fetch_assets = fetch_assets
        self.on_event = on_event
        self.view_limit_s = view_limit_s
        self.view = AppView()
        self.ws: websocket.WebSocket | None = None
        self.cookies: dict[str, str] = {}
        self.url_path = ""  # the page's path in the address bar
        self._due: dict[str, float] = {}  # fragment id -> when its timer fires next
        self.bytes_received = 0
        self.messages_received = 0
        self.auto_reruns_sent = 0
        self.load_s: float | None = None  # HTML, its files, health checks, websocket: seconds

    # -- HTTP, as the page load does it -------------------------------------------------------

    def _get(self, path: str) -> bytes:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=self.view_limit_s)
        try:
            headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate"}
            if self.cookies:
                headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            body = response.read()
            for header in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = header.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
            if response.status >= 400:
                raise LoadError(f"GET {path}: HTTP {response.status}")
            return body
        except OSError as err:
            raise LoadError(f"GET {path}: {type(err).__name__}: {err}") from err
        finally:
            conn.close()

    def _load_page(self, path: str, query: str) -> None:
        html = self._get(f"/{path}" + (f"?{query}" if query else ""))
        if self.fetch_assets:
            for asset in dict.fromkeys(ASSET.findall(html.decode("utf-8", "replace"))):
                self._get(f"/{asset}")
        self._get("/_stcore/health")
        self._get("/_stcore/host-config")

    # -- the websocket --------------------------------------------------------------------------

    def open(self, path: str = "", query: str = "") -> PageView:
        """Load ``/path?query`` in the tab: the first script run, as after typing the address."""
        self.url_path = path
        self.view.query_string = query
        begin = time.monotonic()
        try:
            self._load_page(path, query)
            xsrf = self.cookies.get(XSRF_COOKIE, "")
            self.ws = websocket.create_connection(
                f"ws://{self.host}:{self.port}/_stcore/stream",
                subprotocols=["streamlit", xsrf] if xsrf else ["streamlit"],
                origin=self.base_url,
                cookie="; ".join(f"{k}={v}" for k, v in self.cookies.items()) or None,
                header={"User-Agent": USER_AGENT},
                timeout=self.view_limit_s,
                enable_multithread=False,
            )
        except (OSError, websocket.WebSocketException, LoadError) as err:
            view = PageView("open", path, time.monotonic())
            view.error = f"connect: {type(err).__name__}: {err}"
            return view
        self.load_s = time.monotonic() - begin
        return self._request("open", rerun_message(
            query_string=query, page_name=path, url=self._url()))

    def visit(self, url_pathname: str) -> PageView:
        """Click a page in the sidebar's page list."""
        page = self.view.page(url_pathname)
        self.url_path = url_pathname
        return self._request("page", rerun_message(
            query_string=self.view.query_string, page_script_hash=page.script_hash,
            widgets=self.view.widget_states(roots=(SIDEBAR,)),
            cached_hashes=self.view.cached_hashes(), url=self._url()))

    def click(self, key: str) -> PageView:
        """Click the button whose key is ``key``."""
        button = self.view.widget(key)
        return self._rerun_with("click", WidgetState(id=button.state.id, trigger_value=True))

    def type_text(self, key: str, text: str) -> PageView:
        """Type ``text`` into the text box whose key is ``key`` and press Enter."""
        box = self.view.widget(key)
        if box.query_param_key:  # a widget bound to the URL: the address bar changes first
            self.view.query_string = set_query(self.view.query_string, box.query_param_key,
                                               text or None)
        state = WidgetState(id=box.state.id, string_value=text)
        self.view.set_widget(state)
        return self._rerun_with("type", state)

    def _rerun_with(self, action: str, changed: WidgetState) -> PageView:
        states = [s for s in self.view.widget_states() if s.id != changed.id] + [changed]
        return self._request(action, rerun_message(
            query_string=self.view.query_string, page_script_hash=self.view.page_hash,
            widgets=states, cached_hashes=self.view.cached_hashes(), url=self._url()))

    def _url(self) -> str:
        return f"{self.base_url}/{self.url_path}"

    def _send(self, msg) -> None:
        try:
            self.ws.send_binary(msg.SerializeToString())
        except (OSError, websocket.WebSocketException) as err:
            raise LoadError(f"send: {type(err).__name__}: {err}") from err

    def _request(self, action: str, msg) -> PageView:
        view = PageView(action, self.url_path, time.monotonic())
        errors_before = len(self.view.errors)
        self._send(msg)
        started = False

        def done(event: Event, at: float) -> bool:
            nonlocal started
            if event.kind == "started" and not event.fragment:
                started = True
                view.started = view.started or at
            # Only a run that began after this request can answer it; a run chain that
            # ends in st.rerun or st.switch_page goes on, so wait for a plain finish.
            return (started and event.kind == "finished" and not event.fragment
                    and event.status == FINISHED)

        try:
            event_at = self.pump(until=done, limit_s=self.view_limit_s)
        except LoadError as err:
            view.error = str(err)
            return view
        if event_at is None:
            view.error = f"no script_finished within {self.view_limit_s:g} s"
        else:
            view.finished = event_at
        page = self.view.current_page
        view.page = page.url_pathname if page else self.url_path
        self.url_path = view.page
        if view.error is None and len(self.view.errors) > errors_before:
            view.error = "; ".join(self.view.errors[errors_before:])[:500]
        return view

    def think(self, seconds: float) -> None:
        """Stay on the page for ``seconds``: read the stream, fire the fragments' timers."""
        self.pump(until=None, limit_s=seconds)

    def pump(self, until, limit_s: float) -> float | None:
        """Read messages (sending due auto-reruns) until ``until(event, time)`` is true or
        ``limit_s`` has passed. Returns the time of the event that ended it, or None.

        Raises:
            LoadError: the socket closed or failed, or the server sent what a browser could
                not take.
        """
        deadline = time.monotonic() + limit_s
        while True:
            now = time.monotonic()
            self._fire_timers(now)
            if now >= deadline:
                return None
            wake = min([deadline, *self._due.values()])
            self.ws.settimeout(max(0.001, wake - now))
            try:
                data = self.ws.recv()
            except websocket.WebSocketTimeoutException:
                continue
            except (OSError, websocket.WebSocketException) as err:
                raise LoadError(f"websocket: {type(err).__name__}: {err}") from err
            at = time.monotonic()
            if not data:
                raise LoadError("websocket closed by the server")
            self.bytes_received += len(data)
            self.messages_received += 1
            msg = ForwardMsg()
            msg.ParseFromString(data)
            try:
                event = self.view.handle(msg)
            except ProtocolError as err:
                raise LoadError(str(err)) from err
            self._sync_timers(at)
            if event is not None:
                if self.on_event is not None:
                    self.on_event(self, event, at)
                if until is not None and until(event, at):
                    return at

    def _sync_timers(self, now: float) -> None:
        for fragment_id, interval in self.view.auto_reruns.items():
            self._due.setdefault(fragment_id, now + interval)
        for fragment_id in list(self._due):
            if fragment_id not in self.view.auto_reruns:
                del self._due[fragment_id]

    def _fire_timers(self, now: float) -> None:
        for fragment_id, due in list(self._due.items()):
            if due <= now:
                self._send(rerun_message(
                    query_string=self.view.query_string, page_script_hash=self.view.page_hash,
                    widgets=self.view.widget_states(), fragment_id=fragment_id,
                    is_auto_rerun=True, cached_hashes=self.view.cached_hashes(),
                    url=self._url()))
                self.auto_reruns_sent += 1
                interval = self.view.auto_reruns[fragment_id]
                # setInterval keeps its beat; a late tick does not make up the ones it missed
                due += interval
                self._due[fragment_id] = due if due > now else now + interval

    def close(self) -> None:
        if self.ws is not None:
            try:
                self.ws.close()
            except (OSError, websocket.WebSocketException):
                pass
            self.ws = None
