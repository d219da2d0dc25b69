"""Step 2, positions: the formula (sinusoidal models) or the learned rows, and what they change."""

import streamlit as st

from explainer.analysis.embedding import scale_kind, vector_frame
from explainer.analysis.positional import (
    before_after,
    copies_distance,
    default_dims,
    input_sum,
    position_frame,
    position_table,
    similarity,
    wave_kind,
    wavelength,
    with_positions,
)
from explainer.figures.embedding import vector_strips_figure
from explainer.figures.positional import (
    before_after_figure,
    pe_heatmap_figure,
    pe_similarity_figure,
    pe_waves_figure,
)
from ui.state import tr
from ui.walkthrough import pc_titles, repeat_demo_trace
from ui.widgets import (
    csv_button,
    current_trace,
    escape_md,
    pick_token,
    require,
    section,
    show_figure,
)

PAGE = {"order": 30, "url": "positional-encoding", "icon": ":material/linear_scale:",
        "title": {"en": "2 · Positional encoding", "zh": "2 · 位置编码"}, "needs": []}

INTERLEAVED = (r"PE_{(pos,\,2i)} = \sin\!\left(\frac{pos}{10000^{2i/d_\mathrm{model}}}\right),"
               r"\qquad PE_{(pos,\,2i+1)} = \cos\!\left(\frac{pos}{10000^{2i/d_\mathrm{model}}}"
               r"\right)")
HALVES = (r"PE_{(pos,\,i)} = \sin\!\left(\frac{pos}{10000^{2i/d_\mathrm{model}}}\right),\qquad "
          r"PE_{(pos,\,d_\mathrm{model}/2+i)} = \cos\!\left(\frac{pos}{10000^{2i/d_\mathrm{model}}}"
          r"\right),\quad i < d_\mathrm{model}/2")

st.title(tr("walk.pe.title"))
trace = current_trace()
require(trace, PAGE)
caps = trace.caps
side = caps.main_side
tokens = trace.tokens(side)
d_model = caps.d_model
model = escape_md(caps.display_name)
st.markdown(tr("walk.pe.intro"))
if caps.positional not in ("sinusoidal", "learned"):
    st.info(tr("walk.pe.no_table", model=model, kind=caps.positional), icon=":material/info:")
    st.stop()
sinusoidal = caps.positional == "sinusoidal"
table = position_table(trace, side)
if sinusoidal:
    st.markdown(tr("walk.pe.sinusoidal"))
    st.latex(HALVES if table.layout == "halves" else INTERLEAVED)
    st.caption(tr("walk.pe.formula_note", d=d_model))
    if table.layout == "halves":
        st.caption(tr("walk.pe.halves_note", model=model))
else:
    st.markdown(tr("walk.pe.learned", model=model, n=caps.max_len))

st.subheader(tr("walk.pe.matrix") if sinusoidal else tr("walk.pe.matrix_learned_title"))
fig_col, text_col = st.columns([3, 1])
with fig_col:
    show_figure(pe_heatmap_figure(table.values, table.positions,
                                  len(tokens) if sinusoidal else 0,
                                  position_title=tr("common.position"),
                                  dim_title=tr("common.dimension"),
                                  sentence_label=tr("walk.pe.end"),
                                  limit=1.0 if sinusoidal else None,
                                  value_title="PE" if sinusoidal else "P"), key="pe_matrix")
with text_col:
    if sinusoidal:
        st.markdown(tr("walk.pe.matrix_text_halves" if table.layout == "halves"
                       else "walk.pe.matrix_text"))
        st.caption(tr("walk.pe.matrix_check", diff=table.difference))
    else:
        st.markdown(tr("walk.pe.matrix_learned", n=len(tokens)))
    csv_button(lambda: position_frame(table.values, table.positions), "positions.csv",
               key="pe_matrix_csv")

# The dimension picker changes only this chart: a change reruns it alone (ui.widgets.section).
@section
def waves_section() -> None:
    st.subheader(tr("walk.pe.waves"))
    choices = list(range(d_model))
    if any(d not in choices for d in st.session_state.get("pe_dims") or []):
        st.session_state["pe_dims"] = default_dims(d_model, table.layout)  # from another model
    dims = st.multiselect(tr("walk.pe.dims"), choices, default=default_dims(d_model, table.layout),
                          key="pe_dims", bind="query-params", max_selections=8)
    kinds = [wave_kind(d, d_model, table.layout) if sinusoidal else "" for d in dims]
    fig_col, text_col = st.columns([3, 1])
    with fig_col:
        show_figure(pe_waves_figure(table.positions, table.values[:, dims], dims, tokens,
                                    position_title=tr("common.position"),
                                    dim_label=tr("common.dimension"), kinds=kinds,
                                    value_range=(-1.1, 1.1) if sinusoidal else None),
                    key="pe_waves")
    with text_col:
        if dims and sinusoidal:
            st.markdown(tr("walk.pe.waves_text", dim=dims[0], kind=kinds[0],
                           length=wavelength(dims[0], d_model, table.layout)))
        elif dims:
            st.markdown(tr("walk.pe.waves_learned"))


waves_section()

# The token picker changes only this section: a click reruns it alone (ui.widgets.section).
@section
def sum_section() -> None:
    st.subheader(tr("walk.pe.sum"))
    pos = pick_token(tokens, key="q", specials=caps.special_tokens)
    parts = input_sum(trace, pos, side)
    scaled = scale_kind(caps) == "sqrt_d"
    embed_tex = r"E[\mathrm{id}]\cdot\sqrt{d_\mathrm{model}}" if scaled else r"E[\mathrm{id}]"
    pos_tex = "PE_{pos}" if sinusoidal else "P[pos]"
    if parts.normed:
        st.latex(r"x_{pos} = \mathrm{LayerNorm}\big(" + embed_tex + " + " + pos_tex
                 + r" + T[\mathrm{type}]\big)")
        row_names = [tr("walk.pe.row_embed_plain"), tr("walk.pe.row_pos"), tr("walk.pe.row_sum"),
                     tr("walk.pe.row_normed")]
    else:
        st.latex(r"x_{pos} = " + embed_tex + " + " + pos_tex)
        row_names = [tr("walk.pe.row_embed") if scaled else tr("walk.pe.row_embed_plain"),
                     tr("walk.pe.row_pe") if sinusoidal else tr("walk.pe.row_pos"),
                     tr("walk.pe.row_input")]
    fig_col, text_col = st.columns([3, 1])
    with fig_col:
        # LayerNorm changes the scale: the normalised input gets a colour scale of its own, or the
        # rows before it would look blank beside it.
        summed = 3
        show_figure(vector_strips_figure(parts.rows[:summed], row_names[:summed],
                                         dim_title=tr("common.dimension"),
                                         value_title=tr("common.value"), row_height=48),
                    key="pe_sum")
        if parts.normed:
            show_figure(vector_strips_figure(parts.rows[summed:], row_names[summed:],
                                             dim_title=tr("common.dimension"),
                                             value_title=tr("common.value"), row_height=48),
                        key="pe_sum_normed")
    with text_col:
        st.markdown(tr("walk.pe.sum_text", token=escape_md(tokens[pos]), pos=pos))
        if parts.normed:
            st.caption(tr("walk.pe.sum_normed"))
        else:
            st.caption(tr("walk.pe.sum_check", diff=parts.difference))
        csv_button(lambda: vector_frame(parts.rows, row_names), "embedding_plus_position.csv",
                   key="pe_sum_csv")


sum_section()

st.subheader(tr("walk.pe.before_after"))
shown = [("", trace, "pe_before_after")]
if not before_after(trace, side).repeated:
    demo = repeat_demo_trace()
    if demo is not None:
        shown.append((*demo, "pe_before_after_demo"))
for sentence, source, key in shown:
    points = before_after(source)
    source_tokens = source.tokens(source.caps.main_side)
    fig_col, text_col = st.columns([3, 1])
    # A repeated word: the first axis runs from its first copy to its second, so the
    # distance the text states is the distance drawn.
    pair = tuple(points.repeated[0][:2]) if points.axes == "copies" else None
    if pair:
        word = source_tokens[pair[0]]
        axes = [tr("walk.pe.axis_copies", token=word, a=pair[0], b=pair[1],
                   share=float(points.explained[0])),
                tr("walk.pe.axis_rest", share=float(points.explained[1]))]
    else:
        axes = pc_titles(points.explained)
    with fig_col:
        if sentence:
            st.markdown(tr("walk.pe.repeat_demo", sentence=sentence))
        show_figure(before_after_figure(points.before, points.after, source_tokens,
                                        tr("walk.pe.before"), tr("walk.pe.after"),
                                        axis_titles=axes, gap_pair=pair,
                                        gap_label=tr("walk.pe.gap", d=points.gap)), key=key)
    with text_col:
        if pair:
            st.markdown(tr("walk.pe.ba_text_copies", token=escape_md(source_tokens[pair[0]])))
        else:
            st.markdown(tr("walk.pe.ba_text"))
        for group in points.repeated[:3]:
            st.markdown(tr(
                "walk.pe.repeat", token=escape_md(source_tokens[group[0]]), a=group[0],
                b=group[1],
                before=copies_distance(source.embed(source.caps.main_side, "embed"), group),
                after=copies_distance(with_positions(source), group),
            ))

st.subheader(tr("walk.pe.similarity"))
sim = similarity(table.values, cosine=not sinusoidal)
fig_col, text_col = st.columns([3, 1])
with fig_col:
    show_figure(pe_similarity_figure(sim, table.positions, position_title=tr("common.position"),
                                     value_title="PE·PE" if sinusoidal else "cos"),
                key="pe_similarity")
with text_col:
    if sinusoidal:
        st.markdown(tr("walk.pe.similarity_text", top=d_model / 2))
    else:
        st.markdown(tr("walk.pe.similarity_learned"))
    csv_button(lambda: position_frame(sim, table.positions, columns_prefix=""),
               "position_similarity.csv", key="pe_similarity_csv")
