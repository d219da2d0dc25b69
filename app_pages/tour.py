"""The guided tour: the article's steps in order, one idea per screen, each with a question
to predict and the model's own answer to reveal (ui/tour.py, explainer/tour.py)."""

import streamlit as st

from ui import presenter
from ui.state import tr
from ui.tour import render_tour, start_sentence
from ui.widgets import current_trace, require, selection

PAGE = {"order": 1, "url": "tour", "icon": ":material/tour:",
        "title": {"en": "Guided tour", "zh": "导览"}, "needs": []}

start_sentence(selection().lang)
st.title(tr("tour.title"))
if not presenter.is_on():  # on a projector the steps speak for themselves
    st.markdown(tr("tour.intro"))
trace = current_trace()
require(trace, PAGE)
render_tour(trace)
