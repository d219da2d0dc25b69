"""Pages are found, not listed: each file in app_pages/ declares ``PAGE = {...}`` at its top.

``PAGE`` is read with ast (the page is not run): ``order`` (sort key), ``url`` (stable URL path),
``icon`` and ``title`` ({"en": ..., "zh": ...}). Adding a page is adding one file.
"""

from __future__ import annotations

import ast
from pathlib import Path

import streamlit as st

PAGES_DIR = Path(__file__).resolve().parent.parent / "app_pages"


def page_specs(pages_dir: Path = PAGES_DIR) -> list[dict]:
    """Every page's ``PAGE`` dict plus its ``path``, sorted by ``order``."""
    specs = []
    for path in sorted(pages_dir.glob("*.py")):
        if path.name.startswith("_"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        spec = None
        for node in tree.body:
            if isinstance(node, ast.Assign) and any(
                isinstance(target, ast.Name) and target.id == "PAGE" for target in node.targets
            ):
                spec = ast.literal_eval(node.value)
        if spec is None:
            raise ValueError(f"{path} has no PAGE = {{...}} declaration")
        specs.append({**spec, "path": path})
    return sorted(specs, key=lambda spec: spec["order"])


def build_pages(lang: str) -> list:
    specs = page_specs()
    return [
        st.Page(
            str(spec["path"]), title=spec["title"].get(lang, spec["title"]["en"]),
            icon=spec.get("icon"), url_path=spec["url"], default=(i == 0),
        )
        for i, spec in enumerate(specs)
    ]
