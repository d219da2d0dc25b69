"""Add & Norm and the feed-forward layer: the residual sum before LayerNorm and after, ReLU's
zeros, and the residual stream's size through the layers."""

import streamlit as st

from explainer.analysis.decoding import labelled_frame
from explainer.analysis.residual import (
    SUBLAYERS,
    add_norm,
    ffn_activity,
    normalise,
    norms_table,
    stats_table,
    stream_norms,
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
from ui.widgets import csv_button, current_trace, pick_index, pick_layer, selection, show_figure

PAGE = {"order": 90, "url": "add-norm", "icon": ":material/functions:",
        "title": {"en": "Add & Norm, feed-forward", "zh": "残差归一化与前馈网络"}}

SIDES = ("enc", "dec")

st.title(tr("addnorm.title"))
st.caption(tr("addnorm.intro"))
trace = current_trace()
weights = weights_cached(selection().model_name)

c1, c2, c3 = st.columns(3)
with c1:
    # Labels looked up now, not in format_func: AppTest formats outside the script run.
    # URL-bound: these labels read the same in both languages, so a link survives a switch.
    side_names = [tr("addnorm.side_enc"), tr("addnorm.side_dec")]
    side = SIDES[pick_index(tr("addnorm.side"), 2, "an_side",
                            format_func=side_names.__getitem__)]
with c2:
    layer = pick_layer(trace.n_layers)
with c3:
    subs = SUBLAYERS[side]
    if st.session_state.get("an_sub") not in subs:  # cross-attention exists only in the decoder
        st.session_state["an_sub"] = subs[0]
    sub_labels = {s: tr(f"addnorm.sub_{s}") for s in subs}
    sub = st.radio(tr("addnorm.sublayer"), subs, format_func=sub_labels.__getitem__,
                   key="an_sub", horizontal=True, bind="query-params")

st.latex(r"\mathrm{output} = \mathrm{LayerNorm}\big(x + \mathrm{Sublayer}(x)\big)")
st.latex(r"\mathrm{LayerNorm}(s) = \gamma \odot \frac{s - \mu}{\sigma} + \beta, \quad "
         r"\mu = \tfrac{1}{d}\textstyle\sum_j s_j, \quad "
         r"\sigma = \sqrt{\tfrac{1}{d}\textstyle\sum_j (s_j - \mu)^2}")
st.caption(tr("addnorm.ln_formula"))

view = add_norm(trace, side, layer, sub, weights)
st.subheader(tr("addnorm.stats"))
series = {}
if view.total is not None:
    series[tr("addnorm.before")] = token_stats(view.total)
    series[tr("addnorm.normalised")] = token_stats(normalise(view.total))
else:
    st.info(tr("addnorm.no_ffn_weights"), icon=":material/info:")
series[tr("addnorm.after")] = token_stats(view.after)
show_figure(token_stats_figure(view.tokens, series, mean_title=tr("addnorm.mean"),
                               std_title=tr("addnorm.std")), key="an_stats")
st.caption(tr("addnorm.stats_caption"))
stats = stats_table(view, {"position": tr("common.position"), "token": tr("common.token"),
                           **{k: tr(f"addnorm.{k}") for k in ("mean_before", "std_before",
                                                              "mean_after", "std_after")}})
st.dataframe(stats, hide_index=True, key="an_stats_table")
csv_button(stats, f"add_norm_{side}_L{layer + 1}_{sub}.csv", key="an_stats_csv")

st.markdown(f"**{tr('addnorm.hist')}**")
hist = {tr("addnorm.after"): view.after}
if view.total is not None:
    hist = {tr("addnorm.before"): view.total, **hist}
show_figure(histogram_figure(hist, value_title=tr("addnorm.value"),
                             count_title=tr("addnorm.count")), key="an_hist")

st.subheader(tr("addnorm.ffn"))
activity = ffn_activity(trace, side, layer)
d_ff = int(trace.config["d_ff"])
st.caption(tr("addnorm.ffn_intro", d_ff=d_ff))
st.latex(r"\mathrm{FFN}(x) = \max(0,\; x W_1 + b_1)\, W_2 + b_2")
f1, f2 = st.columns([3, 2])
with f1:
    show_figure(ffn_hidden_figure(activity.hidden, activity.tokens,
                                  row_title=tr("common.token"),
                                  col_title=tr("addnorm.hidden_unit"),
                                  value_title=tr("addnorm.activation")), key="an_ffn")
    csv_button(labelled_frame(activity.hidden, activity.tokens, None),
               f"ffn_hidden_{side}_L{layer + 1}.csv", key="an_ffn_csv")
with f2:
    show_figure(zero_share_figure(activity.zero_share, activity.tokens, activity.overall,
                                  share_title=tr("addnorm.zero_share"),
                                  overall_label=tr("addnorm.all_tokens"),
                                  title=tr("addnorm.zeros")), key="an_zeros")
    st.caption(tr("addnorm.zeros_caption", overall=activity.overall,
                  size=activity.hidden.size, rows=len(activity.tokens), d_ff=d_ff))

st.subheader(tr("addnorm.stream"))
norms = stream_norms(trace, side, weights)
sub_names = {s: tr(f"addnorm.sub_{s}") for s in ("attn", "cross", "ffn")}
cp_labels = [
    tr("addnorm.cp_input") if lay < 0
    else tr(f"addnorm.cp_{kind}", layer=lay + 1, sub=sub_names[name])
    for lay, name, kind in norms.checkpoints
]
show_figure(stream_norm_figure(norms.norms, cp_labels,
                               [kind == "sum" for _, _, kind in norms.checkpoints],
                               norms.tokens, sum_label=tr("addnorm.sum_label"),
                               norm_label=tr("addnorm.norm_label")), key="an_stream")
st.caption(tr("addnorm.stream_caption"))
norm_frame = norms_table(norms, cp_labels, {"checkpoint": tr("addnorm.checkpoint")})
csv_button(norm_frame, f"residual_norms_{side}.csv", key="an_stream_csv")
