"""Masks and padding: the padded input matrix, the padding mask and its zero attention, the
decoder's causal mask."""

import streamlit as st

from explainer.analysis.decoding import decoder_keep, labelled_frame
from explainer.analysis.masks import (
    default_pad,
    is_pad,
    pad_attention_table,
    pad_sizes,
    padded_input,
    padding_effect,
    padding_mask,
    window,
)
from explainer.analysis.views import attention_pattern
from explainer.figures.attention import attention_heatmap_figure
from explainer.figures.masks import mask_figure, padded_matrix_figure, scores_figure
from ui.state import tr
from ui.widgets import csv_button, current_trace, pick_head, pick_layer, show_figure

PAGE = {"order": 80, "url": "masks", "icon": ":material/grid_on:",
        "title": {"en": "Masks and padding", "zh": "掩码与填充"}}

st.title(tr("masks.title"))
st.caption(tr("masks.intro"))
plain = current_trace()
n = len(plain.src_tokens)
max_len = int(plain.config["max_len"])
sizes = pad_sizes(n, max_len)
if st.session_state.get("mk_pad") not in sizes:
    st.session_state["mk_pad"] = default_pad(n, max_len)
pad_to = st.select_slider(tr("masks.pad_to"), sizes, key="mk_pad", bind="query-params")
padded = current_trace(show_notices=False, pad_to=int(pad_to))
tokens = padded.src_tokens
pads = is_pad(tokens)
d_model = int(padded.config["d_model"])

st.subheader(tr("masks.padded"))
matrix = padded_input(padded)
show_figure(
    padded_matrix_figure(matrix, tokens, pads, row_title=tr("common.position"),
                         col_title=tr("common.dimension"), pad_label=tr("masks.pad_label")),
    key="mk_matrix",
)
st.caption(tr("masks.padded_caption", n=n, pads=len(tokens) - n, total=len(tokens),
              d_model=d_model))
csv_button(labelled_frame(matrix, tokens, None), f"padded_input_{len(tokens)}.csv",
           key="mk_matrix_csv")

st.subheader(tr("masks.padding_mask"))
shown = window(len(tokens))
show_figure(
    mask_figure(padding_mask(padded)[:, :shown], [tr("masks.mask_row")], tokens[:shown],
                visible_label=tr("masks.visible"), hidden_label=tr("masks.hidden"),
                col_title=tr("masks.key"), row_title=""),
    key="mk_pad_row",
)
st.caption(tr("masks.padding_caption"))
st.latex(r"\mathrm{Attention}(Q, K, V) = \mathrm{softmax}\left(\frac{QK^{\top}}{\sqrt{d_k}}"
         r" + M\right) V, \quad M_{ij} = \begin{cases} 0 & \text{allowed} \\ -\infty & "
         r"\text{masked} \end{cases}")
st.caption(tr("masks.formula"))
if shown < len(tokens):
    st.caption(tr("masks.window", shown=shown, total=len(tokens)))

c1, c2 = st.columns(2)
with c1:
    layer = pick_layer(padded.n_layers)
with c2:
    head = pick_head(padded.n_heads)
scores = padded[f"enc.blocks.{layer}.attn.hook_scores"][head]
view = attention_pattern(padded, "enc", layer, head)
s1, s2 = st.columns(2)
with s1:
    show_figure(
        scores_figure(scores[:shown, :shown], tokens[:shown], tokens[:shown],
                      row_title=tr("masks.query"), col_title=tr("masks.key"),
                      hover=tr("masks.score"),
                      title=tr("masks.scores", layer=layer + 1, head=head + 1)),
        key="mk_scores",
    )
with s2:
    # Drawn as real zeros, not gaps: that the weight is exactly 0 is what this page shows.
    show_figure(
        attention_heatmap_figure(view.pattern[:shown, :shown], tokens[:shown], tokens[:shown],
                                 title=tr("masks.weights", layer=layer + 1, head=head + 1),
                                 query_title=tr("masks.query"), key_title=tr("masks.key"),
                                 hover=tr("common.weight")),
        key="mk_weights",
    )
    st.caption(tr("masks.weights_caption", shown=shown, total=len(tokens)))
csv_button(labelled_frame(view.pattern, tokens, tokens),
           f"encoder_attention_L{layer + 1}_H{head + 1}_pad{len(tokens)}.csv",
           key="mk_weights_csv")

st.markdown(f"**{tr('masks.pad_table')}**")
table = pad_attention_table(padded, {k: tr(f"masks.{k}") for k in ("block", "largest", "total",
                                                                     "enc", "cross")}
                            | {"layer": tr("common.layer")})
st.dataframe(table, hide_index=True, key="mk_pad_table")
csv_button(table, "attention_on_padding.csv", key="mk_pad_table_csv")
effect = padding_effect(plain, padded)
st.info(tr("masks.effect", total=len(tokens), enc=effect["encoder"], logits=effect["logits"],
           same=tr("masks.yes" if effect["same_translation"] else "masks.no")),
        icon=":material/check_circle:")

st.subheader(tr("masks.causal"))
st.caption(tr("masks.causal_intro"))
keep = decoder_keep(plain, layer)
k1, k2 = st.columns(2)
with k1:
    show_figure(
        mask_figure(keep, plain.tgt_tokens, plain.tgt_tokens, visible_label=tr("masks.visible"),
                    hidden_label=tr("masks.hidden"), row_title=tr("masks.query"),
                    col_title=tr("masks.key")),
        key="mk_causal",
    )
    st.caption(tr("masks.causal_caption", n=len(plain.tgt_tokens)))
    csv_button(labelled_frame(keep, plain.tgt_tokens, plain.tgt_tokens), "causal_mask.csv",
               key="mk_causal_csv")
with k2:
    dec_view = attention_pattern(plain, "dec", layer, head)
    show_figure(
        attention_heatmap_figure(dec_view.pattern, dec_view.query_tokens, dec_view.key_tokens,
                                 query_title=tr("masks.query"), key_title=tr("masks.key"),
                                 masked_cells=dec_view.masked, hover=tr("common.weight")),
        key="mk_causal_pattern",
    )
    st.caption(tr("masks.causal_pattern", layer=layer + 1, head=head + 1))
st.latex(r"M_{ij} = \begin{cases} 0 & j \le i \\ -\infty & j > i \end{cases}")
