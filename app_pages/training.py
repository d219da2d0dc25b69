"""How a model learns (TEACHING.md row 11): the training film, scrubbed or played from random
W0 to the end, for the sidebar's sentence; then the cost made concrete and one live step of
gradient descent on that sentence, on a copy of the model."""

import streamlit as st

from explainer.analysis.training import (
    change_groups,
    cost_table,
    curve,
    grad_norm_range,
    grad_norms_at,
    heads_mean,
    nearest_record,
    one_hot,
    sharpness,
    smoothed_target,
    top_entries,
)
from explainer.figures.attention import attention_heatmap_figure
from explainer.figures.training import (
    embedding_map_figure,
    grad_norms_figure,
    loss_curve_figure,
    target_distribution_figure,
    token_cost_figure,
    weight_change_figure,
)
from explainer.trace import AdapterError, CheckpointError, InputError
from ui import loaders
from ui import training as film_ui
from ui.state import tr
from ui.widgets import escape_md, in_class, pick_index, selection, show_figure

PAGE = {"order": 100, "url": "training", "icon": ":material/model_training:",
        "title": {"en": "How a model learns", "zh": "模型是怎样学会的"}, "needs": ["generates"]}

STEP = "film_step"  # the snapshot shown (URL ?film_step=160)
PLAYING = "_film_playing"  # not a widget: the play button sets it, the film's fragment clears it
COST_MODEL = "trained"  # the cost is shown with this model when the sidebar's is not ours
LEARNING_RATES = (0.005, 0.01, 0.02, 0.05, 0.1, 0.2)
TOP_K = 8

sel = selection()
st.title(tr("film.title"))
info = film_ui.film_info()
if info is None:
    st.info(tr("film.missing"))
    st.stop()
steps = info["steps"]
cfg = info["config"]
st.markdown(tr("film.intro", layers=cfg["n_layers"], d_model=cfg["d_model"],
               vocab=cfg["vocab"], n=len(steps), last=steps[-1]))
if not sel.sentence.strip():
    st.info(tr("notice.empty"))
    st.stop()


def _start_playing() -> None:
    st.session_state[PLAYING] = True
    if st.session_state.get(STEP, steps[-1]) == steps[-1]:  # at the end: play from W0 again
        st.session_state[STEP] = steps[0]


def _stop_playing() -> None:
    st.session_state[PLAYING] = False


def film_view() -> None:
    """The slider and everything drawn for the chosen step (a fragment: a step change or a
    play tick reruns this alone)."""
    if STEP in st.session_state and st.session_state[STEP] not in steps:
        del st.session_state[STEP]
    if STEP not in st.session_state and STEP not in st.query_params:
        # Opened without a step: the end. (A step in the URL is the widget's to apply; a
        # value set here would win over it.)
        st.session_state[STEP] = steps[-1]
    if st.session_state.get(PLAYING):
        at = steps.index(st.session_state.get(STEP, steps[-1]))
        if at + 1 < len(steps):
            st.session_state[STEP] = steps[at + 1]
        else:
            st.session_state[PLAYING] = False
            st.rerun()  # a full run draws the film again without the play timer
    step = st.select_slider(tr("film.step"), options=steps, key=STEP, bind="query-params",
                            help=tr("film.step_help"))
    try:
        trace = film_ui.film_trace(step, sel.sentence, sel.target)
        final = film_ui.film_trace(steps[-1], sel.sentence, sel.target)
    except InputError as err:
        st.warning(tr("notice.input_error", reason=str(err)))
        return
    if trace.unknown:
        st.warning(tr("film.unknown", words=" ".join(trace.unknown)), icon=":material/help:")
    st.markdown("#### " + tr("film.translation", step=step, source=escape_md(sel.sentence),
                             output=escape_md(trace.translation or "∅")))
    if step != steps[-1]:
        st.caption(tr("film.final_translation", step=steps[-1],
                      output=escape_md(final.translation or "∅")))

    log = info["log"]
    snapshot = next(s for s in info["snapshots"] if s["step"] == step)
    record = nearest_record(log, max(step, 1))
    last_layer = trace.n_layers_of("dec") - 1
    cross = trace.pattern("cross", last_layer)  # [head, query, key]
    m1, m2, m3 = st.columns(3)
    m1.metric(tr("film.metrics_loss"), f"{record['loss']:.3f}" if record else "–")
    m2.metric(tr("film.metrics_match"), f"{snapshot['exact_match']:.0%}",
              help=tr("film.match_help"))
    m3.metric(tr("film.metrics_sharp"), f"{sharpness(heads_mean(cross)):.2f}",
              help=tr("film.sharp_help"))

    loss_steps, losses = curve(log, "loss")
    match_steps = [s["step"] for s in info["snapshots"]]
    match_values = [s["exact_match"] for s in info["snapshots"]]
    st.subheader(tr("film.loss_title"))
    show_figure(loss_curve_figure(loss_steps, losses, step, match_steps, match_values,
                                  step_title=tr("film.step_axis"),
                                  loss_title=tr("film.loss_axis"),
                                  match_title=tr("film.match_axis")), key="film_loss")
    st.caption(tr("film.loss_caption"))

    left, right = st.columns(2)
    with left:
        st.subheader(tr("film.cross_title"))
        n_heads = trace.n_heads
        options = list(range(n_heads + 1))  # 0: heads averaged, then each head
        names = [tr("film.mean_option")] + [str(h + 1) for h in range(n_heads)]
        choice = pick_index(tr("film.head_pick"), len(options), "film_head",
                            format_func=names.__getitem__)
        pattern = heads_mean(cross) if choice == 0 else cross[choice - 1]
        which = tr("film.heads_mean") if choice == 0 else tr("film.head_n", n=choice)
        show_figure(attention_heatmap_figure(
            pattern, trace.output_tokens, trace.src_tokens, query_title=tr("film.written"),
            key_title=tr("film.source"), hover=tr("film.weight")), key="film_cross")
        st.caption(tr("film.cross_caption", which=which))
    with right:
        st.subheader(tr("film.self_title"))
        layer, head = 0, 0
        enc = trace.pattern("enc", layer)[head]
        show_figure(attention_heatmap_figure(
            enc, trace.src_tokens, trace.src_tokens, query_title=tr("film.query"),
            key_title=tr("film.key"), hover=tr("film.weight")), key="film_self")
        st.caption(tr("film.self_caption", layer=layer + 1, head=head + 1))

    left, right = st.columns(2)
    with left:
        st.subheader(tr("film.emb_title"))
        # The same words at every step: the source and the final model's translation.
        ids = tuple(final.src_ids) + tuple(i for i, t in zip(final.output_ids,
                                                              final.output_tokens)
                                           if t != final.end_token)
        labels = list(final.src_tokens) + [t for t in final.output_tokens
                                           if t != final.end_token]
        groups = ([tr("film.emb_source")] * len(final.src_ids)
                  + [tr("film.emb_target")] * (len(labels) - len(final.src_ids)))
        emb = film_ui.embedding_map(ids, tuple(steps))
        show_figure(embedding_map_figure(emb["points"][step], labels, emb["x_range"],
                                         emb["y_range"], groups), key="film_emb")
        st.caption(tr("film.emb_caption"))
    with right:
        st.subheader(tr("film.grad_title"))
        logged, layer_names, norms = grad_norms_at(log, max(step, 1))
        show_figure(grad_norms_figure(layer_names, norms, layer_title=tr("film.layer_axis"),
                                      value_range=grad_norm_range(log)), key="film_grad")
        st.caption(tr("film.grad_caption", step=logged))
    st.caption(tr("film.see_pages", step=step))


playing = bool(st.session_state.get(PLAYING)) and not in_class()
if playing:
    st.button(tr("film.pause"), key="film_stop", on_click=_stop_playing, icon=":material/pause:")
else:
    st.button(tr("film.play"), key="film_play", on_click=_start_playing,
              icon=":material/play_arrow:", help=tr("film.play_help"))
if in_class():
    film_view()  # a class follows its teacher with full runs (ui.widgets.section)
else:
    st.fragment(film_view, run_every=1.0 if playing else None)()

# -- the cost, made concrete ------------------------------------------------------------------
st.divider()
st.header(tr("cost.title"))
model = sel.model_name
try:
    ours = film_ui.model_is_ours(model)
except (AdapterError, CheckpointError) as err:
    st.error(tr("models.load_error", name=model, reason=str(err)))
    st.stop()
if not ours:
    st.info(tr("cost.only_ours", model=model), icon=":material/info:")
    model = COST_MODEL
st.caption(tr("cost.model", model=escape_md(model)))
try:
    own = loaders.trace_cached(model, sel.sentence, sel.target)
except InputError as err:
    st.warning(tr("notice.input_error", reason=str(err)))
    st.stop()
# The reference starts as the model's own translation, again whenever sentence or model change.
origin = (model, sel.sentence, sel.target)
if st.session_state.get("_cost_ref_for") != origin:
    st.session_state["_cost_ref_for"] = origin
    st.session_state["cost_ref"] = own.translation
reference = st.text_input(tr("cost.reference"), key="cost_ref", help=tr("cost.reference_help"))
try:
    cost = film_ui.costs(model, sel.sentence, sel.target, reference)
except InputError as err:
    st.warning(tr("cost.input_error", reason=str(err)))
    st.stop()
eps = cost.eps
st.markdown(tr("cost.intro", keep=1 - eps, eps=eps, vocab=cost.vocab_size))
labels = {k: tr(f"cost.{k}") for k in ("token", "p_right", "neg_log", "smoothed")}
left, right = st.columns(2)
with left:
    st.subheader(tr("cost.per_token_title"))
    st.dataframe(cost_table(cost.target_tokens, cost.p_right, cost.neg_log, cost.smoothed,
                            labels), hide_index=True, key="cost_table")
with right:
    show_figure(token_cost_figure(cost.target_tokens, cost.neg_log, cost.p_right,
                                  cost_title=tr("cost.neg_log"),
                                  prob_title=tr("cost.p_right")), key="cost_tokens")
st.latex(r"L = \frac{1}{T}\sum_{t=1}^{T} -\log p_\theta(y_t \mid y_{<t}, x)")
st.markdown(tr("cost.total", nll=cost.nll, loss=cost.loss, n=len(cost.target_tokens)))

st.subheader(tr("cost.target_title"))
token_names = [f"{i + 1}: {t}" for i, t in enumerate(cost.target_tokens)]
at = pick_index(tr("cost.pick_token"), len(token_names), "cost_token",
                format_func=token_names.__getitem__, as_radio=len(token_names) <= 8)
right_id = cost.target_ids[at]
shown = top_entries(cost.probs[at], right_id, TOP_K)
vocab = loaders.vocab_cached(model)
show_figure(target_distribution_figure(
    [vocab[i] for i in shown], one_hot(cost.vocab_size, right_id)[shown],
    smoothed_target(cost.vocab_size, right_id, eps, cost.pad_id)[shown],
    cost.probs[at][shown],
    names=(tr("cost.one_hot"), tr("cost.smooth"), tr("cost.model_probs")),
    prob_title=tr("cost.prob")), key="cost_target")
st.caption(tr("cost.target_caption", k=TOP_K - 1, keep=1 - eps, eps=eps,
              each=eps / cost.vocab_size))

st.subheader(tr("cost.step_title"))
st.markdown(tr("cost.step_intro"))
st.latex(r"W \leftarrow W - \eta \, \nabla_W L")
lr = st.select_slider(tr("cost.lr"), options=LEARNING_RATES, value=0.05, key="cost_lr",
                      bind="query-params")
request = (model, sel.sentence, sel.target, reference, float(lr))
if st.button(tr("cost.run_step"), key="cost_step", icon=":material/trending_down:"):
    st.session_state["_cost_step_for"] = request
if st.session_state.get("_cost_step_for") == request:
    result = film_ui.one_step(*request)
    c1, c2 = st.columns(2)
    c1.metric(tr("cost.before_after"), f"{result.after.loss:.3f}",
              delta=f"{result.after.loss - result.before.loss:+.3f}", delta_color="inverse")
    c2.markdown(tr("cost.new_translation", before=escape_md(result.translation_before or "∅"),
                   after=escape_md(result.translation_after or "∅")))
    names, change = change_groups(result.names, result.change)
    st.markdown("##### " + tr("cost.change_title"))
    show_figure(weight_change_figure(names, change, change_title=tr("cost.change_axis")),
                key="cost_change")
    st.caption(tr("cost.change_caption", n=len(names)))
else:
    st.caption(tr("cost.step_hint"))
