"""Presenter mode (?present=1): the flag, bigger figure fonts in the chart specs, the collapsed
sidebar's setting, and the flag kept across page changes."""

from __future__ import annotations

from pathlib import Path

import plotly.graph_objects as go
from streamlit.testing.v1 import AppTest

from tests.figspec import chart_specs
from ui import presenter

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")


def new_app(**params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def font_sizes(at: AppTest) -> list[int]:
    return [spec["layout"]["font"]["size"] for spec in chart_specs(at)]


def test_presented_figure_scales_every_font_and_the_height():
    fig = go.Figure(go.Bar(x=[1, 2], y=[3, 4], text=["a", "b"], textfont={"size": 10}))
    fig.update_layout(font={"size": 14}, height=300, title={"text": "t", "font": {"size": 20}},
                      xaxis={"tickfont": {"size": 11},
                             "title": {"text": "x", "font": {"size": 12}}})
    fig.add_annotation(text="note", font={"size": 9}, x=1, y=1)
    out = presenter.presented_figure(fig, scale=2.0, height_scale=1.5).to_dict()
    layout = out["layout"]
    assert layout["font"]["size"] == 28
    assert layout["title"]["font"]["size"] == 40
    assert layout["xaxis"]["tickfont"]["size"] == 22
    assert layout["xaxis"]["title"]["font"]["size"] == 24
    assert layout["annotations"][0]["font"]["size"] == 18
    assert out["data"][0]["textfont"]["size"] == 20
    assert layout["height"] == 450


def test_a_figure_without_sizes_gets_the_base_size_scaled():
    out = presenter.presented_figure(go.Figure(), scale=1.5).to_dict()["layout"]
    assert out["font"]["size"] == round(presenter.BASE_FONT * 1.5)
    assert "height" not in out


def test_present_flag_scales_the_pages_figures():
    plain = font_sizes(new_app())
    shown = new_app(present="1")
    assert shown.session_state[presenter.PRESENT] is True
    big = font_sizes(shown)
    assert plain and len(big) == len(plain)
    for small, large in zip(plain, big):
        assert large == round(small * presenter.FONT_SCALE)
    # Ticks too: Streamlit's theme would otherwise draw them at its own 12 px.
    for spec in chart_specs(shown):
        axes = [v for k, v in spec["layout"].items() if k.startswith(("xaxis", "yaxis"))]
        assert axes and all(axis["tickfont"]["size"] >= 19 for axis in axes)


def test_present_flag_collapses_the_sidebar_and_survives_page_changes():
    at = new_app(present="1")
    assert presenter.sidebar_state() == "auto"  # outside a session: off
    assert at.toggle(key=presenter.PRESENT).value is True
    at.switch_page("app_pages/tour.py").run()
    assert not at.exception
    assert at.session_state[presenter.PRESENT] is True
    assert str(at.query_params[presenter.PRESENT]).strip("[]'") == "1"
    assert font_sizes(at) == [] or all(s > 14 for s in font_sizes(at))
    # Presenting, the tour's bottom navigation and the article-row caption are left out.
    assert not any(b.key == "tour_next_bottom" for b in at.button)
    at.toggle(key=presenter.PRESENT).set_value(False).run()
    assert presenter.PRESENT not in at.query_params
    at.switch_page("app_pages/overview.py").run()
    assert all(size == 14 for size in font_sizes(at))


def test_present_zero_turns_it_off():
    at = new_app(present="0")
    assert at.session_state[presenter.PRESENT] is False
