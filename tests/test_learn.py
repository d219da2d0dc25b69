"""The cost made concrete and one step of gradient descent: the numbers are training's own
loss, the step lowers this sentence's loss, and the shared model is never changed."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from explainer import learn
from explainer.analysis.training import (
    change_groups,
    cost_table,
    one_hot,
    smoothed_target,
    top_entries,
)
from explainer.figures.training import (
    target_distribution_figure,
    token_cost_figure,
    weight_change_figure,
)
from explainer.trace import trace
from models.registry import load_model


@pytest.fixture(scope="module")
def trained():
    return load_model("trained", "cpu")


def state_hash(model) -> str:
    digest = hashlib.sha256()
    for name, tensor in model.state_dict().items():
        digest.update(name.encode())
        digest.update(tensor.detach().cpu().contiguous().numpy().tobytes())
    return digest.hexdigest()


def test_one_step_leaves_the_shared_model_unchanged_and_lowers_the_loss(trained):
    before = state_hash(trained.model)
    step = learn.one_step(trained, "我爱你", "I like you", lr=0.05)
    assert state_hash(trained.model) == before
    assert all(p.grad is None for p in trained.model.parameters())
    assert not trained.model.training
    assert step.after.loss < step.before.loss
    assert step.translation_before == "I love you"
    assert trace(trained, "我爱你").translation == "I love you"
    # Every matrix the sentence reached moved; the list is sorted, largest change first.
    assert len(step.names) == len(list(trained.model.parameters()))
    assert (np.diff(step.change) <= 0).all() and step.change[0] > 0
    assert (step.relative >= 0).all()


def test_one_step_on_a_snapshot_lowers_its_own_translations_loss():
    adapter = load_model("trained@56", "cpu")
    before = state_hash(adapter.model)
    step = learn.one_step(adapter, "Smart John is singing", lr=0.05)
    assert step.after.loss < step.before.loss
    assert state_hash(adapter.model) == before


def test_costs_are_the_training_loss(trained):
    cost = learn.token_costs(trained, "我爱你", "I love you")
    assert cost.target_tokens == ("I", "love", "you", "<eos>")
    assert np.allclose(cost.neg_log, -np.log(cost.p_right), atol=1e-5)
    assert np.allclose(cost.probs.sum(axis=1), 1.0, atol=1e-4)
    assert cost.p_right.min() > 0.5  # the trained model is sure of its own translation
    # The smoothed loss is the cross-entropy against label smoothing's target distribution.
    for t, right in enumerate(cost.target_ids):
        target = smoothed_target(cost.vocab_size, right, cost.eps)
        assert target.sum() == pytest.approx(1.0)
        manual = -(target * np.log(np.clip(cost.probs[t], 1e-30, None))).sum()
        assert manual == pytest.approx(float(cost.smoothed[t]), rel=1e-3)
    assert cost.loss == pytest.approx(float(cost.smoothed.mean()))
    wrong = learn.token_costs(trained, "我爱你", "I like you")
    assert wrong.loss > cost.loss and wrong.p_right[1] < cost.p_right[1]


def test_smoothed_target_matches_pytorch():
    torch.manual_seed(0)
    logits = torch.randn(1, 11)
    target = torch.tensor(smoothed_target(11, 4, 0.1)).float()
    manual = -(target * torch.log_softmax(logits, -1)).sum()
    assert float(manual) == pytest.approx(
        float(F.cross_entropy(logits, torch.tensor([4]), label_smoothing=0.1)), rel=1e-5)
    assert one_hot(5, 2).tolist() == [0, 0, 1, 0, 0]
    with pytest.raises(ValueError):
        smoothed_target(5, 5, 0.1)


def test_top_entries_put_the_right_word_first():
    probs = np.array([0.1, 0.5, 0.05, 0.3, 0.05])
    assert top_entries(probs, 2, 3).tolist() == [2, 1, 3]
    assert top_entries(probs, 1, 2).tolist() == [1, 3]


def test_other_models_are_refused():
    with pytest.raises(ValueError):
        learn.one_step(load_model("mlm-small", "cpu"), "Smart John is singing")
    with pytest.raises(ValueError):
        learn.one_step(load_model("trained", "cpu"), "我爱你", lr=0.0)


def test_tables_and_figures():
    table = cost_table(["a", "b"], np.array([0.5, 0.25]), np.array([0.69, 1.39]),
                       np.array([0.8, 1.5]), {"token": "t", "p_right": "p", "neg_log": "n",
                                              "smoothed": "s"})
    assert list(table.columns) == ["t", "p", "n", "s"] and len(table) == 2
    names, change = change_groups(["x", "y", "z"], np.array([0.1, 0.3, 0.2]), limit=2)
    assert names == ["y", "z"] and change.tolist() == [0.3, 0.2]
    with pytest.raises(ValueError):
        token_cost_figure(["a"], np.array([1.0, 2.0]), np.array([0.5]))
    with pytest.raises(ValueError):
        target_distribution_figure(["a", "b"], np.ones(2), np.ones(3), np.ones(2))
    fig = weight_change_figure(["w1", "w2"], np.array([2.0, 1.0]))
    assert list(fig.data[0].x) == [2.0, 1.0]
