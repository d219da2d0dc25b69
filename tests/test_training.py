"""Training and the shipped checkpoint: it loads, it translates, it scores; training learns."""

from __future__ import annotations

import json
import math
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file

from models.checkpoint import SHIPPED_CHECKPOINT, load_checkpoint
from models.tokenizer import Tokenizer
from training import evaluate, recipe, train
from training.corpus import SEED_PAIRS, sample_pairs

ROOT = Path(__file__).resolve().parent.parent

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


def test_documented_models_evaluate_command_still_runs():
    """README documents `python -m models.evaluate --json`; it forwards to training.evaluate."""
    out = subprocess.run([sys.executable, "-m", "models.evaluate", "--json", "--n", "5",
                          "--device", "cpu"], cwd=ROOT, capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0, out.stderr
    assert set(json.loads(out.stdout)) == {"en2zh", "zh2en"}


def test_learning_rate_follows_the_papers_schedule():
    d, warmup = 128, 400
    assert recipe.learning_rate(warmup, d, warmup) == pytest.approx(d**-0.5 * warmup**-0.5)
    assert recipe.learning_rate(100, d, warmup) == pytest.approx(d**-0.5 * 100 * warmup**-1.5)
    assert recipe.learning_rate(1600, d, warmup) == pytest.approx(d**-0.5 * 1600**-0.5)
    rates = [recipe.learning_rate(s, d, warmup) for s in range(1, 2000)]
    assert max(rates) == rates[warmup - 1]  # rises linearly, then decays as step^-0.5


def test_short_training_run_halves_the_loss(tmp_path):
    """A few seconds on two cores (not asserted: tests never assert on time)."""
    args = train.parse_args(TINY + ["--steps", "120", "--out", str(tmp_path / "run")])
    record = recipe.train(args)
    losses = [row["loss"] for row in record["log"]]
    assert losses[-1] <= losses[0] / 2, losses
    saved = json.loads((tmp_path / "run" / "training.json").read_text("utf-8"))
    assert saved["seed"] == 0 and saved["log"] == record["log"]
    assert saved["device"] == "cpu" and saved["loss_every"] == 5
    assert saved["command"].startswith("python -m training.train ")
    loaded = load_checkpoint(tmp_path / "run", device="cpu")  # the app can load what we write
    assert loaded.config.d_model == 64
    assert loaded.config.max_len == 512  # --max-len, not the training cap --max-train-len 64


def test_training_is_deterministic_under_its_seed(tmp_path):
    runs = []
    for name in ("a", "b"):
        args = train.parse_args(TINY + ["--steps", "8", "--seed", "5", "--log-every", "1",
                                        "--out", str(tmp_path / name)])
        runs.append([row["loss"] for row in recipe.train(args)["log"]])
        assert all(math.isfinite(x) for x in runs[-1])
    assert runs[0] == runs[1]
    a = load_file(str(tmp_path / "a" / "model.safetensors"))
    b = load_file(str(tmp_path / "b" / "model.safetensors"))
    assert all(torch.equal(a[k], b[k]) for k in a)


def test_training_examples_are_cut_to_the_training_length():
    pairs = sample_pairs(50, seed=1)
    tok = Tokenizer.from_corpus(x for p in pairs for x in (p.en, p.zh))
    examples = recipe.build_examples(pairs, tok, max_len=4)
    assert max(len(s) for s, _, _ in examples) == 4
    assert max(len(t) for _, t, _ in examples) == 3  # + the start token makes 4
    with pytest.raises(SystemExit):  # a cap longer than the model accepts is refused
        train.parse_args(["--max-len", "32", "--max-train-len", "64"])


def test_importing_training_changes_nothing_in_the_process():
    """Environment variables and torch's thread count are set by main(), not by an import."""
    code = (
        "import os, torch\n"
        "env, threads = dict(os.environ), torch.get_num_threads()\n"
        "import training, training.corpus, training.train, training.evaluate, training.recipe\n"
        "assert dict(os.environ) == env, set(os.environ.items()) ^ set(env.items())\n"
        "assert torch.get_num_threads() == threads\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr


def test_main_sets_the_openmp_wait_policy_before_torch_loads(tmp_path):
    """OpenMP reads OMP_WAIT_POLICY once, when torch loads it: main() must set it first."""
    # Should torch load before main() runs, main trains this tiny run instead of stopping.
    tiny = TINY + ["--steps", "1", "--out", str(tmp_path / "run")]
    code = (
        "import os, sys\n"
        "os.environ.pop('OMP_WAIT_POLICY', None)\n"
        "from training import train\n"
        "class TorchImported(Exception):\n"
        "    pass\n"
        "class Watch:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'torch':\n"
        "            raise TorchImported(os.environ.get('OMP_WAIT_POLICY'))\n"
        "sys.meta_path.insert(0, Watch())\n"
        "try:\n"
        f"    train.main({tiny!r})\n"
        "except TorchImported as seen:\n"
        "    print('policy when torch loads:', seen.args[0])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "policy when torch loads: PASSIVE"


def _readme_command() -> list[str]:
    """The options of README's reproduce command for the shipped checkpoint."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```bash\n(python -m training\.train .*?)```", readme, re.S)
    assert block, "README has no `python -m training.train` block"
    words = shlex.split(block.group(1).replace("\\\n", " "))
    assert words[:3] == ["python", "-m", "training.train"]
    return words[3:]


def test_readme_command_is_the_shipped_recipe():
    """README's command repeats the run recorded in training.json, option for option.

    The run wrote to a new folder first and was copied over the shipped one once verified
    (issue 15), so only ``--out`` differs.
    """
    readme = vars(train.parse_args(_readme_command()))
    recorded_words = shlex.split(json.loads(
        (SHIPPED_CHECKPOINT / "training.json").read_text("utf-8"))["command"])[3:]
    recorded = vars(train.parse_args(recorded_words))
    config = json.loads((SHIPPED_CHECKPOINT / "config.json").read_text("utf-8"))
    assert readme["out"].resolve() == SHIPPED_CHECKPOINT.resolve()
    assert readme["max_len"] == config["max_len"]
    for key in set(readme) - {"out"}:
        assert readme[key] == recorded[key], key


@pytest.mark.slow
def test_readme_command_rebuilds_the_shipped_config_and_vocab(tmp_path):
    """Run README's command for one step (the corpus and vocabulary in full, ~1 min on two
    cores): config.json and vocab.json come out byte for byte as shipped."""
    quick = ["--out", str(tmp_path / "run"), "--steps", "1", "--average-last", "1",
             "--eval-n", "0", "--eval-every", "0", "--quiet"]
    out = subprocess.run([sys.executable, "-m", "training.train", *_readme_command(), *quick],
                         cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    for name in ("config.json", "vocab.json"):
        assert (tmp_path / "run" / name).read_bytes() == (SHIPPED_CHECKPOINT / name).read_bytes()
