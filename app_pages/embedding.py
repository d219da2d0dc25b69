"""Step 1, embedding: the sentence's tokens, their vectors, their place in the vocabulary."""

import streamlit as st

from explainer.analysis.embedding import (
    first_rows,
    highlight_unknown,
    map_neighbours,
    map_sample,
    marked_tokens,
    nearest_neighbours,
    numbers_frame,
    scale_kind,
    sentence_points,
    vector_frame,
)
from explainer.analysis.views import main_tokens, token_table
from explainer.figures.embedding import neighbours_figure, vector_strips_figure, vocab_map_figure
from ui.loaders import weights_cached
from ui.state import tr
from ui.walkthrough import (
    cut_notice,
    embedding_norms_cached,
    labels,
    pc_titles,
    pca_note,
    vocab_map_cached,
)
from ui.widgets import (
    csv_button,
    current_trace,
    escape_md,
    pick_token,
    require,
    section,
    show_figure,
)

PAGE = {"order": 20, "url": "embedding", "icon": ":material/tag:",
        "title": {"en": "1 · Embedding", "zh": "1 · 编码"}, "needs": []}
FIRST_DIMS = 8  # numbers shown per vector before "show all"

st.title(tr("walk.emb.title"))
trace = current_trace()
require(trace, PAGE)
caps = trace.caps
side = caps.main_side
weights = weights_cached(trace.model_name)
vocab = weights.vocab
specials = caps.special_tokens
tokens, ids = main_tokens(trace)
d_model = caps.d_model
st.markdown(tr("walk.emb.intro", d=d_model, v=len(vocab), model=escape_md(caps.display_name)))
scale = scale_kind(caps)
if scale == "sqrt_d":
    st.latex(r"x_i = E[\mathrm{id}_i]\cdot\sqrt{d_\mathrm{model}}")
    st.caption(tr("walk.emb.scaled"))
elif scale == "other":
    st.latex(r"x_i = E[\mathrm{id}_i]\cdot " + f"{caps.embed_scale:.4g}")
else:
    st.latex(r"x_i = E[\mathrm{id}_i]")
    st.caption(tr("walk.emb.unscaled"))
if caps.embed_norm:
    st.info(tr("walk.emb.embed_norm"), icon=":material/info:")

st.subheader(tr("walk.emb.tokens"))
if side == "dec" and trace.n_prompt and trace.n_prompt < len(tokens):
    st.caption(tr("walk.emb.decoder_only", n_prompt=trace.n_prompt, n=len(tokens)))
words = labels(position="common.position", token="common.token", id="common.id",
               status="common.status", known="common.known", unknown="common.unknown",
               special="walk.special")
tokens_frame = token_table(tokens, ids, trace.unknown, words, specials)
st.dataframe(highlight_unknown(tokens_frame, words["status"], words["unknown"]),
             hide_index=True, key="emb_tokens")
if trace.unknown:
    st.caption(tr("walk.emb.unknown_note"))
csv_button(lambda: tokens_frame, "tokens.csv", key="emb_tokens_csv")

st.subheader(tr("walk.emb.strips"))
embedded = trace.embed(side, "embed")
shown_tokens = marked_tokens(tokens, ids, vocab, specials)
values, shown, _ = first_rows(embedded, shown_tokens)
fig_col, text_col = st.columns([3, 1])
with fig_col:
    show_figure(vector_strips_figure(values, shown, dim_title=tr("common.dimension"),
                                     value_title=tr("common.value")), key="emb_strips")
    cut_notice(len(shown), len(tokens))
    # The colours as numbers: the first dimensions always, every one on demand (a 512-wide
    # table for every token would be sent to the browser on every rerun otherwise).
    every = st.toggle(tr("walk.emb.numbers_all", d=d_model), value=False, key="emb_all",
                      bind="query-params")
    st.markdown(tr("walk.emb.numbers_all_title", d=d_model) if every
                else tr("walk.emb.numbers", k=FIRST_DIMS, d=d_model))
    st.dataframe(numbers_frame(values, shown, None if every else FIRST_DIMS),
                 key="emb_numbers")
with text_col:
    st.markdown(tr("walk.emb.strips_text"))
    csv_button(lambda: vector_frame(embedded, tokens), "embeddings.csv", key="emb_strips_csv")

st.subheader(tr("walk.emb.map"))
projection = vocab_map_cached(trace.model_name)
norms = embedding_norms_cached(trace.model_name)
mine = sentence_points(projection.points, ids)
near = map_neighbours(weights.embedding, ids, vocab, skip=specials, norms=norms)
drawn = map_sample(len(vocab), keep=near)
fig_col, text_col = st.columns([3, 1])
with fig_col:
    show_figure(
        vocab_map_figure(projection.points[drawn], [vocab[i] for i in drawn], mine,
                         [f"{i}: {tok}" for i, tok in enumerate(shown_tokens)],
                         axis_titles=pc_titles(projection.explained),
                         vocab_name=tr("walk.emb.vocab"), sentence_name=tr("walk.emb.sentence"),
                         show_labels=len(tokens) <= 40,
                         neighbour_points=sentence_points(projection.points, near),
                         neighbour_labels=[vocab[i] for i in near],
                         neighbour_name=tr("walk.emb.near_words")),
        key="emb_vocab_map",
    )
with text_col:
    st.markdown(tr("walk.emb.map_text", v=len(vocab), d=d_model))
    if len(drawn) < len(vocab):
        st.caption(tr("walk.emb.map_sample", shown=len(drawn), v=len(vocab)))
    pca_note(projection.explained, 2)
    csv_button(lambda: vector_frame(projection.points, vocab, prefix="PC"),
               "vocabulary_pca.csv", key="emb_vocab_csv")

# The token picker changes only this section: a click reruns it alone (ui.widgets.section).
@section
def neighbours_section() -> None:
    st.subheader(tr("walk.emb.neighbours"))
    pos = pick_token(tokens, key="q", specials=specials)
    token = tokens[pos]
    neighbours = nearest_neighbours(weights.embedding, ids[pos], vocab, k=10, skip=specials,
                                    norms=norms)
    fig_col, text_col = st.columns([3, 1])
    with fig_col:
        show_figure(neighbours_figure(neighbours["token"].tolist(), neighbours["cosine"].to_numpy(),
                                      value_title=tr("walk.emb.cosine")), key="emb_neighbours")
    with text_col:
        st.markdown(tr("walk.emb.neighbours_text", token=escape_md(token)))
        if token in trace.unknown:
            st.caption(tr("walk.emb.unk_neighbours", token=escape_md(token)))
        csv_button(lambda: neighbours, "neighbours.csv", key="emb_neighbours_csv")


neighbours_section()
