"""Score a trained model on the held-out split: exact match and BLEU, per direction.

    python -m models.evaluate            # a table, plus the 40 classroom sentences
    python -m models.evaluate --json     # {"en2zh": {"exact_match": …, "bleu": …, "n": …}, …}
    python -m models.evaluate --natural  # the 100 natural classroom sentences, per direction
    python -m models.evaluate --model mlm --json   # {"mlm": {"top1": …, "top5": …, "n": …}}

(``python -m training.evaluate`` is the same command; ``models/evaluate.py`` only forwards here.)

The held-out split holds (subject, verb, object) combinations the model never saw in training
(see ``training/corpus/pairs.py``), so the score measures composition, not memory. BLEU is
sacrebleu's, with its ``zh`` tokenizer for Chinese output and the standard ``13a`` one for English.

The classroom sentences (``training/data/classroom_sentences.tsv``) are written by hand, not by
the generator; training keeps them out of its corpus, so they test sentences teachers type.
The natural set (``training/data/natural_sentences.tsv``, 50 each way) is harder: sentences as
teachers really write them (a time word first, questions without "?", 小猫, 在椅子上, ...), each
with its accepted alternatives (我妈妈 / 我的妈妈); the generator does not produce them and
training keeps them out too.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

import sacrebleu
import torch

from models.tokenizer import tokenize
from models.transformer import Transformer, generate_batch
from training.corpus import sample_pairs

EVAL_SEED = 2024  # the stream the held-out sample is drawn from (training uses other seeds)
EVAL_N = 1000  # held-out sentences per direction
CLASSROOM_FILE = Path(__file__).resolve().parent / "data" / "classroom_sentences.tsv"
NATURAL_FILE = Path(__file__).resolve().parent / "data" / "natural_sentences.tsv"
DIRECTIONS = {"en2zh": "zh", "zh2en": "en"}  # direction -> target language


def heldout_examples(n: int = EVAL_N, seed: int = EVAL_SEED) -> dict[str, list[tuple[str, str]]]:
    """``n`` distinct (source, reference) pairs per direction from held-out combinations only."""
    out: dict[str, list[tuple[str, str]]] = {"en2zh": [], "zh2en": []}
    seen: dict[str, set[str]] = {"en2zh": set(), "zh2en": set()}
    chunk = 4 * n
    offset = 0
    while min(len(v) for v in out.values()) < n:
        # The stream is deterministic, so drawing more and skipping what we had is the same
        # as drawing once.
        pairs = sample_pairs(offset + chunk, seed=seed, split="test")[offset:]
        offset += chunk
        for pair in pairs:
            for src, tgt, lang in pair.examples():
                direction = "en2zh" if lang == "zh" else "zh2en"
                if len(out[direction]) < n and src not in seen[direction]:
                    seen[direction].add(src)
                    out[direction].append((src, tgt))
    return out


@torch.inference_mode()
def translate(model: Transformer, tokenizer, sources: list[str], target: str,
              batch_size: int = 256) -> list[str]:
    """Greedy translations of ``sources`` into ``target`` ("en" or "zh"), in input order."""
    model.eval()
    device = model.device
    encoded = [tokenizer.encode(s, model.cfg.max_len).ids for s in sources]
    order = sorted(range(len(sources)), key=lambda i: len(encoded[i]))
    out: list[str] = [""] * len(sources)
    start = tokenizer.start_id(target)
    for b in range(0, len(order), batch_size):
        idx = order[b : b + batch_size]
        width = max(len(encoded[i]) for i in idx)
        src = torch.full((len(idx), width), tokenizer.pad_id, dtype=torch.long)
        for row, i in enumerate(idx):
            src[row, : len(encoded[i])] = torch.tensor(encoded[i])
        starts = torch.full((len(idx),), start, dtype=torch.long)
        generated = generate_batch(model, src.to(device), starts.to(device), tokenizer.eos_id)
        for i, ids in zip(idx, generated):
            out[i] = tokenizer.decode(ids)
    return out


def exact(hypothesis: str, reference: str) -> bool:
    """Same tokens (so spacing and full- vs half-width punctuation do not count)."""
    return tokenize(hypothesis) == tokenize(reference)


def score(hypotheses: list[str], references: list[str], target: str) -> dict:
    """Exact match (fraction), corpus BLEU (0–100) and count."""
    n = len(references)
    matches = sum(exact(h, r) for h, r in zip(hypotheses, references))
    bleu = sacrebleu.corpus_bleu(hypotheses, [references], tokenize="zh" if target == "zh"
                                 else "13a")
    return {"exact_match": round(matches / max(n, 1), 4), "bleu": round(bleu.score, 2), "n": n}


def evaluate_heldout(model: Transformer, tokenizer, n: int = EVAL_N,
                     seed: int = EVAL_SEED) -> dict[str, dict]:
    """``{"en2zh": {"exact_match", "bleu", "n"}, "zh2en": {...}}`` on held-out combinations."""
    results = {}
    for direction, examples in heldout_examples(n, seed).items():
        target = DIRECTIONS[direction]
        sources = [s for s, _ in examples]
        references = [r for _, r in examples]
        results[direction] = score(translate(model, tokenizer, sources, target), references,
                                   target)
    return results


def load_classroom(path: Path = CLASSROOM_FILE) -> list[dict]:
    """Rows of the classroom test file: source, target, direction (en2zh | zh2en)."""
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    for row in rows:
        if row.get("direction") not in DIRECTIONS:
            raise ValueError(f"{path}: direction must be en2zh or zh2en, got {row!r}")
    return rows


def evaluate_classroom(model: Transformer, tokenizer, path: Path = CLASSROOM_FILE) -> list[dict]:
    """Each classroom sentence with the model's translation and whether it matches exactly."""
    rows = load_classroom(path)
    out = []
    for direction, target in DIRECTIONS.items():
        mine = [r for r in rows if r["direction"] == direction]
        hyps = translate(model, tokenizer, [r["source"] for r in mine], target)
        for r, h in zip(mine, hyps):
            out.append({**r, "output": h, "exact": exact(h, r["target"])})
    return out


def load_natural(path: Path = NATURAL_FILE) -> list[dict]:
    """Rows of the natural set: direction, source, reference, and ``accepted`` (the reference
    first, then the alternatives of the ``|``-separated column). ``#`` lines are comments."""
    with open(path, encoding="utf-8", newline="") as f:
        lines = [line for line in f if line.strip() and not line.startswith("#")]
    rows = []
    for row in csv.DictReader(lines, delimiter="\t"):
        if row.get("direction") not in DIRECTIONS or not row.get("source") \
                or not row.get("reference"):
            raise ValueError(f"{path}: need direction (en2zh | zh2en), source, reference: {row!r}")
        alternatives = [a for a in (row.get("alternatives") or "").split("|") if a]
        rows.append({**row, "accepted": [row["reference"], *alternatives]})
    return rows


def natural_sentences(path: Path = NATURAL_FILE) -> list[str]:
    """Every sentence of the natural set, sources and accepted translations (to keep out)."""
    return [s for r in load_natural(path) for s in [r["source"], *r["accepted"]]]


def natural_match(hypothesis: str, accepted: list[str]) -> bool:
    """Exact match against any accepted translation, ignoring spacing, full- vs half-width
    punctuation and the final full stop or question mark (people type both with and without)."""
    from training.corpus import normalise

    mine = tokenize(normalise(hypothesis))
    return any(mine == tokenize(normalise(a)) for a in accepted)


def evaluate_natural(model: Transformer, tokenizer, path: Path = NATURAL_FILE) -> dict:
    """``{"en2zh": {"exact_match", "n", "rows"}, "zh2en": {...}}`` on the natural set; each row
    carries the model's output and whether it matches an accepted translation."""
    rows = load_natural(path)
    results = {}
    for direction, target in DIRECTIONS.items():
        mine = [r for r in rows if r["direction"] == direction]
        hyps = translate(model, tokenizer, [r["source"] for r in mine], target)
        scored = [{**r, "output": h, "exact": natural_match(h, r["accepted"])}
                  for r, h in zip(mine, hyps)]
        hits = sum(r["exact"] for r in scored)
        results[direction] = {"exact_match": round(hits / max(len(scored), 1), 4),
                              "n": len(scored), "rows": scored}
    return results


def main(argv: list[str] | None = None, prog: str = "python -m training.evaluate") -> int:
    """Score a checkpoint and print the results; returns the exit code."""
    parser = argparse.ArgumentParser(prog=prog, description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", choices=["translation", "mlm"], default="translation",
                        help="translation (default): exact match and BLEU per direction; mlm: "
                        "the masked-language model's top-1 / top-5 on one covered word per "
                        "held-out sentence (see training/mlm.py)")
    parser.add_argument("--checkpoint", default=None,
                        help="model folder (default: the shipped one of --model)")
    parser.add_argument("--n", type=int, default=EVAL_N,
                        help="held-out sentences per direction (mlm: in all)")
    parser.add_argument("--device", default="auto", help="auto (CUDA when present), cpu, cuda")
    parser.add_argument("--json", action="store_true", help="print one JSON object only")
    parser.add_argument("--natural", action="store_true",
                        help="score only the 100 natural classroom sentences "
                             "(training/data/natural_sentences.tsv), per direction")
    args = parser.parse_args(argv)

    if args.model == "mlm":
        return _main_mlm(args)
    from models.checkpoint import DEFAULT_CHECKPOINT, CheckpointError, load_checkpoint

    try:
        loaded = load_checkpoint(args.checkpoint or DEFAULT_CHECKPOINT, args.device)
    except CheckpointError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    if loaded.model.device.type == "cpu":
        torch.set_num_threads(max(1, min(torch.get_num_threads(), 2)))
    if args.natural:
        natural = evaluate_natural(loaded.model, loaded.tokenizer)
        if args.json:
            print(json.dumps({d: {k: v for k, v in r.items() if k != "rows"}
                              for d, r in natural.items()}))
            return 0
        print("natural classroom sentences (training/data/natural_sentences.tsv), "
              "exact match counting accepted alternatives")
        for direction, r in natural.items():
            hits = sum(row["exact"] for row in r["rows"])
            print(f"\n{direction}: {r['exact_match']:.0%} ({hits} / {r['n']})")
            for row in r["rows"]:
                mark = "ok " if row["exact"] else "-- "
                extra = "" if row["exact"] else f"   (expected {row['reference']})"
                print(f"  {mark}{row['source']} -> {row['output']}{extra}")
        return 0
    results = evaluate_heldout(loaded.model, loaded.tokenizer, args.n)
    if args.json:
        print(json.dumps(results))
        return 0
    print(f"held-out combinations, {args.n} sentences per direction")
    print(f"{'direction':<10}{'exact match':>12}{'BLEU':>8}{'n':>7}")
    for direction, r in results.items():
        print(f"{direction:<10}{r['exact_match']:>12.2%}{r['bleu']:>8.2f}{r['n']:>7}")
    if CLASSROOM_FILE.is_file():
        rows = evaluate_classroom(loaded.model, loaded.tokenizer)
        print(f"\nclassroom sentences (written by hand, not by the generator): "
              f"{sum(r['exact'] for r in rows)} / {len(rows)} exact")
        for r in rows:
            mark = "ok " if r["exact"] else "-- "
            extra = "" if r["exact"] else f"   (expected {r['target']})"
            print(f"  {mark}{r['source']} -> {r['output']}{extra}")
    return 0


def _main_mlm(args) -> int:
    """``--model mlm``: score the masked-language model (``training.mlm.evaluate_folder``)."""
    from models.mlm import MLMError
    from training.mlm import evaluate_folder

    torch.set_num_threads(max(1, min(torch.get_num_threads(), 2)))
    try:
        result = evaluate_folder(args.checkpoint, args.n, args.device)
    except MLMError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps({"mlm": result}))
        return 0
    print(f"masked-language model: one covered word per held-out sentence, n {result['n']}")
    print(f"  top-1 {result['top1']:.2%}   top-5 {result['top5']:.2%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
