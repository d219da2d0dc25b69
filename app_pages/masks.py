"""Masks and padding: the masks the model used for this sentence; for a model with an encoder,
the padded input matrix, the padding mask and its zero attention; the causal mask of a decoder."""

import streamlit as st

from explainer.analysis.decoding import labelled_frame
from explainer.analysis.masks import (
    default_pad,
    keep,
    mask_kind,
    pad_attention_table,
    pad_sizes,
    padded_input,
    padded_keys,
    padding_effect,
    padding_mask,
    window,
)
from explainer.analysis.views import attention_pattern
from explainer.figures.attention import attention_heatmap_figure
from explainer.figures.masks import mask_figure, padded_matrix_figure, scores_figure
from ui.state import tr
from ui.widgets import (
    csv_button,
    current_trace,
    pick_head,
    pick_layer,
    require,
    section,
    show_figure,
)

PAGE = {"order": 80, "url": "masks", "icon": ":material/grid_on:",
        "title": {"en": "Masks and padding", "zh": "掩码与填充"}, "needs": []}

st.title(tr("masks.title"))
plain = current_trace()
require(plain, PAGE)
caps = plain.caps
st.markdown(tr("masks.intro"))
model = caps.display_name

# Everything below follows the layer, head and padding picked here: a click reruns this
# section alone (ui.widgets.section), not the title or the sidebar.
@section
def masks_section() -> None:
    c1, c2 = st.columns(2)
    with c1:
        layer = pick_layer(min(plain.n_layers_of(side) for side in plain.sides))
    with c2:
        head = pick_head(plain.n_heads)

    # -- Padding: only an encoder reads a padded batch (a GPT-2 has no pad token at all). ---------
    padded = None
    if "enc" in plain.sides:
        n = len(plain.src_tokens)
        sizes = pad_sizes(n, caps.max_len)
        if st.session_state.get("mk_pad") not in sizes:
            st.session_state["mk_pad"] = default_pad(n, caps.max_len)
        pad_to = st.select_slider(tr("masks.pad_to"), sizes, key="mk_pad", bind="query-params")
        padded = current_trace(show_notices=False, pad_to=int(pad_to))
        if len(padded.src_tokens) != max(int(pad_to), n):  # the adapter did not pad
            st.info(tr("masks.no_pad_support", model=model), icon=":material/info:")
            padded = None
    else:
        st.info(tr("masks.no_padding", model=model), icon=":material/info:")

    if padded is not None:
        tokens = padded.src_tokens
        pads = padded_keys(padded)
        st.subheader(tr("masks.padded"))
        matrix = padded_input(padded)
        show_figure(
            padded_matrix_figure(matrix, tokens, pads, row_title=tr("common.position"),
                                 col_title=tr("common.dimension"), pad_label=tr("masks.pad_label")),
            key="mk_matrix",
        )
        pad_token = tokens[n] if len(tokens) > n else ""
        st.caption(tr("masks.padded_caption", n=n, pads=len(tokens) - n, total=len(tokens),
                      d_model=caps.d_model, pad=pad_token or "—"))
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
                 r" + M\right) V, \quad M_{ij} = \begin{cases} 0 & \text{"
                 + tr("masks.tex_allowed") + r"} \\ -\infty & \text{" + tr("masks.tex_masked")
                 + r"} \end{cases}")
        st.caption(tr("masks.formula"))
        if caps.family != "ours":
            st.caption(tr("masks.finite_minus"))
        if shown < len(tokens):
            st.caption(tr("masks.window", shown=shown, total=len(tokens)))

        view = attention_pattern(padded, "enc", layer, head)
        scores = padded.scores("enc", layer)[head]
        s1, s2 = st.columns(2)
        with s1:
            show_figure(
                scores_figure(scores[:shown, :shown], tokens[:shown], tokens[:shown],
                              view.masked[:shown, :shown], row_title=tr("masks.query"),
                              col_title=tr("masks.key"), hover=tr("masks.score"),
                              title=tr("masks.scores", layer=layer + 1, head=head + 1)),
                key="mk_scores",
            )
        with s2:
            # Drawn as real zeros, not gaps: that the weight is exactly 0 is what this page shows.
            show_figure(
                attention_heatmap_figure(view.pattern[:shown, :shown], tokens[:shown],
                                         tokens[:shown],
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
        table = pad_attention_table(
            padded, {k: tr(f"masks.{k}") for k in ("block", "largest", "total", "enc", "cross")}
            | {"layer": tr("common.layer")})
        st.dataframe(table, hide_index=True, key="mk_pad_table")
        csv_button(table, "attention_on_padding.csv", key="mk_pad_table_csv")
        effect = padding_effect(plain, padded)
        if caps.generates:
            st.info(tr("masks.effect", total=len(tokens), enc=effect["encoder"],
                       logits=effect["logits"],
                       same=tr("masks.yes" if effect["same_translation"] else "masks.no")),
                    icon=":material/check_circle:")
        else:
            st.info(tr("masks.effect_encoder", total=len(tokens), enc=effect["encoder"]),
                    icon=":material/check_circle:")

    # -- The masks this model used for the sentence as typed. ------------------------------------
    st.subheader(tr("masks.used"))
    st.caption(tr("masks.used_intro", model=model))
    stage_names = [tr(f"masks.{stage}") for stage in plain.stages]
    for tab, stage in zip(st.tabs(stage_names), plain.stages):
        with tab:
            queries, keys = plain.stage_tokens(stage)
            rows, cols = window(len(queries)), window(len(keys))
            allowed = keep(plain, stage)
            show_figure(
                mask_figure(allowed[:rows, :cols], queries[:rows], keys[:cols],
                            visible_label=tr("masks.visible"), hidden_label=tr("masks.hidden"),
                            row_title=tr("masks.query"), col_title=tr("masks.key")),
                key="mk_causal" if stage == "dec" else f"mk_mask_{stage}",
            )
            st.caption(tr(f"masks.kind_{mask_kind(plain.mask(stage))}", q=len(queries),
                          k=len(keys)))
            if rows < len(queries) or cols < len(keys):
                st.caption(tr("masks.window", shown=max(rows, cols),
                              total=max(len(queries), len(keys))))
            csv_button(labelled_frame(allowed, queries, keys), f"mask_{stage}.csv",
                       key=f"mk_mask_{stage}_csv")

    if "dec" in plain.stages:
        st.subheader(tr("masks.causal"))
        st.caption(tr("masks.causal_intro"))
        dec_layer = min(layer, plain.n_layers_of("dec") - 1)
        dec_view = attention_pattern(plain, "dec", dec_layer, head)
        shown = window(len(dec_view.query_tokens))
        show_figure(
            attention_heatmap_figure(dec_view.pattern[:shown, :shown],
                                     dec_view.query_tokens[:shown], dec_view.key_tokens[:shown],
                                     query_title=tr("masks.query"), key_title=tr("masks.key"),
                                     masked_cells=dec_view.masked[:shown, :shown],
                                     hover=tr("common.weight")),
            key="mk_causal_pattern",
        )
        st.caption(tr("masks.causal_pattern", layer=dec_layer + 1, head=head + 1))
        st.latex(r"M_{ij} = \begin{cases} 0 & j \le i \\ -\infty & j > i \end{cases}")


masks_section()
