"""Step 2, positional encoding: the formula, the PE matrix, its waves, and what it changes."""

import streamlit as st

from explainer.analysis.embedding import vector_frame
from explainer.analysis.positional import (
    before_after,
    copies_distance,
    drawn_positions,
    input_sum,
    pe_difference,
    position_frame,
    positional_encoding,
    similarity,
    span,
    wavelength,
)
from explainer.figures.embedding import vector_strips_figure
from explainer.figures.positional import (
    before_after_figure,
    pe_heatmap_figure,
    pe_similarity_figure,
    pe_waves_figure,
)
from ui.state import tr
from ui.walkthrough import REPEAT_DEMO, pc_titles, repeat_demo_trace
from ui.widgets import csv_button, current_trace, escape_md, pick_token, show_figure

PAGE = {"order": 30, "url": "positional-encoding", "icon": ":material/linear_scale:",
        "title": {"en": "2 · Positional encoding", "zh": "2 · 位置编码"}}

st.title(tr("walk.pe.title"))
trace = current_trace()
d_model = trace.config["d_model"]
n_tokens = len(trace.src_tokens)
st.markdown(tr("walk.pe.intro"))
st.latex(r"PE_{(pos,\,2i)} = \sin\!\left(\frac{pos}{10000^{2i/d_\mathrm{model}}}\right),\qquad "
         r"PE_{(pos,\,2i+1)} = \cos\!\left(\frac{pos}{10000^{2i/d_\mathrm{model}}}\right)")
st.caption(tr("walk.pe.formula_note", d=d_model))

n_positions = span(n_tokens, trace.config["max_len"])
positions = drawn_positions(n_positions)
pe = positional_encoding(n_positions, d_model)[positions]

st.subheader(tr("walk.pe.matrix"))
fig_col, text_col = st.columns([3, 1])
with fig_col:
    show_figure(pe_heatmap_figure(pe, positions, n_tokens, position_title=tr("common.position"),
                                  dim_title=tr("common.dimension"),
                                  sentence_label=tr("walk.pe.end")), key="pe_matrix")
with text_col:
    st.markdown(tr("walk.pe.matrix_text"))
    st.caption(tr("walk.pe.matrix_check", diff=pe_difference(trace["enc.hook_pos"])))
    csv_button(lambda: position_frame(pe, positions), "positional_encoding.csv",
                 key="pe_matrix_csv")

st.subheader(tr("walk.pe.waves"))
dims = st.multiselect(tr("walk.pe.dims"), list(range(d_model)), default=[0, 1, 10, 40],
                      key="pe_dims", bind="query-params", max_selections=8)
fig_col, text_col = st.columns([3, 1])
with fig_col:
    show_figure(pe_waves_figure(positions, pe[:, dims], dims, trace.src_tokens,
                                position_title=tr("common.position"),
                                dim_label=tr("common.dimension")), key="pe_waves")
with text_col:
    if dims:
        st.markdown(tr("walk.pe.waves_text", dim=dims[0], length=wavelength(dims[0], d_model)))

st.subheader(tr("walk.pe.sum"))
pos = pick_token(trace.src_tokens, key="q")
st.latex(r"x_{pos} = E[\mathrm{id}]\cdot\sqrt{d_\mathrm{model}} + PE_{pos}")
parts = input_sum(trace, pos)
row_names = [tr("walk.pe.row_embed"), tr("walk.pe.row_pe"), tr("walk.pe.row_input")]
fig_col, text_col = st.columns([3, 1])
with fig_col:
    show_figure(vector_strips_figure(parts.rows, row_names, dim_title=tr("common.dimension"),
                                     value_title=tr("common.value"), row_height=48),
                key="pe_sum")
with text_col:
    st.markdown(tr("walk.pe.sum_text", token=escape_md(trace.src_tokens[pos]), pos=pos))
    st.caption(tr("walk.pe.sum_check", diff=parts.difference))
    csv_button(lambda: vector_frame(parts.rows, row_names), "embedding_plus_pe.csv",
                 key="pe_sum_csv")

st.subheader(tr("walk.pe.before_after"))
shown = [(trace, "pe_before_after")]
if not before_after(trace).repeated:
    shown.append((repeat_demo_trace(), "pe_before_after_demo"))
for index, (source, key) in enumerate(shown):
    points = before_after(source)
    fig_col, text_col = st.columns([3, 1])
    with fig_col:
        if index:
            st.markdown(tr("walk.pe.repeat_demo", sentence=REPEAT_DEMO))
        show_figure(before_after_figure(points.before, points.after, source.src_tokens,
                                        tr("walk.pe.before"), tr("walk.pe.after"),
                                        axis_titles=pc_titles(points.explained)), key=key)
    with text_col:
        st.markdown(tr("walk.pe.ba_text"))
        for group in points.repeated[:3]:
            st.markdown(tr(
                "walk.pe.repeat", token=escape_md(source.src_tokens[group[0]]), a=group[0],
                b=group[1], before=copies_distance(source["enc.hook_embed"], group),
                after=copies_distance(source["enc.hook_input"], group),
            ))

st.subheader(tr("walk.pe.similarity"))
sim = similarity(pe)
fig_col, text_col = st.columns([3, 1])
with fig_col:
    show_figure(pe_similarity_figure(sim, positions, position_title=tr("common.position")),
                key="pe_similarity")
with text_col:
    st.markdown(tr("walk.pe.similarity_text", top=d_model / 2))
    csv_button(lambda: position_frame(sim, positions, columns_prefix=""),
                 "pe_similarity.csv", key="pe_similarity_csv")
