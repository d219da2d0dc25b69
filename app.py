"""Transformer, inside out: the Streamlit entry point.

Page config, the shared sidebar, and navigation over app_pages/ (found by ui.navigation).
"""

import streamlit as st

from ui.navigation import build_pages
from ui.sidebar import render_sidebar
from ui.state import tr
from ui.widgets import SELECTION

st.set_page_config(page_title="Transformer, inside out · Transformer 透视", page_icon="🔍",
                   layout="wide")
st.session_state[SELECTION] = render_sidebar()
page = st.navigation(build_pages(st.session_state[SELECTION].lang))
st.sidebar.caption(tr("app.tagline"))
page.run()
