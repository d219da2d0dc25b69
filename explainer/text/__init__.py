"""The one text table: every interface string, in English and Chinese.

Each module of this package holds ``TEXT = {key: {"en": ..., "zh": ...}}`` for one part of
the app; they are merged here (a key may appear only once), so a new page adds its strings in
a file of its own. Pages look strings up with ``t(key, lang)``.
"""

from __future__ import annotations

import importlib
import pkgutil

LANGS = ("en", "zh")
LANG_NAMES = {"en": "English", "zh": "中文"}


def _collect() -> dict[str, dict[str, str]]:
    table: dict[str, dict[str, str]] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for key, entry in getattr(module, "TEXT", {}).items():
            if key in table:
                raise ValueError(f"text key {key!r} is defined twice (again in {info.name})")
            missing = [lang for lang in LANGS if not entry.get(lang)]
            if missing:
                raise ValueError(f"text key {key!r} has no {missing} translation")
            table[key] = entry
    return table


TEXT = _collect()


def t(key: str, lang: str = "en", **values) -> str:
    """The string ``key`` in ``lang`` ("en" or "zh"), with ``{name}`` fields filled in.

    Raises:
        KeyError: no such key (a missing string is a bug, not a blank on screen).
    """
    entry = TEXT[key]
    text = entry.get(lang) or entry["en"]
    return text.format(**values) if values else text
