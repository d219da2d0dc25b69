"""Locust users for a class: one teacher and the students, each a ``bench.load.client.Tab``.

Run by ``python -m bench.load`` (which starts the app server and reads the samples), or by hand
against a server already running on this machine::

    locust -f bench/load/locustfile.py --headless -u 61 -r 2 -t 5m \\
        --host http://127.0.0.1:8501 --students 60 --pages 5 --think 5 --follow auto

The teacher opens the app, starts a class ("Start a class" in the sidebar) and reads its code
from the link the page shows, then clicks through the pages with ``--think`` seconds between
clicks. With ``--follow`` (and a class to follow), each student opens ``?class=CODE`` and is
moved by the app from page to page after the teacher: its first page view is its own request,
the next ``--pages - 1`` are the teacher's page changes reaching it, timed from the teacher's
click. Without a class, each
student opens its own sentence and clicks through ``--pages`` pages itself.

Every page view is reported to Locust (``request_type``: ``teacher``, ``join``, ``follow``,
``page``) and kept as a raw sample, written as JSON to ``--samples`` when Locust quits.
"""

from __future__ import annotations

import itertools
import json
import time
from pathlib import Path
from urllib.parse import urlencode

import gevent
from gevent.event import Event
from locust import User, events, task
from locust.exception import StopUser

from bench.load.client import LoadError, PageView, Tab
from bench.load.protocol import FINISHED, class_code

CLASS_PARAM = "class"
START_CLASS_KEY = "_class_start"  # the teacher's "Start a class" button (ui/classroom.py)
SENTENCE_KEY = "s"
# The tour's sentence for the teacher; students who do not follow each pick one of these.
TEACHER_QUERY = {"s": "Smart John is singing", "model": "trained", "lang": "en"}
STUDENT_QUERIES = [
    {"s": "Smart John is singing", "model": "trained", "lang": "en"},
    {"s": "我爱你", "model": "trained", "lang": "zh"},
    {"s": "John saw John", "model": "trained", "lang": "en"},
    {"s": "Do you like tea?", "model": "trained", "lang": "en"},
    {"s": "他不喜欢茶", "model": "trained", "lang": "zh"},
    {"s": "Mary is reading a book in the library", "model": "trained", "lang": "en"},
]
CODE_WAIT_S = 120  # how long a student waits for the teacher's class code


@events.init_command_line_parser.add_listener
def _options(parser):
    parser.add_argument("--students", type=int, default=60, env_var="LOAD_STUDENTS",
                        help="students in the class (Locust stops when all are done)")
    parser.add_argument("--pages", type=int, default=5, env_var="LOAD_PAGES",
                        help="page views per student")
    parser.add_argument("--think", type=float, default=5.0, env_var="LOAD_THINK",
                        help="seconds between clicks")
    parser.add_argument("--follow", choices=("auto", "yes", "no"), default="auto",
                        env_var="LOAD_FOLLOW",
                        help="students follow the teacher's class (auto: when the app has one)")
    parser.add_argument("--samples", default="", env_var="LOAD_SAMPLES",
                        help="write every page view as JSON here when Locust quits")
    parser.add_argument("--view-limit", type=float, default=60.0, env_var="LOAD_VIEW_LIMIT",
                        help="seconds a page view may take before it counts as an error")


class Classroom:
    """What the users of one Locust process share: the class and the teacher's timeline."""

    def __init__(self):
        self.code: str | None = None
        self.follow = False  # decided by the teacher once it knows whether a class exists
        self.decided = Event()
        self.pages: list[str] = []  # url paths in the app's order
        # Each page the teacher went to: {"hash", "page", "clicked", "finished"} (the app
        # publishes it at the end of the teacher's run)
        self.timeline: list[dict] = []
        self.samples: list[dict] = []
        self.tabs: list[dict] = []  # per tab: runs, polls, traffic
        self.students_done = 0
        self.numbers = itertools.count()
        self.note = ""

    def shown(self, page_hash: str, at: float) -> int | None:
        """Index in ``timeline`` of the teacher's last click to that page before ``at``. The
        app publishes at the end of the teacher's run, but the teacher's tab may hear of that
        end after a fast student has followed: its ``finished`` may still be None, or later."""
        for index in range(len(self.timeline) - 1, -1, -1):
            entry = self.timeline[index]
            if entry["hash"] == page_hash and entry["clicked"] <= at:
                return index
        return None

    def went(self, tab: Tab, page: str, action) -> PageView:
        """The teacher's ``action`` (to ``page``), on the timeline from the moment it is sent."""
        entry = {"hash": tab.view.page(page).script_hash, "page": page,
                 "clicked": time.monotonic(), "finished": None}
        self.timeline.append(entry)
        view = action()
        entry["finished"] = view.finished
        return view


ROOM = Classroom()


def _report(environment, kind: str, view: PageView, extra: dict | None = None,
            seconds: float | None = None):
    seconds = view.seconds if seconds is None else seconds
    sample = {"kind": kind, "action": view.action, "page": view.page, "sent": view.sent,
              "finished": view.finished, "seconds": seconds, "error": view.error}
    sample.update(extra or {})
    ROOM.samples.append(sample)
    environment.events.request.fire(
        request_type=kind, name=view.page or "(default page)",
        response_time=(seconds or 0.0) * 1000, response_length=0,
        exception=LoadError(view.error) if view.error else None, context={})


@events.quitting.add_listener
def _write_samples(environment, **_):
    path = environment.parsed_options.samples if environment.parsed_options else ""
    if path:
        Path(path).write_text(json.dumps({
            "samples": ROOM.samples, "follow": ROOM.follow, "code": ROOM.code,
            "timeline": ROOM.timeline, "note": ROOM.note, "pages": ROOM.pages,
            "tabs": ROOM.tabs,
        }, ensure_ascii=False))


def _summary(kind: str, tab: Tab) -> None:
    ROOM.tabs.append({"kind": kind, "full_runs": tab.view.full_runs,
                      "fragment_runs": tab.view.fragment_runs,
                      "auto_reruns_sent": tab.auto_reruns_sent,
                      "messages": tab.messages_received, "bytes": tab.bytes_received})


def _quit_when_done(environment) -> None:
    wanted = environment.parsed_options.students
    if ROOM.students_done >= wanted and environment.runner is not None:
        # Not from this user's own greenlet: quitting kills every user, this one included.
        gevent.spawn_later(0.1, environment.runner.quit)


class Teacher(User):
    """Opens the app, starts a class, then clicks through the pages until the class is over."""

    fixed_count = 1  # spawned first, before the students

    @task
    def teach(self):
        options = self.environment.parsed_options
        tab = Tab(self.host, view_limit_s=options.view_limit)
        try:
            view = tab.open("", urlencode(TEACHER_QUERY))
            _report(self.environment, "teacher", view)
            if view.error:
                ROOM.note = f"the teacher could not open the app: {view.error}"
                ROOM.decided.set()
                raise StopUser()
            ROOM.pages = [p.url_pathname for p in tab.view.pages]
            self._start_class(tab, options)
            ROOM.decided.set()
            order = itertools.cycle(ROOM.pages[1:] + ROOM.pages[:1])
            while ROOM.students_done < options.students:
                tab.think(options.think)
                page = next(order)
                view = ROOM.went(tab, page, lambda page=page: tab.visit(page))
                _report(self.environment, "teacher", view)
        except LoadError as err:
            ROOM.note = f"the teacher's tab failed: {err}"
        finally:
            ROOM.decided.set()
            tab.close()
            _summary("teacher", tab)
        raise StopUser()

    def _start_class(self, tab: Tab, options) -> None:
        if options.follow == "no":
            ROOM.note = "students did not follow the teacher (--follow no)"
            return
        try:
            tab.view.widget(START_CLASS_KEY)
        except KeyError:
            ROOM.note = "the app has no classroom (no 'Start a class' button): students clicked"
            if options.follow == "yes":
                raise LoadError(ROOM.note) from None
            return
        here = tab.view.current_page.url_pathname if tab.view.current_page else ""
        view = ROOM.went(tab, here, lambda: tab.click(START_CLASS_KEY))
        _report(self.environment, "teacher", view)
        ROOM.code = class_code(tab.view.texts)
        if view.error or ROOM.code is None:
            raise LoadError(f"no class code after 'Start a class': {view.error or 'no link'}")
        ROOM.follow = True


def _moved_away(tab: Tab, last_hash: str):
    """True on the end of a whole-app run that left the student on a page other than the one
    ``last_hash`` names (the app moved it after the teacher)."""

    def moved(event, at) -> bool:
        return (event.kind == "finished" and not event.fragment and event.status == FINISHED
                and tab.view.page_hash != last_hash)

    return moved


class Student(User):
    """One student: follows the teacher's class when there is one, else clicks alone."""

    @task
    def learn(self):
        options = self.environment.parsed_options
        number = next(ROOM.numbers)
        if number >= options.students:
            # Locust replaces a user that stopped while it is still spawning; the class has
            # its students already, so the replacement only waits for the end.
            while True:
                gevent.sleep(1)
        tab = Tab(self.host, view_limit_s=options.view_limit)
        try:
            if not ROOM.decided.wait(CODE_WAIT_S):
                view = PageView("open", "", time.monotonic(), error="the class never started")
                _report(self.environment, "join", view)
            elif ROOM.follow:
                self._follow(tab, options)
            else:
                self._explore(tab, options, number)
        except LoadError as err:
            view = PageView("open", tab.url_path, time.monotonic(), error=str(err))
            _report(self.environment, "page", view)
        finally:
            tab.close()
            _summary("student", tab)
            ROOM.students_done += 1
            _quit_when_done(self.environment)
        raise StopUser()

    def _explore(self, tab: Tab, options, number: int) -> None:
        query = STUDENT_QUERIES[number % len(STUDENT_QUERIES)]
        pages = ROOM.pages or [""]
        start = number % len(pages)
        for i in range(options.pages):
            page = pages[(start + i) % len(pages)]
            if i == 0:
                view = tab.open(page, urlencode(query))
            else:
                tab.think(options.think)
                view = tab.visit(page)
            _report(self.environment, "page", view, extra={"load_s": tab.load_s} if i == 0
                    else None)
            if view.error:
                return

    def _follow(self, tab: Tab, options) -> None:
        view = tab.open("", urlencode({CLASS_PARAM: ROOM.code}))
        _report(self.environment, "join", view, extra={"load_s": tab.load_s})
        if view.error:
            return
        last, last_hash = view.page, tab.view.page_hash
        for _ in range(options.pages - 1):
            sent = time.monotonic()
            errors_before = len(tab.view.errors)
            moved = tab.pump(until=_moved_away(tab, last_hash),
                             limit_s=options.view_limit + options.think)
            page = tab.view.current_page.url_pathname if tab.view.current_page else ""
            follow = PageView("follow", page, sent, finished=moved)
            if moved is None:
                follow.error = (f"did not follow the teacher away from {last!r} within "
                                f"{options.view_limit + options.think:g} s (now on {page!r}, "
                                f"{tab.view.full_runs} whole-app runs so far)")
                _report(self.environment, "follow", follow)
                return
            index = ROOM.shown(tab.view.page_hash, moved)
            if index is None:
                follow.error = f"moved to {page!r}, where the teacher never went"
                _report(self.environment, "follow", follow)
                return
            if len(tab.view.errors) > errors_before:
                follow.error = "; ".join(tab.view.errors[errors_before:])[:500]
            # Timed from the teacher's click; report.py also compares with the end of the
            # teacher's run, once the teacher's tab has heard of it (``teacher``: the index).
            _report(self.environment, "follow", follow,
                    seconds=moved - ROOM.timeline[index]["clicked"], extra={"teacher": index})
            last, last_hash = page, tab.view.page_hash
