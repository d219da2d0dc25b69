"""Train the GRU encoder–decoder and measure it against a Transformer, sentence length by length.

    python -m training.rnn --out models/checkpoints/rnn-small --lengths models/lab/rnn_lengths.json

Both models learn the lab task (:mod:`training.lab`, sentences of one to three clauses) from the
same seed, for the same number of steps and tokens per batch, with about the same number of
parameters (a one-layer GRU of width 128 against the lab's base Transformer: d_model 64, two
layers, four heads). Then both translate held-out sentences of one to six clauses: four to six
are longer than anything either saw in training. ``--lengths`` writes exact match per clause
count and direction (and a third row, the GRU with additive attention, unless
``--no-attention-row``), which the "RNN vs attention" page draws.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import replace
from pathlib import Path

from training.lab import BASE, EVAL_N, ROOT, exact_match, heldout_by_length, train_config

DEFAULT_OUT = ROOT / "models" / "checkpoints" / "rnn-small"
LENGTHS_FILE = ROOT / "models" / "lab" / "rnn_lengths.json"
TEST_CLAUSES = (1, 2, 3, 4, 5, 6)
GRU = replace(BASE, name="gru", kind="gru", d_model=128, layers=1, heads=1, d_ff=0)
GRU_ATTENTION = replace(GRU, name="gru-attention", attention=True)
TRANSFORMER = replace(BASE, name="transformer")


def by_length(model, tokenizer, n: int = EVAL_N, clauses=TEST_CLAUSES) -> list[dict]:
    """Exact match per clause count: ``[{clauses, tokens, en2zh, zh2en, mean}]``, where tokens is
    the mean source length in tokens."""
    from models.tokenizer import tokenize

    rows = []
    for k, sets in heldout_by_length(n, clauses).items():
        scores = exact_match(model, tokenizer, sets)
        sources = [s for pairs in sets.values() for s, _ in pairs]
        tokens = sum(len(tokenize(s)) for s in sources) / max(len(sources), 1)
        rows.append({"clauses": k, "tokens": round(tokens, 1), **scores})
    return rows


def evaluate_rnn(folder=None, n: int = 500, device: str = "auto") -> dict:
    """The translation model's schema for the GRU: ``{"en2zh": {"exact_match", "bleu", "n"},
    "zh2en": {...}}`` on held-out lab sentences of the training lengths."""
    from models.rnn import load_rnn
    from training.evaluate import DIRECTIONS, score
    from training.lab import heldout_sets, translate

    loaded = load_rnn(folder, None if device == "auto" else device)
    results = {}
    for direction, pairs in heldout_sets(n).items():
        target = DIRECTIONS[direction]
        hyps = translate(loaded.model, loaded.tokenizer, [s for s, _ in pairs], target)
        results[direction] = score(hyps, [r for _, r in pairs], target)
    return results


def main(argv: list[str] | None = None) -> int:
    """Train, save, and optionally measure by length; returns the exit code."""
    p = argparse.ArgumentParser(prog="python -m training.rnn", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help="checkpoint folder to write")
    p.add_argument("--steps", type=int, default=3000, help="optimizer steps (every model)")
    p.add_argument("--threads", type=int, default=1, help="torch CPU threads")
    p.add_argument("--lengths", type=Path, default=None,
                   help="also train the Transformer and write exact match by length here")
    p.add_argument("--no-attention-row", action="store_true",
                   help="leave the GRU with additive attention out of --lengths")
    args = p.parse_args(argv)
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    import torch

    from models.rnn import save_rnn

    rows = []
    specs = [GRU]
    if args.lengths:
        specs += ([] if args.no_attention_row else [GRU_ATTENTION]) + [TRANSFORMER]
    for spec in specs:
        cfg = replace(spec, steps=args.steps)
        t = time.time()
        record = train_config(cfg, eval_every=500, threads=args.threads, keep_model=True)
        model, tokenizer = record.pop("model"), record.pop("tokenizer")
        print(f"{cfg.name}: {record['params']} parameters, exact "
              f"{record['exact_match']['mean']:.1%} in {time.time() - t:.0f} s", flush=True)
        if spec is GRU:
            record["command"] = "python -m training.rnn " + " ".join(argv or sys.argv[1:])
            record["torch"] = torch.__version__
            save_rnn(args.out, model, tokenizer, record)
        if args.lengths:
            rows.append({"name": cfg.name, "kind": cfg.kind, "params": record["params"],
                         "steps": record["steps"], "train_time_s": record["train_time_s"],
                         "train_clauses": [1, 2, 3], "by_length": by_length(model, tokenizer)})
    if args.lengths:
        args.lengths.parent.mkdir(parents=True, exist_ok=True)
        doc = {"command": "python -m training.rnn " + " ".join(argv or sys.argv[1:]),
               "eval_n_per_direction": EVAL_N, "models": rows}
        args.lengths.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
