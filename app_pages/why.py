"""Why this word? Score any translation, why A rather than B, attribution beside attention and
rollout, and the logit lens: beyond raw attention weights."""

import streamlit as st

from explainer.analysis.agreement import (
    attention_to_source,
    compare_views,
    encoder_view,
    first_layer_with_answer,
    lens_grid,
)
from explainer.analysis.confidence import LOW_PROB, confidence, probs_of, score_table
from explainer.figures.why import (
    agreement_figure,
    contrast_figure,
    lens_figure,
    token_heatmap_figure,
    token_scores_figure,
)
from explainer.trace import InputError
from ui import why as runs
from ui.confidence import show_confidence
from ui.decoder import short_text
from ui.state import tr
from ui.widgets import (
    csv_button,
    current_trace,
    escape_md,
    pick_index,
    require,
    section,
    selection,
    show_figure,
)

PAGE = {"order": 74, "url": "why", "icon": ":material/psychology_alt:",
        "title": {"en": "Why this word?", "zh": "为什么是这个词？"}, "needs": ["generates"]}

METHODS = ("ig", "grad-x-input")


def attempt(run, *args):
    """A model run, or None with the reason on screen (never a traceback)."""
    try:
        return run(*args)
    except (InputError, ValueError) as err:
        st.warning(tr("why.cannot", reason=str(err)), icon=":material/block:")
        return None


sel = selection()
trace = current_trace(show_notices=False)
caps = trace.caps
st.title(tr("why.title"))
require(trace, PAGE)
st.markdown(tr("why.intro"))
kind = "continue" if caps.architecture == "decoder-only" else "translate"
st.markdown("#### " + tr(f"why.result.{kind}", source=escape_md(short_text(sel.sentence)),
                         output=escape_md(short_text(trace.translation or "∅"))))
show_confidence(confidence(trace, sel.sentence, sel.target), sel.target, key="why_confidence")

# -- 1. score a translation ----------------------------------------------------------------------
st.header(tr("why.score.title"))
st.markdown(tr("why.score.intro"))
st.latex(r"\log P(Y \mid X) = \sum_{i} \log p(y_i \mid y_{<i}, X)")
own = attempt(runs.score_cached, sel.model_name, sel.sentence, None, sel.target)
if own is None:
    st.stop()
score_labels = {k: tr(f"why.score.{k}") for k in ("token", "prob", "rank", "nll")}


def show_scored(scored, title: str, key: str) -> None:
    st.markdown(f"**{title}**")
    m1, m2 = st.columns(2)
    m1.metric(tr("why.score.total"), f"{scored.total:.3f}")
    m2.metric(tr("why.score.mean"), f"{scored.mean:.3f}")
    show_figure(token_scores_figure(scored.tgt_tokens, probs_of(scored.logprobs), scored.ranks,
                                    LOW_PROB, prob_label=tr("why.score.prob"),
                                    rank_label=tr("why.score.rank")), key=f"{key}_bars")
    table = score_table(scored.tgt_tokens, scored.logprobs, scored.ranks, score_labels)
    st.dataframe(table, hide_index=True, key=f"{key}_table")
    csv_button(table, f"{key}.csv", key=f"{key}_csv")


mine_text = st.text_input(tr("why.score.mine"), key="why_mine", bind="query-params",
                          placeholder=short_text(trace.translation, 80),
                          help=tr("why.score.mine_help"))
left, right = st.columns(2)
with left:
    show_scored(own, tr("why.score.own"), "why_own")
with right:
    mine = None
    if not mine_text.strip():
        st.info(tr("why.score.empty"), icon=":material/edit:")
    elif len(mine_text) > runs.MAX_TRANSLATION_CHARS:
        st.warning(tr("why.score.too_long", n=len(mine_text), limit=runs.MAX_TRANSLATION_CHARS),
                   icon=":material/content_cut:")
    else:
        mine = attempt(runs.score_cached, sel.model_name, sel.sentence, mine_text, sel.target)
    if mine is not None:
        show_scored(mine, tr("why.score.yours", text=escape_md(short_text(mine_text, 80))),
                    "why_mine")
if mine is not None:
    if mine.unknown:
        st.warning(tr("conf.unknown", words=escape_md(", ".join(mine.unknown[:8]))),
                   icon=":material/help:")
    verdict = "better" if mine.total > own.total + 1e-9 else (
        "same" if abs(mine.total - own.total) <= 1e-9 else "worse")
    st.markdown(tr(f"why.score.verdict.{verdict}", gap=abs(own.total - mine.total)))


# -- 2. why A rather than B ----------------------------------------------------------------------
@section
def contrast_section() -> None:
    st.header(tr("why.contrast.title"))
    st.markdown(tr("why.contrast.intro"))
    tokens = list(own.tgt_tokens)
    step = pick_index(tr("why.contrast.step"), len(tokens), "why_step",
                      format_func=lambda i: f"{i + 1}: {tokens[i]}", as_radio=False)
    token_a = tokens[step]
    options = [tok for tok in own.top_tokens[step] if tok != token_a]
    if not options:
        st.info(tr("why.contrast.no_other"))
        return
    if st.session_state.get("why_b") not in options:
        st.session_state["why_b"] = options[0]
    token_b = st.selectbox(tr("why.contrast.other", a=escape_md(token_a)), options, key="why_b")
    prefix = runs.prefix_text(sel.model_name, tokens[:step])
    found = attempt(runs.contrast_cached, sel.model_name, sel.sentence, sel.target, prefix,
                    token_a, token_b)
    if found is None:
        return
    st.latex(r"\Delta = \log p(A \mid y_{<i}, X) - \log p(B \mid y_{<i}, X)")
    st.markdown(tr("why.contrast.gap", a=escape_md(token_a), b=escape_md(token_b),
                   la=found.logprob_a, lb=found.logprob_b, gap=found.gap,
                   step=found.step + 1))
    show_figure(contrast_figure(found.src_tokens, found.attribution, token_a, token_b,
                                value_label=tr("why.attr.value")), key="why_contrast")
    st.caption(tr("why.contrast.caption", a=escape_md(token_a), b=escape_md(token_b),
                  completeness=found.completeness_gap))


contrast_section()


# -- 3. attribution beside attention and rollout ------------------------------------------------
@section
def attribution_section() -> None:
    st.header(tr("why.attr.title"))
    st.markdown(tr("why.attr.intro"))
    names = {m: tr(f"why.attr.pick.{m}") for m in METHODS}
    c1, c2, c3 = st.columns([2, 2, 2])
    method = c1.radio(tr("why.attr.method"), METHODS, format_func=names.__getitem__,
                      key="why_method", horizontal=True, bind="query-params")
    n_layers = trace.n_layers_of("cross" if "cross" in trace.stages else "dec")
    with c2:
        layer = pick_index(tr("common.layer"), n_layers, "why_layer", default=n_layers - 1)
    words = c3.toggle(tr("why.words"), key="why_words", bind="query-params",
                      help=tr("why.words_help"))
    show_specials = c3.toggle(tr("why.specials"), value=True, key="why_specials",
                              bind="query-params")
    st.caption(tr("why.specials_why"))
    if method == "ig":
        st.latex(r"\mathrm{IG}_j = (x_j - x'_j) \int_0^1 \frac{\partial \log p(y_t)}"
                 r"{\partial x_j}\big(x' + \alpha (x - x')\big)\, d\alpha")
    else:
        st.latex(r"\mathrm{attr}_j = x_j \cdot \frac{\partial \log p(y_t)}{\partial x_j}")
    with st.spinner(tr("why.attr.running")):
        att = attempt(runs.attribute_cached, sel.model_name, sel.sentence, sel.target, method)
        roll = attempt(runs.attribute_cached, sel.model_name, sel.sentence, sel.target,
                       "rollout")
    if att is None:
        return
    attention = attention_to_source(trace, layer, len(att.src_tokens))
    views = compare_views(att.values, att.tgt_tokens, att.src_tokens, attention,
                          None if roll is None else roll.values, caps.special_tokens,
                          show_specials, words)
    row_title, col_title = tr("trn.written"), tr("trn.source" if kind == "translate"
                                                 else "trn.earlier")
    a1, a2, a3 = st.columns(3)
    with a1:
        show_figure(token_heatmap_figure(
            views.attribution, views.rows, views.cols, title=tr(f"why.attr.method.{method}"),
            row_title=row_title, col_title=col_title, hover=tr("why.attr.value"), signed=True,
            col_hover=views.col_hover), key="why_attr")
        if att.completeness_gap is not None:
            st.caption(tr("why.attr.completeness", gap=att.completeness_gap, steps=att.steps))
            again = att.token_steps > att.steps
            if again.any():
                st.caption(tr("why.attr.refined", n=int(again.sum()),
                              most=int(att.token_steps.max())))
        if att.truncated:
            st.caption(tr("why.attr.truncated", n=len(att.src_tokens)))
    with a2:
        if views.attention is None:
            st.info(tr("why.attr.no_match"))
        else:
            show_figure(token_heatmap_figure(
                views.attention, views.rows, views.cols,
                title=tr("why.attr.attention", layer=layer + 1), row_title=row_title,
                col_title=col_title, hover=tr("trn.weight"), col_hover=views.col_hover),
                key="why_attn")
    with a3:
        if views.rollout is None:
            st.info(tr("why.attr.no_match"))
        else:
            show_figure(token_heatmap_figure(
                views.rollout, views.rows, views.cols, title=tr("why.attr.rollout"),
                row_title=row_title, col_title=col_title, hover=tr("trn.weight"),
                col_hover=views.col_hover), key="why_rollout")
    st.caption(tr("why.attr.caption"))
    series, labels = [], []
    if views.rho_attention is not None:
        series.append(views.rho_attention)
        labels.append(tr("why.agree.attention"))
    if views.rho_rollout is not None:
        series.append(views.rho_rollout)
        labels.append(tr("why.agree.rollout"))
    if series:
        st.subheader(tr("why.agree.title"))
        show_figure(agreement_figure(series, labels, views.rows), key="why_agree")
        st.caption(tr("why.agree.caption"))
    encoder = encoder_view(trace, show_specials, words)
    if encoder is not None:
        matrix, names, hover = encoder
        st.subheader(tr("why.enc.title"))
        st.latex(r"R = \hat A_L \cdots \hat A_1, \quad \hat A_\ell = "
                 r"\mathrm{norm}\big(\tfrac{1}{H}\textstyle\sum_h A_{\ell,h} + I\big)")
        show_figure(token_heatmap_figure(matrix, names, names, row_title=tr("why.enc.row"),
                                         col_title=tr("trn.source"), hover=tr("trn.weight"),
                                         col_hover=hover), key="why_enc_rollout")
        st.caption(tr("why.enc.caption"))


attribution_section()


# -- 4. logit lens -------------------------------------------------------------------------------
@section
def lens_section() -> None:
    st.header(tr("why.lens.title"))
    st.markdown(tr("why.lens.intro"))
    st.latex(r"p^{(\ell)}_t = \mathrm{softmax}\big(\mathrm{unembed}(h^{(\ell)}_t)\big)")
    lens = attempt(runs.lens_cached, sel.model_name, sel.sentence, sel.target)
    if lens is None:
        return
    top, probs, answer, labels = lens_grid(lens)
    layer_names = [tr("why.lens.embedding") if name == "embedding"
                   else tr("why.lens.layer", n=name.split()[-1]) for name in lens.layers]
    show_figure(lens_figure(top, probs, layer_names, labels, answer,
                            layer_title=tr("common.layer"), position_title=tr("why.lens.position"),
                            prob_label=tr("trn.prob"), answer_label=tr("why.lens.answer")),
                key="why_lens")
    found = first_layer_with_answer(lens)
    said = []
    for t, first in enumerate(found[:12]):
        where = layer_names[first] if first is not None else layer_names[-1]
        said.append(tr("why.lens.from", token=escape_md(lens.next_tokens[t]), layer=where))
    st.markdown(tr("why.lens.summary", items=tr("why.lens.sep").join(said)))
    st.caption(tr("why.lens.caption"))


lens_section()
