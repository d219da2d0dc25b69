"""The sidebar's notebook download: the page that just ran, as a Jupyter notebook.

app.py calls ``notebook_button`` once per run, after the page ran (also when it stopped early),
so the page's selections are the ones it drew. The notebook itself comes from explainer/export.
"""

from __future__ import annotations

import re

import streamlit as st

from explainer.export import build_notebook, notebook_bytes, selection_keys
from ui.navigation import DEFAULT_PATH, page_specs
from ui.state import tr
from ui.widgets import SELECTION

_SAFE_NAME = re.compile(r"[^a-z0-9-]+")


def page_url(page) -> str:
    """The declared url of the page that ran (the default page runs under a private path)."""
    url = page.url_path or ""
    if url in ("", DEFAULT_PATH):
        return page_specs()[0]["url"]
    return url


def selections(url: str) -> dict:
    """The page's selections from the session (tour: also the current step's key)."""
    values = {key: st.session_state.get(key) for key in selection_keys(url)}
    if url == "tour":
        from ui.tour import current_step_key

        values["tour_key"] = current_step_key()
    return values


def notebook_button(page, slot) -> None:
    """Fill ``slot`` (in the sidebar) with the download button for the current view."""
    sel = st.session_state.get(SELECTION)
    if sel is None or not sel.sentence.strip():
        return
    url = page_url(page)
    notebook = build_notebook(url, sel.model_name, sel.sentence, sel.target, sel.lang,
                              selections(url), page_title=page.title)
    name = _SAFE_NAME.sub("-", url.lower()).strip("-") or "page"
    slot.download_button(tr("export.button"), notebook_bytes(notebook),
                         file_name=f"transformer-{name}.ipynb", mime="application/x-ipynb+json",
                         key="export_notebook", help=tr("export.help"),
                         icon=":material/description:", on_click="ignore")
