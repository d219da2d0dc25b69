"""Hyper-parameters (TEACHING.md row 13): a grid of small Transformers trained with the same
seed and budget, each choice's curves side by side, the article's questions answered with the
grid's numbers, and Optuna's search over the same knobs (its own figures)."""

import streamlit as st

from explainer.analysis.lab import (
    BASE_NAME,
    KNOBS,
    best_trial_row,
    compare_best,
    family,
    grid_runs,
    heads_answer,
    lr_answer,
    runs_frame,
    trial_counts,
    width_answer,
)
from explainer.figures.lab import STUDY_FIGURES, curves_figure, knob_figure
from ui import lab
from ui.jobs import one_more_form
from ui.state import lang, tr
from ui.widgets import escape_md, show_figure

PAGE = {"order": 110, "url": "hyperparameters", "icon": ":material/tune:",
        "title": {"en": "Hyper-parameters", "zh": "超参数"}, "needs": []}

SEARCH_COMMAND = ("python -m training.search --trials 30 --study lab "
                  "--storage sqlite:///runs/search.db --trial-seconds 20")


def value_label(knob: str, run) -> str:
    label = tr(f"lab.value.{knob}", v=f"{run.value(knob):g}")
    return label + (tr("lab.base_mark") if run.name == BASE_NAME else "")


def curves_section(runs) -> None:
    st.subheader(tr("lab.curves"))
    knob_names = {k: tr(f"lab.knob.{k}") for k in KNOBS}
    lab.accept_url_code("knob", KNOBS)
    st.session_state.setdefault("knob", "heads")
    knob = st.segmented_control(tr("lab.knob"), list(KNOBS), format_func=knob_names.__getitem__,
                                key="knob", bind="query-params") or "heads"
    rows = family(runs, knob)
    names = [value_label(knob, r) for r in rows]
    show_figure(curves_figure(
        [r.loss_steps for r in rows], [r.loss for r in rows], [r.eval_steps for r in rows],
        [r.eval_exact for r in rows], names,
        title=tr("lab.curves_title", knob=knob_names[knob]), step_title=tr("lab.step"),
        loss_title=tr("lab.loss"), exact_title=tr("lab.exact")), key="lab_curves")
    st.caption(tr("lab.curves_text"))
    show_figure(knob_figure(
        names, [r.exact for r in rows], [r.params for r in rows],
        [r.cpu_time_s for r in rows], title=tr("lab.bars_title", steps=rows[0].steps),
        exact_title=tr("lab.exact"), params_title=tr("lab.params"),
        seconds_title=tr("lab.seconds")), key="lab_bars")


def questions_section(runs) -> None:
    st.subheader(tr("lab.questions"))
    heads, lr, width = st.columns(3)
    with heads:
        st.markdown("**" + tr("lab.q.heads") + "**")
        answer = heads_answer(runs)
        st.markdown(tr(f"lab.a.heads.{answer['better']}", **answer))
    with lr:
        st.markdown("**" + tr("lab.q.lr") + "**")
        answer = lr_answer(runs)
        st.markdown(tr("lab.a.lr_diverged", **answer) if answer["diverged"]
                    else tr("lab.a.lr", **answer))
        st.markdown(tr(f"lab.a.lr_small.{answer['small']}", **answer))
    with width:
        st.markdown("**" + tr("lab.q.width") + "**")
        for row in width_answer(runs):
            st.markdown("- " + tr("lab.a.width_row", **row))
        st.caption(tr("lab.a.width_text"))


def table_section(runs) -> None:
    st.subheader(tr("lab.table"))
    labels = {k: tr(f"lab.col.{k}") for k in ("name", "d_model", "heads", "layers", "lr_factor",
                                               "warmup", "label_smoothing", "params",
                                               "final_loss", "exact", "seconds")}
    st.dataframe(runs_frame(runs, labels), hide_index=True, key="lab_table")
    st.caption(tr("lab.table_text"))


def search_section() -> None:
    st.subheader(tr("lab.search"))
    try:
        trials = lab.study_trials()
    except lab.ResultsMissing as err:
        st.info(tr("lab.study_missing", reason=escape_md(str(err))))
        return
    counts = trial_counts([state for _, _, _, state, _ in trials])
    st.markdown(tr("lab.search_text", total=counts["total"], complete=counts["COMPLETE"],
                   pruned=counts["PRUNED"], failed=counts["FAIL"]))
    st.caption(tr("lab.search_cmd"))
    st.code(SEARCH_COMMAND, language="bash")
    tabs = st.tabs([tr(f"lab.tab.{kind}") for kind in STUDY_FIGURES])
    for tab, kind in zip(tabs, STUDY_FIGURES):
        with tab:
            show_figure(lab.study_figure_cached(kind, lang()), key=f"lab_study_{kind}")
            st.caption(tr(f"lab.fig_text.{kind}"))

    st.subheader(tr("lab.best"))
    best = best_trial_row([(n, v, p) for n, v, p, _, _ in trials])
    if best is None:
        st.info(tr("lab.no_best"))
        return
    number, value, params = best
    attrs = next(a for n, _, _, _, a in trials if n == number)
    st.markdown(tr("lab.best_text", number=number, value=round(100 * value, 1),
                   exact=round(100 * attrs.get("exact_match", 0.0), 1),
                   seconds=attrs.get("train_time_s", 0.0)))
    config, recipe = lab.shipped_choices()
    rows = [{tr("lab.col.param"): tr(f"lab.param.{name}"), tr("lab.col.best"): str(mine),
             tr("lab.col.shipped"): str(theirs)}
            for name, mine, theirs in compare_best(params, config, recipe)]
    st.dataframe(rows, hide_index=True, key="lab_best")


st.title(tr("lab.title"))
st.info(tr("lab.article"), icon=":material/format_quote:")
try:
    runs = grid_runs(lab.load_grid())
except (lab.ResultsMissing, ValueError) as err:
    st.error(tr("lab.missing", reason=escape_md(str(err))))
    runs = None
if runs:
    st.markdown(tr("lab.intro", steps=runs[0].steps))
    curves_section(runs)
    questions_section(runs)
    table_section(runs)
search_section()
st.header(tr("lab.more.title"))
st.markdown(tr("lab.more.intro"))
one_more_form()
