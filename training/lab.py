"""The hyper-parameter lab: one small task, many configurations, the same budget and seed.

    python -m training.lab --out models/lab/grid.json            # the whole grid (resumes)
    python -m training.lab --only heads-1 --only heads-8          # some configurations

The article says the number of heads, the width (512) and the learning rate are chosen before
training. To let a student compare choices, every configuration here trains from the same seed
for the same number of steps on the same small task, and records its loss curve, held-out exact
match, parameter count and wall time.

The task ("the lab corpus") is the app's grammar cut down so that a small model learns it in
under a minute on a shared CPU: subjects (pronouns, a few names, some with an adjective), verbs
that take a person or none, three tenses (present, progressive, negation), and one to three such
clauses joined with "and" / "，". Sentences whose (subject, verb, object) combinations are all
outside the held-out 10 % train; a test sentence holds at least one held-out combination, so the
score measures composition, as for the shipped model (training/corpus/pairs.py). Longer
sentences (four to six clauses) are never trained on: the RNN page uses them to ask what
happens beyond the training lengths.

The Optuna search (:mod:`training.search`) and the GRU (:mod:`training.rnn`) reuse this task
and loop, so their numbers compare with the grid's.
"""

from __future__ import annotations

import argparse
import functools
import json
import math
import os
import random
import sys
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GRID_FILE = ROOT / "models" / "lab" / "grid.json"
TRAIN_CLAUSES = (1, 2, 3)  # clauses per training sentence
EVAL_SEED = 2024
EVAL_N = 100  # held-out sentences per direction (and per length where lengths are asked)


# --------------------------------------------------------------------------------------------
# The lab corpus
# --------------------------------------------------------------------------------------------


def _words():
    """The lab's word choices, picked from the lexicon by rule (not by a second word list)."""
    from training.corpus import lexicon as lex

    subjects = [p.subj for p in lex.PRONOUNS] + [n.en for n in lex.NAMES[:8]]
    names = [n.en for n in lex.NAMES[:8]]
    adjectives = [a.en for a in lex.ADJECTIVES
                  if "person" in a.tags and a.attr.endswith("的")][:6]
    transitive = [v.base for v in lex.TRANSITIVE if "person" in v.objects and " " not in v.base]
    intransitive = [v.base for v in lex.INTRANSITIVE if " " not in v.base][:12]
    objects = [p.obj for p in lex.PRONOUNS] + names
    return subjects, set(names), adjectives, transitive, intransitive, objects


_WORDS = None


def _clause(rng: random.Random):
    """One clause of the lab grammar, as the corpus's own Sentence."""
    from training.corpus import negation, present, progressive, subject_np, verb_phrase

    global _WORDS
    if _WORDS is None:
        _WORDS = _words()
    subjects, names, adjectives, transitive, intransitive, objects = _WORDS
    word = rng.choice(subjects)
    adjective = rng.choice(adjectives) if word in names and rng.random() < 0.3 else ""
    subject = subject_np(word, adjective)
    if rng.random() < 0.6:
        obj = rng.choice(objects)
        vp = verb_phrase(rng.choice(transitive), obj)
    else:
        vp = verb_phrase(rng.choice(intransitive))
    tense = rng.choice((present, progressive, negation))
    return tense(subject, vp)


def lab_sentence(rng: random.Random, n_clauses: int) -> tuple[str, str, list[tuple]]:
    """(English, Chinese, clause keys) of ``n_clauses`` clauses joined by "and" / "，"."""
    clauses = [_clause(rng) for _ in range(n_clauses)]
    en = " and ".join(c.en for c in clauses)
    zh = "，".join(c.zh.c for c in clauses)
    return en[:1].upper() + en[1:], zh, [c.key for c in clauses]


def lab_pairs(n: int, seed: int = 0, split: str = "train",
              clauses: tuple[int, ...] = TRAIN_CLAUSES) -> list:
    """``n`` lab sentence pairs of one split ("train": no held-out combination; "test": at
    least one), each teaching both directions (``Pair.examples``)."""
    from training.corpus import Pair, is_held_out

    rng = random.Random(seed)
    out = []
    while len(out) < n:
        en, zh, keys = lab_sentence(rng, rng.choice(clauses))
        held = any(is_held_out(k) for k in keys)
        if held == (split == "test"):
            out.append(Pair(en, zh, "both", "lab", keys[0]))
    return out


def heldout_by_length(n: int = EVAL_N, clauses: tuple[int, ...] = TRAIN_CLAUSES,
                      seed: int = EVAL_SEED) -> dict[int, dict[str, list[tuple[str, str]]]]:
    """For each clause count: ``{"en2zh": [(source, reference)], "zh2en": [...]}``, ``n`` each,
    distinct, from held-out combinations."""
    out = {}
    for k in clauses:
        pairs = lab_pairs(3 * n, seed=seed + k, split="test", clauses=(k,))
        seen, en2zh, zh2en = set(), [], []
        for p in pairs:
            if p.en in seen:
                continue
            seen.add(p.en)
            en2zh.append((p.en, p.zh))
            zh2en.append((p.zh, p.en))
        out[k] = {"en2zh": en2zh[:n], "zh2en": zh2en[:n]}
    return out


@functools.lru_cache(maxsize=1)
def lab_tokenizer():
    """One vocabulary for every lab model: built from every word the lab grammar can write."""
    from models.tokenizer import Tokenizer

    train = lab_pairs(4000, seed=0, split="train")
    test = lab_pairs(2000, seed=1, split="test")
    return Tokenizer.from_corpus(s for p in train + test for s in (p.en, p.zh))


# --------------------------------------------------------------------------------------------
# Configurations and the loop
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LabConfig:
    """One point of the grid. ``kind`` "transformer" uses d_model/heads/layers/d_ff; "gru"
    uses d_model as the GRU's embedding and hidden width and ``attention``."""

    name: str = "base"
    kind: str = "transformer"
    d_model: int = 64
    heads: int = 4
    layers: int = 2
    d_ff: int = 256
    lr_factor: float = 1.0  # multiplies §5.3's schedule
    warmup: int = 150  # steps of §5.3's warm-up
    label_smoothing: float = 0.1
    attention: bool = False  # GRU only
    lr: float = 0.0  # GRU only: constant Adam rate after warm-up (0: the schedule's peak)
    steps: int = 800
    batch_tokens: int = 768
    seed: int = 0


BASE = LabConfig()


def grid() -> list[LabConfig]:
    """The grid: the base, then one knob moved at a time (so each row answers one question)."""
    c = [BASE]
    c += [replace(BASE, name=f"heads-{h}", heads=h) for h in (1, 2, 8)]
    c += [replace(BASE, name=f"width-{d}", d_model=d, d_ff=4 * d) for d in (32, 128, 256)]
    c += [replace(BASE, name=f"layers-{n}", layers=n) for n in (1, 3)]
    c += [replace(BASE, name=f"lr-x{f:g}", lr_factor=f) for f in (0.25, 4.0, 16.0)]
    c += [replace(BASE, name=f"warmup-{w}", warmup=w) for w in (10, 600)]
    c += [replace(BASE, name=f"smoothing-{s:g}", label_smoothing=s) for s in (0.0, 0.3)]
    return c


def build_model(cfg: LabConfig, vocab_size: int, pad_id: int):
    """The torch model of a lab configuration (seeded by the caller)."""
    if cfg.kind == "gru":
        from models.rnn import GRUSeq2Seq, RNNConfig

        return GRUSeq2Seq(RNNConfig(vocab_size=vocab_size, d_embed=cfg.d_model,
                                    d_hidden=cfg.d_model, n_layers=cfg.layers,
                                    attention=cfg.attention, pad_id=pad_id))
    from models.config import ModelConfig
    from models.transformer import Transformer

    return Transformer(ModelConfig(vocab_size=vocab_size, d_model=cfg.d_model, n_heads=cfg.heads,
                                   n_layers=cfg.layers, d_ff=cfg.d_ff, max_len=512,
                                   dropout=0.0, pad_id=pad_id))


def translate(model, tokenizer, sources: list[str], target: str, batch_size: int = 200
              ) -> list[str]:
    """Greedy translations with either model kind, in input order."""
    import torch

    from models.transformer import Transformer, generate_batch

    model.eval()
    encoded = [tokenizer.encode(s, 512).ids for s in sources]
    order = sorted(range(len(sources)), key=lambda i: len(encoded[i]))
    out = [""] * len(sources)
    with torch.inference_mode():
        for b in range(0, len(order), batch_size):
            idx = order[b : b + batch_size]
            width = max(len(encoded[i]) for i in idx)
            src = torch.full((len(idx), width), tokenizer.pad_id, dtype=torch.long)
            for row, i in enumerate(idx):
                src[row, : len(encoded[i])] = torch.tensor(encoded[i])
            starts = torch.full((len(idx),), tokenizer.start_id(target), dtype=torch.long)
            src, starts = src.to(model.device), starts.to(model.device)
            if isinstance(model, Transformer):
                ids = generate_batch(model, src, starts, tokenizer.eos_id)
            else:
                ids = model.generate_batch(src, starts, tokenizer.eos_id)
            for i, row in zip(idx, ids):
                out[i] = tokenizer.decode(row)
    return out


def exact_match(model, tokenizer, sets: dict[str, list[tuple[str, str]]]) -> dict[str, float]:
    """Fraction of exact translations per direction, and their mean under "mean"."""
    from training.evaluate import DIRECTIONS, exact

    scores = {}
    for direction, pairs in sets.items():
        hyps = translate(model, tokenizer, [s for s, _ in pairs], DIRECTIONS[direction])
        scores[direction] = round(sum(exact(h, r) for h, (_, r) in zip(hyps, pairs))
                                  / max(len(pairs), 1), 4)
    scores["mean"] = round(sum(scores[d] for d in sets) / len(sets), 4)
    return scores


def token_accuracy(model, tokenizer, sets: dict[str, list[tuple[str, str]]]) -> float:
    """Share of held-out target tokens (``<eos>`` included) the model predicts right when fed
    the reference before them (teacher forcing), over both directions.

    Unlike exact match, it moves from the first steps on, so a search that trains each trial
    only seconds can still tell configurations apart.
    """
    import torch

    from training.evaluate import DIRECTIONS
    from training.recipe import _collate

    model.eval()
    items = []
    for direction, pairs in sets.items():
        start = tokenizer.start_id(DIRECTIONS[direction])
        for src, ref in pairs:
            items.append((tokenizer.encode(src, 64).ids, tokenizer.encode(ref, 63).ids, start))
    batch = _collate(items, tokenizer.pad_id, tokenizer.eos_id)
    with torch.inference_mode():
        logits = model(batch.src.to(model.device), batch.tgt_in.to(model.device))
    target = batch.tgt_out.to(model.device)
    real = target != tokenizer.pad_id
    right = (logits.argmax(-1) == target) & real
    return round(float(right.sum()) / max(int(real.sum()), 1), 4)


def heldout_sets(n: int = EVAL_N) -> dict[str, list[tuple[str, str]]]:
    """Held-out sentences of the training lengths, ``n`` per direction in all."""
    by_length = heldout_by_length(math.ceil(n / len(TRAIN_CLAUSES)))
    return {d: [p for k in TRAIN_CLAUSES for p in by_length[k][d]][:n]
            for d in ("en2zh", "zh2en")}


@functools.lru_cache(maxsize=2)
def _examples(n_pairs: int, seed: int) -> list:
    """Training examples of ``n_pairs`` drawn pairs, built once per process (a search's trials
    share them; nothing changes them)."""
    from training.recipe import build_examples

    return build_examples(lab_pairs(n_pairs, seed=seed), lab_tokenizer(), 64)


def train_config(cfg: LabConfig, *, seconds: float = 0.0, eval_every: int = 100,
                 eval_n: int = EVAL_N, report=None, threads: int = 1,
                 keep_model: bool = False, score: str = "exact") -> dict:
    """Train one configuration and return its record (JSON-ready).

    Args:
        cfg: the configuration (its ``steps`` is the budget; ``seed`` fixes data and init).
        seconds: also stop after this much training time (0: no cap); the search's
            ``--trial-seconds``.
        eval_every: score ``eval_n`` held-out sentences per direction every so many steps.
        report: called as ``report(step, score)`` after each scoring (score: held-out exact
            match, or token accuracy with ``score="tokens"``); it may raise to stop the run
            (Optuna's pruner does).
        score: "exact" (greedy translations, exact match) or "tokens" (teacher-forced
            held-out token accuracy, see :func:`token_accuracy`) for the scores during training.
        threads: torch CPU threads.
        keep_model: also return the model and tokenizer under "model", "tokenizer".

    Returns:
        ``{"config", "params", "curve": [{step, loss, time_s}], "evals": [{step, exact_match,
        time_s}], "exact_match": {en2zh, zh2en, mean}, "steps", "wall_time_s", ...}``.
    """
    import torch
    import torch.nn.functional as F

    from models.device import pick_device
    from training.recipe import learning_rate, make_batches

    t_start = time.time()
    cpu_start = time.process_time()
    torch.set_num_threads(threads)
    device = pick_device(os.environ.get("LAB_DEVICE", "cpu"))
    tokenizer = lab_tokenizer()
    random.seed(cfg.seed)
    torch.manual_seed(cfg.seed)
    rng = random.Random(cfg.seed)
    examples = _examples(cfg.steps * cfg.batch_tokens // 20 + 1000, cfg.seed + 100)
    sets = heldout_sets(eval_n)
    model = build_model(cfg, len(tokenizer), tokenizer.pad_id).to(device)
    params = sum(p.numel() for p in model.parameters())
    optimizer = torch.optim.Adam(model.parameters(), lr=0.0, betas=(0.9, 0.98), eps=1e-9)
    curve, evals, batches = [], [], []
    window, n_window = 0.0, 0
    t_train = time.time()
    step = 0
    diverged = False
    while step < cfg.steps and (not seconds or time.time() - t_train < seconds):
        if not batches:
            batches = make_batches(examples, cfg.batch_tokens, rng, tokenizer.pad_id,
                                   tokenizer.eos_id)
            batches.reverse()
        batch = batches.pop()
        step += 1
        lr = learning_rate(step, cfg.d_model, cfg.warmup, cfg.lr_factor)
        for group in optimizer.param_groups:
            group["lr"] = lr
        model.train()
        logits = model(batch.src.to(device), batch.tgt_in.to(device))
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]),
                               batch.tgt_out.to(device).reshape(-1),
                               ignore_index=tokenizer.pad_id,
                               label_smoothing=cfg.label_smoothing)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        # The GRU's gradients can explode through time; clipping is its standard recipe.
        if cfg.kind == "gru":
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        value = loss.item()
        if not math.isfinite(value):
            diverged = True  # a too-large rate can blow up: record it, stop, score what's left
            break
        window += value
        n_window += 1
        if step % 10 == 0 or step == 1:
            curve.append({"step": step, "loss": round(window / n_window, 4),
                          "time_s": round(time.time() - t_train, 1), "lr": round(lr, 6)})
            window, n_window = 0.0, 0
        if eval_every and step % eval_every == 0 and step < cfg.steps:
            t_eval = time.time()
            if score == "tokens":
                value = token_accuracy(model, tokenizer, sets)
                evals.append({"step": step, "token_accuracy": value})
            else:
                value = exact_match(model, tokenizer, sets)["mean"]
                evals.append({"step": step, "exact_match": value})
            t_train += time.time() - t_eval  # scoring is not training time
            evals[-1]["time_s"] = round(time.time() - t_train, 1)
            if report is not None:
                report(step, value)
    train_s = time.time() - t_train
    final = exact_match(model, tokenizer, sets)
    evals.append({"step": step, "exact_match": final["mean"], "time_s": round(train_s, 1)})
    if score == "tokens":
        evals[-1]["token_accuracy"] = token_accuracy(model, tokenizer, sets)
    record = {
        "name": cfg.name,
        "config": asdict(cfg),
        "params": params,
        "steps": step,
        "diverged": diverged,
        "train_time_s": round(train_s, 1),
        # CPU seconds of this process (scoring included): unlike wall time, it hardly grows
        # when other programs share the cores, so configurations compare fairly.
        "cpu_time_s": round(time.process_time() - cpu_start, 1),
        "wall_time_s": round(time.time() - t_start, 1),
        "threads": threads,
        "device": str(device),
        "load_average": _load_average(),
        "curve": curve,
        "evals": evals,
        "exact_match": final,
        "eval_n": {d: len(v) for d, v in sets.items()},
    }
    if keep_model:
        record["model"], record["tokenizer"] = model, tokenizer
    return record


def _load_average() -> float | None:
    try:
        return round(os.getloadavg()[0], 2)
    except (AttributeError, OSError):
        return None


# --------------------------------------------------------------------------------------------
# The grid, written as it goes (a killed run resumes where it stopped)
# --------------------------------------------------------------------------------------------


def run_grid(out: Path, only: list[str] | None = None, steps: int | None = None,
             threads: int = 1) -> list[dict]:
    """Train every grid configuration not yet in ``out`` and rewrite ``out`` after each."""
    done = json.loads(out.read_text("utf-8"))["runs"] if out.is_file() else []
    have = {r["name"] for r in done}
    for cfg in grid():
        if steps:
            cfg = replace(cfg, steps=steps)
        if cfg.name in have or (only and cfg.name not in only):
            continue
        record = train_config(cfg, threads=threads)
        print(f"{cfg.name}: exact {record['exact_match']['mean']:.1%} "
              f"params {record['params']} {record['train_time_s']} s", flush=True)
        done.append(record)
        _write(out, done)
    return done


def step_cost(cfg: LabConfig, steps: int = 20, threads: int = 1) -> float:
    """CPU milliseconds per training step of ``cfg`` (median batch size, after 3 warm-up steps).

    Wall time during the grid depends on what else the machine ran meanwhile; CPU time of a
    few steps measured one configuration after another compares the configurations' cost.
    """
    import torch
    import torch.nn.functional as F

    from training.recipe import make_batches

    torch.set_num_threads(threads)
    tokenizer = lab_tokenizer()
    torch.manual_seed(cfg.seed)
    batches = make_batches(_examples(2000, cfg.seed + 100), cfg.batch_tokens,
                           random.Random(cfg.seed), tokenizer.pad_id, tokenizer.eos_id)
    model = build_model(cfg, len(tokenizer), tokenizer.pad_id)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-4)
    model.train()
    times = []
    for i, batch in enumerate(batches[: steps + 3]):
        start = time.process_time()
        logits = model(batch.src, batch.tgt_in)
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), batch.tgt_out.reshape(-1),
                               ignore_index=tokenizer.pad_id)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        if i >= 3:
            times.append(time.process_time() - start)
    return round(1000 * sum(times) / len(times), 2)


def add_costs(out: Path) -> None:
    """Measure :func:`step_cost` for every run of the grid file and write it in
    (``cpu_ms_per_step``), one configuration right after another."""
    doc = json.loads(out.read_text("utf-8"))
    for run in doc["runs"]:
        cfg = LabConfig(**run["config"])
        run["cpu_ms_per_step"] = step_cost(cfg)
        print(f"{cfg.name}: {run['cpu_ms_per_step']} CPU ms per step", flush=True)
    _write(out, doc["runs"])


def _write(out: Path, runs: list[dict]) -> None:
    import torch

    out.parent.mkdir(parents=True, exist_ok=True)
    doc = {
        "task": "lab corpus (training/lab.py): 1-3 clauses, held-out combinations",
        "command": "python -m training.lab --out " + _rel(out),
        "torch": torch.__version__,
        "runs": runs,
    }
    tmp = out.with_suffix(".tmp")
    tmp.write_text(json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n", "utf-8")
    tmp.replace(out)


def _rel(path: Path) -> str:
    path = path.resolve()
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def main(argv: list[str] | None = None) -> int:
    """Run the grid from the command line; returns the exit code."""
    p = argparse.ArgumentParser(prog="python -m training.lab", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", type=Path, default=GRID_FILE, help="results file (JSON)")
    p.add_argument("--only", action="append", help="train only this configuration (repeat)")
    p.add_argument("--steps", type=int, default=0, help="override every config's step budget")
    p.add_argument("--threads", type=int, default=1, help="torch CPU threads")
    p.add_argument("--list", action="store_true", help="print the grid's names and stop")
    p.add_argument("--costs", action="store_true",
                   help="do not train: measure CPU ms per step of every run in --out")
    args = p.parse_args(argv)
    if args.list:
        for cfg in grid():
            print(cfg.name)
        return 0
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    if args.costs:
        add_costs(args.out)
        return 0
    run_grid(args.out, args.only, args.steps or None, args.threads)
    return 0


if __name__ == "__main__":
    sys.exit(main())
