"""Attention rollout (explainer/analysis/rollout.py): rows are distributions, the formula holds."""

from __future__ import annotations

import numpy as np
import pytest

from explainer.analysis.rollout import decoder_rollout, encoder_rollout, layer_matrix, rollout
from explainer.trace import trace
from models.adapters.ours import OursAdapter


def _random_patterns(rng, n_layers: int, heads: int, n: int, m: int | None = None):
    out = []
    for _ in range(n_layers):
        scores = rng.normal(size=(heads, n, m or n))
        e = np.exp(scores)
        out.append(e / e.sum(-1, keepdims=True))
    return out


def test_rollout_rows_sum_to_one_and_are_non_negative():
    patterns = _random_patterns(np.random.default_rng(0), 4, 3, 6)
    result = rollout(patterns)
    np.testing.assert_allclose(result.sum(-1), 1.0, atol=1e-12)
    assert (result >= 0).all()


def test_rollout_is_the_product_of_half_attention_half_identity():
    patterns = _random_patterns(np.random.default_rng(1), 2, 2, 4)
    a1 = 0.5 * patterns[0].mean(0) + 0.5 * np.eye(4)
    a2 = 0.5 * patterns[1].mean(0) + 0.5 * np.eye(4)
    np.testing.assert_allclose(rollout(patterns), a2 @ a1, atol=1e-12)


def test_identity_attention_rolls_out_to_identity():
    eye = [np.eye(5)[None].repeat(2, 0) for _ in range(3)]
    np.testing.assert_allclose(rollout(eye), np.eye(5), atol=1e-12)
    np.testing.assert_allclose(rollout(eye, add_residual=False), np.eye(5), atol=1e-12)


def test_bad_shapes_are_value_errors():
    with pytest.raises(ValueError, match="at least one"):
        rollout([])
    with pytest.raises(ValueError, match="square"):
        layer_matrix(np.ones((2, 3, 4)) / 4)
    with pytest.raises(ValueError, match="differ in size"):
        rollout([np.eye(3), np.eye(4)])


@pytest.fixture(scope="module")
def traced(tiny_model, tokenizer):
    return trace(OursAdapter(tiny_model, tokenizer, name="tiny"), "Smart John is singing",
                 max_new=6)


def test_encoder_and_decoder_rollout_rows_sum_to_one(traced):
    enc = encoder_rollout(traced)
    assert enc.shape == (len(traced.src_tokens),) * 2
    np.testing.assert_allclose(enc.sum(-1), 1.0, atol=1e-9)
    dec = decoder_rollout(traced)
    assert dec.shape == (len(traced.tgt_tokens), len(traced.src_tokens))
    np.testing.assert_allclose(dec.sum(-1), 1.0, atol=1e-9)
    assert (dec >= 0).all()


def test_decoder_rollout_follows_its_formula(traced):
    memory = encoder_rollout(traced)
    r = np.zeros((len(traced.tgt_tokens), len(traced.src_tokens)))
    for layer in range(traced.n_layers_of("dec")):
        d = traced.pattern("dec", layer).mean(0)
        d = (d + np.eye(len(d))) / 2  # rows of d sum to 1, so (d + I) / 2 is renormalised
        r = 0.5 * (d @ r) + 0.5 * traced.pattern("cross", layer).mean(0) @ memory
    np.testing.assert_allclose(decoder_rollout(traced), r / r.sum(-1, keepdims=True),
                               atol=1e-6)


def test_padded_source_gets_no_rollout(tiny_model, tokenizer):
    padded = trace(OursAdapter(tiny_model, tokenizer, name="tiny"), "我爱你", pad_to=6,
                   max_new=4)
    dec = decoder_rollout(padded)
    np.testing.assert_allclose(dec[:, 3:], 0.0, atol=1e-12)
    np.testing.assert_allclose(dec.sum(-1), 1.0, atol=1e-9)
