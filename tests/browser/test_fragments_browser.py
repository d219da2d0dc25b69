"""A click inside a page section reruns that section only (``ui.widgets.section``, an
``st.fragment``), read off the wire: the server's messages after the click.

Every element Streamlit sends is a ``Delta`` with a ``delta_path`` (its place: the first number
0 for the main area, 1 for the sidebar) and, when a fragment drew it, the fragment's id. A full
rerun sends the sidebar and the whole page again; a section's rerun only the section. No timing.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from ui.navigation import page_specs

from .driver import MAIN, expect_rerun, page_url, settle

pytestmark = pytest.mark.browser

SIDEBAR_ROOT = 1
SENTENCE = "Smart John is singing a song"


class Wire:
    """The Delta messages the server sends to one tab (listen before the page loads)."""

    def __init__(self, tab):
        self.deltas: list[ForwardMsg] = []
        tab.on("websocket", lambda ws: ws.on("framereceived", self._received))

    def _received(self, payload) -> None:
        if isinstance(payload, (bytes, bytearray)):
            msg = ForwardMsg.FromString(bytes(payload))
            if msg.HasField("delta"):
                self.deltas.append(msg)

    def take(self) -> list[ForwardMsg]:
        taken, self.deltas = self.deltas, []
        return taken


def chart_paths(deltas, key: str) -> list[tuple[int, ...]]:
    """Where the chart with this key was drawn (its element id ends with the key)."""
    return [tuple(msg.metadata.delta_path) for msg in deltas
            if msg.delta.new_element.plotly_chart.id.endswith(f"-{key}")]


def click_option(tab, key: str, index: int) -> None:
    """Choose option ``index`` of the radio group keyed ``key`` on the page."""
    expect_rerun(tab)
    options = tab.locator(f"{MAIN} .st-key-{key} label").filter(
        has=tab.locator('input[type="radio"]'))
    options.nth(index).click()
    settle(tab)


def test_a_head_click_reruns_its_section_not_the_grid_or_the_sidebar(tab, server):
    spec = next(spec for spec in page_specs() if spec["url"] == "multi-head")
    wire = Wire(tab)
    tab.goto(page_url(server, spec, "s=" + quote(SENTENCE)))
    settle(tab)
    loaded = wire.take()
    (grid,) = chart_paths(loaded, "mh_grid")
    assert any(msg.metadata.delta_path[0] == SIDEBAR_ROOT for msg in loaded)

    click_option(tab, "head", 1)
    after_click = wire.take()
    assert chart_paths(after_click, "mh_head"), "the head's own heatmap was not redrawn"
    assert all(msg.delta.fragment_id for msg in after_click), "a delta outside the section"
    assert not [msg for msg in after_click if msg.metadata.delta_path[0] == SIDEBAR_ROOT]
    assert grid not in {tuple(msg.metadata.delta_path) for msg in after_click}

    # The control: the attention block is picked above the section, so changing it reruns the
    # whole app, sidebar and grid included (what every click did before sections).
    click_option(tab, "mh_stage", 1)
    full_run = wire.take()
    assert any(msg.metadata.delta_path[0] == SIDEBAR_ROOT for msg in full_run)
    assert chart_paths(full_run, "mh_grid")
