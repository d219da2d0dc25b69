"""Add & Norm and the feed-forward layer, as the model places them: LayerNorm(x + Sublayer(x))
(post-LN, the paper) or x + Sublayer(LayerNorm(x)) (pre-LN, GPT-2); the feed-forward's hidden
units with the model's own activation; the residual stream's size through the layers. Each
captured number is checked against a recomputation from the model's weights."""

import streamlit as st

from explainer.analysis.decoding import labelled_frame
from explainer.analysis.masks import window
from explainer.analysis.residual import (
    activation_family,
    add_norm,
    ffn_activity,
    ffn_check,
    first_tokens,
    normalise,
    norms_table,
    stats_table,
    stream_norms,
    sublayers,
    token_stats,
)
from explainer.figures.residual import (
    ffn_hidden_figure,
    histogram_figure,
    stream_norm_figure,
    token_stats_figure,
    zero_share_figure,
)
from ui.loaders import weights_cached
from ui.state import tr
from ui.widgets import (
    csv_button,
    current_trace,
    pick_index,
    pick_layer,
    require,
    section,
    selection,
    show_figure,
)

PAGE = {"order": 90, "url": "add-norm", "icon": ":material/functions:",
        "title": {"en": "Add & Norm, feed-forward", "zh": "残差归一化与前馈网络"}, "needs": []}

# The feed-forward with each family of activation (§3.3 uses ReLU).
FFN_LATEX = {
    "relu": r"\mathrm{FFN}(x) = \max(0,\; x W_1 + b_1)\, W_2 + b_2",
    "gelu": r"\mathrm{FFN}(x) = \mathrm{GELU}(x W_1 + b_1)\, W_2 + b_2, \quad "
            r"\mathrm{GELU}(u) = u\,\Phi(u)",
    "silu": r"\mathrm{FFN}(x) = \mathrm{SiLU}(x W_1 + b_1)\, W_2 + b_2, \quad "
            r"\mathrm{SiLU}(u) = u\,\sigma(u)",
    "other": r"\mathrm{FFN}(x) = f(x W_1 + b_1)\, W_2 + b_2",
}
LINES = 24  # tokens drawn as lines in the residual stream's chart
NORM_LATEX = {
    "post": r"\mathrm{output} = \mathrm{LayerNorm}\big(x + \mathrm{Sublayer}(x)\big)",
    "pre": r"\mathrm{output} = x + \mathrm{Sublayer}\big(\mathrm{LayerNorm}(x)\big)",
}


def check_line(key: str, check) -> None:
    """One recomputation against the model: success when it agrees to float32 rounding."""
    if check is None:
        st.caption(tr("addnorm.check_unknown", act=caps.activation))
    elif check.ok:
        st.success(tr(f"addnorm.check_{key}", diff=check.diff), icon=":material/check_circle:")
    else:
        st.error(tr(f"addnorm.check_{key}", diff=check.diff) + " " + tr("addnorm.check_bad"))


st.title(tr("addnorm.title"))
trace = current_trace()
require(trace, PAGE)
caps = trace.caps
norm = caps.norm
st.markdown(tr(f"addnorm.intro.{norm}"))
weights = weights_cached(selection().model_name)

# Everything below follows the side, layer and sublayer picked here: a click reruns this
# section alone (ui.widgets.section), not the title or the sidebar.
@section
def add_norm_section() -> None:
    c1, c2, c3 = st.columns(3)
    with c1:
        sides = trace.sides
        if len(sides) > 1:
            # Labels looked up now, not in format_func: AppTest formats outside the script run.
            # URL-bound: these labels read the same in both languages, so a link survives a switch.
            side_names = [tr(f"addnorm.side_{s}") for s in sides]
            side = sides[pick_index(tr("addnorm.side"), len(sides), "an_side",
                                    format_func=side_names.__getitem__)]
        else:
            side = sides[0]
            st.markdown(f"**{tr('addnorm.side')}**  \n{tr(f'addnorm.side_{side}')}")
    with c2:
        layer = pick_layer(trace.n_layers_of(side))
    with c3:
        subs = sublayers(trace, side)
        if st.session_state.get("an_sub") not in subs:  # cross-attention: an encoder–decoder only
            st.session_state["an_sub"] = subs[0]
        sub_labels = {s: tr(f"addnorm.sub_{s}") for s in subs}
        sub = st.radio(tr("addnorm.sublayer"), subs, format_func=sub_labels.__getitem__,
                       key="an_sub", horizontal=True, bind="query-params")

    st.latex(NORM_LATEX[norm])
    st.latex(r"\mathrm{LayerNorm}(s) = \gamma \odot \frac{s - \mu}{\sigma} + \beta, \quad "
             r"\mu = \tfrac{1}{d}\textstyle\sum_j s_j, \quad "
             r"\sigma = \sqrt{\tfrac{1}{d}\textstyle\sum_j (s_j - \mu)^2}")
    st.caption(tr("addnorm.ln_formula"))

    view = add_norm(trace, side, layer, sub, weights)
    check_line(f"sum_{norm}", view.checks["sum"])
    if "norm" in view.checks:
        check_line("norm", view.checks["norm"])

    st.subheader(tr(f"addnorm.stats.{norm}"))
    series = {tr(f"addnorm.before.{norm}"): token_stats(view.before_norm),
              tr("addnorm.normalised"): token_stats(normalise(view.before_norm))}
    if view.after_norm is not None:
        series[tr(f"addnorm.after.{norm}")] = token_stats(view.after_norm)
    show_figure(token_stats_figure(view.tokens, series, mean_title=tr("addnorm.mean"),
                                   std_title=tr("addnorm.std")), key="an_stats")
    st.caption(tr(f"addnorm.stats_caption.{norm}"))
    stats = stats_table(view, {"position": tr("common.position"), "token": tr("common.token"),
                               **{k: tr(f"addnorm.{k}") for k in ("mean_before", "std_before",
                                                                  "mean_after", "std_after")}})
    st.dataframe(stats, hide_index=True, key="an_stats_table")
    csv_button(stats, f"add_norm_{side}_L{layer + 1}_{sub}.csv", key="an_stats_csv")

    st.markdown(f"**{tr('addnorm.hist')}**")
    hist = {tr(f"addnorm.before.{norm}"): view.before_norm}
    if view.after_norm is not None:
        hist[tr(f"addnorm.after.{norm}")] = view.after_norm
    show_figure(histogram_figure(hist, value_title=tr("addnorm.value"),
                                 count_title=tr("addnorm.count")), key="an_hist")

    family = activation_family(caps.activation)
    st.subheader(tr(f"addnorm.ffn.{family}", act=caps.activation))
    activity = ffn_activity(trace, side, layer)
    st.caption(tr(f"addnorm.ffn_intro.{family}", d_ff=caps.d_ff, act=caps.activation))
    st.latex(FFN_LATEX[family])
    if norm == "pre":
        st.caption(tr("addnorm.ffn_reads_ln"))
    found = ffn_check(trace, side, layer, weights, view if sub == "ffn" else None)
    check_line("ffn_out", found.out)
    check_line("ffn_hidden", found.hidden)
    shown = window(len(activity.tokens))
    f1, f2 = st.columns([3, 2])
    with f1:
        show_figure(ffn_hidden_figure(activity.hidden[:shown], activity.tokens[:shown],
                                      row_title=tr("common.token"),
                                      col_title=tr("addnorm.hidden_unit"),
                                      value_title=tr("addnorm.activation")), key="an_ffn")
        if shown < len(activity.tokens):
            st.caption(tr("masks.window", shown=shown, total=len(activity.tokens)))
        csv_button(labelled_frame(activity.hidden, activity.tokens, None),
                   f"ffn_hidden_{side}_L{layer + 1}.csv", key="an_ffn_csv")
    with f2:
        off = "relu" if family == "relu" else "other"
        show_figure(zero_share_figure(activity.off_share, activity.tokens, activity.overall,
                                      share_title=tr(f"addnorm.zero_share.{off}"),
                                      overall_label=tr("addnorm.all_tokens"),
                                      title=tr(f"addnorm.zeros.{off}")), key="an_zeros")
        st.caption(tr(f"addnorm.zeros_caption.{off}", overall=activity.overall,
                      size=activity.hidden.size, rows=len(activity.tokens), d_ff=caps.d_ff))

    st.subheader(tr("addnorm.stream"))
    norms = stream_norms(trace, side)
    lines = first_tokens(norms, LINES)
    sub_names = {s: tr(f"addnorm.short_{s}") for s in ("attn", "cross", "ffn")}
    cp_labels = [
        tr("addnorm.cp_input") if kind == "input"
        else tr(f"addnorm.cp_{kind}.{norm}", layer=lay + 1, sub=sub_names[name])
        for lay, name, kind in norms.checkpoints
    ]
    show_figure(stream_norm_figure(lines.norms, cp_labels,
                                   [kind == "sum" for _, _, kind in lines.checkpoints],
                                   lines.tokens, sum_label=tr(f"addnorm.sum_label.{norm}"),
                                   norm_label=tr("addnorm.norm_label") if norm == "post" else None),
                key="an_stream")
    st.caption(tr(f"addnorm.stream_caption.{norm}"))
    if len(lines.tokens) < len(norms.tokens):
        st.caption(tr("addnorm.lines_shown", shown=len(lines.tokens), total=len(norms.tokens)))
    norm_frame = norms_table(norms, cp_labels, {"checkpoint": tr("addnorm.checkpoint")})
    csv_button(norm_frame, f"residual_norms_{side}.csv", key="an_stream_csv")


add_norm_section()
