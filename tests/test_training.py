"""Training and the shipped checkpoint: it loads, it translates, it scores; training learns."""

from __future__ import annotations

import json
import math

import pytest
import torch
from safetensors.torch import load_file

from models import evaluate, train
from models.checkpoint import SHIPPED_CHECKPOINT, load_checkpoint
from models.corpus import SEED_PAIRS

# A model small enough to train in seconds on a small slice of the corpus (60 pairs).
TINY = ["--pairs", "60", "--d-model", "64", "--heads", "2", "--layers", "1", "--d-ff", "128",
        "--batch-tokens", "512", "--warmup", "30", "--log-every", "5", "--eval-n", "0",
        "--threads", "1", "--quiet"]


@pytest.fixture(scope="module")
def shipped():
    return load_checkpoint(SHIPPED_CHECKPOINT, device="cpu")


def test_shipped_checkpoint_is_small_and_safetensors_only():
    files = sorted(p.name for p in SHIPPED_CHECKPOINT.iterdir())
    assert files == ["config.json", "model.safetensors", "training.json", "vocab.json"]
    assert sum(p.stat().st_size for p in SHIPPED_CHECKPOINT.iterdir()) <= 10 * 2**20
    weights = load_file(str(SHIPPED_CHECKPOINT / "model.safetensors"))  # no pickle involved
    assert all(isinstance(t, torch.Tensor) for t in weights.values())


def test_shipped_training_record_has_what_the_app_draws(shipped):
    t = shipped.training
    for key in ("command", "seed", "device", "wall_time_s", "steps", "loss_every", "log",
                "final"):
        assert key in t, key
    assert t["command"].startswith("python -m models.train")
    losses = [row["loss"] for row in t["log"]]
    assert losses[-1] < losses[0] / 3
    assert t["wall_time_s"] > 0  # the time itself is reported in README, not asserted
    for direction in ("en2zh", "zh2en"):
        assert t["final"][direction]["exact_match"] >= 0.97


@pytest.mark.parametrize("en, zh", SEED_PAIRS)
def test_shipped_model_translates_the_articles_sentences(shipped, en, zh):
    model, tok = shipped.model, shipped.tokenizer
    assert evaluate.translate(model, tok, [en], "zh") == [zh]
    assert evaluate.translate(model, tok, [zh], "en") == [en]


def test_shipped_model_scores_on_a_held_out_sample(shipped):
    """200 held-out sentences (100 each way), combinations never seen in training."""
    results = evaluate.evaluate_heldout(shipped.model, shipped.tokenizer, n=100)
    for direction, r in results.items():
        assert r["n"] == 100
        assert r["exact_match"] >= 0.97, (direction, r)


def test_held_out_sample_has_no_unknown_tokens(shipped):
    examples = evaluate.heldout_examples(100)
    for pairs in examples.values():
        for src, tgt in pairs:
            assert not shipped.tokenizer.encode(src, 64).unknown, src
            assert not shipped.tokenizer.encode(tgt, 64).unknown, tgt


def test_evaluate_cli_prints_one_json_object(capsys):
    assert evaluate.main(["--json", "--n", "20", "--device", "cpu"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"en2zh", "zh2en"}
    for r in out.values():
        assert set(r) == {"exact_match", "bleu", "n"} and r["n"] == 20


def test_learning_rate_follows_the_papers_schedule():
    d, warmup = 128, 400
    assert train.learning_rate(warmup, d, warmup) == pytest.approx(d**-0.5 * warmup**-0.5)
    assert train.learning_rate(100, d, warmup) == pytest.approx(d**-0.5 * 100 * warmup**-1.5)
    assert train.learning_rate(1600, d, warmup) == pytest.approx(d**-0.5 * 1600**-0.5)
    rates = [train.learning_rate(s, d, warmup) for s in range(1, 2000)]
    assert max(rates) == rates[warmup - 1]  # rises linearly, then decays as step^-0.5


def test_short_training_run_halves_the_loss(tmp_path):
    """A few seconds on two cores (not asserted: tests never assert on time)."""
    args = train.parse_args(TINY + ["--steps", "120", "--out", str(tmp_path / "run")])
    record = train.train(args)
    losses = [row["loss"] for row in record["log"]]
    assert losses[-1] <= losses[0] / 2, losses
    saved = json.loads((tmp_path / "run" / "training.json").read_text("utf-8"))
    assert saved["seed"] == 0 and saved["log"] == record["log"]
    assert saved["device"] == "cpu" and saved["loss_every"] == 5
    loaded = load_checkpoint(tmp_path / "run", device="cpu")  # the app can load what we write
    assert loaded.config.d_model == 64


def test_training_is_deterministic_under_its_seed(tmp_path):
    runs = []
    for name in ("a", "b"):
        args = train.parse_args(TINY + ["--steps", "8", "--seed", "5", "--log-every", "1",
                                        "--out", str(tmp_path / name)])
        runs.append([row["loss"] for row in train.train(args)["log"]])
        assert all(math.isfinite(x) for x in runs[-1])
    assert runs[0] == runs[1]
    a = load_file(str(tmp_path / "a" / "model.safetensors"))
    b = load_file(str(tmp_path / "b" / "model.safetensors"))
    assert all(torch.equal(a[k], b[k]) for k in a)
