"""The vector space: each token's vector followed from embedding through every layer."""

import streamlit as st

from explainer.analysis.trajectory import (
    companions,
    cosine_columns,
    cosine_frame,
    cosine_paths,
    trajectory_frame,
)
from explainer.figures.space import similarity_paths_figure, trajectory_figure
from ui.state import tr
from ui.walkthrough import (
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
    selection,
    show_figure,
)

PAGE = {"order": 60, "url": "vector-space", "icon": ":material/timeline:",
        "title": {"en": "The vector space", "zh": "向量空间"}}

SIDES = ("enc", "dec")

st.title(tr("walk.vs.title"))
trace = current_trace()
st.markdown(tr("walk.vs.intro"))

pick_cols = st.columns([2, 1, 1])
with pick_cols[0]:
    side = SIDES[pick_index(tr("walk.vs.side"), len(SIDES), "vs_side",
                            format_func=lambda i: tr(f"walk.vs.side_{SIDES[i]}"))]
with pick_cols[1]:
    dims = pick_dims("vs_dims")
with pick_cols[2]:
    substeps = st.toggle(tr("walk.vs.substeps"), value=True, key="vs_sub", bind="query-params")
tokens = trace.src_tokens if side == "enc" else trace.tgt_tokens
pos = pick_token(tokens, key="q")

sel = selection()
paths = trajectories_cached(sel.model_name, sel.sentence, sel.target, side, bool(substeps), dims)
stage_names = [stage_label(kind, layer) for kind, layer, _ in paths.stages]

st.subheader(tr("walk.vs.paths"))
fig_col, text_col = st.columns([3, 1])
with fig_col:
    show_figure(trajectory_figure(paths.points, stage_names, tokens, pos,
                                  axis_titles=pc_titles(paths.explained, dims)), key="vs_paths")
with text_col:
    st.markdown(tr("walk.vs.paths_text"))
    pca_note(paths.explained, dims)
    csv_button(lambda: trajectory_frame(paths, stage_names, tokens), "trajectories.csv",
                 key="vs_paths_csv")

token = escape_md(tokens[pos])
st.subheader(tr("walk.vs.similar", token=token))
cosines = cosine_paths(trace, pos, side, bool(substeps))
others = companions(cosines, pos)
fig_col, text_col = st.columns([3, 1])
with fig_col:
    show_figure(similarity_paths_figure(cosine_columns(cosines, others), stage_names, tokens,
                                        others, pos, value_title=tr("walk.emb.cosine")),
                key="vs_similarity")
with text_col:
    st.markdown(tr("walk.vs.similar_text", token=token, d=trace.config["d_model"]))
    csv_button(lambda: cosine_frame(cosines, stage_names, tokens), "similarity_paths.csv",
                 key="vs_similarity_csv")
