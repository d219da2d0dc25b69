"""A training job on screen: start it, watch it (queue position or live progress, the loss
curve, the sidebar sentence's translation and cross-attention from the newest live snapshot),
stop it, and use the finished model on every page.

The job id is in the URL (``?job=<id>``): a reload shows the job again, and anyone with the link
can watch it (a class watches the teacher's run). Only the session that started a job may stop
it: the owner is a random token kept in this session's state, never in the URL.
"""

from __future__ import annotations

import secrets

import streamlit as st

from explainer.analysis.decoding import most_attended, written_attention
from explainer.analysis.lab import KNOBS
from explainer.figures.decoding import cross_attention_figure
from explainer.figures.jobs import training_curve_figure
from explainer.trace import AdapterError, CheckpointError, InputError, trace
from jobs import runner
from jobs.store import ACTIVE, Job, JobError, JobStore, job_model_folder, jobs_dir
from models.adapters.base import Adapter
from models.registry import load_folder
from ui import loaders, state
from ui.state import tr
from ui.widgets import escape_md, selection, show_figure, show_notices_for

JOB = "job"  # URL ?job=<id>
OWNER = "_job_owner"
LAST = "_job_last"  # the job this session showed last
RUN_EVERY_S = 2.5
TRANSLATION_PAGE = "app_pages/translation.py"
THIS_PAGE = "app_pages/train_live.py"


def owner() -> str:
    """This session's owner token (who may stop the jobs it started)."""
    return st.session_state.setdefault(OWNER, secrets.token_hex(16))


def store() -> JobStore:
    return _store(str(jobs_dir()))


@st.cache_resource(show_spinner=False)
def _store(folder: str) -> JobStore:  # keyed by the folder, so a changed runs dir is honoured
    return JobStore()


@st.cache_resource(show_spinner=False, max_entries=4)
def _live_model(job_id: str, live: str) -> Adapter:
    """A live snapshot's model. ``live`` is only a cache key: the folder comes from the job."""
    job = store().get(job_id)
    folder = runner.live_folder(job, {"live": live})
    if folder is None:
        raise AdapterError(f"snapshot {live} is gone")
    return load_folder(folder, name=job.model_name, device="cpu")


@st.cache_resource(show_spinner=False, max_entries=16)
def _live_trace(job_id: str, live: str, sentence: str, target: str | None):
    return trace(_live_model(job_id, live), sentence, target)


def current_job() -> Job | None:
    """The job named by ``?job=`` (None when the URL names none). A malformed, unknown or
    expired id is said in one sentence and the page goes on with the start panel."""
    raw = st.query_params.get(JOB)
    if not raw and st.session_state.get(LAST):
        # Back from another page (navigation drops ?job=): this session's run again.
        raw = st.query_params[JOB] = st.session_state[LAST]
    if not raw:
        return None
    try:
        runner.tick(store())
        job = store().get(raw)
    except JobError as err:
        st.session_state.pop(LAST, None)
        st.error(tr("jobs.bad_id", reason=escape_md(str(err))), icon=":material/error:")
        return None
    st.session_state[LAST] = job.id
    if job.state == "expired":
        st.session_state.pop(LAST, None)
        st.warning(tr("jobs.expired", hours=runner.ttl_s() / 3600, keep=runner.keep()),
                   icon=":material/history:")
        return None
    return job


def start_panel() -> None:
    """The start button, the time cap, and links to jobs running now (to watch them)."""
    st.caption(tr("jobs.cap", seconds=runner.max_seconds(), slots=runner.slots()))
    if st.button(tr("jobs.start"), key="job_start", type="primary",
                 icon=":material/play_arrow:"):
        try:
            job = runner.submit(owner(), store())
        except runner.QueueFull:
            st.warning(tr("jobs.queue_full"), icon=":material/hourglass_full:")
            return
        st.query_params[JOB] = job.id
        st.rerun()
    for job in store().jobs(ACTIVE):
        label = tr("jobs.watch_running" if job.state == "running" else "jobs.watch_queued",
                   id=job.id, position=job.position or 0)
        st.page_link(THIS_PAGE, label=label, icon=":material/visibility:",
                     query_params={JOB: job.id})


def show_job(job: Job) -> None:
    """A job still queued or running: polled every few seconds; a finished one: its result."""
    if job.active:
        _watch(job.id)
    else:
        _finished(job)


@st.fragment(run_every=RUN_EVERY_S)
def _watch(job_id: str) -> None:
    try:
        runner.tick(store())
        job = store().get(job_id)
    except JobError as err:
        st.error(tr("jobs.bad_id", reason=escape_md(str(err))))
        return
    if not job.active:
        st.rerun(scope="app")  # the finished view replaces this polling one
    mine = job.owner == owner()
    st.caption(tr("jobs.id", id=job.id) + " · " + tr("jobs.cap", seconds=job.max_seconds,
                                                      slots=runner.slots()))
    if job.state == "queued":
        st.info(tr("jobs.queued", position=job.position, slots=runner.slots()),
                icon=":material/hourglass_top:")
        _stop_button(job, mine)
        return
    report = runner.progress(job)
    if job.stop_requested is not None:
        st.info(tr("jobs.stopping"), icon=":material/stop_circle:")
    if report is None:
        st.progress(0.0, text=tr("jobs.starting"))
        _stop_button(job, mine)
        return
    _progress_bar(job, report)
    _stop_button(job, mine)
    _curves(report, key="job_curve_live")
    live = report.get("live")
    if live:
        _translation(job, live)
    else:
        st.caption(tr("jobs.no_snapshot"))


def _stop_button(job: Job, mine: bool) -> None:
    if not mine:
        st.caption(tr("jobs.watching"))
        return
    if job.stop_requested is not None:
        return
    if st.button(tr("jobs.stop"), key="job_stop", icon=":material/stop:"):
        try:
            runner.stop(job.id, owner(), store())
        except JobError as err:
            st.error(tr("jobs.stop_refused", reason=escape_md(str(err))))


def _progress_bar(job: Job, report: dict) -> None:
    step, steps = int(report.get("step") or 0), int(report.get("steps") or 0)
    elapsed = float(report.get("elapsed_s") or 0.0)
    # Training ends at its step count or its time cap, whichever comes first.
    done = max(step / steps if steps else 0.0, elapsed / job.max_seconds)
    match = report.get("exact_match") or []
    st.progress(min(done, 1.0), text=tr(
        "jobs.progress", step=step, steps=steps, elapsed=elapsed, cap=job.max_seconds,
        match=f"{100 * match[-1][1]:.0f} %" if match else "–"))


def _curves(report: dict, key: str) -> None:
    if not report.get("loss"):
        return
    show_figure(training_curve_figure(
        report["loss"], report.get("exact_match") or [], title=tr("jobs.curve_title"),
        loss_name=tr("jobs.loss"), match_name=tr("jobs.match"), step_title=tr("jobs.step"),
        cap_steps=report.get("steps")), key=key)


def _translation(job: Job, live: str | None) -> None:
    """The sidebar sentence through the job's model: a live snapshot, or the final model."""
    sel = selection()
    if not sel.sentence.strip():
        st.info(tr("notice.empty"))
        return
    try:
        if live is None:
            result = loaders.trace_cached(job.model_name, sel.sentence, sel.target)
        else:
            result = _live_trace(job.id, live, sel.sentence, sel.target)
    except InputError as err:
        st.warning(tr("notice.input_error", reason=escape_md(str(err))))
        return
    except (AdapterError, CheckpointError, OSError, JobError):
        # A snapshot is replaced every few seconds; the next poll shows the newer one.
        st.caption(tr("jobs.snapshot_moved"))
        return
    step = int(live.split("-")[-1]) if live else None
    st.markdown("#### " + tr("jobs.translation", source=escape_md(sel.sentence),
                             output=escape_md(result.translation or "∅")))
    if step is not None:
        st.caption(tr("jobs.snapshot", step=step))
    show_notices_for(result)
    if "cross" not in result.stages or not result.output_tokens:
        return
    layer = result.n_layers_of("dec") - 1
    view = written_attention(result, layer, None)
    show_figure(cross_attention_figure(
        view.pattern, view.written, view.key_tokens,
        title=tr("jobs.cross_title", layer=layer + 1), row_title=tr("trn.written"),
        col_title=tr("trn.source"), hover=tr("trn.weight"), masked_cells=view.masked),
        key="job_cross_live" if live else "job_cross_final")
    token, weight, _ = most_attended(view, 0)
    st.caption(tr("jobs.first_look", written=escape_md(view.written[0]),
                  token=escape_md(token), weight=weight))


def _finished(job: Job) -> None:
    report = runner.progress(job) or {}
    usable = _usable(job)
    st.caption(tr("jobs.id", id=job.id))
    if job.state == "failed":
        st.error(tr("jobs.failed", reason=escape_md(job.message or "")),
                 icon=":material/error:")
    elif job.state == "stopped":
        st.info(tr("jobs.stopped", reason=escape_md(job.message or tr("jobs.stopped_by_owner"))),
                icon=":material/stop_circle:")
    else:
        match = report.get("exact_match") or []
        st.success(tr("jobs.done", steps=report.get("step", 0),
                      seconds=float(report.get("elapsed_s") or 0.0),
                      match=f"{100 * match[-1][1]:.0f} %" if match else "–"),
                   icon=":material/check_circle:")
    if usable:
        # A button, not a page link: ``model`` is bound to the sidebar's widget, whose session
        # value wins over a link's ?model= within a session (seen in Chromium: the link opened
        # the page with "trained"). So the widget's value is set, then the page switched.
        if st.button(tr("jobs.use"), key="job_use", type="primary",
                     icon=":material/arrow_forward:", on_click=_choose_model,
                     args=(job.model_name,)):
            # ``{}``: keep nothing unbound (?job=); ``None`` would try to clear the bound
            # parameters too, which Streamlit refuses. The bound widgets write theirs again.
            st.switch_page(TRANSLATION_PAGE, query_params={})
        st.caption(tr("jobs.use_help", name=job.model_name, hours=runner.ttl_s() / 3600))
    _curves(report, key="job_curve_final")
    if usable:
        _translation(job, None)
    if st.button(tr("jobs.again"), key="job_again", icon=":material/replay:"):
        del st.query_params[JOB]
        st.session_state.pop(LAST, None)
        st.rerun()


def _choose_model(name: str) -> None:
    st.session_state[state.MODEL] = name


def _usable(job: Job) -> bool:
    """Whether the job left a model that loads as ``job-<id>``. The sidebar's list of names is
    cached for 30 s; it is re-read here, so the link works as soon as it is shown."""
    if job_model_folder(job.model_name) is None:
        return False
    if job.model_name not in loaders.model_names():
        loaders.model_names.clear()
    return True


# The tiny preset's own values (training/train.py PRESETS["tiny"] and its defaults), preselected.
TINY_SETTINGS = {"heads": 4, "d_model": 64, "layers": 2, "lr_factor": 0.5, "warmup": 200,
                 "label_smoothing": 0.1}


def one_more_form() -> None:
    """Train one more configuration: the tiny preset with settings from the lab's menu, through
    the same queue and worker as the live-training page, where it is then watched."""
    with st.form("lab_one_more"):
        columns = st.columns(3)
        chosen = {}
        for i, (knob, name) in enumerate(KNOBS.items()):
            values = runner.SETTINGS[name][1]
            chosen[name] = columns[i % 3].selectbox(
                tr(f"lab.knob.{knob}"), values, index=values.index(TINY_SETTINGS[name]),
                key=f"lab_more_{name}")
        start = st.form_submit_button(tr("lab.more.start"), type="primary",
                                      icon=":material/play_arrow:")
    if not start:
        return
    try:
        job = runner.submit(owner(), store(), settings=chosen)
    except runner.QueueFull:
        st.warning(tr("jobs.queue_full"), icon=":material/hourglass_full:")
        return
    except JobError as err:
        st.error(tr("lab.more.bad", reason=escape_md(str(err))))
        return
    st.switch_page(THIS_PAGE, query_params={JOB: job.id})
