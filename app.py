"""Transformer, inside out: the Streamlit entry point.

Page config, the shared sidebar, and navigation over app_pages/ (found by ui.navigation).
A class (ui/classroom.py) hooks in around them: a student following the teacher takes the
teacher's selections before any widget is drawn; a teacher publishes what it shows after the
page has run.
"""

import streamlit as st

from ui import classroom
from ui.navigation import build_pages
from ui.sidebar import render_sidebar
from ui.state import tr
from ui.widgets import SELECTION

st.set_page_config(page_title="Transformer, inside out · Transformer 透视", page_icon="🔍",
                   layout="wide")
follow = classroom.follow_teacher()
st.session_state[SELECTION] = render_sidebar(locked=follow.locked)
pages = build_pages(st.session_state[SELECTION].lang)
page = st.navigation(pages)
classroom.render_panel(page, pages, follow)
st.sidebar.caption(tr("app.tagline"))
classroom.publish(page)  # early: students start following while the page draws
try:
    page.run()
finally:
    classroom.publish(page, complete=True)
