"""Pages are found, not listed: each file in app_pages/ declares ``PAGE = {...}`` at its top.

``PAGE`` is read with ast (the page is not run): ``order`` (sort key), ``url`` (stable URL path),
``icon``, ``title`` ({"en": ..., "zh": ...}) and ``needs``: what the model must have for the
page to apply (``Capabilities.features``: "encoder", "decoder", "cross", "generates", …). Every
page stays in the navigation; one whose need the model lacks says so. Adding a page is adding
one file.
"""

from __future__ import annotations

import ast
import threading
from pathlib import Path

import streamlit as st

PAGES_DIR = Path(__file__).resolve().parent.parent / "app_pages"

# Every session's run calls page_specs; CPython 3.11's ast.parse is not safe to run from many
# threads at once (it failed with "AST constructor recursion depth mismatch" under 20 sessions),
# so parsing happens under a lock, once per version of the folder.
_LOCK = threading.Lock()
_CACHE: dict[tuple, list[dict]] = {}


def page_specs(pages_dir: Path = PAGES_DIR) -> list[dict]:
    """Every page's ``PAGE`` dict plus its ``path``, sorted by ``order``."""
    paths = sorted(p for p in pages_dir.glob("*.py") if not p.name.startswith("_"))
    version = tuple((str(p), p.stat().st_mtime_ns) for p in paths)
    with _LOCK:
        if version not in _CACHE:
            _CACHE.clear()
            _CACHE[version] = _read_specs(paths)
        return [dict(spec) for spec in _CACHE[version]]


def _read_specs(paths: list[Path]) -> list[dict]:
    specs = []
    for path in paths:
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


def applicable_pages(features) -> list[dict]:
    """Specs of the pages whose ``needs`` the model has (``Capabilities.features``)."""
    return [spec for spec in page_specs() if set(spec.get("needs", ())) <= set(features)]


# Private url path of the default page. Streamlit serves the default page at "/" only, yet
# reserves its own url path without serving it, so a shared "/overview" link answered "Page not
# found". The default page takes this unused name and a hidden page serves the first page's
# file at its declared url as well.
DEFAULT_PATH = "home"


def build_pages(lang: str) -> list:
    """Every page in ``order``; the first is the default ("/") and is also served at its own
    declared url (``/overview``) through a hidden page running the same file."""
    specs = page_specs()
    pages = [
        st.Page(
            str(spec["path"]), title=spec["title"].get(lang, spec["title"]["en"]),
            icon=spec.get("icon"), url_path=DEFAULT_PATH if i == 0 else spec["url"],
            default=(i == 0),
        )
        for i, spec in enumerate(specs)
    ]
    first = specs[0]
    # Registered after the visible one, so st.page_link to this file still links to "/".
    pages.append(st.Page(str(first["path"]), title=first["title"].get(lang, first["title"]["en"]),
                         icon=first.get("icon"), url_path=first["url"], visibility="hidden"))
    return pages
