"""The vector space: each token's vector followed from embedding through every layer."""

import streamlit as st

from explainer.analysis.trajectory import (
    attention_intake,
    companions,
    cosine_columns,
    cosine_frame,
    cosine_paths,
    intake_columns,
    top_intake,
    trajectory_frame,
)
from explainer.analysis.views import visible_positions
from explainer.figures.space import intake_figure, similarity_paths_figure, trajectory_figure
from ui.loaders import weights_cached
from ui.state import tr
from ui.walkthrough import (
    hide_specials_toggle,
    pc_titles,
    pca_note,
    pick_dims,
    stage_label,
    trajectories_cached,
)
from ui.widgets import (
    csv_button,
    current_trace,
    escape_md,
    pick_index,
    pick_token,
    require,
    section,
    selection,
    show_figure,
)

PAGE = {"order": 60, "url": "vector-space", "icon": ":material/timeline:",
        "title": {"en": "The vector space", "zh": "向量空间"}, "needs": []}

st.title(tr("walk.vs.title"))
trace = current_trace()
require(trace, PAGE)
st.markdown(tr("walk.vs.intro"))
if trace.caps.norm == "pre":
    st.caption(tr("walk.vs.pre_ln"))

# Everything below follows the side, view and token picked here: a click reruns this section
# alone (ui.widgets.section), not the title or the sidebar.
@section
def space_section() -> None:
    sides = trace.sides
    # Only a model with both sides offers the choice of side; the main side comes first.
    if len(sides) > 1:
        side_col, dims_col, sub_col = st.columns([2, 1, 1])
        with side_col:
            side = sides[pick_index(tr("walk.vs.side"), len(sides), "vs_side",
                                    format_func=lambda i: tr(f"walk.vs.side_{sides[i]}"))]
    else:
        side = sides[0]
        dims_col, sub_col = st.columns(2)
    with dims_col:
        dims = pick_dims("vs_dims")
    with sub_col:
        substeps = st.toggle(tr("walk.vs.substeps"), value=True, key="vs_sub", bind="query-params")
    tokens = trace.tokens(side)
    specials = trace.caps.special_tokens
    hide = hide_specials_toggle("vs_hide", visible_positions(tokens, tokens, specials).hidden)
    shown = visible_positions(tokens, tokens, specials, hide)
    pos = pick_token(tokens, key="q", specials=specials)

    sel = selection()
    paths = trajectories_cached(sel.model_name, sel.sentence, sel.target, side, bool(substeps),
                                dims, tuple(shown.keep_q) if hide else None)
    stage_names = [stage_label(kind, layer) for kind, layer in paths.stages]

    st.subheader(tr("walk.vs.paths"))
    fig_col, text_col = st.columns([3, 1])
    with fig_col:
        chosen = shown.keep_q.index(pos) if pos in shown.keep_q else None
        show_figure(trajectory_figure(paths.points, stage_names, shown.query_tokens, chosen,
                                      axis_titles=pc_titles(paths.explained, dims),
                                      positions=shown.keep_q), key="vs_paths")
    with text_col:
        st.markdown(tr("walk.vs.paths_text"))
        pca_note(paths.explained, dims)
        if hide:
            st.caption(tr("walk.vs.hidden", tokens=", ".join(dict.fromkeys(shown.hidden))))
        csv_button(lambda: trajectory_frame(paths, stage_names, shown.query_tokens),
                   "trajectories.csv", key="vs_paths_csv")

    token = escape_md(tokens[pos])
    if side in trace.stages:  # the side's own self-attention (every side has one)
        st.subheader(tr("walk.vs.intake", token=token))
        intake = attention_intake(trace, weights_cached(trace.model_name), side, pos)
        layer_names = [stage_label("attn", layer) for layer in range(len(intake.shares))]
        fig_col, text_col = st.columns([3, 1])
        with fig_col:
            show_figure(intake_figure(intake_columns(intake, shown.keep_q), layer_names,
                                      shown.query_tokens, chosen,
                                      share_title=tr("walk.vs.intake_share"),
                                      positions=shown.keep_q), key="vs_intake")
        with text_col:
            st.markdown(tr("walk.vs.intake_text", token=token))
            for layer, j, share in top_intake(intake, pos, shown.keep_q):
                st.markdown(tr("walk.vs.intake_line", layer=layer + 1, token=token,
                               word=escape_md(tokens[j]), share=share,
                               own=float(intake.shares[layer, pos])))
        st.divider()

    st.subheader(tr("walk.vs.similar", token=token))
    cosines = cosine_paths(trace, pos, side, bool(substeps))
    others = companions(cosines, pos, allowed=shown.keep_q)
    fig_col, text_col = st.columns([3, 1])
    with fig_col:
        show_figure(similarity_paths_figure(cosine_columns(cosines, others), stage_names, tokens,
                                            others, pos, value_title=tr("walk.emb.cosine")),
                    key="vs_similarity")
    with text_col:
        st.markdown(tr("walk.vs.similar_text", token=token, d=trace.caps.d_model))
        csv_button(lambda: cosine_frame(cosines, stage_names, tokens), "similarity_paths.csv",
                     key="vs_similarity_csv")


space_section()
