"""The vector space: each token's vector followed from embedding through every layer."""

import streamlit as st

from explainer.analysis.trajectory import (
    companions,
    cosine_columns,
    cosine_frame,
    cosine_paths,
    trajectory_frame,
)
from explainer.analysis.views import visible_positions
from explainer.figures.space import similarity_paths_figure, trajectory_figure
from ui.state import tr
from ui.walkthrough import (
    hide_specials_toggle,
    pc_titles,
    pca_note,
    pick_dims,
    stage_label,
    start_at_word,
    trajectories_cached,
)
from ui.widgets import (
    csv_button,
    current_trace,
    escape_md,
    pick_index,
    pick_token,
    require,
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
start_at_word(tokens, trace.caps.special_tokens)
pos = pick_token(tokens, key="q")

sel = selection()
paths = trajectories_cached(sel.model_name, sel.sentence, sel.target, side, bool(substeps), dims,
                            tuple(shown.keep_q) if hide else None)
stage_names = [stage_label(kind, layer) for kind, layer in paths.stages]

st.subheader(tr("walk.vs.paths"))
fig_col, text_col = st.columns([3, 1])
with fig_col:
    chosen = shown.keep_q.index(pos) if pos in shown.keep_q else None
    show_figure(trajectory_figure(paths.points, stage_names, shown.query_tokens, chosen,
                                  axis_titles=pc_titles(paths.explained, dims)), key="vs_paths")
with text_col:
    st.markdown(tr("walk.vs.paths_text"))
    pca_note(paths.explained, dims)
    if hide:
        st.caption(tr("walk.vs.hidden", tokens=", ".join(dict.fromkeys(shown.hidden))))
    csv_button(lambda: trajectory_frame(paths, stage_names, shown.query_tokens),
               "trajectories.csv", key="vs_paths_csv")

token = escape_md(tokens[pos])
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
