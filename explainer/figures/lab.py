"""Figures of the hyper-parameter lab: loss curves side by side, a knob's effect, and Optuna's
own Plotly figures of the search, relabelled in the page's language."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from explainer.figures.base import base_layout

COLORS = ("#4c78a8", "#f58518", "#54a24b", "#e45756", "#b279a2", "#72b7b2", "#ff9da6",
          "#9d755d")
STUDY_FIGURES = ("history", "importances", "parallel", "slice")


def curves_figure(loss_steps: Sequence[Sequence[int]], losses: Sequence[Sequence[float]],
                  eval_steps: Sequence[Sequence[int]], evals: Sequence[Sequence[float]],
                  names: Sequence[str], title: str = "", step_title: str = "step",
                  loss_title: str = "loss", exact_title: str = "exact match") -> go.Figure:
    """Training loss (left) and held-out exact match (right) against steps, one colour per run.

    Args:
        loss_steps, losses: per run, the logged steps [n] and the loss there [n].
        eval_steps, evals: per run, the scored steps [m] and exact match there [m] (0 … 1).
        names: per run, its legend name.
    """
    n = len(names)
    if not len(loss_steps) == len(losses) == len(eval_steps) == len(evals) == n:
        raise ValueError("every run needs loss steps, losses, eval steps, evals and a name")
    fig = make_subplots(rows=1, cols=2, subplot_titles=(loss_title, exact_title),
                        horizontal_spacing=0.1)
    for i in range(n):
        xs, ys = np.asarray(loss_steps[i], dtype=float), np.asarray(losses[i], dtype=float)
        es, ev = np.asarray(eval_steps[i], dtype=float), np.asarray(evals[i], dtype=float)
        if xs.shape != ys.shape or es.shape != ev.shape:
            raise ValueError(f"run {names[i]!r}: steps and values differ in length")
        color = COLORS[i % len(COLORS)]
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", name=names[i], legendgroup=str(i),
                                 line=dict(color=color, width=2),
                                 hovertemplate=f"{names[i]}<br>{step_title} %{{x:.0f}}: "
                                               f"%{{y:.3f}}<extra></extra>"), row=1, col=1)
        fig.add_trace(go.Scatter(x=es, y=ev, mode="lines+markers", name=names[i],
                                 legendgroup=str(i), showlegend=False,
                                 line=dict(color=color, width=2),
                                 hovertemplate=f"{names[i]}<br>{step_title} %{{x:.0f}}: "
                                               f"%{{y:.1%}}<extra></extra>"), row=1, col=2)
    fig.update_xaxes(title=step_title, rangemode="tozero")
    fig.update_yaxes(title=loss_title, row=1, col=1, rangemode="tozero")
    fig.update_yaxes(title=exact_title, tickformat=".0%", range=[0, 1.02], row=1, col=2)
    # Below the plots: above them it ran into the title and the two subplot titles.
    fig.update_layout(legend=dict(orientation="h", yanchor="top", y=-0.2, x=0))
    fig = base_layout(fig, title, height=470)
    fig.update_layout(margin=dict(t=80))
    return fig


def knob_figure(labels: Sequence[str], exact: Sequence[float], params: Sequence[int],
                seconds: Sequence[float], title: str = "", exact_title: str = "exact match",
                params_title: str = "parameters", seconds_title: str = "seconds") -> go.Figure:
    """One knob's values: held-out exact match as bars, parameters and training seconds on hover.

    Args:
        labels: [k] the knob's values as text ("d_model 32", …).
        exact: [k] final held-out exact match (0 … 1).
        params: [k] parameter counts.
        seconds: [k] training wall time.
    """
    values = np.asarray(exact, dtype=float)
    if not len(labels) == values.size == len(params) == len(seconds):
        raise ValueError("labels, exact, params and seconds need one entry per value")
    custom = np.stack([np.asarray(params, dtype=float), np.asarray(seconds, dtype=float)], -1)
    fig = go.Figure(go.Bar(
        x=list(range(values.size)), y=values, marker_color=COLORS[0], customdata=custom,
        text=[f"{v:.0%}" for v in values], textposition="outside",
        hovertemplate=f"%{{y:.1%}}<br>{params_title}: %{{customdata[0]:,.0f}}<br>"
                      f"{seconds_title}: %{{customdata[1]:.0f}}<extra></extra>",
    ))
    fig.update_xaxes(tickvals=list(range(values.size)), ticktext=list(labels))
    fig.update_yaxes(title=exact_title, tickformat=".0%", range=[0, 1.1])
    return base_layout(fig, title, height=330)


def study_figure(study, kind: str, labels: dict[str, str], param_labels: dict[str, str],
                 target_name: str = "exact match",
                 importances: dict[str, float] | None = None) -> go.Figure:
    """One of Optuna's own figures of a study, with titles in the page's language.

    Args:
        study: an ``optuna.Study`` (read, never changed).
        kind: "history" (optimisation history), "importances" (parameter importances),
            "parallel" (parallel coordinates) or "slice".
        labels: ``{"title": ..., "x": ..., "y": ...}`` (keys optional) for the chart.
        param_labels: search parameter name -> the label to show for it.
        target_name: the objective's name on axes and colour bars.
        importances: parameter -> importance, already computed (e.g. the study's user
            attribute "importances"); None computes them now with Optuna's default.
    """
    from optuna import visualization as vis

    if kind not in STUDY_FIGURES:
        raise ValueError(f"kind must be one of {STUDY_FIGURES}, got {kind!r}")
    if kind == "history":
        fig = vis.plot_optimization_history(study, target_name=target_name)
    elif kind == "importances":
        # Importances computed when the study was exported (Optuna's fANOVA took 7–13 s here,
        # too long for a page) are replayed through Optuna's own figure.
        evaluator = None if importances is None else _Fixed(importances)
        fig = vis.plot_param_importances(study, target_name=target_name, evaluator=evaluator)
    elif kind == "parallel":
        fig = vis.plot_parallel_coordinate(study, target_name=target_name)
    else:
        fig = vis.plot_slice(study, target_name=target_name)
    _relabel(fig, kind, labels, param_labels)
    fig.update_layout(font=dict(size=13), margin=dict(l=10, r=10, t=60, b=10))
    return fig


def _fixed_evaluator_class():
    from optuna.importance import BaseImportanceEvaluator

    class Fixed(BaseImportanceEvaluator):
        """Returns importances computed earlier, largest first, as Optuna's evaluators do."""

        def __init__(self, values: dict[str, float]):
            self.values = dict(sorted(values.items(), key=lambda kv: -kv[1]))

        def evaluate(self, study, params=None, *, target=None) -> dict[str, float]:
            return {k: v for k, v in self.values.items() if params is None or k in params}

    return Fixed


def _Fixed(values: dict[str, float]):  # noqa: N802 (builds the class lazily: optuna is heavy)
    return _fixed_evaluator_class()(values)


def _relabel(fig: go.Figure, kind: str, labels: dict[str, str],
             param_labels: dict[str, str]) -> None:
    if "title" in labels:
        fig.update_layout(title=dict(text=labels["title"], x=0.0, xanchor="left"))
    if kind == "history":
        fig.update_xaxes(title=labels.get("x", "trial"))
        fig.update_yaxes(title=labels.get("y", "value"))
        names = {"Objective Value": labels.get("value"), "Best Value": labels.get("best")}
        for trace in fig.data:
            if names.get(trace.name):
                trace.name = names[trace.name]
    elif kind == "importances":
        fig.update_xaxes(title=labels.get("x", "importance"))
        fig.update_yaxes(title=labels.get("y", "parameter"))
        for trace in fig.data:
            if trace.y is not None:
                trace.y = [param_labels.get(str(p), str(p)) for p in trace.y]
    elif kind == "parallel":
        # Optuna 5 draws the axes as scatter lines, one x tick per parameter; older versions
        # drew a parcoords trace with one dimension per parameter.
        for name in fig.layout:
            if name.startswith("xaxis") and fig.layout[name].ticktext:
                fig.layout[name].ticktext = [param_labels.get(str(t), str(t))
                                             for t in fig.layout[name].ticktext]
        for trace in fig.data:
            if trace.type != "parcoords":  # too few trials: Optuna draws an empty chart
                continue
            dims = list(trace.dimensions)
            for dim in dims:
                dim.label = param_labels.get(dim.label, dim.label)
            trace.dimensions = dims
    else:  # slice: one panel per parameter, titled by an x-axis; colour is the trial number
        for trace in fig.data:
            bar = getattr(getattr(trace, "marker", None), "colorbar", None)
            if bar is not None and bar.title and bar.title.text and "x" in labels:
                bar.title.text = labels["x"]
        for name in fig.layout:
            if name.startswith("xaxis"):
                axis = fig.layout[name]
                if axis.title and axis.title.text:
                    axis.title.text = param_labels.get(axis.title.text, axis.title.text)
            if name.startswith("yaxis") and fig.layout[name].title.text:
                fig.layout[name].title.text = labels.get("y", fig.layout[name].title.text)
