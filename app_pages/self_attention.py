"""Step 3, self-attention step by step: one head, one query, the model's own numbers."""

import streamlit as st

from explainer.analysis.attention_steps import (
    LN_EPS,
    attention_steps,
    difference_table,
    score_table,
    tolerance,
    weighted_rows,
)
from explainer.analysis.embedding import vector_frame
from explainer.analysis.views import stage_tokens
from explainer.figures.embedding import vector_strips_figure
from explainer.figures.steps import (
    projection_matrices_figure,
    score_bars_figure,
    weight_bars_figure,
)
from ui.loaders import weights_cached
from ui.state import tr
from ui.walkthrough import diff_line, labels, pick_stage
from ui.widgets import (
    csv_button,
    current_trace,
    escape_md,
    pick_head,
    pick_layer,
    pick_token,
    require,
    section,
    show_figure,
)

PAGE = {"order": 40, "url": "self-attention", "icon": ":material/calculate:",
        "title": {"en": "3 · Self-attention, step by step", "zh": "3 · 自注意力，逐步计算"},
        "needs": []}

st.title(tr("walk.sa.title"))
trace = current_trace()
require(trace, PAGE)
caps = trace.caps
st.markdown(tr("walk.sa.intro"))
st.latex(r"\mathrm{Attention}(Q,K,V) = \mathrm{softmax}\!\left(\frac{QK^\top}{\sqrt{d_k}}\right)V")

# Every step below follows the block, layer, head and query picked here: a click reruns this
# section alone (ui.widgets.section), not the title, the formula above or the sidebar.
@section
def step_by_step() -> None:
    stage = pick_stage("sa_stage", trace.stages)
    query_tokens, key_tokens = stage_tokens(trace, stage)
    pick_cols = st.columns([1, 1, 2])
    with pick_cols[0]:
        layer = pick_layer(trace.n_layers_of(stage))
    with pick_cols[1]:
        head = pick_head(trace.n_heads)
    with pick_cols[2]:
        query = pick_token(query_tokens, key="q", label=tr("common.query"),
                           specials=caps.special_tokens)
    steps = attention_steps(trace, weights_cached(trace.model_name), stage, layer, head, query)
    token = escape_md(steps.query_token)
    d_model, d_k = caps.d_model, steps.d_k
    dim = tr("common.dimension")
    check_tolerance = tolerance(caps)

    st.subheader(tr("walk.sa.s1"))
    if stage == "cross":
        source = tr("walk.sa.src_cross")
    elif layer == 0:
        source = tr("walk.sa.src_input_normed") if caps.embed_norm else tr("walk.sa.src_input")
    else:
        source = tr("walk.sa.src_prev", prev=layer)
    st.markdown(tr("walk.sa.s1_text", token=token, pos=query, layer=layer + 1, source=source))
    if steps.normed:
        st.markdown(tr("walk.sa.pre_ln", model=escape_md(caps.display_name), eps=LN_EPS))
        st.latex(r"\hat{x} = \gamma \odot \frac{x - \mu(x)}{\sqrt{\sigma^2(x) + \varepsilon}}"
                 r" + \beta")
        x_rows, x_names = [steps.x_resid, steps.x], ["x", "LayerNorm(x)"]
    else:
        x_rows, x_names = [steps.x], ["x"]
    show_figure(vector_strips_figure(x_rows, x_names, dim_title=dim,
                                     value_title=tr("common.value"), row_height=48), key="sa_x")
    csv_button(lambda: vector_frame(x_rows, x_names), "x.csv", key="sa_x_csv")

    st.subheader(tr("walk.sa.s2"))
    st.markdown(tr("walk.sa.s2_text", d=d_model, e=d_k))
    show_figure(projection_matrices_figure([steps.W_Q, steps.W_K, steps.W_V],
                                           ["W_Q", "W_K", "W_V"]), key="sa_weights")
    for column, (name, matrix) in zip(st.columns(3), (("W_Q", steps.W_Q), ("W_K", steps.W_K),
                                                      ("W_V", steps.W_V))):
        with column:
            csv_button(lambda matrix=matrix: vector_frame(matrix, [str(i) for i in range(d_model)]),
                         f"{name}_layer{layer + 1}_head{head + 1}.csv", key=f"sa_{name}_csv")

    st.subheader(tr("walk.sa.s3"))
    if steps.normed:
        st.latex(r"q = \hat{x}\,W_Q + b_Q,\qquad k_j = \hat{x}_j\,W_K + b_K,\qquad "
                 r"v_j = \hat{x}_j\,W_V + b_V")
    else:
        st.latex(r"q = x\,W_Q + b_Q,\qquad k_j = x_j\,W_K + b_K,\qquad v_j = x_j\,W_V + b_V")
    st.markdown(tr("walk.sa.s3_text", token=token, first=escape_md(key_tokens[0])))
    q_frame = vector_frame(steps.q, [steps.query_token])
    k_frame = vector_frame(steps.keys, key_tokens)
    v_frame = vector_frame(steps.values, key_tokens)
    st.caption(tr("walk.sa.q_table", token=token))
    st.dataframe(q_frame.round(4), key="sa_q_table")
    csv_button(lambda: q_frame, "q.csv", key="sa_q_csv")
    k_col, v_col = st.columns(2)
    with k_col:
        st.caption(tr("walk.sa.k_table"))
        st.dataframe(k_frame.round(4), key="sa_k_table", height=min(400, 40 + 35 * len(key_tokens)))
        csv_button(lambda: k_frame, "k.csv", key="sa_k_csv")
    with v_col:
        st.caption(tr("walk.sa.v_table"))
        st.dataframe(v_frame.round(4), key="sa_v_table", height=min(400, 40 + 35 * len(key_tokens)))
        csv_button(lambda: v_frame, "v.csv", key="sa_v_csv")

    st.subheader(tr("walk.sa.s4"))
    st.latex(r"s_j = \frac{q\cdot k_j}{\sqrt{d_k}} = \frac{q\cdot k_j}{\sqrt{" + str(d_k) + "}}")
    fig_col, text_col = st.columns([3, 1])
    with fig_col:
        show_figure(score_bars_figure(key_tokens, steps.dots, steps.scaled, steps.masked,
                                      tr("walk.sa.dot"), tr("walk.sa.scaled"),
                                      tr("walk.sa.masked")),
                    key="sa_scores")
    with text_col:
        st.markdown(tr("walk.sa.s4_text", sqrt=steps.sqrt_d_k))
    words = labels(position="common.position", token="common.token", dot="walk.sa.dot",
                   scaled="walk.sa.scaled", masked="walk.sa.masked", weight="common.weight")
    scores = score_table(steps, words)
    st.dataframe(scores, hide_index=True, key="sa_score_table",
                 height=min(400, 40 + 35 * len(key_tokens)))
    csv_button(lambda: scores, "scores.csv", key="sa_scores_csv")

    st.subheader(tr("walk.sa.s5"))
    if steps.n_masked:
        why = tr("walk.sa.mask_future") if stage == "dec" else tr("walk.sa.mask_pad")
        st.markdown(tr("walk.sa.mask_some", n=steps.n_masked, total=len(key_tokens), why=why))
    else:
        st.markdown(tr("walk.sa.mask_none"))
    st.latex(r"s_j = -\infty \;\text{" + tr("walk.sa.tex_where_masked")
             + r"}\;\Rightarrow\; e^{s_j} = 0")

    st.subheader(tr("walk.sa.s6"))
    st.latex(r"w_j = \frac{e^{s_j}}{\sum_k e^{s_k}},\qquad \sum_j w_j = 1")
    fig_col, text_col = st.columns([3, 1])
    with fig_col:
        show_figure(weight_bars_figure(key_tokens, steps.weights, steps.masked,
                                       weight_name=tr("common.weight"),
                                       sum_text=tr("walk.sa.sum_text", total=steps.weight_sum)),
                    key="sa_softmax")
    with text_col:
        st.markdown(tr("walk.sa.s6_text", token=token))

    st.subheader(tr("walk.sa.s7"))
    st.latex(r"z = \sum_j w_j\, v_j")
    rows, kept = weighted_rows(steps)
    row_names = [tr("walk.sa.wv_row", token=f"{j}: {key_tokens[j]}") for j in kept]
    fig_col, text_col = st.columns([3, 1])
    with fig_col:
        show_figure(vector_strips_figure(rows, [*row_names, tr("walk.sa.z_row")], dim_title=dim,
                                         value_title=tr("common.value")), key="sa_weighted_sum")
    with text_col:
        st.markdown(tr("walk.sa.s7_text", token=token))
        csv_button(lambda: vector_frame(rows, [*row_names, tr("walk.sa.z_row")]),
                     "weighted_sum.csv", key="sa_z_csv")

    diff_line(steps.z_difference, check_tolerance)
    st.caption(tr("walk.sa.tolerance", tol=check_tolerance))
    with st.expander(tr("walk.sa.checks")):
        st.dataframe(difference_table(steps, labels(step="walk.sa.step",
                                                    difference="walk.sa.difference")),
                     hide_index=True, key="sa_checks")


step_by_step()
