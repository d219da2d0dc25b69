"""The guided tour: its steps in the article's order, adapted to the model and the pages there
are; under AppTest in both languages: the starting sentence, next/previous, the progress, the
step in the URL, and a reveal whose answer is what analysis computes from the model's trace."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from explainer.analysis.decoding import step_view
from explainer.analysis.views import attention_pattern
from explainer.tour import QUESTIONS, Step, ask, focus, load_steps, tour_plan
from explainer.trace import model_weights, trace
from models.registry import load_model
from ui.navigation import page_specs

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
TOUR = "app_pages/tour.py"
HOSTILE = 'He said "hi"\\n and\nleft \'now\' {x} <b>*'


def new_tour(**params) -> AppTest:
    """A fresh app, opened with these URL parameters, switched to the tour."""
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(TOUR).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def progress(at: AppTest) -> str:
    return at.get("progress")[0].proto.text


def step_number(at: AppTest) -> tuple[int, int]:
    numbers = [int(n) for n in re.findall(r"\d+", progress(at))[:2]]
    return numbers[0], numbers[1]


def go_to(at: AppTest, key: str) -> None:
    """Click next until the step whose question radio has this key is shown."""
    for _ in range(len(load_steps())):
        if any(r.key == f"tour_guess_{key}" for r in at.radio):
            return
        at.button(key="tour_next").click().run()
    raise AssertionError(f"step {key} never shown")


@pytest.fixture(scope="module")
def trained():
    return load_model("trained")


# -- the plan ------------------------------------------------------------------------------
def test_steps_follow_the_article_order():
    rows = [step.row for step in load_steps() if step.key not in ("writing", "why",
                                                                 "interventions")]
    assert rows == sorted(rows)
    assert all(kind in QUESTIONS for step in load_steps() for kind in step.questions)


def test_a_step_whose_page_is_missing_or_needs_more_is_left_out():
    steps = [Step("a", 1, ("here",), ("token_count",)), Step("b", 2, ("gone",), ("token_count",)),
             Step("c", 3, ("gpt",), ("token_count",)), Step("d", 4, ("here",), ("next_word",))]
    specs = [{"url": "here", "needs": []}, {"url": "gpt", "needs": ["generates"]}]
    plan = tour_plan(steps, specs, {"encoder"})
    assert [step.key for step, _ in plan] == ["a"]
    plan = tour_plan(steps, specs, {"encoder", "generates", "logits"})
    assert [step.key for step, _ in plan] == ["a", "c", "d"]


def test_pages_added_later_join_the_tour():
    urls = {spec["url"] for spec in page_specs()}
    plan = tour_plan(load_steps(), page_specs(), {"encoder", "decoder", "cross", "generates",
                                                  "logits", "translates", "sinusoidal"})
    shown = {spec["url"] for _, spec in plan}
    for url in ("rnn", "why", "interventions", "bert"):
        assert (url in shown) == (url in urls)


@pytest.mark.parametrize("name", ["trained", "mlm-small"])
def test_every_step_asks_a_question_for_any_model_and_sentence(name):
    model = load_model(name)
    vocab = model_weights(model).vocab
    for sentence in ("Smart John is singing", "我爱你", HOSTILE, "a"):
        result = trace(model, sentence, None)
        plan = tour_plan(load_steps(), page_specs(), result.caps.features)
        assert plan
        for step, _ in plan:
            question = ask(step, result, "zh", focus(result, sentence), vocab)
            assert question is not None, (name, sentence, step.key)
            assert 0 <= question.answer < len(question.options)
            assert question.figure.to_dict()["data"], step.key


def test_attention_answer_is_the_patterns_argmax(trained):
    result = trace(trained, "Smart John is singing", None)
    john = focus(result, "Smart John is singing")
    assert result.src_tokens[john] == "John"
    step = next(s for s in load_steps() if s.key == "attention")
    question = ask(step, result, "en", john)
    row = attention_pattern(result, result.stages[0], 0, 0).pattern[john]
    assert question.answer == int(np.argmax(row))
    # Another word asks about that word, with its own answer.
    other = ask(step, result, "en", 3)
    assert other.values["word"] == "singing"
    assert other.answer == int(np.argmax(attention_pattern(result, "enc", 0, 0).pattern[3]))


# -- the page ------------------------------------------------------------------------------
def test_english_tour_starts_on_smart_john_and_follows_john():
    at = new_tour()
    assert at.text_input(key="s").value == "Smart John is singing"
    assert step_number(at)[0] == 1
    assert progress(at).startswith("Step 1 of")
    assert at.query_params["step"] == ["1"] or at.query_params["step"] == "1"
    word = at.selectbox(key="q")
    assert word.format_func(word.value).endswith("John")


def test_chinese_tour_starts_on_woaini():
    at = new_tour(lang="zh")
    assert at.text_input(key="s").value == "我爱你"
    assert progress(at).startswith("第 1 步")
    assert at.subheader[0].value == "模型把你的句子切成了多少个词元？"


def test_a_sentence_of_ones_own_is_kept():
    at = new_tour(s="John saw John", lang="zh")
    assert at.text_input(key="s").value == "John saw John"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_next_and_previous_move_the_progress_and_the_url(lang):
    at = new_tour(lang=lang)
    first, total = step_number(at)
    assert at.button(key="tour_prev").disabled
    at.button(key="tour_next").click().run()
    assert step_number(at) == (first + 1, total)
    assert str(at.query_params["step"]).strip("[]'") == str(first + 1)
    at.button(key="tour_prev").click().run()
    assert step_number(at) == (first, total)
    assert at.get("progress")[0].proto.value == round(100 * first / total)


def test_the_url_opens_a_step_and_out_of_range_steps_are_clamped():
    at = new_tour(step="6")
    assert step_number(at)[0] == 6
    at = new_tour(step="999")
    current, total = step_number(at)
    assert current == total
    assert at.button(key="tour_next").disabled


def test_reveal_shows_the_models_answer_and_its_figure(trained):
    at = new_tour()
    go_to(at, "attention")
    assert not at.get("plotly_chart")  # predict first
    result = trace(trained, "Smart John is singing", None)
    answer = int(np.argmax(attention_pattern(result, "enc", 0, 0).pattern[1]))
    wrong = (answer + 1) % len(result.src_tokens)
    at.radio(key="tour_guess_attention").set_value(wrong).run()
    at.button(key="tour_reveal_attention").click().run()
    assert not at.exception
    assert f"{answer}: {result.src_tokens[answer]}" in at.warning[-1].value
    assert len(at.get("plotly_chart")) == 1
    at.radio(key="tour_guess_attention").set_value(answer).run()
    assert at.success[0].value.endswith(f"{answer}: {result.src_tokens[answer]}**.")


def test_chinese_reveal_of_the_first_written_word(trained):
    at = new_tour(lang="zh")
    go_to(at, "writing")
    at.button(key="tour_reveal_writing").click().run()
    result = trace(trained, "我爱你", None)
    first = step_view(result, 0)
    assert first.chosen == result.output_tokens[0] == "I"
    assert f": {first.chosen}**" in at.info[-1].value
