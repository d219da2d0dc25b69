"""Switch heads off: zero a head's output (or replace it by its mean), drop a source word, and
re-run; head importance for the sentence from one re-run per head."""

import streamlit as st

from explainer.analysis.interventions import (
    attention_view,
    effect,
    head_label,
    importance_table,
    marked_cells,
)
from explainer.figures.why import head_importance_figure, prob_change_figure, token_heatmap_figure
from explainer.trace import InputError
from ui import why as runs
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

PAGE = {"order": 76, "url": "interventions", "icon": ":material/power_settings_new:",
        "title": {"en": "Switch heads off", "zh": "关掉注意力头"}, "needs": ["generates"]}

MODES = ("zero", "mean")
HEADS_KEY, DROP_KEY = "int_heads", "int_drop"


def attempt(run, *args):
    """A model run, or None with the reason on screen (never a traceback)."""
    try:
        return run(*args)
    except (InputError, ValueError) as err:
        st.warning(tr("why.cannot", reason=str(err)), icon=":material/block:")
        return None


sel = selection()
trace = current_trace()
caps = trace.caps
st.title(tr("int.title"))
require(trace, PAGE)
st.markdown(tr("int.intro"))

heads = runs.head_names(sel.model_name)  # "enc.0.1" -> ("enc", 0, 1)
labels = {name: head_label(head) for name, head in heads.items()}
last_cross = [name for name, (stage, layer, _) in heads.items()
              if stage == ("cross" if "cross" in caps.stages else "dec")
              and layer == caps.n_layers_of("cross" if "cross" in caps.stages else "dec") - 1]
if [h for h in st.session_state.get(HEADS_KEY, []) if h not in heads]:
    st.session_state[HEADS_KEY] = [h for h in st.session_state[HEADS_KEY] if h in heads]


def _pick_last_layer() -> None:
    st.session_state[HEADS_KEY] = list(last_cross)


def _clear() -> None:
    st.session_state[HEADS_KEY] = []
    st.session_state[DROP_KEY] = []


c1, c2 = st.columns([3, 1])
chosen = c1.multiselect(tr("int.heads"), list(heads), format_func=labels.__getitem__,
                        key=HEADS_KEY, bind="query-params", help=tr("int.heads_help"),
                        placeholder=tr("int.heads_none"))
mode_names = {m: tr(f"int.mode.{m}") for m in MODES}
mode = c2.radio(tr("int.mode"), MODES, format_func=mode_names.__getitem__, key="int_mode",
                bind="query-params")
b1, b2, _ = st.columns([2, 1, 3])
b1.button(tr("int.last_layer"), key="int_last", on_click=_pick_last_layer,
          icon=":material/select_all:")
b2.button(tr("int.clear"), key="int_clear", on_click=_clear, icon=":material/restart_alt:")
st.caption(tr(f"int.mode_help.{mode}"))

scored = attempt(runs.score_cached, sel.model_name, sel.sentence, None, sel.target)
if scored is None:
    st.stop()
src = list(scored.src_tokens)
if [i for i in st.session_state.get(DROP_KEY, []) if not (isinstance(i, int) and i < len(src))]:
    st.session_state[DROP_KEY] = []
kind = "continue" if caps.architecture == "decoder-only" else "translate"
dropped = st.multiselect(tr(f"int.drop.{kind}"), list(range(len(src))),
                         format_func=lambda i: f"{i}: {src[i]}", key=DROP_KEY,
                         placeholder=tr("int.drop_none"))

# -- the re-run ----------------------------------------------------------------------------------
st.header(tr("int.result.title"))
if not chosen and not dropped:
    st.info(tr("int.nothing"), icon=":material/touch_app:")
else:
    ablated = attempt(runs.ablate_cached, sel.model_name, sel.sentence, sel.target,
                      tuple(heads[name] for name in chosen), mode, tuple(dropped))
    if ablated is not None:
        found = effect(ablated)
        st.markdown(tr("int.before", text=escape_md(short_text(ablated.base_translation or "∅"))))
        st.markdown(tr("int.after", text=escape_md(short_text(ablated.translation or "∅"))))
        if found.changed:
            st.warning(tr("int.changed"), icon=":material/swap_horiz:")
        else:
            st.success(tr("int.same"), icon=":material/check:")
        st.markdown(tr("int.total", before=found.total_before, after=found.total_after,
                       delta=found.total_after - found.total_before))
        show_figure(prob_change_figure(ablated.base_tokens, found.before, found.after,
                                       before_label=tr("int.on"), after_label=tr("int.off"),
                                       prob_label=tr("trn.prob")), key="int_change")
        st.caption(tr("int.change_caption"))

        @section
        def changed_attention() -> None:
            stage = "cross" if "cross" in caps.stages else "dec"
            n_layers = caps.n_layers_of(stage)
            layer = pick_index(tr("common.layer"), n_layers, "int_layer", default=n_layers - 1)
            a1, a2 = st.columns(2)
            for column, source, title, key in (
                (a1, trace, tr("int.attn_before", layer=layer + 1), "int_attn_before"),
                (a2, ablated.trace, tr("int.attn_after", layer=layer + 1), "int_attn_after"),
            ):
                pattern, rows, cols = attention_view(source, layer)
                with column:
                    show_figure(token_heatmap_figure(pattern, rows, cols, title=title,
                                                     row_title=tr("trn.written"),
                                                     col_title=tr("trn.source"),
                                                     hover=tr("trn.weight")), key=key)
            st.caption(tr("int.attn_caption"))

        changed_attention()


# -- head importance ----------------------------------------------------------------------------
@section
def importance_section() -> None:
    st.header(tr("int.imp.title"))
    st.markdown(tr("int.imp.intro"))
    st.latex(r"\Delta_{\ell,h} = \log P(Y \mid X) - \log P\big(Y \mid X;\ "
             r"\text{head } (\ell, h) \text{ off}\big)")
    with st.spinner(tr("int.imp.running")):
        importance = attempt(runs.importance_cached, sel.model_name, sel.sentence, sel.target,
                             mode)
    if importance is None:
        return
    stage_names = {s: tr(f"int.stage.{s}") for s in importance.stages}
    stage = st.radio(tr("int.stage"), importance.stages, format_func=stage_names.__getitem__,
                     key="int_stage", horizontal=True, bind="query-params")
    marked = marked_cells([heads[name] for name in chosen], stage)
    left, right = st.columns([3, 2])
    with left:
        show_figure(head_importance_figure(importance.drop[stage], title=stage_names[stage],
                                           layer_title=tr("common.layer"),
                                           head_title=tr("common.head"),
                                           value_label=tr("int.imp.value"), marked=marked),
                    key="int_importance")
        st.caption(tr("int.imp.caption", base=importance.base_logprob, mode=mode_names[mode]))
    with right:
        st.markdown(f"**{tr('int.imp.top')}**")
        table = importance_table(importance.top, {
            "rank": tr("beam.rank"), "head": tr("common.head"), "cli": tr("int.imp.cli"),
            "drop": tr("int.imp.value")}, runs.format_head)
        st.dataframe(table, hide_index=True, key="int_top_table")
        csv_button(table, "head_importance.csv", key="int_top_csv")


importance_section()
