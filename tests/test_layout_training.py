"""Training stays out of the app, and the corpus's words live in data files, not in code."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "training" / "corpus"
# The one runtime-package file allowed to reach training: the documented
# `python -m models.evaluate` forwards to training/evaluate.py.
ENTRY_POINT = ROOT / "models" / "evaluate.py"
# Larger literal tables than this in the corpus code mean data crept back into Python.
MAX_LITERAL_ENTRIES = 15
MAX_STRING_LINES = 3


def _imports_training(path: Path) -> bool:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            if any(alias.name.split(".")[0] == "training" for alias in node.names):
                return True
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.split(".")[0] == "training":
                return True
    return False


def _run(code: str) -> str:
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_nothing_the_app_runs_imports_training():
    runtime = [ROOT / "app.py", *ROOT.glob("app_pages/**/*.py"), *ROOT.glob("ui/**/*.py"),
               *ROOT.glob("explainer/**/*.py"), *ROOT.glob("models/**/*.py")]
    assert len(runtime) > 10  # the globs found the packages
    offenders = [p.relative_to(ROOT).as_posix() for p in runtime
                 if p != ENTRY_POINT and _imports_training(p)]
    assert not offenders, f"runtime code must not import training/: {offenders}"


def test_importing_the_evaluate_entry_point_does_not_load_training():
    loaded = _run("import sys, models.evaluate; "
                  "print([m for m in sys.modules if m.split('.')[0] == 'training'])")
    assert loaded.strip() == "[]"


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def test_corpus_code_holds_no_word_tables():
    """Lexicon and grammar tables are data files; the code has no big literal lists or
    multi-line strings to parse (the old module kept 1,700 lines of them)."""
    problems = []
    for path in sorted(CORPUS.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = _docstrings(tree)
        exported = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Assign)
                    and any(getattr(t, "id", "") == "__all__" for t in node.targets)}
        for node in ast.walk(tree):
            where = f"{path.name}:{getattr(node, 'lineno', '?')}"
            if isinstance(node, (ast.List, ast.Tuple, ast.Set, ast.Dict)) \
                    and id(node) not in exported:
                size = len(node.keys) if isinstance(node, ast.Dict) else len(node.elts)
                if size > MAX_LITERAL_ENTRIES:
                    problems.append(f"{where}: a literal with {size} entries")
            if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                    and id(node) not in docstrings \
                    and node.value.count("\n") >= MAX_STRING_LINES:
                problems.append(f"{where}: a {node.value.count(chr(10)) + 1}-line string")
    assert not problems, problems


def test_the_corpus_reads_every_table_file_and_only_those():
    """Each data/*.tsv is opened when the corpus loads, so editing a file changes the corpus."""
    opened = _run(
        "import json, sys\n"
        "seen = []\n"
        "sys.addaudithook(lambda event, args: seen.append(str(args[0]))"
        " if event == 'open' and isinstance(args[0], str) else None)\n"
        "import training.corpus\n"
        "print(json.dumps(seen))\n"
    )
    data = (CORPUS / "data").resolve()
    read = {Path(p).resolve() for p in json.loads(opened)}
    read_from_data = {p.name for p in read if p.parent == data}
    files = {p.name for p in data.glob("*.tsv")}
    assert len(files) >= 10
    assert read_from_data == files
