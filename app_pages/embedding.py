"""Step 1, embedding: the sentence's tokens, their vectors, their place in the vocabulary."""

import streamlit as st

from explainer.analysis.embedding import (
    first_rows,
    highlight_unknown,
    marked_tokens,
    nearest_neighbours,
    sentence_points,
    vector_frame,
)
from explainer.analysis.views import token_table
from explainer.figures.embedding import neighbours_figure, vector_strips_figure, vocab_map_figure
from ui.loaders import vocab_cached
from ui.state import tr
from ui.walkthrough import (
    cut_notice,
    labels,
    pc_titles,
    pca_note,
    unit_embeddings_cached,
    vocab_map_cached,
)
from ui.widgets import csv_button, current_trace, escape_md, pick_token, show_figure

PAGE = {"order": 20, "url": "embedding", "icon": ":material/tag:",
        "title": {"en": "1 · Embedding", "zh": "1 · 编码"}}

st.title(tr("walk.emb.title"))
trace = current_trace()
vocab = vocab_cached(trace.model_name)
d_model = trace.config["d_model"]
st.markdown(tr("walk.emb.intro", d=d_model, v=len(vocab)))
st.latex(r"x_i = E[\mathrm{id}_i]\cdot\sqrt{d_\mathrm{model}}")

st.subheader(tr("walk.emb.tokens"))
words = labels(position="common.position", token="common.token", id="common.id",
               status="common.status", known="common.known", unknown="common.unknown")
tokens_frame = token_table(trace.src_tokens, trace.src_ids, trace.unknown, words)
st.dataframe(highlight_unknown(tokens_frame, words["status"], words["unknown"]),
             hide_index=True, key="emb_tokens")
if trace.unknown:
    st.caption(tr("walk.emb.unknown_note"))
csv_button(lambda: tokens_frame, "tokens.csv", key="emb_tokens_csv")

st.subheader(tr("walk.emb.strips"))
embedded = trace["enc.hook_embed"]
shown_tokens = marked_tokens(trace.src_tokens, trace.src_ids, vocab)
values, shown, _ = first_rows(embedded, shown_tokens)
fig_col, text_col = st.columns([3, 1])
with fig_col:
    show_figure(vector_strips_figure(values, shown, dim_title=tr("common.dimension"),
                                     value_title=tr("common.value")), key="emb_strips")
    cut_notice(len(shown), len(trace.src_tokens))
with text_col:
    st.markdown(tr("walk.emb.strips_text"))
    csv_button(lambda: vector_frame(embedded, trace.src_tokens), "embeddings.csv",
                 key="emb_strips_csv")

st.subheader(tr("walk.emb.map"))
projection = vocab_map_cached(trace.model_name)
mine = sentence_points(projection.points, trace.src_ids)
fig_col, text_col = st.columns([3, 1])
with fig_col:
    show_figure(
        vocab_map_figure(projection.points, vocab, mine,
                         [f"{i}: {tok}" for i, tok in enumerate(shown_tokens)],
                         axis_titles=pc_titles(projection.explained),
                         vocab_name=tr("walk.emb.vocab"), sentence_name=tr("walk.emb.sentence"),
                         show_labels=len(trace.src_tokens) <= 40),
        key="emb_vocab_map",
    )
with text_col:
    st.markdown(tr("walk.emb.map_text", v=len(vocab), d=d_model))
    pca_note(projection.explained, 2)
    csv_button(lambda: vector_frame(projection.points, vocab, prefix="PC"),
                 "vocabulary_pca.csv", key="emb_vocab_csv")

st.subheader(tr("walk.emb.neighbours"))
pos = pick_token(trace.src_tokens, key="q")
token = trace.src_tokens[pos]
neighbours = nearest_neighbours(unit_embeddings_cached(trace.model_name), trace.src_ids[pos],
                                vocab, k=10)
fig_col, text_col = st.columns([3, 1])
with fig_col:
    show_figure(neighbours_figure(neighbours["token"].tolist(), neighbours["cosine"].to_numpy(),
                                  value_title=tr("walk.emb.cosine")), key="emb_neighbours")
with text_col:
    st.markdown(tr("walk.emb.neighbours_text", token=escape_md(token)))
    if token in trace.unknown:
        st.caption(tr("walk.emb.unk_neighbours", token=escape_md(token)))
    csv_button(lambda: neighbours, "neighbours.csv", key="emb_neighbours_csv")
