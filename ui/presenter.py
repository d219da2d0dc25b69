"""Presenter mode (``?present=1``): type and figures readable from the back of a classroom.

The flag lives in the session (so it survives page changes) and is written back into the URL
on every run (so a copied link keeps it). Text grows through one static style sheet (never user
text in HTML); figures grow in ``ui.widgets.show_figure`` through ``presented_figure``.
"""

from __future__ import annotations

import streamlit as st

from ui.state import tr

PRESENT = "present"  # session key and URL parameter
_SEEN = "_url_present"  # the URL value already taken (a later click on the toggle wins)
ON_WORDS = ("1", "true", "yes", "on")
FONT_SCALE = 1.6  # figure fonts: 14 px reads at about 2 m on a projector; 22 px at the back
HEIGHT_SCALE = 1.3  # taller figures keep their bigger labels apart
BASE_FONT = 14  # explainer.figures.base sets this when a figure says nothing
BASE_TICK = 12  # Streamlit's theme draws tick labels at this size

# Static: no value from the user or the session ever goes into it.
STYLE = """<style>
[data-testid="stMainBlockContainer"] { max-width: 100%; padding-top: 2.5rem; }
[data-testid="stMarkdownContainer"] p, [data-testid="stMarkdownContainer"] li {
  font-size: 1.5rem; line-height: 1.45; }
h1 { font-size: 2.9rem !important; }
h2, h3 { font-size: 2.1rem !important; }
[data-testid="stCaptionContainer"] { font-size: 1.15rem; display: -webkit-box;
  -webkit-line-clamp: 2; -webkit-box-orient: vertical; overflow: hidden; }
[data-testid="stWidgetLabel"] p { font-size: 1.3rem !important; }
[role="radiogroup"] label p { font-size: 1.35rem !important; }
[data-testid="stMain"] [data-baseweb="select"] * { font-size: 1.3rem; }
[data-testid="stMain"] button p { font-size: 1.25rem; }
[data-testid="stPageLink"] p { font-size: 1.35rem; }
.st-key-tour_prev button, .st-key-tour_next button {
  min-height: 3.6rem; padding: 0.5rem 2.2rem; }
.st-key-tour_prev button p, .st-key-tour_next button p { font-size: 1.7rem !important; }
</style>"""


def accept_url() -> None:
    """Before the page config: take ``?present=1`` (or 0) from the URL, once per value."""
    raw = st.query_params.get(PRESENT)
    if raw is None or st.session_state.get(_SEEN) == raw:
        return
    st.session_state[_SEEN] = raw
    st.session_state[PRESENT] = raw.strip().casefold() in ON_WORDS


def is_on() -> bool:
    return bool(st.session_state.get(PRESENT, False))


def sidebar_state() -> str:
    """``st.set_page_config(initial_sidebar_state=...)``: collapsed while presenting."""
    return "collapsed" if is_on() else "auto"


def control() -> None:
    """The sidebar's switch, then the URL and the style sheet that follow it."""
    st.sidebar.toggle(tr("present.toggle"), key=PRESENT, help=tr("present.help"))
    if is_on():
        st.query_params[PRESENT] = "1"
        st.session_state[_SEEN] = "1"
        st.html(STYLE)
    elif PRESENT in st.query_params:
        del st.query_params[PRESENT]
        st.session_state.pop(_SEEN, None)


def _scaled(size, scale: float):
    return None if size is None else round(size * scale)


def presented_figure(fig, scale: float = FONT_SCALE, height_scale: float = HEIGHT_SCALE):
    """The figure with every font ``scale`` times larger and a taller frame; changes ``fig``
    in place and returns it. Sizes a figure sets itself (axis ticks, annotations, bar texts)
    grow by the same factor, so nothing stays laptop-sized."""
    layout = fig.layout
    fig.update_layout(font_size=_scaled(layout.font.size or BASE_FONT, scale))
    if layout.title.font.size:
        layout.title.font.size = _scaled(layout.title.font.size, scale)
    # Streamlit's chart theme sets tick and axis-title sizes of its own (about 12 px), which
    # a layout font alone does not override: every axis gets explicit sizes.
    def grow(axis) -> None:
        axis.tickfont.size = _scaled(axis.tickfont.size or BASE_TICK, scale)
        axis.title.font.size = _scaled(axis.title.font.size or BASE_FONT, scale)

    fig.for_each_xaxis(grow)
    fig.for_each_yaxis(grow)
    fig.update_layout(legend_font_size=_scaled(layout.legend.font.size or BASE_FONT, scale),
                      hoverlabel_font_size=_scaled(layout.hoverlabel.font.size or BASE_FONT,
                                                   scale))
    for note in layout.annotations or ():
        if note.font.size:
            note.font.size = _scaled(note.font.size, scale)
    for trace in fig.data:
        font = getattr(trace, "textfont", None)
        if font is not None and isinstance(font.size, (int, float)):
            font.size = _scaled(font.size, scale)
        colorbar = getattr(trace, "colorbar", None)
        if colorbar is not None:
            colorbar.tickfont.size = _scaled(colorbar.tickfont.size or BASE_TICK, scale)
    if layout.height:
        layout.height = int(layout.height * height_scale)
    if layout.margin.t:
        layout.margin.t = int(layout.margin.t * scale)
    return fig
