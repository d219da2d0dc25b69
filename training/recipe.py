"""The paper's training recipe for our Transformer: schedule, batches, the loop, the record.

``python -m training.train`` (:mod:`training.train`) parses the options and calls
:func:`train`; see that module for the recipe and why each choice was made.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import random
import shlex
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import torch
import torch.nn.functional as F
from tqdm import tqdm

from models.checkpoint import save_checkpoint
from models.config import ModelConfig
from models.device import pick_device
from models.tokenizer import Tokenizer, tokenize
from models.transformer import Transformer
from training.corpus import (
    TEST_FRACTION,
    exclusion_set,
    normalise,
    sample_pairs,
    seed_pairs,
)
from training.evaluate import (
    CLASSROOM_FILE,
    NATURAL_FILE,
    evaluate_heldout,
    load_classroom,
    natural_sentences,
)

COMMAND = "python -m training.train"  # how training.json's command starts
ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Batch:
    src: torch.Tensor  # [b, s] source ids, padded
    tgt_in: torch.Tensor  # [b, t] <2xx> + target ids, padded
    tgt_out: torch.Tensor  # [b, t] target ids + <eos>, padded
    n_tokens: int  # real target tokens (for throughput)


def learning_rate(step: int, d_model: int, warmup: int, factor: float = 1.0) -> float:
    """§5.3: lrate = d_model^-0.5 · min(step^-0.5, step · warmup^-1.5), times ``factor``."""
    step = max(step, 1)
    return factor * d_model**-0.5 * min(step**-0.5, step * warmup**-1.5)


def build_examples(pairs, tokenizer: Tokenizer, max_len: int) -> list[tuple[list[int], list[int],
                                                                            int]]:
    """(source ids, target ids, start id) for every direction each pair teaches.

    Sources are cut to ``max_len`` tokens, targets to ``max_len - 1`` (their start token
    makes ``max_len``).
    """
    ids = tokenizer.index
    unk = tokenizer.unk_id
    out = []
    for pair in pairs:
        for src, tgt, lang in pair.examples():
            s = [ids.get(t, unk) for t in _tokens(src)][:max_len]
            t = [ids.get(t, unk) for t in _tokens(tgt)][: max_len - 1]
            out.append((s, t, tokenizer.start_id(lang)))
    return out


_TOKEN_CACHE: dict[str, list[str]] = {}


def _tokens(text: str) -> list[str]:
    if text not in _TOKEN_CACHE:
        _TOKEN_CACHE[text] = tokenize(text)
    return _TOKEN_CACHE[text]


def make_batches(examples, max_tokens: int, rng: random.Random, pad_id: int, eos_id: int,
                 chunk: int = 50) -> list[Batch]:
    """Shuffle, then sort within chunks by length and cut batches of about ``max_tokens``.

    Sorting only within chunks keeps batches varied while most sentences in a batch have about
    the same length, so padding costs little (§5.1: batched "by approximate sequence length").
    """
    order = list(range(len(examples)))
    rng.shuffle(order)
    batches: list[Batch] = []
    approx = max(1, max_tokens // 16)
    span = approx * chunk
    for c in range(0, len(order), span):
        # Source + target length is the same for both directions of a pair, so batches of
        # similar length still mix English -> Chinese with Chinese -> English.
        part = sorted(order[c : c + span], key=lambda i: len(examples[i][0]) + len(examples[i][1]))
        group: list[int] = []
        width = 0
        for i in part:
            s, t, _ = examples[i]
            w = max(width, len(s) + len(t) + 1)
            if group and w * (len(group) + 1) > max_tokens:
                batches.append(_collate([examples[j] for j in group], pad_id, eos_id))
                group, w = [], len(s) + len(t) + 1
            group.append(i)
            width = w
        if group:
            batches.append(_collate([examples[j] for j in group], pad_id, eos_id))
    rng.shuffle(batches)
    return batches


def _collate(items, pad_id: int, eos_id: int) -> Batch:
    b = len(items)
    s_len = max(len(s) for s, _, _ in items)
    t_len = max(len(t) for _, t, _ in items) + 1
    src = torch.full((b, s_len), pad_id, dtype=torch.long)
    tgt_in = torch.full((b, t_len), pad_id, dtype=torch.long)
    tgt_out = torch.full((b, t_len), pad_id, dtype=torch.long)
    n = 0
    for row, (s, t, start) in enumerate(items):
        src[row, : len(s)] = torch.tensor(s, dtype=torch.long)
        tgt_in[row, : len(t) + 1] = torch.tensor([start] + t, dtype=torch.long)
        tgt_out[row, : len(t) + 1] = torch.tensor(t + [eos_id], dtype=torch.long)
        n += len(t) + 1
    return Batch(src, tgt_in, tgt_out, n)


def training_exclusion() -> frozenset[str]:
    """Normalised sentences training must not see: both hand-written test sets (the classroom
    sentences and the natural set), sources and every accepted translation."""
    kept_out = natural_sentences() if NATURAL_FILE.is_file() else []
    if CLASSROOM_FILE.is_file():
        rows = load_classroom(CLASSROOM_FILE)
        kept_out += [r["source"] for r in rows] + [r["target"] for r in rows]
    return exclusion_set(kept_out)


class Observer:
    """What the loop tells its caller; every method does nothing here, a caller overrides some.

    :mod:`training.train` writes ``progress.json`` and live model folders with one, the
    film (:mod:`training.film`) saves snapshots with one. Only rank 0 of a distributed run
    has an observer.
    """

    def start(self, model: Transformer, tokenizer: Tokenizer, info: dict) -> None:
        """Before the first step: ``model`` holds the random initial weights W0."""

    def after_step(self, step: int, model: Transformer, loss: float) -> None:
        """After each optimizer step (the weights are those of ``step``)."""

    def logged(self, step: int, record: dict, model: Transformer) -> None:
        """After a log record (loss, and at eval steps exact match) was appended."""

    def should_stop(self) -> bool:
        """True to end training after the current step (e.g. on SIGTERM)."""
        return False


def grad_norms(model: Transformer) -> dict[str, float]:
    """The gradient's L2 norm per layer: embed, enc.0, enc.1, ..., dec.0, ... (after backward)."""
    squares: dict[str, float] = {}
    for name, param in model.named_parameters():
        if param.grad is None:
            continue
        parts = name.split(".")
        group = f"{parts[0]}.{parts[2]}" if len(parts) > 2 and parts[1] == "blocks" \
            else parts[0]
        squares[group] = squares.get(group, 0.0) + float(param.grad.detach().float().pow(2).sum())
    return {group: round(math.sqrt(v), 5) for group, v in squares.items()}


def exact_match(model: Transformer, tokenizer: Tokenizer,
                heldout: dict[str, list[tuple[str, str]]]) -> dict[str, dict]:
    """``{"en2zh": {"exact_match", "n"}, ...}`` on given (source, reference) pairs (greedy)."""
    from training.evaluate import DIRECTIONS, exact, translate

    out = {}
    for direction, pairs in heldout.items():
        hyps = translate(model, tokenizer, [s for s, _ in pairs], DIRECTIONS[direction])
        hits = sum(exact(h, r) for h, (_, r) in zip(hyps, pairs))
        out[direction] = {"exact_match": round(hits / max(len(pairs), 1), 4), "n": len(pairs)}
    return out


def mean_exact(scores: dict[str, dict]) -> float:
    """Both directions' exact match, averaged."""
    return round(sum(r["exact_match"] for r in scores.values()) / max(len(scores), 1), 4)


def distributed() -> tuple[int, int]:
    """(rank, world size): (0, 1) unless started by torchrun with more than one process."""
    import torch.distributed as dist

    if int(os.environ.get("WORLD_SIZE", "1")) <= 1:
        return 0, 1
    if not dist.is_initialized():
        backend = "nccl" if torch.cuda.is_available() else "gloo"
        dist.init_process_group(backend)
    return dist.get_rank(), dist.get_world_size()


def _agree(flag: bool, world: int) -> bool:
    """True when any rank says True (so every rank stops at the same step)."""
    if world == 1:
        return flag
    import torch.distributed as dist

    t = torch.tensor([1.0 if flag else 0.0])
    dist.all_reduce(t, op=dist.ReduceOp.MAX)
    return bool(t.item() > 0)


def _whole_batch_loss(loss: torch.Tensor, world: int) -> float:
    """The whole batch's mean loss per token, from this rank's scaled share."""
    value = loss.detach() / world
    if world > 1:
        import torch.distributed as dist

        dist.all_reduce(value)
    return float(value)


def batch_loss(model, batch: Batch, device: torch.device, pad_id: int, vocab_size: int,
               label_smoothing: float, precision: str, rank: int = 0, world: int = 1
               ) -> torch.Tensor:
    """This rank's share of the batch's loss, scaled so that DDP's mean over ranks of the
    gradients equals the gradient of the whole batch's mean loss per target token.

    Rank r takes rows r, r + world, ...; its summed loss is divided by the whole batch's
    target tokens and multiplied by ``world`` (DDP divides the summed gradients by ``world``).
    """
    n_tokens = int((batch.tgt_out != pad_id).sum())
    rows = slice(rank, None, world)
    src, tgt_in, tgt_out = batch.src[rows], batch.tgt_in[rows], batch.tgt_out[rows]
    if src.shape[0] == 0:  # fewer rows than ranks: take part in the all-reduce with zeros
        return sum(p.sum() * 0.0 for p in model.parameters())
    with torch.autocast(device.type, dtype=torch.bfloat16, enabled=precision == "bf16"):
        logits = model(src.to(device), tgt_in.to(device))  # [b, t, vocab]
    # §5.4: label smoothing spreads ε_ls of each target's probability over the vocabulary.
    total = F.cross_entropy(logits.float().reshape(-1, vocab_size), tgt_out.to(device).reshape(-1),
                            ignore_index=pad_id, label_smoothing=label_smoothing,
                            reduction="sum")
    return total * (world / max(n_tokens, 1))


def train(args: argparse.Namespace, *, tokenizer: Tokenizer | None = None,
          init: dict[str, torch.Tensor] | None = None, pairs=None,
          heldout: dict[str, list[tuple[str, str]]] | None = None,
          observer: Observer | None = None) -> dict:
    """Train, save the checkpoint folder, and return what was written to training.json.

    Under ``torchrun`` with several processes the model is wrapped in
    ``DistributedDataParallel``: every rank draws the same batches and takes every
    world-th row of each, so a step sees the same tokens as one process does; only rank 0
    scores, tells the observer and saves.

    Args:
        args: the options of :func:`training.train.parse_args` (``--out`` is the folder).
        tokenizer: a fixed vocabulary instead of one built from the drawn corpus (the
            pre-training comparison uses the shipped model's, which the MLM's extends).
        init: parameters that replace the seeded random ones before the first step, by name
            (e.g. ``embed.weight`` and ``enc.*`` from a pre-trained encoder); each must exist
            in the model with the same shape.
        pairs: the training pairs instead of a sample of the full corpus (the tiny preset's).
        heldout: (source, reference) pairs per direction to score exact match on, every
            ``--eval-every`` steps and at the end, instead of the full corpus's held-out set.
        observer: told about W0, every step and every log record (see :class:`Observer`).
    """
    t_start = time.time()
    cpu_start = time.process_time()
    load_start = _load_average()
    rank, world = distributed()
    device = pick_device(args.device)
    if world > 1 and device.type == "cuda":
        device = torch.device("cuda", int(os.environ.get("LOCAL_RANK", "0")))
    args.precision = resolve_precision(args.precision, device)
    torch.set_num_threads(args.threads)
    random.seed(args.seed)
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    observer = observer if (observer is not None and rank == 0) else Observer()

    # -- data ---------------------------------------------------------------------------------
    exclude = frozenset() if args.no_exclude_classroom else training_exclusion()
    if pairs is None:
        pairs = sample_pairs(args.pairs, seed=args.seed, split="train", exclude=exclude)
        pairs += seed_pairs() * 20  # the article's two sentences are the app's defaults
    else:
        pairs = [p for p in pairs if p.pattern == "phrase" or not exclude
                 or (normalise(p.en) not in exclude and normalise(p.zh) not in exclude)]
    if tokenizer is None:
        tokenizer = Tokenizer.from_corpus(s for p in pairs for s in (p.en, p.zh))
    examples = build_examples(pairs, tokenizer, args.max_train_len)
    t_data = time.time() - t_start

    # -- model --------------------------------------------------------------------------------
    cfg = ModelConfig(vocab_size=len(tokenizer), d_model=args.d_model, n_heads=args.heads,
                      n_layers=args.layers, d_ff=args.d_ff, max_len=args.max_len,
                      dropout=args.dropout, pad_id=tokenizer.pad_id)
    model = Transformer(cfg).to(device)
    if init:
        load_initial(model, init)
    runner = model
    if world > 1:
        from torch.nn.parallel import DistributedDataParallel

        runner = DistributedDataParallel(
            model, device_ids=[device.index] if device.type == "cuda" else None)
    # §5.3: Adam with β1 = 0.9, β2 = 0.98, ε = 1e-9; the rate is set every step below.
    optimizer = torch.optim.Adam(model.parameters(), lr=0.0, betas=(0.9, 0.98), eps=1e-9)
    eval_every = getattr(args, "eval_every", 0)
    observer.start(model, tokenizer, {"steps": args.steps, "world_size": world})

    # -- loop ---------------------------------------------------------------------------------
    log: list[dict] = []
    evals: list[dict] = []
    snapshots: list[dict] = []  # weights at the last few checkpoints, averaged at the end
    snapshot_steps: list[int] = []
    batches: list[Batch] = []
    epoch = 0
    seen_examples = 0
    seen_tokens = 0
    window_loss, window_n = 0.0, 0
    t_train = time.time()
    limit = args.max_minutes * 60 if args.max_minutes > 0 else math.inf
    if getattr(args, "max_seconds", None):
        limit = min(limit, args.max_seconds)
    bar = tqdm(total=args.steps, disable=args.quiet or rank > 0, unit="step",
               dynamic_ncols=True, file=sys.stderr)
    step = 0
    model.train()
    while step < args.steps:
        if _agree(time.time() - t_train >= limit or observer.should_stop(), world):
            break
        if not batches:
            batches = make_batches(examples, args.batch_tokens, rng, tokenizer.pad_id,
                                   tokenizer.eos_id)
            batches.reverse()  # pop() from the end keeps the shuffled order
            epoch += 1
        batch = batches.pop()
        step += 1
        lr = learning_rate(step, cfg.d_model, args.warmup, args.lr_factor)
        for group in optimizer.param_groups:
            group["lr"] = lr
        loss = batch_loss(runner, batch, device, tokenizer.pad_id, cfg.vocab_size,
                          args.label_smoothing, args.precision, rank, world)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        logging = step % args.log_every == 0 or step == args.steps or step == 1
        norms = grad_norms(model) if logging else None
        optimizer.step()

        seen_examples += batch.src.shape[0]
        seen_tokens += batch.n_tokens
        value = _whole_batch_loss(loss, world)
        window_loss += value
        window_n += 1
        elapsed = time.time() - t_train
        observer.after_step(step, model, value)
        if logging:
            record = {"step": step, "loss": round(window_loss / window_n, 4),
                      "lr": round(lr, 7), "time_s": round(elapsed, 1),
                      "examples": seen_examples, "grad_norm": norms}
            window_loss, window_n = 0.0, 0
            if heldout is not None and rank == 0 and eval_every and (
                    step % eval_every == 0 or step == 1):
                model.eval()
                t_eval = time.time()
                record["exact_match"] = mean_exact(exact_match(model, tokenizer, heldout))
                model.train()
                t_train += time.time() - t_eval  # scoring is not training time
            log.append(record)
            observer.logged(step, record, model)
        if heldout is None and eval_every and step % eval_every == 0 and step < args.steps \
                and rank == 0:
            model.eval()
            t_eval = time.time()
            scores = evaluate_heldout(model, tokenizer, 200)
            evals.append({"step": step, "time_s": round(elapsed, 1), **scores})
            bar.write(f"step {step}: " + ", ".join(
                f"{d} exact {r['exact_match']:.1%} BLEU {r['bleu']:.1f}"
                for d, r in scores.items()))
            model.train()
            t_train += time.time() - t_eval  # scoring is not training time
        if args.average_last > 1 and (args.steps - step) % args.average_every == 0 \
                and args.steps - step < args.average_last * args.average_every:
            snapshots.append({k: v.detach().clone() for k, v in model.state_dict().items()})
            snapshot_steps.append(step)
        bar.set_postfix(loss=f"{value:.3f}", lr=f"{lr:.2e}",
                        tok_s=f"{seen_tokens / max(elapsed, 1e-9):.0f}",
                        ex_s=f"{seen_examples / max(elapsed, 1e-9):.0f}", refresh=False)
        bar.update(1)
    bar.close()
    train_s = time.time() - t_train
    if len(snapshots) > 1:
        # §6.1: "a single model obtained by averaging the last 5 checkpoints".
        model.load_state_dict({k: sum(s[k] for s in snapshots) / len(snapshots)
                               for k in snapshots[0]})
    model.eval()

    # -- final score and save ------------------------------------------------------------------
    final = {}
    if rank == 0 and heldout is not None:
        final = exact_match(model, tokenizer, heldout)
    elif rank == 0 and args.eval_n > 0:
        final = evaluate_heldout(model, tokenizer, args.eval_n)
    wall_s = time.time() - t_start
    cpu_s = time.process_time() - cpu_start
    training = {
        "command": COMMAND + " " + " ".join(shlex.quote(a) for a in _argv(args)),
        "seed": args.seed,
        "device": str(device),
        "device_name": _device_name(device),
        "torch": torch.__version__,
        "threads": args.threads,
        "world_size": world,
        "wall_time_s": round(wall_s, 1),
        # CPU seconds this process used, and the machine's load average (1 min) at the start
        # and end: when other programs share the cores, wall time grows but CPU time does not.
        "cpu_time_s": round(cpu_s, 1),
        "load_average": [load_start, _load_average()],
        "train_time_s": round(train_s, 1),
        "data_time_s": round(t_data, 1),
        "steps": step,
        "epochs": epoch,
        "examples_seen": seen_examples,
        "target_tokens_seen": seen_tokens,
        "tokens_per_s": round(seen_tokens / max(train_s, 1e-9)),
        "recipe": {
            "optimizer": "Adam", "beta1": 0.9, "beta2": 0.98, "eps": 1e-9,
            "schedule": "d_model^-0.5 * min(step^-0.5, step * warmup^-1.5)",
            "warmup": args.warmup, "lr_factor": args.lr_factor,
            "label_smoothing": args.label_smoothing, "dropout": args.dropout,
            "batch_tokens": args.batch_tokens, "precision": args.precision,
        },
        "corpus": {
            "train_pairs": len(pairs), "train_examples": len(examples),
            "vocab_size": len(tokenizer), "test_fraction": TEST_FRACTION,
            "classroom_sentences_excluded": bool(exclude),
            "preset": getattr(args, "preset", None),
        },
        "averaged_checkpoints": snapshot_steps if len(snapshots) > 1 else [],
        "loss_every": args.log_every,
        "log": log,
        "evals": evals,
        "final": final,
    }
    if rank == 0:
        save_checkpoint(args.out, model, tokenizer, training)
    if world > 1:
        import torch.distributed as dist

        dist.barrier()  # the other ranks wait until rank 0 has written the folder
    return training


def load_initial(model: Transformer, init: dict[str, torch.Tensor]) -> None:
    """Copy ``init``'s tensors into the model's parameters of the same names.

    Raises:
        ValueError: a name the model lacks, or a shape that differs.
    """
    own = model.state_dict()
    for name, value in init.items():
        if name not in own or own[name].shape != value.shape:
            raise ValueError(f"initial weight {name} {tuple(value.shape)} does not fit the "
                             f"model ({tuple(own[name].shape) if name in own else 'no such'})")
    with torch.no_grad():
        for name, value in init.items():
            own[name].copy_(value)


def _load_average() -> float | None:
    try:
        return round(os.getloadavg()[0], 2)
    except (AttributeError, OSError):  # not on every platform
        return None


def resolve_precision(precision: str, device: torch.device) -> str:
    """"auto" becomes bf16 where matrix products in bf16 are fast, else fp32."""
    if precision != "auto":
        return precision
    if device.type == "cuda":
        return "bf16" if torch.cuda.is_bf16_supported() else "fp32"
    cpu = getattr(torch, "cpu", None)
    fast = any(getattr(cpu, name, lambda: False)()
               for name in ("_is_amx_tile_supported", "_is_avx512_bf16_supported"))
    return "bf16" if fast else "fp32"


def _argv(args: argparse.Namespace) -> list[str]:
    """The command line that reproduces this run, every option spelled out."""
    out = []
    for key, value in vars(args).items():
        flag = "--" + key.replace("_", "-")
        if isinstance(value, Path) and value.resolve().is_relative_to(ROOT):
            value = value.resolve().relative_to(ROOT)
        if isinstance(value, bool):
            if value:
                out.append(flag)
        else:
            out += [flag, str(value)]
    return out


def _device_name(device: torch.device) -> str:
    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    return platform.processor() or platform.machine()
