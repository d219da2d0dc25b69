"""House rules that keep the app honest: layers depend one way, pages are found, text is table."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from explainer.text import LANGS, TEXT
from ui.navigation import page_specs

ROOT = Path(__file__).resolve().parent.parent


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
            found.add(node.module)
    return found


def files(*patterns: str) -> list[Path]:
    return sorted(p for pattern in patterns for p in ROOT.glob(pattern))


# (files, modules they must not import, why)
RULES = [
    (["app.py", "app_pages/*.py"], {"torch", "numpy", "sklearn", "scipy", "models.transformer"},
     "pages pick, call and place; math lives in explainer/"),
    (["explainer/figures/*.py"], {"streamlit", "torch", "ui", "models"},
     "figure builders are pure (arrays, labels, options) -> go.Figure"),
    (["explainer/analysis/*.py", "explainer/text/*.py"], {"streamlit", "torch", "ui"},
     "analysis is numpy and scikit-learn only"),
    (["models/*.py", "models/adapters/*.py"], {"streamlit", "explainer", "ui", "plotly"},
     "models/ is torch only: it knows nothing of the app"),
    (["explainer/contract.py"], {"torch", "streamlit", "ui", "models", "sklearn", "pandas",
                                 "plotly", "transformers"},
     "the trace contract is numpy only, so analysis can import it without torch"),
    (["explainer/analysis/*.py"], {"models", "transformers"},
     "analysis reads traces through the contract, not a model's own modules"),
    (["jobs/*.py"], {"torch", "streamlit", "ui", "explainer", "models", "training"},
     "the job queue starts trainers as processes; it never runs or imports a model itself"),
]


@pytest.mark.parametrize("patterns,banned,why", RULES, ids=[r[0][0] for r in RULES])
def test_imports_run_one_way(patterns, banned, why):
    offenders = {}
    for path in files(*patterns):
        bad = imported_modules(path) & banned
        if bad:
            offenders[str(path.relative_to(ROOT))] = sorted(bad)
    assert not offenders, f"{why}: {offenders}"


def test_only_trace_touches_torch_in_explainer():
    users = [p.relative_to(ROOT).as_posix() for p in files("explainer/**/*.py")
             if "torch" in imported_modules(p)]
    # The modules that run a model for the app: a trace, a beam search, interventions and
    # attribution (why.py), one step of learning (learn.py). Analysis and figures stay numpy.
    allowed = {"explainer/trace.py", "explainer/beam_trace.py", "explainer/why.py",
               "explainer/learn.py"}  # and models/ (adapters)
    assert set(users) <= allowed, users


# A hook name built by hand ("enc.blocks.{l}.attn.hook_q") or a mask found by looking for -inf
# ties a module to one model's names and numbers; the contract's accessors do both for any model.
HAND_BUILT_NAME = re.compile(
    r"""f["'][^"']*\{[^}]*\}[^"']*\.(blocks|hook_|attn\.|cross\.|ffn\.)"""
    r"""|["'](enc|dec)\.(blocks|hook_)|\.hook_\w+["']"""
)


def test_analysis_and_pages_use_accessors_not_names():
    offenders = {}
    for path in files("explainer/analysis/*.py", "explainer/figures/*.py", "app_pages/*.py",
                      "ui/*.py"):
        text = path.read_text("utf-8")
        found = [m.group(0) for m in HAND_BUILT_NAME.finditer(text)]
        if "isneginf" in text:
            found.append("isneginf")
        if found:
            offenders[str(path.relative_to(ROOT))] = found[:3]
    assert not offenders, offenders


def test_no_legacy_pages_folder():
    # A folder named pages/ beside app.py switches Streamlit to its legacy multipage mode,
    # where the sidebar's sentence was measured to vanish (ARCHITECTURE.md).
    assert not (ROOT / "pages").exists()


def test_every_page_declares_itself():
    specs = page_specs()
    assert specs[0]["url"] == "overview"
    urls = [spec["url"] for spec in specs]
    assert len(urls) == len(set(urls))
    for spec in specs:
        assert set(spec["title"]) == set(LANGS), spec["path"]
        assert isinstance(spec["order"], int)


def test_every_string_has_both_languages():
    for key, entry in TEXT.items():
        for lang in LANGS:
            assert entry.get(lang, "").strip(), f"{key} lacks {lang}"


def test_every_text_key_used_exists():
    used = set()
    for path in files("app.py", "app_pages/*.py", "ui/*.py"):
        used |= set(re.findall(r"""\btr\(\s*["']([\w.]+)["']""", path.read_text("utf-8")))
    assert used, "no text keys found: the pattern is out of date"
    assert not sorted(used - set(TEXT))


def test_no_html_from_user_text():
    for path in files("app.py", "app_pages/*.py", "ui/*.py"):
        assert "unsafe_allow_html" not in path.read_text("utf-8"), path


def test_streamlit_config_is_classroom_safe():
    config = (ROOT / ".streamlit" / "config.toml").read_text()
    assert re.search(r"gatherUsageStats\s*=\s*false", config)
    assert re.search(r"headless\s*=\s*true", config)
