"""A page's current view as a Jupyter notebook that rebuilds it with the project's own calls.

Every notebook loads the same model (``models.registry.load_model``), traces the same sentence
to the same target language (``explainer.trace.trace``) and then runs its page's recipe: the
analysis (explainer/analysis) and figure builders (explainer/figures) the page uses, with the
page's selections (layer, head, token…). A page without a recipe gets the generic one (the
pipeline figure) and the notebook says so.

User text never becomes code: the sentence and every other value go into the notebook as Python
literals written by ``repr`` after they were checked (integers, a choice among known words),
so quotes, backslashes and newlines in a sentence stay data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from explainer.text import t

ROOT = Path(__file__).resolve().parent.parent  # the checkout the notebook was exported from
KERNEL = {"name": "python3", "display_name": "Python 3", "language": "python"}
HEAD_NAME = re.compile(r"^(enc|dec)\.\d{1,3}(\.cross)?\.\d{1,3}$")  # "enc.0.1", "dec.2.cross.3"


@dataclass(frozen=True)
class Pick:
    """A selection a page keeps in the session and the notebook variable that carries it.

    Attributes:
        variable: the notebook's name for it (``LAYER``).
        default: used when the session has no valid value.
        kind: "int" (>= 0), "ints" (a list of them), "heads" (head names), or "choice" (one of
            ``choices``).
    """

    variable: str
    default: object
    kind: str = "int"
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Recipe:
    """What a page's notebook runs after the trace: its selections and its code cells."""

    picks: dict[str, Pick] = field(default_factory=dict)
    cells: tuple[str, ...] = ()


def clean_value(pick: Pick, value) -> object:
    """``value`` when it is valid for ``pick``, else its default (never a string that is not
    one of the known choices or head names)."""
    if pick.kind == "int":
        return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 \
            else pick.default
    if pick.kind == "ints":
        if isinstance(value, (list, tuple)) and all(
                isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in value):
            return [int(v) for v in value]
        return list(pick.default)
    if pick.kind == "heads":
        if isinstance(value, (list, tuple)) and all(
                isinstance(v, str) and HEAD_NAME.match(v) for v in value):
            return [str(v) for v in value]
        return list(pick.default)
    if pick.kind == "choice":
        return value if isinstance(value, str) and value in pick.choices else pick.default
    raise ValueError(f"unknown selection kind {pick.kind!r}")


# -- the cells every notebook starts with ----------------------------------------------------
SETUP = '''import pathlib
import sys

# The project's own library: run this notebook inside a checkout of it (the folder holding
# explainer/ and models/); the folder it was exported from is tried last.
_here = pathlib.Path.cwd()
_candidates = (_here, *_here.parents, pathlib.Path({root!r}))
ROOT = next((p for p in _candidates if (p / "explainer" / "trace.py").exists()), None)
assert ROOT is not None, "open this notebook inside the project's folder"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))'''

LOAD = '''from explainer.text import t as text
from explainer.trace import model_weights, trace
from models.registry import load_model

MODEL = {model!r}
SENTENCE = {sentence!r}
TARGET = {target!r}  # None: the other language than the sentence's
LANG = {lang!r}  # the interface language of the labels

model = load_model(MODEL)
t = trace(model, SENTENCE, TARGET)
side = t.caps.main_side
tokens = list(t.tokens(side))
print(tokens, "->", t.translation or " ".join(t.output_tokens))'''

# -- per-page code -----------------------------------------------------------------------------
PIPELINE = '''from explainer.analysis.pipeline import figure_columns, stages_from_trace
from explainer.figures.pipeline import pipeline_figure

stages = stages_from_trace(t)
names = {s.key: text(s.label, LANG) for s in stages}
pipeline_figure(
    figure_columns(stages, names), [t.n_layers_of(s) for s in t.sides],
    [" ".join(t.tokens(s)) for s in t.sides],
    top_label=text("pipe.output" if t.caps.has_logits else "pipe.output_vectors", LANG),
    top_text=" ".join(t.output_tokens))'''

HEATMAP_LAST = '''from explainer.analysis.views import attention_pattern
from explainer.figures.attention import attention_heatmap_figure

stage = t.stages[0]
last = t.n_layers_of(stage) - 1
view = attention_pattern(t, stage, last, 0)
attention_heatmap_figure(view.pattern, view.query_tokens, view.key_tokens,
                         masked_cells=view.masked, title=f"layer {last + 1}, head 1")'''

CLAMP_WORD = '''WORD = min(WORD, len(tokens) - 1)
print("word:", tokens[WORD])'''

RECIPES: dict[str, Recipe] = {
    "overview": Recipe(cells=(PIPELINE, HEATMAP_LAST)),
    "vectors": Recipe(
        {"vec_n": Pick("N_PEOPLE", 240), "vec_seed": Pick("SEED", 0),
         "vec_dims": Pick("VIEW", 0)},
        ('''from explainer.analysis.credit import credit_example
from explainer.figures.vectors import credit_scatter_figure

example = credit_example(N_PEOPLE, SEED)
dims = 2 + min(VIEW, 1)  # 2-D or 3-D
print("accuracy with 8 features:", round(example.accuracy8, 3),
      "with 9:", round(example.accuracy9, 3))
credit_scatter_figure(example.points8[:, :dims], example.good, title="8 features")''',
         '''credit_scatter_figure(example.points9[:, :dims], example.good, title="9 features")''')),
    "embedding": Recipe(
        {"q": Pick("WORD", 0)},
        (CLAMP_WORD, '''from explainer.figures.embedding import vector_strips_figure

vector_strips_figure(t.embed(side, "embed"), tokens, title="token embeddings")''',
         '''from explainer.analysis.embedding import nearest_neighbours
from explainer.figures.embedding import neighbours_figure

weights = model_weights(model)
ids = t.src_ids if side == "enc" else t.tgt_ids
near = nearest_neighbours(weights.embedding, ids[WORD], weights.vocab, k=10)
neighbours_figure(near["token"].tolist(), near["cosine"].to_numpy(),
                  title=f"nearest to {tokens[WORD]!r}")''')),
    "positional-encoding": Recipe(
        {"pe_dims": Pick("DIMS", [0, 1, 4, 5], "ints")},
        ('''from explainer.analysis.positional import position_table
from explainer.figures.positional import pe_heatmap_figure, pe_waves_figure

table = position_table(t, side)
d_model = table.values.shape[1]
DIMS = [d for d in DIMS if d < d_model] or [0]
print("largest difference from the closed form:", table.difference)
pe_heatmap_figure(table.values, table.positions, len(tokens))''',
         '''pe_waves_figure(table.positions, table.values[:, DIMS], DIMS, tokens,
                value_range=None)''')),
    "self-attention": Recipe(
        {"sa_stage": Pick("STAGE", 0), "layer": Pick("LAYER", 0), "head": Pick("HEAD", 0),
         "q": Pick("WORD", 0)},
        ('''from explainer.analysis.attention_steps import attention_steps
from explainer.analysis.views import stage_tokens
from explainer.figures.steps import weight_bars_figure

stage = t.stages[min(STAGE, len(t.stages) - 1)]
query_tokens, key_tokens = stage_tokens(t, stage)
LAYER = min(LAYER, t.n_layers_of(stage) - 1)
HEAD = min(HEAD, t.n_heads - 1)
WORD = min(WORD, len(query_tokens) - 1)
steps = attention_steps(t, model_weights(model), stage, LAYER, HEAD, WORD)
print(f"{stage}, layer {LAYER + 1}, head {HEAD + 1}, query {query_tokens[WORD]!r}")
print("recomputed z minus the model's z:", steps.z_difference)
weight_bars_figure(key_tokens, steps.weights, steps.masked)''',)),
    "multi-head": Recipe(
        {"mh_stage": Pick("STAGE", 0), "layer": Pick("LAYER", 0), "head": Pick("HEAD", 0),
         "q": Pick("WORD", 0)},
        ('''from explainer.analysis.views import attention_pattern
from explainer.figures.attention import attention_heatmap_figure

stage = t.stages[min(STAGE, len(t.stages) - 1)]
LAYER = min(LAYER, t.n_layers_of(stage) - 1)
HEAD = min(HEAD, t.n_heads - 1)
view = attention_pattern(t, stage, LAYER, HEAD)
attention_heatmap_figure(view.pattern, view.query_tokens, view.key_tokens,
                         masked_cells=view.masked, title=f"layer {LAYER + 1}, head {HEAD + 1}")''',
         '''WORD = min(WORD, len(view.query_tokens) - 1)
every_head = t.pattern(stage, LAYER)[:, WORD, :]  # [head, key]
attention_heatmap_figure(every_head, [f"head {h + 1}" for h in range(t.n_heads)],
                         view.key_tokens, query_title="head",
                         title=f"every head, query {view.query_tokens[WORD]!r}")''')),
    "vector-space": Recipe(
        {"q": Pick("WORD", 0)},
        (CLAMP_WORD, '''from explainer.analysis.trajectory import trajectories
from explainer.figures.space import trajectory_figure

paths = trajectories(t, side)
trajectory_figure(paths.points, [str(s) for s in range(paths.points.shape[0])], tokens,
                  chosen=WORD)''')),
    "translation": Recipe(
        {"tr_step": Pick("STEP", 0), "tr_layer": Pick("LAYER", 0), "head": Pick("HEAD", 0)},
        ('''from explainer.analysis.decoding import n_steps, step_view, top_tokens
from explainer.figures.decoding import next_token_figure

STEP = min(STEP, n_steps(t) - 1)
view = step_view(t, STEP)
table = top_tokens(view.probs, model_weights(model).vocab, 10, chosen_id=view.chosen_id)
print("written so far:", view.prefix, "-> chooses", repr(view.chosen), round(view.prob, 3))
next_token_figure(table["token"].tolist(), table["prob"].to_numpy(), table["chosen"].tolist())''',
         '''from explainer.analysis.views import attention_pattern
from explainer.figures.attention import attention_heatmap_figure

stage = "cross" if "cross" in t.stages else "dec"
LAYER = min(LAYER, t.n_layers_of(stage) - 1)
HEAD = min(HEAD, t.n_heads - 1)
view = attention_pattern(t, stage, LAYER, HEAD)
attention_heatmap_figure(view.pattern, view.query_tokens, view.key_tokens,
                         masked_cells=view.masked, title=f"{stage}, layer {LAYER + 1}")''')),
    "masks": Recipe(cells=('''from explainer.figures.masks import mask_figure

stage = "dec" if "dec" in t.stages else t.stages[0]
query_tokens, key_tokens = t.stage_tokens(stage)
mask = t.mask(stage)
print(stage, "forbidden pairs:", int(mask.sum()))
mask_figure(~mask, query_tokens, key_tokens, title=f"{stage}: 1 = may attend")''',)),
    "add-norm": Recipe(
        {"layer": Pick("LAYER", 0)},
        ('''from explainer.analysis.residual import ffn_activity
from explainer.figures.residual import ffn_hidden_figure

LAYER = min(LAYER, t.n_layers_of(side) - 1)
activity = ffn_activity(t, side, LAYER)
print("share of hidden units at or below 0:", round(activity.overall, 3))
ffn_hidden_figure(activity.hidden, activity.tokens, title=f"layer {LAYER + 1}")''',)),
    "bert": Recipe(
        {"cover": Pick("COVER", [], "ints")},
        ('''from explainer.analysis.fill import cover, coverable, default_cover, fill, mask_token
from explainer.figures.fill import guesses_figure

FILL_MODEL = "mlm-small"  # the page fills blanks with our small BERT
fill_model = load_model(FILL_MODEL)
typed = trace(fill_model, SENTENCE, None)
specials = typed.caps.special_tokens
words = list(typed.src_tokens)
COVER = [i for i in COVER if i in coverable(words, specials)] or default_cover(words, specials)
covered_text = cover(words, COVER, mask_token(typed), specials)
print("the model reads:", covered_text)
covered = trace(fill_model, covered_text, None)
blanks = fill(covered, model_weights(fill_model).vocab, 5)
blank = blanks[0]
guesses_figure([g.token for g in blank.predictions], [g.prob for g in blank.predictions],
               title=f"blank at position {blank.position}")''',)),
    "rnn": Recipe(cells=('''from explainer.figures.rnn import path_figure

path_figure(tokens)''',)),
    "why": Recipe(
        {"why_method": Pick("METHOD", "ig", "choice", ("ig", "grad-x-input"))},
        ('''from explainer.figures.why import token_heatmap_figure
from explainer.why import attribute

attribution = attribute(model, SENTENCE, TARGET, method=METHOD)
token_heatmap_figure(attribution.values, attribution.tgt_tokens, attribution.src_tokens,
                     signed=True, title=f"attribution ({METHOD})")''',)),
    "interventions": Recipe(
        {"int_heads": Pick("HEADS", [], "heads"),
         "int_mode": Pick("MODE", "zero", "choice", ("zero", "mean"))},
        ('''import numpy as np

from explainer.figures.why import prob_change_figure
from explainer.why import ablate, parse_heads

changed = ablate(model, SENTENCE, parse_heads(",".join(HEADS)), mode=MODE, to=TARGET)
print("unchanged:", changed.base_translation)
print("changed:  ", changed.translation)
prob_change_figure(changed.base_tokens, np.exp(changed.logprob_before),
                   np.exp(changed.logprob_after))''',)),
    "training": Recipe(cells=('''import numpy as np

from explainer.analysis.decoding import step_view, top_tokens
from explainer.figures.decoding import next_token_figure

view = step_view(t, 0)
print("cost of the first written token, -log p:", float(-np.log(view.prob)))
table = top_tokens(view.probs, model_weights(model).vocab, 10, chosen_id=view.chosen_id)
next_token_figure(table["token"].tolist(), table["prob"].to_numpy(),
                  table["chosen"].tolist())''',)),
    "hyperparameters": Recipe(cells=('''from explainer.analysis.pipeline import (
    hyperparameter_table, paper_config)

labels = {"name": "", "ours": MODEL, "paper": "paper (base)", "vocab": "vocabulary",
          "params": "parameters"}
hyperparameter_table(dict(t.config), paper_config(), t.caps.vocab_size, labels)''',)),
    "tour": Recipe(
        {"tour_key": Pick("STEP_KEY", "function", "choice", ()), "q": Pick("WORD", 0)},
        (CLAMP_WORD, '''from explainer.tour import ask, load_steps

step = next(s for s in load_steps() if s.key == STEP_KEY)
vocab = model_weights(model).vocab if t.caps.has_logits else None
question = ask(step, t, LANG, WORD, vocab)
print(text(f"tour.q.{question.kind}", LANG, **question.values))
print("options:", question.options)
print("the model's answer:", question.options[question.answer])
question.figure''')),
}
RECIPES["train-live"] = RECIPES["training"]
GENERIC = Recipe(cells=(PIPELINE,))


def tour_step_keys() -> tuple[str, ...]:
    from explainer.tour import load_steps

    return tuple(step.key for step in load_steps())


def recipe_for(url: str) -> tuple[Recipe, bool]:
    """The page's recipe and whether it has its own (False: the generic one)."""
    if url == "tour":  # the step keys come from the tour's data file
        recipe = RECIPES["tour"]
        picks = dict(recipe.picks)
        picks["tour_key"] = Pick("STEP_KEY", "function", "choice", tour_step_keys())
        return Recipe(picks, recipe.cells), True
    if url in RECIPES:
        return RECIPES[url], True
    return GENERIC, False


def selection_keys(url: str) -> tuple[str, ...]:
    """The session keys whose values the page's notebook carries."""
    return tuple(recipe_for(url)[0].picks)


def build_notebook(url: str, model_name: str, sentence: str, target: str | None,
                   lang: str = "en", selections: dict | None = None,
                   page_title: str = "") -> nbformat.NotebookNode:
    """A notebook that rebuilds page ``url`` for this model, sentence and selections.

    Args:
        url: the page's url ("self-attention"); an unknown one gets the generic recipe.
        model_name: a name from ``models.registry.available_models``.
        sentence: the user's text (written into the notebook with ``repr``).
        target: "en", "zh" or None.
        selections: session values by session key (``selection_keys(url)``); invalid or
            missing ones fall back to the page's defaults.
    """
    if target not in (None, "en", "zh"):
        raise ValueError(f"unknown target language {target!r}")
    if lang not in ("en", "zh"):
        lang = "en"
    recipe, own = recipe_for(url)
    selections = selections or {}
    values = {key: clean_value(pick, selections.get(key)) for key, pick in recipe.picks.items()}
    new_md, new_code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    cells = [new_md(t("export.nb_title", lang, page=page_title or url)),
             new_md(t("export.nb_intro", lang)),
             new_code(SETUP.format(root=str(ROOT))),
             new_code(LOAD.format(model=str(model_name), sentence=str(sentence), target=target,
                                  lang=lang))]
    if not own:
        cells.append(new_md(t("export.nb_generic", lang, page=page_title or url)))
    if recipe.picks:
        cells.append(new_md(t("export.nb_selections", lang)))
        cells.append(new_code("\n".join(f"{recipe.picks[key].variable} = {value!r}"
                                        for key, value in values.items())))
    cells.extend(new_code(code) for code in recipe.cells)
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = dict(KERNEL)
    notebook.metadata["language_info"] = {"name": "python"}
    return notebook


def notebook_bytes(notebook: nbformat.NotebookNode) -> bytes:
    """The ``.ipynb`` file's bytes (UTF-8 JSON)."""
    return nbformat.writes(notebook).encode("utf-8")
