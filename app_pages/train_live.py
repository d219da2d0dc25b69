"""Train a model yourself: a fresh tiny translator from random weights, trained in a background
process while the page shows its loss, its translation and its attention every few seconds."""

import streamlit as st

from ui import jobs
from ui.state import tr

PAGE = {"order": 105, "url": "train-live", "icon": ":material/model_training:",
        "title": {"en": "Train a model yourself", "zh": "亲手训练模型"}, "needs": []}

st.title(tr("jobs.title"))
st.markdown(tr("jobs.intro"))
job = jobs.current_job()
if job is None:
    jobs.start_panel()
else:
    jobs.show_job(job)
