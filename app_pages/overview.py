"""Overview: the sentence, its translation, and one attention heatmap."""

import streamlit as st

from explainer.analysis.views import attention_pattern, token_table
from explainer.figures.attention import attention_heatmap_figure
from ui.state import tr
from ui.widgets import csv_button, current_trace, show_figure

PAGE = {"order": 0, "url": "overview", "icon": ":material/home:",
        "title": {"en": "Overview", "zh": "总览"}}

st.title(tr("app.title"))
st.caption(tr("overview.intro"))
trace = current_trace()

st.subheader(tr("sidebar.translation"))
st.text(trace.translation or "∅")

labels = {k: tr(f"common.{k}") for k in ("position", "token", "id", "status", "known", "unknown")}
left, right = st.columns(2)
with left:
    st.markdown(f"**{tr('overview.tokens')}**")
    src_table = token_table(trace.src_tokens, trace.src_ids, trace.unknown, labels)
    st.dataframe(src_table, hide_index=True, key="overview_src_table")
    csv_button(src_table, "source_tokens.csv", key="overview_src_csv")
with right:
    st.markdown(f"**{tr('overview.output')}**")
    out_table = token_table(trace.output_tokens, trace.output_ids, [], labels)
    st.dataframe(out_table, hide_index=True, key="overview_out_table")
    csv_button(out_table, "output_tokens.csv", key="overview_out_csv")

last = trace.n_layers - 1
view = attention_pattern(trace, "enc", last, 0)
st.markdown(tr("overview.heatmap"))
show_figure(
    attention_heatmap_figure(view.pattern, view.query_tokens, view.key_tokens,
                             query_title=tr("common.query"), key_title=tr("common.key"),
                             masked_cells=view.masked, hover=tr("common.weight")),
    key="overview_heatmap",
)
