"""Follow the teacher under AppTest: a teacher's session and students' sessions of one app,
sharing a class store (a SQLite file per test)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from classroom import open_store

APP = str(Path(__file__).resolve().parent.parent / "app.py")
TEACHER = "_class_teacher"


@pytest.fixture(autouse=True)
def class_db(tmp_path, monkeypatch):
    path = tmp_path / "classes.sqlite3"
    monkeypatch.setenv("EXPLAINER_CLASS_DB", str(path))
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.delenv("EXPLAINER_CLASS_IDLE_HOURS", raising=False)
    return path


def new_app(**params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def start_class(teacher: AppTest) -> str:
    teacher.button(key="_class_start").click().run()
    assert not teacher.exception
    return teacher.session_state[TEACHER]["code"]


def texts(at: AppTest) -> str:
    """Every piece of text on screen (main and sidebar), as one string."""
    parts = []
    for kind in ("title", "markdown", "caption", "error", "warning", "info", "code"):
        parts += [str(el.value) for el in at.get(kind)]
    parts += [str(el.value) for el in at.sidebar.get("markdown") + at.sidebar.get("caption")]
    return "\n".join(parts)


def test_a_teacher_gets_a_code_and_a_link_but_the_token_stays_in_the_session():
    teacher = new_app()
    code = start_class(teacher)
    token = teacher.session_state[TEACHER]["token"]
    shown = texts(teacher)
    assert f"**{code}**" in shown
    assert f"?class={code}" in [el.value for el in teacher.sidebar.get("code")]
    assert token not in shown
    assert token not in str(dict(teacher.query_params))
    assert "class" not in teacher.query_params  # the teacher's own URL is not a student's link


def test_a_student_sees_the_teachers_page_sentence_language_and_selections():
    teacher = new_app()
    code = start_class(teacher)
    teacher.sidebar.text_input(key="s").set_value("我爱你").run()
    teacher.sidebar.radio(key="lang").set_value("zh").run()
    teacher.switch_page("app_pages/self_attention.py").run()
    teacher.radio(key="layer").set_value(2).run()
    teacher.radio(key="head").set_value(1).run()
    assert not teacher.exception

    student = new_app(**{"class": code})
    assert not student.exception
    assert student.sidebar.text_input(key="s").value == "我爱你"
    assert student.sidebar.radio(key="lang").value == "zh"
    assert student.title[0].value == teacher.title[0].value  # the teacher's page
    assert student.radio(key="layer").value == 2
    assert student.radio(key="head").value == 1
    # The sidebar is the teacher's, read-only, and says so in the teacher's language.
    assert student.sidebar.text_input(key="s").disabled
    assert student.sidebar.selectbox(key="model").disabled
    assert f"你正在跟随课堂 **{code}**" in texts(student)
    assert TEACHER not in student.session_state


def test_the_student_follows_every_change_including_back_to_defaults():
    teacher = new_app()
    code = start_class(teacher)
    teacher.switch_page("app_pages/self_attention.py").run()
    teacher.radio(key="layer").set_value(2).run()
    student = new_app(**{"class": code})
    assert student.radio(key="layer").value == 2

    teacher.radio(key="layer").set_value(0).run()  # the default: absent from the URL
    teacher.sidebar.text_input(key="s").set_value("John saw John").run()
    student.run()
    assert student.radio(key="layer").value == 0
    assert student.sidebar.text_input(key="s").value == "John saw John"

    teacher.switch_page("app_pages/overview.py").run()
    student.run()
    assert not student.exception
    assert student.title[0].value == teacher.title[0].value


def test_a_student_cannot_change_what_the_teacher_shows():
    teacher = new_app()
    code = start_class(teacher)
    teacher.switch_page("app_pages/self_attention.py").run()
    teacher.radio(key="layer").set_value(1).run()
    store = open_store()
    before = store.read(code)

    student = new_app(**{"class": code})
    student.radio(key="layer").set_value(2).run()  # a student clicks a page widget
    assert not student.exception
    assert student.radio(key="layer").value == 1  # snapped back to the teacher's choice
    # The student's session cannot write the class: it never had the token.
    assert store.read(code) == before
    teacher.run()
    assert teacher.radio(key="layer").value == 1
    store.close()


def test_a_student_steps_out_to_explore_and_back_in():
    teacher = new_app()
    code = start_class(teacher)
    student = new_app(**{"class": code})
    student.sidebar.toggle(key="_class_follow_toggle").set_value(False).run()
    assert not student.sidebar.text_input(key="s").disabled
    student.sidebar.text_input(key="s").set_value("Do you like tea?").run()

    teacher.sidebar.text_input(key="s").set_value("我爱你").run()
    student.run()
    assert student.sidebar.text_input(key="s").value == "Do you like tea?"  # still exploring

    student.sidebar.toggle(key="_class_follow_toggle").set_value(True).run()
    assert not student.exception
    assert student.sidebar.text_input(key="s").value == "我爱你"
    assert student.sidebar.text_input(key="s").disabled


@pytest.mark.parametrize("lang,words", [("English", "There is no class with the code"),
                                        ("中文", "没有代码为")])
def test_an_unknown_code_gets_a_clear_message_and_the_app_still_works(lang, words):
    student = new_app(**{"class": "abc-def", "lang": lang})
    assert not student.exception
    message = " ".join(el.value for el in student.error)
    assert words in message and "ABCDEF" in message
    assert student.get("plotly_chart")  # the page itself is drawn below the message
    assert not student.sidebar.text_input(key="s").disabled
    student.button(key="_class_leave_main").click().run()
    assert not student.error and "class" not in student.query_params


def test_a_malformed_code_is_not_echoed():
    student = new_app(**{"class": "<b>K7M</b>"})
    assert not student.exception
    message = " ".join(el.value for el in student.error)
    assert "6 letters and digits" in message and "<b>" not in message


def test_an_expired_class_tells_the_teacher_and_the_students(monkeypatch):
    monkeypatch.setenv("EXPLAINER_CLASS_IDLE_HOURS", "0")  # every class expires at once
    teacher = new_app()
    teacher.button(key="_class_start").click().run()
    assert not teacher.exception
    assert TEACHER not in teacher.session_state
    found = [re.search(r"Your class (\w+) has ended or expired", w.value) for w in teacher.warning]
    code = next(m.group(1) for m in found if m)
    student = new_app(**{"class": code})
    assert not student.exception
    assert any("There is no class" in e.value for e in student.error)


def test_ending_the_class_releases_the_students():
    teacher = new_app()
    code = start_class(teacher)
    student = new_app(**{"class": code})
    assert student.sidebar.text_input(key="s").disabled
    teacher.button(key="_class_end").click().run()
    assert TEACHER not in teacher.session_state
    student.run()
    assert not student.exception
    assert any(code in e.value for e in student.error)
    assert not student.sidebar.text_input(key="s").disabled


def test_a_store_that_cannot_open_is_a_message_not_a_traceback(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("EXPLAINER_CLASS_DB", str(blocker / "classes.sqlite3"))
    student = new_app(**{"class": "ABCDEF"})
    assert not student.exception
    assert any("cannot be reached" in e.value for e in student.error)
    teacher = new_app()
    teacher.button(key="_class_start").click().run()
    assert not teacher.exception
    assert TEACHER not in teacher.session_state
    assert any("cannot be reached" in w.value for w in teacher.warning)


def test_a_presenting_teacher_does_not_put_the_students_into_presenter_mode():
    teacher = new_app(present="1")
    assert teacher.session_state["present"]
    code = start_class(teacher)
    teacher.sidebar.text_input(key="s").set_value("我爱你").run()
    student = new_app(**{"class": code})
    teacher.switch_page("app_pages/self_attention.py").run()  # the student is moved along
    assert not teacher.exception and teacher.session_state["present"]

    student.run()
    assert not student.exception
    assert student.title[0].value == teacher.title[0].value  # it does follow
    assert student.sidebar.text_input(key="s").value == "我爱你"
    assert not student.session_state["present"]  # but keeps its own screen
    assert "present" not in student.query_params
