"""Confidence: the probability the model gave each token it wrote, and when it is guessing."""

from __future__ import annotations

import numpy as np
import pytest

from explainer.analysis.confidence import (
    LOW_PROB,
    confidence,
    is_same_language,
    level,
    source_language,
)
from explainer.analysis.decoding import step_view
from explainer.trace import trace
from models.registry import load_model


@pytest.fixture(scope="module")
def trained():
    return load_model("trained")


def test_probabilities_are_the_step_views_probability_of_each_written_token(trained):
    found = trace(trained, "Smart John is singing")
    conf = confidence(found, "Smart John is singing")
    assert conf.tokens == found.output_tokens
    expected = [step_view(found, i).prob for i in range(len(found.output_tokens))]
    np.testing.assert_allclose(conf.probs, expected, atol=1e-9)
    assert [step_view(found, i).rank for i in range(len(expected))] == conf.ranks.tolist()


def test_a_known_sentence_is_not_flagged_and_nonsense_is(trained):
    good = confidence(trace(trained, "我爱你"), "我爱你")
    assert not good.guessing, (good.probs, good.unknown)
    typed = "The quantum physicist ate sushi in Tokyo"
    bad = confidence(trace(trained, typed), typed)
    assert bad.guessing
    assert "quantum" in bad.unknown


def test_low_tokens_are_exactly_those_below_the_threshold(trained):
    typed = "The quantum physicist ate sushi in Tokyo"
    conf = confidence(trace(trained, typed), typed, threshold=0.5)
    assert conf.low == [i for i, p in enumerate(conf.probs) if p < 0.5]
    assert conf.low, "this sentence has tokens the model was unsure of"
    assert conf.lowest == int(np.argmin(conf.probs))


def test_english_to_english_is_a_same_language_request(trained):
    found = trace(trained, "I love you", "en")
    assert confidence(found, "I love you", "en").same_language
    assert confidence(found, "I love you", "en").guessing
    assert not confidence(found, "I love you", "zh").same_language
    assert not confidence(found, "I love you", None).same_language


@pytest.mark.parametrize("text, lang", [("我爱你", "zh"), ("I love 你", "zh"), ("tea?", "en"),
                                        ("123 !", ""), ("", "")])
def test_source_language_follows_the_script(text, lang):
    assert source_language(text) == lang


def test_models_without_a_choice_of_target_never_count_as_same_language():
    assert not is_same_language("I love you", "en", ())
    assert not is_same_language("I love you", "en", ("en",))
    assert is_same_language("我爱你", "zh", ("en", "zh"))


def test_levels_split_at_the_thresholds():
    assert level(LOW_PROB - 1e-6) == "low"
    assert level(LOW_PROB) == "unsure"
    assert level(0.99) == "sure"


def test_a_threshold_outside_zero_one_is_refused(trained):
    with pytest.raises(ValueError, match="threshold"):
        confidence(trace(trained, "我爱你"), "我爱你", threshold=1.5)
