"""Train one Transformer that translates both ways, Chinese ⇄ English, with the paper's recipe.

    python -m models.train --out models/checkpoints/zh-en-small

The defaults are the shipped model's recipe (seed 0); ``training.json`` records the full
command. One model serves both directions: the encoder reads the sentence, and the decoder's
first token (``<2en>`` or ``<2zh>``) says which language to write. Every batch mixes both.

The recipe follows "Attention Is All You Need" where it fits a small model on two CPU cores:

* Adam with β1 = 0.9, β2 = 0.98, ε = 1e-9 (§5.3);
* lrate = d_model^-0.5 · min(step^-0.5, step · warmup^-1.5) (§5.3). The run is 4400 steps,
  not 100 000, so warm-up is 800 steps instead of 4000, and the rate is halved (``--lr-factor
  0.5``): with d_model 128 and a short warm-up the formula alone would peak several times
  above the paper's own peak;
* label smoothing ε_ls = 0.1 (§5.4);
* batches of sentences of about equal length (§5.1), ~1024 tokens each: on a CPU, time grows
  with tokens, not batches, so small batches buy more updates for the same minutes;
* the final weights average the last 5 checkpoints, 150 steps apart (§6.1).

One departure: dropout (§5.4) is 0. The corpus draws a fresh sentence for nearly every
example, so there is nothing to over-fit, and dropout only slowed learning in our trials. The
matrix products run in bfloat16 where the hardware has it (``--precision``); weights stay fp32.

The folder it writes (``model.safetensors``, ``config.json``, ``vocab.json``, ``training.json``)
is what the app loads; ``training.json`` keeps the loss curve, the final held-out scores, the
seed, the command, the device and the wall time.
"""

from __future__ import annotations

import os

# Other programs often share this machine's two cores; OpenMP threads that spin while they
# wait then slow training several times over. Waiting passively costs little when alone.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import argparse  # noqa: E402
import math  # noqa: E402
import platform
import random  # noqa: E402
import shlex  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from tqdm import tqdm  # noqa: E402

from models.config import ModelConfig  # noqa: E402
from models.corpus import TEST_FRACTION, exclusion_set, sample_pairs, seed_pairs  # noqa: E402
from models.device import pick_device  # noqa: E402
from models.tokenizer import Tokenizer, tokenize  # noqa: E402
from models.transformer import Transformer  # noqa: E402

DEFAULT_OUT = Path(__file__).resolve().parent / "checkpoints" / "zh-en-small"


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
    """(source ids, target ids, start id) for every direction each pair teaches."""
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


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m models.train", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help="checkpoint folder to write")
    p.add_argument("--seed", type=int, default=0, help="seeds the corpus, init and batches")
    p.add_argument("--device", default="auto", help="auto (CUDA when present), cpu, cuda")
    p.add_argument("--threads", type=int, default=2, help="CPU threads (torch.set_num_threads)")
    p.add_argument("--pairs", type=int, default=220_000, help="training sentence pairs to draw")
    p.add_argument("--steps", type=int, default=4400, help="optimizer steps")
    p.add_argument("--max-minutes", type=float, default=0.0,
                   help="also stop after this many minutes of training (0: no limit); "
                        "a time limit makes the run depend on machine speed")
    p.add_argument("--batch-tokens", type=int, default=1024,
                   help="padded source + target tokens per batch")
    p.add_argument("--warmup", type=int, default=800, help="warm-up steps of §5.3's schedule")
    p.add_argument("--lr-factor", type=float, default=0.5,
                   help="multiplies §5.3's learning rate (1.0: the paper's formula, which with "
                        "d_model 128 and a short warm-up peaks 6 times higher than the paper's)")
    p.add_argument("--label-smoothing", type=float, default=0.1, help="ε_ls of §5.4")
    p.add_argument("--d-model", type=int, default=128)
    p.add_argument("--heads", type=int, default=4)
    p.add_argument("--layers", type=int, default=3, help="encoder layers (= decoder layers)")
    p.add_argument("--d-ff", type=int, default=512)
    p.add_argument("--dropout", type=float, default=0.0,
                   help="P_drop of §5.4; 0 by default: the corpus never repeats a batch, so "
                        "there is nothing to over-fit, and dropout only slows learning")
    p.add_argument("--precision", choices=["auto", "fp32", "bf16"], default="auto",
                   help="bf16 autocast for the matrix products (weights stay fp32); auto: "
                        "bf16 where the hardware has it (CUDA, or a CPU with AVX512-BF16/AMX)")
    p.add_argument("--max-len", type=int, default=64, help="longest sequence the model accepts")
    p.add_argument("--average-last", type=int, default=5,
                   help="average the weights of the last N checkpoints, as §6.1 does "
                        "(1: keep the last weights)")
    p.add_argument("--average-every", type=int, default=150,
                   help="steps between the checkpoints that are averaged")
    p.add_argument("--log-every", type=int, default=20, help="record the loss every N steps")
    p.add_argument("--eval-n", type=int, default=500,
                   help="held-out sentences per direction scored at the end (0: skip)")
    p.add_argument("--eval-every", type=int, default=0,
                   help="also score 200 held-out sentences per direction every N steps "
                        "(0: only at the end); recorded in training.json under evals")
    p.add_argument("--no-exclude-classroom", action="store_true",
                   help="do not keep tests/data/classroom_sentences.tsv out of training")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    return p.parse_args(argv)


def train(args: argparse.Namespace) -> dict:
    """Train, save the checkpoint folder, and return what was written to training.json."""
    t_start = time.time()
    cpu_start = time.process_time()
    load_start = _load_average()
    device = pick_device(args.device)
    args.precision = resolve_precision(args.precision, device)
    torch.set_num_threads(args.threads)
    random.seed(args.seed)
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)

    # -- data ---------------------------------------------------------------------------------
    exclude = frozenset()
    if not args.no_exclude_classroom:
        from models.evaluate import CLASSROOM_FILE, load_classroom

        if CLASSROOM_FILE.is_file():
            rows = load_classroom(CLASSROOM_FILE)
            exclude = exclusion_set([r["source"] for r in rows] + [r["target"] for r in rows])
    pairs = sample_pairs(args.pairs, seed=args.seed, split="train", exclude=exclude)
    pairs += seed_pairs() * 20  # the article's two sentences are the app's defaults
    tokenizer = Tokenizer.from_corpus(s for p in pairs for s in (p.en, p.zh))
    examples = build_examples(pairs, tokenizer, args.max_len)
    t_data = time.time() - t_start

    # -- model --------------------------------------------------------------------------------
    cfg = ModelConfig(vocab_size=len(tokenizer), d_model=args.d_model, n_heads=args.heads,
                      n_layers=args.layers, d_ff=args.d_ff, max_len=args.max_len,
                      dropout=args.dropout, pad_id=tokenizer.pad_id)
    model = Transformer(cfg).to(device)
    # §5.3: Adam with β1 = 0.9, β2 = 0.98, ε = 1e-9; the rate is set every step below.
    optimizer = torch.optim.Adam(model.parameters(), lr=0.0, betas=(0.9, 0.98), eps=1e-9)

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
    bar = tqdm(total=args.steps, disable=args.quiet, unit="step", dynamic_ncols=True,
               file=sys.stderr)
    step = 0
    model.train()
    while step < args.steps and time.time() - t_train < limit:
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
        with torch.autocast(device.type, dtype=torch.bfloat16,
                            enabled=args.precision == "bf16"):
            logits = model(batch.src.to(device), batch.tgt_in.to(device))  # [b, t, vocab]
        logits = logits.float()
        # §5.4: label smoothing spreads ε_ls of each target's probability over the vocabulary.
        loss = F.cross_entropy(logits.reshape(-1, cfg.vocab_size),
                               batch.tgt_out.to(device).reshape(-1),
                               ignore_index=tokenizer.pad_id,
                               label_smoothing=args.label_smoothing)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()

        seen_examples += batch.src.shape[0]
        seen_tokens += batch.n_tokens
        window_loss += loss.item()
        window_n += 1
        elapsed = time.time() - t_train
        if step % args.log_every == 0 or step == args.steps or step == 1:
            log.append({"step": step, "loss": round(window_loss / window_n, 4),
                        "lr": round(lr, 7), "time_s": round(elapsed, 1),
                        "examples": seen_examples})
            window_loss, window_n = 0.0, 0
        if args.eval_every and step % args.eval_every == 0 and step < args.steps:
            from models.evaluate import evaluate_heldout

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
        bar.set_postfix(loss=f"{loss.item():.3f}", lr=f"{lr:.2e}",
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
    if args.eval_n > 0:
        from models.evaluate import evaluate_heldout

        final = evaluate_heldout(model, tokenizer, args.eval_n)
    wall_s = time.time() - t_start
    cpu_s = time.process_time() - cpu_start
    training = {
        "command": "python -m models.train " + " ".join(shlex.quote(a) for a in _argv(args)),
        "seed": args.seed,
        "device": str(device),
        "device_name": _device_name(device),
        "torch": torch.__version__,
        "threads": args.threads,
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
        },
        "averaged_checkpoints": snapshot_steps if len(snapshots) > 1 else [],
        "loss_every": args.log_every,
        "log": log,
        "evals": evals,
        "final": final,
    }
    from models.checkpoint import save_checkpoint

    save_checkpoint(args.out, model, tokenizer, training)
    return training


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
    root = Path(__file__).resolve().parents[1]
    for key, value in vars(args).items():
        flag = "--" + key.replace("_", "-")
        if isinstance(value, Path) and value.resolve().is_relative_to(root):
            value = value.resolve().relative_to(root)
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


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    training = train(args)
    final = training["final"]
    print(f"wrote {args.out} in {training['wall_time_s']:.0f} s "
          f"({training['steps']} steps, last loss {training['log'][-1]['loss']:.3f})")
    for direction, r in final.items():
        print(f"  {direction}: exact match {r['exact_match']:.2%}, BLEU {r['bleu']:.2f}, "
              f"n {r['n']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
