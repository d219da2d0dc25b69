"""RNN vs attention (TEACHING.md row 2): the path from the first word to the last, encode time
as the sentence grows (measured live), exact match by length (shipped results), and the same
sentence inside the GRU and the Transformer."""

import streamlit as st

from explainer.analysis.lab import (
    hidden_path,
    length_answer,
    length_curves,
    path_lengths,
    speed_rows,
)
from explainer.analysis.trajectory import trajectories
from explainer.figures.rnn import hidden_path_figure, length_figure, path_figure, speed_figure
from explainer.figures.space import trajectory_figure
from explainer.trace import AdapterError, CheckpointError, InputError
from models.rnn import RNNError
from ui import lab, loaders
from ui.state import tr
from ui.widgets import escape_md, selection, show_figure

PAGE = {"order": 5, "url": "rnn", "icon": ":material/conversion_path:",
        "title": {"en": "RNN vs attention", "zh": "RNN 与注意力"}, "needs": []}

MAX_PATH_TOKENS = 24  # the chain stays readable; the numbers in the text use the full length
MAX_LABELLED_TOKENS = 80  # hidden-state path drawn for at most this many tokens
TRANSFORMER = "trained"  # the shipped translation model, for the right-hand trajectories


def path_section(tokens: tuple[str, ...], d_hidden: int) -> None:
    st.subheader(tr("rnn.path"))
    hops = path_lengths(len(tokens))
    shown = tokens[:MAX_PATH_TOKENS]
    show_figure(path_figure(shown, tr("rnn.row_rnn"), tr("rnn.row_attention"),
                            hop_label=tr("rnn.hops")), key="rnn_path")
    if len(shown) < len(tokens):
        st.caption(tr("rnn.path_cut", n=len(shown), total=len(tokens)))
    st.markdown(tr("rnn.path_text", rnn=hops["rnn"], attention=hops["attention"], d=d_hidden))


def speed_section() -> None:
    st.subheader(tr("rnn.speed"))
    devices = ["cpu"] + (["cuda"] if lab.gpu_available() else [])
    series, names, kinds, table = [], [], [], []
    lengths = list(lab.SPEED_LENGTHS)
    for device in devices:
        rows = speed_rows(lab.encode_times_cached(device))
        lengths = [r["tokens"] for r in rows]
        series += [[r["gru_ms"] for r in rows], [r["attention_ms"] for r in rows]]
        names += [tr("rnn.line.gru", device=device), tr("rnn.line.attention", device=device)]
        suffix = ":gpu" if device != "cpu" else ""
        kinds += ["gru" + suffix, "attention" + suffix]
        table += [{tr("rnn.col.device"): device, **{tr(f"rnn.col.{k}"): v for k, v in r.items()}}
                  for r in rows]
    show_figure(speed_figure(lengths, series, names, kinds, x_title=tr("rnn.tokens"),
                             y_title=tr("rnn.ms")), key="rnn_speed")
    last = speed_rows(lab.encode_times_cached("cpu"))[-1]
    st.markdown(tr("rnn.speed_text", device="cpu", threads=lab.cpu_threads(),
                   repeats=lab.SPEED_REPEATS, layers=lab.TIMING_TRANSFORMER["n_layers"],
                   n=last["tokens"], gru_ms=last["gru_ms"], attention_ms=last["attention_ms"]))
    for row in speed_rows(lab.encode_times_cached(devices[-1]))[-1:]:
        if row["ratio"] > 1:
            st.markdown(tr("rnn.speed_slower", ratio=row["ratio"]) + f" ({devices[-1]})")
        else:
            st.markdown(tr("rnn.speed_faster", inverse=row["inverse"]) + f" ({devices[-1]})")
    st.caption(tr("rnn.speed_note") if len(devices) > 1 else
               tr("rnn.speed_note") + " " + tr("rnn.no_gpu"))
    with st.expander(tr("rnn.speed")):
        st.dataframe(table, hide_index=True, key="rnn_speed_table")


def length_section() -> None:
    st.subheader(tr("rnn.length"))
    try:
        curves = length_curves(lab.load_lengths())
        answer = length_answer(curves)
    except (lab.ResultsMissing, ValueError, StopIteration, KeyError) as err:
        st.info(tr("rnn.results_missing", reason=escape_md(str(err))))
        return
    show_figure(length_figure(
        curves[0].clauses, [c.exact for c in curves], [tr(f"rnn.model.{c.name}") for c in curves],
        [c.name for c in curves], answer["trained"], tokens=curves[0].tokens,
        x_title=tr("rnn.clauses"), y_title=tr("rnn.exact"), beyond_label=tr("rnn.beyond"),
    ), key="rnn_lengths")
    st.markdown(tr("rnn.length_text", **answer))
    st.caption(tr("rnn.length_note"))


def paths_section(sentence: str, target, tokens, states) -> None:
    st.subheader(tr("rnn.paths"))
    st.markdown(tr("rnn.paths_text"))
    left, right = st.columns(2)
    with left:
        n = min(len(tokens), MAX_LABELLED_TOKENS)
        points, _ = hidden_path(states[:n])
        show_figure(hidden_path_figure(points, tokens[:n], title=tr("rnn.gru_path_title"),
                                       step_label=tr("rnn.after")), key="rnn_gru_path")
    with right:
        try:
            traced = loaders.trace_cached(TRANSFORMER, sentence, target)
        except (InputError, CheckpointError, AdapterError, OSError) as err:
            st.info(tr("rnn.tf_unavailable", reason=escape_md(str(err))))
            return
        paths = trajectories(traced, "enc", substeps=False)
        labels = [tr("rnn.stage.embed"), tr("rnn.stage.pe")] + [
            tr("rnn.stage.layer", n=layer + 1) for _, layer in paths.stages[2:]]
        keep = min(len(traced.src_tokens), MAX_LABELLED_TOKENS)
        show_figure(trajectory_figure(paths.points[:, :keep], labels, traced.src_tokens[:keep],
                                      title=tr("rnn.tf_path_title")), key="rnn_tf_paths")


st.title(tr("rnn.title"))
sel = selection()
try:
    gru = lab.load_gru()
except (RNNError, OSError) as err:
    st.error(tr("rnn.missing", reason=escape_md(str(err))))
    st.stop()
st.markdown(tr("rnn.intro", gru_params=lab.gru_params(),
               tf_params=lab.timing_transformer_params()))
st.info(tr("rnn.article"), icon=":material/format_quote:")

words = None
if not sel.sentence.strip():
    st.info(tr("notice.empty"))
else:
    try:
        words = lab.gru_states(sel.sentence)
    except InputError as err:
        st.warning(tr("notice.input_error", reason=str(err)))
if words is not None:
    tokens, states, unknown, n_typed = words
    if n_typed > len(tokens):
        st.info(tr("notice.truncated", n_typed=n_typed, max_len=lab.GRU_MAX_TOKENS),
                icon=":material/content_cut:")
    if unknown:
        st.caption(tr("rnn.unknown", words=escape_md(" ".join(unknown))))
    path_section(tokens, gru.config.d_hidden)
speed_section()
length_section()
if words is not None:
    paths_section(sel.sentence, sel.target, *words[:2])
