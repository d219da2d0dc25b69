"""Writing, step by step: decoder input, causal mask, next-token probabilities, the chosen token,
and where each written token looked (cross-attention for a translator, self-attention for a
GPT); greedy, sampling, and beam search for our own model."""

import streamlit as st

from explainer.analysis.confidence import confidence
from explainer.analysis.decoding import (
    alignment_pairs,
    alignment_table,
    beam_node_labels,
    beam_nodes,
    beam_path,
    clicked_node,
    decoder_keep,
    hypotheses_table,
    labelled_frame,
    mass_split,
    most_attended,
    n_steps,
    node_prefix,
    step_candidates,
    step_view,
    steps_table,
    top_tokens,
    written_attention,
)
from explainer.analysis.masks import window_around
from explainer.figures.base import compact_figure
from explainer.figures.decoding import beam_tree_figure, cross_attention_figure, next_token_figure
from explainer.figures.masks import mask_figure
from ui.confidence import show_confidence
from ui.decoder import beam_cached, clamp_state, short_text
from ui.loaders import vocab_cached
from ui.state import tr
from ui.why import distribution_at
from ui.widgets import (
    PLOTLY_CONFIG,
    csv_button,
    current_trace,
    escape_md,
    pick_head,
    pick_layer,
    require,
    section,
    selection,
    show_figure,
)

PAGE = {"order": 70, "url": "translation", "icon": ":material/translate:",
        "title": {"en": "Translation, step by step", "zh": "逐步翻译"}, "needs": ["generates"]}

MODES = ("greedy", "sample", "beam")


def beam_step_view(beam, node_labels: dict, status_names: dict) -> None:
    """One node of the tree (clicked, or picked here): its step's kept candidates with their
    scores, and the model's whole next-token distribution at that step."""
    st.markdown(f"**{tr('beam.step_title')}**")
    choice = st.selectbox(tr("beam.node"), list(node_labels), format_func=node_labels.get,
                          key="tr_beam_node", help=tr("beam.node_help"))
    step, node = choice
    cand_labels = {k: tr(f"beam.col.{k}") for k in ("prefix", "token", "prob", "log_prob", "lp",
                                                     "score", "status")}
    table = step_candidates(beam, step, cand_labels, status_names)
    st.dataframe(table, hide_index=True, key="tr_beam_step_table")
    st.caption(tr("beam.step_caption", step=step + 1, lp=table.iloc[0][cand_labels["lp"]],
                  alpha=beam.alpha))
    path = node_prefix(beam, step, node)
    # A finished node's last token is the end token: the text is what came before it.
    written = path[:-1] if beam.finished[step, node] else path
    found = distribution_at(sel.model_name, sel.sentence, sel.target, written, step, path[-1])
    if found is None:
        return
    tokens, probs, chosen = found
    show_figure(next_token_figure(tokens, probs, chosen, prob_label=tr("trn.prob")),
                key="tr_beam_dist")
    st.caption(tr("beam.dist_caption", step=step + 1, token=escape_md(path[-1]),
                  prefix=escape_md(" ".join([beam.start_token, *path[:-1]]))))


sel = selection()
plain = current_trace(show_notices=False)
caps = plain.caps
# A translator reads a source and writes into another language; a GPT continues the text.
kind = "continue" if caps.architecture == "decoder-only" else "translate"
st.title(tr(f"trn.title.{kind}"))
require(plain, PAGE)
st.markdown(tr(f"trn.intro.{kind}"))
# Labels are looked up now, not inside format_func, so the widget formats the same way whoever
# calls it (AppTest formats outside the script run, where the interface language is unknown).
mode_names = {m: tr(f"trn.mode_{m}") for m in MODES}
mode = st.radio(tr("trn.mode"), MODES, format_func=mode_names.__getitem__,
                key="tr_mode", horizontal=True, bind="query-params")
temperature, top_k, seed = 0.0, 0, None
if mode == "sample":
    c1, c2, c3 = st.columns(3)
    temperature = c1.slider(tr("trn.temperature"), 0.1, 2.0, 1.0, 0.1, key="tr_temp",
                            help=tr("trn.temperature_help"), bind="query-params")
    top_k = c2.slider(tr("trn.top_k"), 0, 50, 0, key="tr_topk", bind="query-params")
    seed = int(c3.number_input(tr("trn.seed"), 0, 1_000_000, 0, key="tr_seed",
                               help=tr("trn.seed_help"), bind="query-params"))
    st.latex(r"p_j = \frac{e^{z_j / T}}{\sum_{l \in \text{top-}k} e^{z_l / T}}")
    st.caption(tr("trn.sample_formula"))
    trace = current_trace(temperature=float(temperature), top_k=int(top_k), seed=seed)
else:
    trace = current_trace()
vocab = vocab_cached(sel.model_name)

st.markdown("#### " + tr(f"trn.result.{kind}", source=escape_md(short_text(sel.sentence)),
                         output=escape_md(short_text(trace.translation or "∅"))))
show_confidence(confidence(trace, sel.sentence, sel.target), sel.target, key="tr_confidence")

if mode == "beam":
    st.subheader(tr("beam.title"))
    if caps.family != "ours":
        # Beam search is written for our own Transformer (models/beam.py).
        st.info(tr("beam.only_ours", model=caps.display_name), icon=":material/block:")
    else:
        b1, b2 = st.columns(2)
        beam_size = b1.slider(tr("beam.size"), 1, 8, 4, key="tr_beam", bind="query-params")
        alpha = b2.slider(tr("beam.alpha"), 0.0, 2.0, 0.6, 0.1, key="tr_alpha",
                          bind="query-params")
        st.caption(tr("beam.intro", k=beam_size))
        st.latex(r"\mathrm{score}(Y) = \frac{\log P(Y \mid X)}{lp(Y)}, \quad "
                 r"lp(Y) = \left(\frac{5 + |Y|}{6}\right)^{\alpha}")
        beam = beam_cached(sel.model_name, sel.sentence, sel.target, int(beam_size),
                           float(alpha))
        st.markdown(tr("beam.best", text=escape_md(beam.translations[0] or "∅")) + "  \n"
                    + tr("beam.greedy", text=escape_md(trace.translation or "∅")))
        nodes = beam_nodes(beam)
        node_labels = beam_node_labels(beam)
        # A click on a node picks it in the node picker below (applied once per click, so a
        # later choice in the picker is not overridden by the chart's lasting selection).
        event = st.session_state.get("tr_beam_tree")
        clicked = clicked_node(event, beam)
        if clicked is not None and st.session_state.get("_tr_beam_click") != clicked:
            st.session_state["_tr_beam_click"] = clicked
            st.session_state["tr_beam_node"] = clicked
        if st.session_state.get("tr_beam_node") not in node_labels:
            st.session_state["tr_beam_node"] = beam_path(beam)[0]
        picked = st.session_state["tr_beam_node"]
        status_names = {k: tr(f"beam.status.{k}")
                        for k in ("best", "kept", "pruned", "finished", "end")}
        st.plotly_chart(
            compact_figure(beam_tree_figure(
                beam.tokens, beam.parents, beam.log_probs, beam.finished, beam_path(beam),
                beam.start_token, step_title=tr("trn.step"), score_label=tr("beam.log_prob"),
                status=nodes.status, scores=nodes.scores, penalties=nodes.penalties,
                status_names=status_names, selected=picked)),
            key="tr_beam_tree", on_select="rerun", selection_mode="points",
            config=PLOTLY_CONFIG, width="stretch")
        st.caption(tr("beam.tree"))
        hyp_labels = {k: tr(f"beam.{k}") for k in ("rank", "translation", "tokens", "log_prob",
                                                    "score", "finished", "yes", "no")}
        hyps = hypotheses_table(beam, hyp_labels)
        st.dataframe(hyps, hide_index=True, key="tr_beam_table")
        csv_button(hyps, "beam_hypotheses.csv", key="tr_beam_csv")
        beam_step_view(beam, node_labels, status_names)
    st.divider()
    st.caption(tr("trn.greedy_below"))

# Everything below follows the step, layer and head picked here: a click reruns this section
# alone (ui.widgets.section), not the decoding above it or the sidebar.
@section
def step_section() -> None:
    steps = n_steps(trace)
    if steps > 1:
        clamp_state("tr_step", 1, steps)
        step = st.slider(tr("trn.step"), 1, steps, key="tr_step", bind="query-params")
    else:
        st.caption(tr("trn.one_step"))
        step = 1
    view = step_view(trace, step - 1, temperature, top_k)

    left, right = st.columns(2)
    with left:
        st.markdown(f"**{tr('trn.input_so_far')}**")
        st.code(short_text("  ".join(view.prefix), 600), language=None)
        st.markdown(tr("trn.chosen", step=step, token=escape_md(view.chosen),
                       prob=view.prob, rank=view.rank))
        st.markdown(f"**{tr('trn.next')}**")
        n_bars = st.slider(tr("trn.bars"), 3, 20, 8, key="tr_k", bind="query-params")
        top = top_tokens(view.probs, vocab, n_bars, view.chosen_id,
                         drawn=view.drawn if mode == "sample" else None)
        show_figure(
            next_token_figure(top["token"].tolist(), top["prob"].tolist(), top["chosen"].tolist(),
                              drawn=top["drawn"].tolist() if mode == "sample" else None,
                              prob_label=tr("trn.prob"), drawn_label=tr("trn.drawn")),
            key="tr_next",
        )
        shown, rest, rest_n = mass_split(view.probs, top["id"].tolist())
        if kind == "translate":
            st.latex(r"P(y_i \mid y_{<i}, x) = \mathrm{softmax}\left(h_i W_E^{\top}\right)")
        else:
            st.latex(r"P(x_{t+1} \mid x_{\le t}) = "
                     r"\mathrm{softmax}\left(\mathrm{LayerNorm}(h_t)\, W_E^{\top}\right)")
        st.caption(tr(f"trn.formula_caption.{caps.norm}"))
        st.caption(tr("trn.sum", vocab=len(vocab), total=view.total, shown=shown, rest=rest,
                      rest_n=rest_n))
        csv_button(top, f"next_token_step{step}.csv", key="tr_next_csv")
    with right:
        st.markdown(f"**{tr('trn.mask')}**")
        keep = decoder_keep(trace)
        start, stop = window_around(len(trace.tgt_tokens), view.position)
        shown_tokens = trace.tgt_tokens[start:stop]
        show_figure(
            mask_figure(keep[start:stop, start:stop], shown_tokens, shown_tokens,
                        highlight_row=view.position - start, visible_label=tr("masks.visible"),
                        hidden_label=tr("masks.hidden"), row_title=tr("masks.query"),
                        col_title=tr("masks.key")),
            key="tr_mask",
        )
        st.caption(tr("trn.mask_caption", n=len(trace.tgt_tokens), row=view.position + 1,
                      step=step))
        if stop - start < len(trace.tgt_tokens):
            st.caption(tr("trn.mask_window", first=start + 1, last=stop,
                          total=len(trace.tgt_tokens)))
        csv_button(labelled_frame(keep, trace.tgt_tokens, trace.tgt_tokens),
                   "causal_mask.csv", key="tr_mask_csv")

    st.subheader(tr(f"trn.cross.{kind}"))
    c1, c2 = st.columns(2)
    with c1:
        # The last layer by default: where a trained translator's words line up (I → 我).
        layer = pick_layer(trace.n_layers_of("dec"), key="tr_layer",
                           default=trace.n_layers_of("dec") - 1)
    with c2:
        head = pick_head(trace.n_heads)
    one = written_attention(trace, layer, head)
    mean = written_attention(trace, layer, None)
    row_title = tr("trn.written")
    col_title = tr("trn.source" if kind == "translate" else "trn.earlier")
    h1, h2 = st.columns(2)
    for column, found, title, name, chart_key in (
        (h1, one, tr("trn.cross_head", layer=layer + 1, head=head + 1),
         f"L{layer + 1}_H{head + 1}", "tr_cross_head"),
        (h2, mean, tr("trn.cross_mean", layer=layer + 1), f"L{layer + 1}_mean", "tr_cross_mean"),
    ):
        with column:
            show_figure(
                cross_attention_figure(found.pattern, found.written, found.key_tokens,
                                       step=step - 1, title=title, row_title=row_title,
                                       col_title=col_title, hover=tr("trn.weight"),
                                       masked_cells=found.masked),
                key=chart_key,
            )
            token, weight, position = most_attended(found, step - 1)
            st.caption(tr("trn.most_attended", step=step, written=escape_md(view.chosen),
                          token=escape_md(token), position=position, weight=weight))
            csv_button(labelled_frame(found.pattern, found.written, found.key_tokens),
                       f"{one.stage}_attention_{name}.csv", key=f"{chart_key}_csv")
    st.caption(tr(f"trn.cross_caption.{kind}"))
    pairs, n_pairs = alignment_pairs(mean, caps.special_tokens)
    if pairs:
        said = tr("trn.aligned_sep").join(f"{escape_md(w)} → {escape_md(k)} ({p:.0%})"
                                          for w, k, p in pairs)
        if n_pairs > len(pairs):
            said += tr("trn.aligned_more", n=n_pairs - len(pairs))
        st.markdown(tr("trn.aligned", layer=layer + 1, pairs=said))
    if kind == "translate":
        st.caption(tr("trn.layer_default"))

    a1, a2 = st.columns([2, 3])
    with a1:
        st.markdown(f"**{tr('trn.alignment', layer=layer + 1)}**")
        align = alignment_table(mean, {"output": row_title, "source": col_title,
                                       "weight": tr("trn.weight")})
        st.dataframe(align, hide_index=True, key="tr_align_table")
        csv_button(align, f"alignment_L{layer + 1}.csv", key="tr_align_csv")
    with a2:
        st.markdown(f"**{tr('trn.steps')}**")
        table = steps_table(trace, {"step": tr("trn.step"), "input": tr("trn.input"),
                                    "output": tr("trn.output"), "prob": tr("trn.prob"),
                                    "rank": tr("trn.rank")})
        st.dataframe(table, hide_index=True, key="tr_steps_table")
        csv_button(table, "decoding_steps.csv", key="tr_steps_csv")


step_section()
