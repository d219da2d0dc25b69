"""Transformer, inside out: the Streamlit entry point.

Page config, the shared sidebar, and navigation over app_pages/ (found by ui.navigation).
A class (ui/classroom.py) hooks in around them: a student following the teacher takes the
teacher's selections before any widget is drawn; a teacher publishes what it shows after the
page has run. Presenter mode (ui/presenter.py, ``?present=1``) is read before the page config,
which collapses the sidebar; the tour (ui/tour.py) may queue a sentence for the sidebar; after
the page has run, the sidebar offers the current view as a notebook (ui/export.py).
"""

import streamlit as st

from ui import classroom, export, presenter, tour
from ui.navigation import build_pages
from ui.sidebar import render_sidebar, tagline
from ui.widgets import SELECTION

presenter.accept_url()
st.set_page_config(page_title="Transformer, inside out · Transformer 透视", page_icon="🔍",
                   layout="wide", initial_sidebar_state=presenter.sidebar_state())
tour.before_sidebar()
follow = classroom.follow_teacher()
st.session_state[SELECTION] = render_sidebar(locked=follow.locked)
pages = build_pages(st.session_state[SELECTION].lang)
# Every page listed: with 18 of them, Streamlit's default showed ten and hid the rest behind
# "View 8 more", where a class following the article's order would not find them.
page = st.navigation(pages, expanded=True)
classroom.render_panel(page, pages, follow)
presenter.control()
st.sidebar.caption(tagline(st.session_state[SELECTION].model_name))
export_slot = st.sidebar.empty()  # filled after the page ran, with the selections it made
classroom.publish(page)  # early: students start following while the page draws
try:
    page.run()
finally:
    classroom.publish(page, complete=True)
    export.notebook_button(page, export_slot)
