"""What pre-training buys: the translation model trained twice, from random W0 and from the MLM.

    python -m training.pretrain_compare

Both runs use :func:`training.recipe.train` with the same seed, corpus, batches, schedule and
budget (the translation model's recipe, shortened to fit minutes on this CPU). They differ in
one thing: before the first step, the second run's encoder (every ``enc.*`` matrix) and its
shared embedding matrix are replaced by the pre-trained masked-language model's
(``models/checkpoints/mlm-small``; its vocabulary is the translation model's plus ``[MASK]``,
so row i is the same word in both, and the ``[MASK]`` row is dropped). The decoder starts from
the same random W0 in both.

Every ``--eval-every`` steps both are scored on 200 held-out sentences per direction (exact
match; combinations never seen in training). The curves, and the first step at which each
reached ``--target`` exact match (the mean of the two directions), go into the MLM folder's
``training.json`` under ``pretraining_comparison``, whatever they show.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_MLM = ROOT / "models" / "checkpoints" / "mlm-small"
TRANSLATION_VOCAB = ROOT / "models" / "checkpoints" / "zh-en-small" / "vocab.json"
COMMAND = "python -m training.pretrain_compare"
ARMS = ("random", "pretrained")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog=COMMAND, description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--mlm", type=Path, default=DEFAULT_MLM,
                   help="the pre-trained MLM folder (its training.json receives the result)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--pairs", type=int, default=50_000, help="training pairs to draw")
    p.add_argument("--steps", type=int, default=1200, help="the budget: optimizer steps per run")
    p.add_argument("--batch-tokens", type=int, default=1024)
    p.add_argument("--warmup", type=int, default=400)
    p.add_argument("--lr-factor", type=float, default=0.5)
    p.add_argument("--eval-every", type=int, default=100)
    p.add_argument("--target", type=float, default=0.9,
                   help="exact match (mean of both directions) whose first step is reported")
    p.add_argument("--no-write", action="store_true",
                   help="print the result only; leave training.json as it is")
    p.add_argument("--quiet", action="store_true")
    return p.parse_args(argv)


def pretrained_init(mlm_folder: Path, translation_vocab: list[str]) -> dict:
    """The MLM's embedding (less its ``[MASK]`` row) and encoder, by the translation model's
    parameter names.

    Raises:
        ValueError: the MLM's vocabulary is not the translation vocabulary + ``[MASK]``.
    """
    from models.mlm import MASK, load_mlm

    mlm = load_mlm(mlm_folder, "cpu")
    if mlm.tokenizer.vocab != [*translation_vocab, MASK]:
        raise ValueError(f"{mlm_folder}: its vocabulary is not the translation model's + {MASK}")
    init = {}
    for name, value in mlm.model.state_dict().items():
        if name == "embed.weight":
            init[name] = value[: len(translation_vocab)].clone()
        elif name.startswith("enc."):
            init[name] = value.clone()
    return init


def first_step(curve: list[dict], target: float) -> int | None:
    """The first evaluated step whose exact match reached ``target`` (None: not in budget)."""
    return next((row["step"] for row in curve if row["exact_match"] >= target), None)


def run_arm(arm: str, args: argparse.Namespace, out: Path, tokenizer, init) -> dict:
    """One training run of the translation model; its held-out curve and times."""
    from training import recipe, train

    options = ["--out", str(out), "--seed", str(args.seed), "--threads", str(args.threads),
               "--pairs", str(args.pairs), "--steps", str(args.steps),
               "--batch-tokens", str(args.batch_tokens), "--warmup", str(args.warmup),
               "--lr-factor", str(args.lr_factor), "--average-last", "1",
               "--eval-every", str(args.eval_every), "--eval-n", "200", "--log-every", "20"]
    if args.quiet:
        options.append("--quiet")
    started = time.time()
    record = recipe.train(train.parse_args(options), tokenizer=tokenizer, init=init)
    points = [*record["evals"], {"step": record["steps"], "time_s": record["train_time_s"],
                                 **record["final"]}]
    curve = [{"step": p["step"], "time_s": p["time_s"],
              "exact_match": round((p["en2zh"]["exact_match"]
                                    + p["zh2en"]["exact_match"]) / 2, 4),
              "en2zh": p["en2zh"]["exact_match"], "zh2en": p["zh2en"]["exact_match"]}
             for p in points]
    print(f"{arm}: " + ", ".join(f"{c['step']}: {c['exact_match']:.1%}" for c in curve),
          file=sys.stderr)
    return {
        "init": "seeded random W0" if init is None else
                "encoder + embeddings from the MLM, decoder seeded random W0",
        "curve": curve,
        "first_step_at_target": first_step(curve, args.target),
        "loss": [{"step": r["step"], "loss": r["loss"]} for r in record["log"]],
        "train_time_s": record["train_time_s"],
        "wall_time_s": round(time.time() - started, 1),
    }


def compare(args: argparse.Namespace) -> dict:
    from models.tokenizer import Tokenizer

    vocab = json.loads(TRANSLATION_VOCAB.read_text(encoding="utf-8"))
    tokenizer = Tokenizer(vocab)
    inits = {"random": None, "pretrained": pretrained_init(args.mlm, vocab)}
    runs = {}
    with tempfile.TemporaryDirectory() as tmp:
        for arm in ARMS:
            runs[arm] = run_arm(arm, args, Path(tmp) / arm, tokenizer, inits[arm])
    from training.recipe import _argv

    return {
        # Every option spelled out (as training.json's of the training runs).
        "command": " ".join([COMMAND, *(shlex.quote(a) for a in _argv(args))]),
        "budget": {"steps": args.steps, "pairs": args.pairs, "batch_tokens": args.batch_tokens,
                   "warmup": args.warmup, "lr_factor": args.lr_factor, "seed": args.seed,
                   "threads": args.threads, "model": "small preset (d_model 128, 4 heads, "
                   "3 + 3 layers, d_ff 512)", "vocab": "zh-en-small/vocab.json"},
        "metric": "exact match on 200 held-out sentences per direction, mean of en2zh and "
                  "zh2en, every eval_every steps and at the end",
        "eval_every": args.eval_every,
        "target": args.target,
        "runs": runs,
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # see training.train.prepare_process
    result = compare(args)
    for arm, run in result["runs"].items():
        reached = run["first_step_at_target"]
        print(f"{arm:>10}: {args.target:.0%} exact match "
              + (f"first at step {reached}" if reached else "not within budget")
              + f"; at step {run['curve'][-1]['step']}: {run['curve'][-1]['exact_match']:.1%}")
    if not args.no_write:
        from models.mlm import write_training

        path = args.mlm / "training.json"
        training = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
        training["pretraining_comparison"] = result
        write_training(args.mlm, training)
        print(f"wrote {path} (pretraining_comparison)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
