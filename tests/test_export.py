"""The notebook export: every page has a recipe, user text stays a literal, selections are
checked, and exported notebooks run top to bottom with nbclient (from outside the project's
folder, so the notebook finds the project itself)."""

from __future__ import annotations

import ast
from pathlib import Path

import nbclient
import nbformat
import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from explainer.analysis.attention_steps import attention_steps
from explainer.export import RECIPES, build_notebook, notebook_bytes, selection_keys
from explainer.trace import model_weights, trace
from models.registry import load_model
from ui.navigation import page_specs

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = 'He said "it\'s" \\n a \\"trap\\"\nnew line\t{SENTENCE} """ \'\'\' ) ; import os #'


def code_cells(notebook) -> list[str]:
    return [cell.source for cell in notebook.cells if cell.cell_type == "code"]


def assigned(notebook, name: str):
    """The literal value the notebook's code assigns to ``name``."""
    for source in code_cells(notebook):
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Assign) and any(
                    isinstance(target, ast.Name) and target.id == name
                    for target in node.targets):
                return ast.literal_eval(node.value)
    raise AssertionError(f"{name} is never assigned")


def run(notebook, cwd: Path) -> list[str]:
    """Execute top to bottom; the text every cell printed or displayed."""
    nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(cwd)}}).execute()
    texts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            assert output.output_type != "error", output
            texts.append(output.get("text", "") or str(output.get("data", {}).get("text/plain",
                                                                                     "")))
    return texts


def test_every_page_has_its_own_recipe():
    missing = [spec["url"] for spec in page_specs() if spec["url"] not in RECIPES]
    assert not missing, f"pages without a notebook recipe: {missing}"


def test_the_sentence_is_a_literal_that_parses_back():
    notebook = build_notebook("self-attention", "trained", HOSTILE, "zh", "en")
    for source in code_cells(notebook):
        ast.parse(source)  # every cell is valid Python, whatever the sentence
    assert assigned(notebook, "SENTENCE") == HOSTILE
    assert assigned(notebook, "TARGET") == "zh"
    assert not any("import os" in line and not line.lstrip().startswith("SENTENCE")
                   for source in code_cells(notebook) for line in source.splitlines())
    # The file itself is valid nbformat and keeps the sentence intact.
    again = nbformat.reads(notebook_bytes(notebook).decode("utf-8"), as_version=4)
    nbformat.validate(again)
    assert assigned(again, "SENTENCE") == HOSTILE


def test_selections_are_checked_before_they_become_code():
    notebook = build_notebook("self-attention", "trained", "x", None, "en",
                              {"layer": "0); import os; (", "head": 2, "q": -1, "sa_stage": True})
    assert assigned(notebook, "LAYER") == 0
    assert assigned(notebook, "HEAD") == 2
    assert assigned(notebook, "WORD") == 0
    assert assigned(notebook, "STAGE") == 0
    notebook = build_notebook("interventions", "trained", "x", None, "en",
                              {"int_heads": ["dec.2.cross.1", "x; import os"],
                               "int_mode": "mean"})
    assert assigned(notebook, "HEADS") == []  # one bad name: the page's default
    assert assigned(notebook, "MODE") == "mean"
    with pytest.raises(ValueError):
        build_notebook("overview", "trained", "x", "fr")


def test_a_page_without_a_recipe_gets_the_generic_notebook_and_says_so():
    notebook = build_notebook("no-such-page", "trained", "x", None, "en",
                              page_title="Somewhere")
    markdown = " ".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    assert "no recipe of its own" in markdown and "Somewhere" in markdown
    assert any("pipeline_figure(" in source for source in code_cells(notebook))


def test_selection_keys_name_the_pages_pickers():
    assert set(selection_keys("self-attention")) == {"sa_stage", "layer", "head", "q"}
    assert selection_keys("overview") == ()


def test_exported_overview_runs_with_a_hostile_sentence(tmp_path):
    texts = run(build_notebook("overview", "trained", HOSTILE, None, "en"), tmp_path)
    typed = trace(load_model("trained"), HOSTILE, None)
    assert str(list(typed.src_tokens)) in texts[0]


def test_exported_self_attention_runs_with_the_pages_selections(tmp_path):
    notebook = build_notebook("self-attention", "trained", "Smart John is singing", "zh", "zh",
                              {"sa_stage": 0, "layer": 2, "head": 3, "q": 1})
    texts = run(notebook, tmp_path)
    out = "\n".join(texts)
    assert "enc, layer 3, head 4, query 'John'" in out
    model = load_model("trained")
    steps = attention_steps(trace(model, "Smart John is singing", "zh"), model_weights(model),
                            "enc", 2, 3, 1)
    printed = float(out.split("recomputed z minus the model's z:")[1].split()[0])
    assert np.isclose(printed, steps.z_difference)


def test_exported_tour_step_runs_in_chinese(tmp_path):
    notebook = build_notebook("tour", "trained", "我爱你", None, "zh",
                              {"tour_key": "writing", "q": 0})
    out = "\n".join(run(notebook, tmp_path))
    assert "模型写出的第一个词元是什么？" in out
    assert "the model's answer: 1: I" in out


def test_every_page_offers_the_download():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    assert [b.proto.label for b in at.get("download_button")
            if "notebook" in b.proto.label] == ["Download this view as a notebook"]
    at.switch_page("app_pages/self_attention.py").run()
    assert not at.exception
    assert any(b.proto.label == "Download this view as a notebook"
               for b in at.get("download_button"))
