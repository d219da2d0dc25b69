"""What keeps pages fast, checked as behaviour (never as time): figures go out as float32 typed
arrays, the all-heads grid is one heatmap, and page sections are fragments except in a class.

The fragment's own behaviour (a click reruns only its section) is read off the wire in a real
browser: tests/browser/test_fragments_browser.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
from streamlit.testing.v1 import AppTest

from explainer.figures.base import compact_figure
from tests.figspec import array, chart_specs

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def test_compact_figure_sends_float_arrays_as_float32_and_leaves_the_rest():
    z = np.random.default_rng(0).random((4, 5))
    fig = go.Figure([go.Heatmap(z=z), go.Bar(x=["a", "b"], y=[0.5, 0.25]),
                     go.Scatter(x=np.arange(3), y=np.array([0.1, 0.2, np.nan])),
                     go.Heatmap(z=np.full((2, 2), 0.25))])  # equal in float32 and float64
    data = json.loads(pio.to_json(compact_figure(fig), validate=False))["data"]
    heat, bar, line, exact = data
    assert heat["z"]["dtype"] == "f4" and exact["z"]["dtype"] == "f4"
    np.testing.assert_allclose(array(heat["z"]), z, rtol=1e-6)
    assert bar["x"] == ["a", "b"] and bar["y"] == [0.5, 0.25]  # plain lists stay lists
    assert array(line["x"]).dtype.kind == "i"  # integers keep their type
    assert line["y"]["dtype"] == "f4" and np.isnan(array(line["y"])[2])


def run_page(path: str, model: str = "trained", sentence: str = "Smart John is singing"):
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["model"] = model
    at.query_params["s"] = sentence
    at.run()
    at.switch_page(path)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_every_heatmap_of_the_multi_head_page_goes_out_as_float32():
    at = run_page("app_pages/multi_head.py")
    charts = {chart.proto.id.rsplit("-", 1)[-1]: json.loads(chart.proto.spec)
              for chart in at.get("plotly_chart")}
    heatmaps = [trace for spec in chart_specs(at) for trace in spec["data"]
                if trace.get("type") == "heatmap"]
    assert heatmaps
    assert {trace["z"].get("dtype") for trace in heatmaps
            if isinstance(trace["z"], dict)} == {"f4"}
    assert all(isinstance(trace["z"], dict) for trace in heatmaps), "a heatmap sent as a list"
    # The all-layers × heads grid: one heatmap tiling every block (not one subplot per head).
    grid = charts["mh_grid"]["data"]
    assert [trace["type"] for trace in grid] == ["heatmap"]


def _section_script():
    import streamlit as st

    from ui import classroom
    from ui.widgets import section

    def body():
        st.write("drawn")

    if st.query_params.get("teach"):
        st.session_state[classroom.TEACHER] = {"code": "ABCD", "token": "secret"}
    st.write("plain" if section(body) is body else "fragment")


def test_sections_are_fragments_except_for_a_teacher_whose_clicks_must_publish():
    alone = AppTest.from_function(_section_script, default_timeout=30)
    alone.run()
    assert alone.markdown[0].value == "fragment"
    teacher = AppTest.from_function(_section_script, default_timeout=30)
    teacher.query_params["teach"] = "1"
    teacher.run()
    assert teacher.markdown[0].value == "plain"
