"""Multi-head attention: every layer × head, one head up close, what heads do, W_O mixing."""

import streamlit as st

from explainer.analysis.attention_steps import tolerance
from explainer.analysis.embedding import vector_frame
from explainer.analysis.heads import (
    DETAIL_BINS,
    grid_frame,
    head_summary,
    mix_heads,
    pool_attention,
    query_key_map,
    stage_masked,
    stage_patterns,
    summary_grid,
    summary_table,
)
from explainer.analysis.views import attention_pattern, stage_tokens, visible_positions
from explainer.figures.attention import attention_heatmap_figure
from explainer.figures.heads import (
    head_mix_figure,
    head_share_figure,
    head_summary_figure,
    model_view_figure,
    query_key_figure,
)
from ui.loaders import weights_cached
from ui.state import tr
from ui.walkthrough import (
    diff_line,
    hidden_note,
    hide_specials_toggle,
    labels,
    pc_titles,
    pick_stage,
)
from ui.widgets import (
    csv_button,
    current_trace,
    escape_md,
    pick_head,
    pick_layer,
    pick_token,
    require,
    section,
    show_figure,
)

PAGE = {"order": 50, "url": "multi-head", "icon": ":material/view_module:",
        "title": {"en": "Multi-head attention", "zh": "多头注意力"}, "needs": []}

st.title(tr("walk.mh.title"))
trace = current_trace()
require(trace, PAGE)
n_heads = trace.n_heads
st.markdown(tr("walk.mh.intro", h=n_heads))
st.latex(r"\mathrm{MultiHead}(Q,K,V) = \mathrm{Concat}(\mathrm{head}_1,\dots,\mathrm{head}_h)\,W^O,"
         r"\quad \mathrm{head}_i = \mathrm{Attention}(QW_i^Q, KW_i^K, VW_i^V)")

stage = pick_stage("mh_stage", trace.stages)
n_layers = trace.n_layers_of(stage)
query_tokens, key_tokens = stage_tokens(trace, stage)
layer_titles = [tr("walk.mh.layer_n", n=i + 1) for i in range(n_layers)]
head_titles = [tr("walk.mh.head_n", n=i + 1) for i in range(n_heads)]
weight = tr("common.weight")
specials = trace.caps.special_tokens
hide = hide_specials_toggle(
    "mh_hide", visible_positions(query_tokens, key_tokens, specials).hidden)
shown = visible_positions(query_tokens, key_tokens, specials, hide)

st.subheader(tr("walk.mh.grid"))
# One cell per token pair up to DETAIL_BINS (128) tokens; longer inputs pool into blocks.
grid = pool_attention(*shown.apply(stage_patterns(trace, stage), stage_masked(trace, stage)),
                      DETAIL_BINS)
fig_col, text_col = st.columns([3, 1])
with fig_col:
    show_figure(model_view_figure(grid.pattern, grid.query_labels, grid.key_labels, layer_titles,
                                  head_titles, hover=weight), key="mh_grid")
with text_col:
    st.markdown(tr("walk.mh.grid_text"))
    if grid.pooled:
        st.caption(tr("walk.pooled", block=max(grid.block)))
    hidden_note(shown.hidden)
    csv_button(lambda: grid_frame(grid.pattern, grid.query_labels, grid.key_labels),
               "all_heads.csv", key="mh_grid_csv")

# Everything below depends on the layer, head and query picked here: a click reruns this
# section alone (ui.widgets.section), not the grid above it or the sidebar.
@section
def up_close() -> None:
    st.subheader(tr("walk.mh.detail"))
    pick_cols = st.columns(2)
    with pick_cols[0]:
        layer = pick_layer(n_layers)
    with pick_cols[1]:
        head = pick_head(n_heads)
    masked_cells = stage_masked(trace, stage)
    for column, (which, title, key) in zip(st.columns(2), (
        (head, tr("walk.mh.detail_title", layer=layer + 1, head=head + 1), "mh_head"),
        (None, tr("walk.mh.average", h=n_heads), "mh_average"),
    )):
        view = attention_pattern(trace, stage, layer, which)
        detail = pool_attention(*shown.apply(view.pattern, masked_cells), DETAIL_BINS)
        with column:
            show_figure(attention_heatmap_figure(detail.pattern, detail.query_labels,
                                                 detail.key_labels, title=title,
                                                 query_title=tr("common.query"),
                                                 key_title=tr("common.key"), hover=weight),
                        key=key)
            if detail.pooled:
                st.caption(tr("walk.pooled", block=max(detail.block)))
            csv_button(lambda view=view: vector_frame(view.pattern, view.query_tokens, prefix="k"),
                         f"{key}_layer{layer + 1}.csv", key=f"{key}_csv")
    st.caption(tr("walk.mh.detail_text"))

    st.subheader(tr("walk.mh.summary"))
    summary = head_summary(trace, stage)
    looks = [[tr(f"walk.mh.cat.{place}") for place in row]
             for row in summary_grid(summary, "looks_at")]
    fig_col, text_col = st.columns([3, 1])
    with fig_col:
        show_figure(head_summary_figure(summary_grid(summary, "spread"), looks, layer_titles,
                                        head_titles, value_title=tr("walk.mh.spread")),
                    key="mh_summary")
    with text_col:
        st.markdown(tr("walk.mh.summary_text"))
    words = labels(layer="common.layer", head="common.head", entropy="walk.mh.entropy",
                   spread="walk.mh.spread", looks_at="walk.mh.looks_at", self="walk.mh.cat.self",
                   previous="walk.mh.cat.previous", next="walk.mh.cat.next",
                   first="walk.mh.cat.first", last="walk.mh.cat.last", broad="walk.mh.cat.broad")
    summary_shown = summary_table(summary, words)
    with st.expander(tr("walk.mh.summary_table")):
        st.dataframe(summary_shown, hide_index=True, key="mh_summary_table")
    csv_button(lambda: summary_shown, "head_summary.csv", key="mh_summary_csv")

    st.subheader(tr("walk.mh.mix"))
    pos = pick_token(query_tokens, key="q", label=tr("common.query"), specials=specials)
    mix = mix_heads(trace, weights_cached(trace.model_name), stage, layer, pos)
    st.markdown(tr("walk.mh.mix_text", token=escape_md(query_tokens[pos]), h=n_heads,
                   e=mix.z.shape[1], d=mix.concat.shape[0]))
    fig_col, share_col = st.columns([3, 1])
    with fig_col:
        show_figure(head_mix_figure(mix.concat, mix.W_O, mix.out, n_heads,
                                    concat_name=tr("walk.mh.concat"),
                                    out_name=tr("walk.mh.output")), key="mh_mix")
    with share_col:
        st.markdown(f"**{tr('walk.mh.share')}**")
        show_figure(head_share_figure(mix.contribution_norms,
                                      [str(i + 1) for i in range(n_heads)],
                                      value_title=tr("walk.mh.share_value"),
                                      head_title=tr("common.head")), key="mh_share")
        csv_button(lambda: vector_frame(mix.W_O, [str(i) for i in range(mix.W_O.shape[0])]),
                     f"W_O_layer{layer + 1}.csv", key="mh_W_O_csv")
    diff_line(mix.difference, tolerance(trace.caps))

    st.subheader(tr("walk.mh.qk"))
    qk = query_key_map(trace, stage, layer, head)
    fig_col, text_col = st.columns([3, 1])
    with fig_col:
        show_figure(query_key_figure(qk.queries, qk.keys, query_tokens, key_tokens, qk.top_key,
                                     tr("walk.mh.query"), tr("walk.mh.key"),
                                     axis_titles=pc_titles(qk.explained)), key="mh_qk")
    with text_col:
        st.markdown(tr("walk.mh.qk_text", layer=layer + 1, head=head + 1))


up_close()
