"""Pre-train our small BERT (``models/mlm.py``) on the bilingual corpus with BERT's recipe.

    python -m training.mlm --out models/checkpoints/mlm-small

README keeps the exact command that built the shipped folder; ``training.json`` records it.
The text is monolingual: every training pair of the corpus (``training/corpus``) gives its
English sentence and its Chinese sentence, each a sentence of its own. Held-out combinations
(the corpus's test split, by (subject, verb, object)) never enter training.

BERT's recipe (Devlin et al. 2019, §3.1 "Task #1: Masked LM" and Appendix A):

* 15 % of the tokens of each sentence are chosen (each token on its own, with probability
  0.15); of the chosen, 80 % are replaced by ``[MASK]``, 10 % by a random word, 10 % are kept,
  so the model cannot learn that only ``[MASK]`` positions matter;
* cross-entropy on the chosen positions only;
* Adam (β1 0.9, β2 0.999, ε 1e-6) with weight decay 0.01, the learning rate warmed up
  linearly, then decayed linearly to 0.

Where we differ, and why: the masks are drawn afresh for every batch (RoBERTa's "dynamic
masking"; BERT drew 10 fixed masks per sentence) because it costs nothing here; no
next-sentence task and no ``[CLS]``/``[SEP]``, since our sentences come one at a time; a peak
rate of 1e-3 and a short warm-up for a small model and a run of minutes, not days; dropout 0,
as for the translation model: the corpus draws fresh sentences, so there is little to
over-fit.

Evaluation (:func:`evaluate_mlm`, also ``python -m models.evaluate --model mlm``): one token
(an English word or a Chinese character, never punctuation) chosen at random in each held-out
sentence is replaced by ``[MASK]``; top-1 and top-5 say how often the covered token is the
model's first guess, or among its five best.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shlex
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # torch is imported inside functions: main() sets OMP_WAIT_POLICY first
    import torch

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "models" / "checkpoints" / "mlm-small"
TRANSLATION_VOCAB = ROOT / "models" / "checkpoints" / "zh-en-small" / "vocab.json"
COMMAND = "python -m training.mlm"
EVAL_SEED = 2024  # the held-out stream (the translation model's evaluation draws from it too)
EVAL_N = 1000  # held-out sentences (half English, half Chinese)
SEED_COPIES = 20  # the article's sentences are the app's defaults (as in training.train)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The pre-training options; the defaults are the shipped model's recipe."""
    p = argparse.ArgumentParser(prog=COMMAND, description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help="model folder to write")
    p.add_argument("--seed", type=int, default=0, help="seeds the corpus, init, batches, masks")
    p.add_argument("--device", default="auto", help="auto (CUDA when present), cpu, cuda")
    p.add_argument("--threads", type=int, default=1, help="CPU threads (torch.set_num_threads)")
    p.add_argument("--pairs", type=int, default=200_000,
                   help="training pairs to draw; each gives two sentences")
    p.add_argument("--steps", type=int, default=3000, help="optimizer steps")
    p.add_argument("--batch-tokens", type=int, default=2048, help="padded tokens per batch")
    p.add_argument("--lr", type=float, default=1e-3, help="peak learning rate")
    p.add_argument("--warmup", type=int, default=300, help="steps of linear warm-up")
    p.add_argument("--weight-decay", type=float, default=0.01, help="decoupled (AdamW)")
    p.add_argument("--mask-rate", type=float, default=0.15,
                   help="share of tokens chosen for prediction (BERT: 0.15)")
    p.add_argument("--d-model", type=int, default=128)
    p.add_argument("--heads", type=int, default=4)
    p.add_argument("--layers", type=int, default=3)
    p.add_argument("--d-ff", type=int, default=512)
    p.add_argument("--dropout", type=float, default=0.0)
    p.add_argument("--precision", choices=["auto", "fp32", "bf16"], default="auto",
                   help="bf16 autocast for the matrix products (weights stay fp32)")
    p.add_argument("--max-len", type=int, default=512,
                   help="longest input the saved model accepts (positions are computed)")
    p.add_argument("--max-train-len", type=int, default=64,
                   help="training sentences are cut to this many tokens")
    p.add_argument("--log-every", type=int, default=20, help="record the loss every N steps")
    p.add_argument("--eval-n", type=int, default=EVAL_N,
                   help="held-out sentences scored at the end (0: skip)")
    p.add_argument("--eval-every", type=int, default=500,
                   help="also score 200 held-out sentences every N steps (0: only at the end)")
    p.add_argument("--vocab", type=Path, default=TRANSLATION_VOCAB,
                   help="the translation model's vocab.json; [MASK] is appended to it")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    args = p.parse_args(argv)
    if args.max_train_len > args.max_len:
        p.error(f"--max-train-len {args.max_train_len} exceeds --max-len {args.max_len}")
    if not 0.0 < args.mask_rate < 1.0:
        p.error("--mask-rate must be between 0 and 1")
    return args


# --------------------------------------------------------------------------------------------
# Sentences: training (train split) and held-out (test split)
# --------------------------------------------------------------------------------------------


def training_sentences(pairs: int, seed: int) -> list[str]:
    """Monolingual training sentences: both sides of ``pairs`` train-split pairs, then the
    article's two pairs. The hand-written test sets stay out, as for the translation model."""
    from training import evaluate
    from training.corpus import exclusion_set, sample_pairs, seed_pairs

    kept_out: list[str] = []
    if evaluate.CLASSROOM_FILE.is_file():
        rows = evaluate.load_classroom(evaluate.CLASSROOM_FILE)
        kept_out += [r["source"] for r in rows] + [r["target"] for r in rows]
    natural = getattr(evaluate, "NATURAL_FILE", None)
    if natural is not None and natural.is_file():
        kept_out += evaluate.natural_sentences(natural)
    exclude = exclusion_set(kept_out) if kept_out else frozenset()
    drawn = sample_pairs(pairs, seed=seed, split="train", exclude=exclude)
    drawn += seed_pairs() * SEED_COPIES
    return [s for pair in drawn for s in (pair.en, pair.zh)]


@lru_cache(maxsize=4)
def _training_set(pairs: int, seed: int) -> frozenset[str]:
    return frozenset(training_sentences(pairs, seed))


def heldout_sentences(n: int = EVAL_N, seed: int = EVAL_SEED,
                      seen: frozenset[str] = frozenset(),
                      readable: Callable[[str], bool] | None = None) -> list[str]:
    """``n`` distinct held-out sentences, alternately English and Chinese (test split only:
    combinations never in training), leaving out any sentence in ``seen`` and, with
    ``readable``, any it rejects (a word outside the model's vocabulary)."""
    from training.corpus import sample_pairs

    out: list[str] = []
    taken = set(seen)
    chunk = 2 * n + 10
    offset = 0
    while len(out) < n:
        # The stream is deterministic: drawing more and skipping what we had is drawing once.
        pairs = sample_pairs(offset + chunk, seed=seed, split="test")[offset:]
        offset += chunk
        for pair in pairs:
            for sentence in (pair.en, pair.zh):
                if len(out) < n and sentence not in taken and (
                        readable is None or readable(sentence)):
                    taken.add(sentence)
                    out.append(sentence)
    return out


def _is_word(token: str) -> bool:
    """A token worth covering: a word or a character, not punctuation."""
    return any(ch.isalnum() for ch in token)


def masked_example(sentence: str, seed: int = EVAL_SEED) -> tuple[list[str], int]:
    """The sentence's tokens and the position of the one token to cover, chosen at random
    among its words (never punctuation), by a generator seeded by the sentence itself, so each
    sentence's choice does not depend on which others are scored with it."""
    from models.tokenizer import tokenize

    tokens = tokenize(sentence)
    words = [i for i, tok in enumerate(tokens) if _is_word(tok)]
    return tokens, random.Random(f"{seed}|{sentence}").choice(words)


# --------------------------------------------------------------------------------------------
# BERT's masking recipe
# --------------------------------------------------------------------------------------------


def mask_tokens(ids, real, mask_id: int, word_ids: range, generator, rate: float = 0.15):
    """BERT's corruption (§3.1): choose each real token with probability ``rate``; of the
    chosen, 80 % become ``[MASK]``, 10 % a random word, 10 % stay as they are.

    Args:
        ids: [b, s] long token ids.
        real: [b, s] bool, True for tokens that may be chosen (not padding).
        mask_id: the id of ``[MASK]``.
        word_ids: ids a random replacement is drawn from (ordinary tokens only).
        generator: a seeded ``torch.Generator`` (the masks are drawn afresh for each batch).
        rate: the share of tokens chosen.

    Returns:
        (inputs [b, s], chosen [b, s] bool): the corrupted ids the model reads, and where the
        loss is taken (the original ids are the labels there).
    """
    import torch

    u = torch.rand(ids.shape, generator=generator)
    chosen = real & (u < rate)
    # One more uniform draw splits the chosen 80 / 10 / 10.
    split = torch.rand(ids.shape, generator=generator)
    to_mask = chosen & (split < 0.8)
    to_random = chosen & (split >= 0.8) & (split < 0.9)
    random_ids = torch.randint(word_ids.start, word_ids.stop, ids.shape, generator=generator)
    inputs = torch.where(to_mask, torch.full_like(ids, mask_id), ids)
    inputs = torch.where(to_random, random_ids, inputs)
    return inputs, chosen


@dataclass(frozen=True)
class Batch:
    ids: torch.Tensor  # [b, s], padded
    n_tokens: int


def make_batches(sequences: list[list[int]], max_tokens: int, rng: random.Random,
                 pad_id: int, chunk: int = 50) -> list[Batch]:
    """Shuffle, sort within chunks by length, cut batches of about ``max_tokens`` padded tokens
    (as ``training.recipe.make_batches``: little padding, varied batches)."""

    order = list(range(len(sequences)))
    rng.shuffle(order)
    batches: list[Batch] = []
    span = max(1, max_tokens // 8) * chunk
    for c in range(0, len(order), span):
        part = sorted(order[c : c + span], key=lambda i: len(sequences[i]))
        group: list[int] = []
        width = 0
        for i in part:
            w = max(width, len(sequences[i]))
            if group and w * (len(group) + 1) > max_tokens:
                batches.append(_collate([sequences[j] for j in group], pad_id))
                group, w = [], len(sequences[i])
            group.append(i)
            width = w
        if group:
            batches.append(_collate([sequences[j] for j in group], pad_id))
    rng.shuffle(batches)
    return batches


def _collate(items: list[list[int]], pad_id: int) -> Batch:
    import torch

    ids = torch.full((len(items), max(len(s) for s in items)), pad_id, dtype=torch.long)
    for row, seq in enumerate(items):
        ids[row, : len(seq)] = torch.tensor(seq, dtype=torch.long)
    return Batch(ids, sum(len(s) for s in items))


def learning_rate(step: int, peak: float, warmup: int, total: int) -> float:
    """BERT's schedule: linear warm-up to ``peak`` over ``warmup`` steps, then linear decay to
    0 at step ``total``."""
    if step <= warmup:
        return peak * step / max(warmup, 1)
    return peak * max(0.0, (total - step) / max(total - warmup, 1))


# --------------------------------------------------------------------------------------------
# Evaluation
# --------------------------------------------------------------------------------------------


def evaluate_mlm(model, tokenizer, n: int = EVAL_N, seed: int = EVAL_SEED,
                 seen: frozenset[str] = frozenset(), batch_size: int = 256) -> dict:
    """Top-1 and top-5 accuracy of guessing one covered token per held-out sentence.

    Only sentences the vocabulary covers are scored (a word the model cannot read cannot be
    guessed either). Guesses are ranked among ordinary tokens (no special token, no ``[MASK]``).

    Returns:
        ``{"top1": fraction, "top5": fraction, "n": sentences}``.
    """
    import torch

    from models.tokenizer import tokenize

    def readable(sentence: str) -> bool:
        return all(t in tokenizer.index for t in tokenize(sentence))

    examples = []
    for sentence in heldout_sentences(n, seed, seen, readable):
        tokens, position = masked_example(sentence, seed)
        ids = [tokenizer.index.get(t, tokenizer.unk_id) for t in tokens]
        examples.append((ids, position, ids[position]))
    model.eval()
    words = torch.tensor(list(tokenizer.word_ids))
    top1 = top5 = 0
    with torch.inference_mode():
        for b in range(0, len(examples), batch_size):
            part = examples[b : b + batch_size]
            width = max(len(ids) for ids, _, _ in part)
            src = torch.full((len(part), width), tokenizer.pad_id, dtype=torch.long)
            for row, (ids, position, _) in enumerate(part):
                src[row, : len(ids)] = torch.tensor(ids)
                src[row, position] = tokenizer.mask_id
            logits = model(src.to(model.device)).float().cpu()  # [b, s, vocab]
            rows = torch.arange(len(part))
            at = logits[rows, torch.tensor([p for _, p, _ in part])][:, words]  # [b, words]
            best = words[at.topk(5, dim=-1).indices]  # [b, 5]
            answer = torch.tensor([a for _, _, a in part])[:, None]
            top1 += int((best[:, :1] == answer).sum())
            top5 += int((best == answer).any(-1).sum())
    return {"top1": round(top1 / len(examples), 4), "top5": round(top5 / len(examples), 4),
            "n": len(examples)}


def evaluate_folder(folder=None, n: int = EVAL_N, device: str | None = None) -> dict:
    """Score a saved MLM folder; held-out sentences that occur among its training sentences
    (regenerated from ``training.json``'s ``--pairs`` and ``--seed``) are left out."""
    from models.mlm import load_mlm

    loaded = load_mlm(folder, device)
    corpus = loaded.training.get("corpus", {})
    seen = frozenset()
    if "pairs" in corpus and "seed" in loaded.training:
        seen = _training_set(int(corpus["pairs"]), int(loaded.training["seed"]))
    return evaluate_mlm(loaded.model, loaded.tokenizer, n, seen=seen)


# --------------------------------------------------------------------------------------------
# Training
# --------------------------------------------------------------------------------------------


def train(args: argparse.Namespace) -> dict:
    """Pre-train, save the folder, and return what was written to training.json."""
    import torch
    import torch.nn.functional as F
    from tqdm import tqdm

    from models.config import ModelConfig
    from models.device import pick_device
    from models.mlm import MaskedLM, MaskedTokenizer, save_mlm
    from models.tokenizer import tokenize
    from training.recipe import _argv, _device_name, _load_average, resolve_precision

    t_start = time.time()
    cpu_start = time.process_time()
    load_start = _load_average()
    device = pick_device(args.device)
    args.precision = resolve_precision(args.precision, device)
    torch.set_num_threads(args.threads)
    random.seed(args.seed)
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    generator = torch.Generator().manual_seed(args.seed)

    # -- data ---------------------------------------------------------------------------------
    vocab = json.loads(Path(args.vocab).read_text(encoding="utf-8"))
    tokenizer = MaskedTokenizer.from_translation_vocab(vocab)
    sentences = training_sentences(args.pairs, args.seed)
    seen = frozenset(sentences)
    cache: dict[str, list[int]] = {}
    sequences = []
    for s in sentences:
        if s not in cache:
            cache[s] = [tokenizer.index.get(t, tokenizer.unk_id)
                        for t in tokenize(s)][: args.max_train_len]
        sequences.append(cache[s])
    n_unknown = sum(ids.count(tokenizer.unk_id) for ids in cache.values())
    t_data = time.time() - t_start

    # -- model --------------------------------------------------------------------------------
    cfg = ModelConfig(vocab_size=len(tokenizer), d_model=args.d_model, n_heads=args.heads,
                      n_layers=args.layers, d_ff=args.d_ff, max_len=args.max_len,
                      dropout=args.dropout, pad_id=tokenizer.pad_id)
    model = MaskedLM(cfg).to(device)
    optimizer = torch.optim.AdamW(model.parameters(), lr=0.0, betas=(0.9, 0.999), eps=1e-6,
                                  weight_decay=args.weight_decay)

    # -- loop ---------------------------------------------------------------------------------
    log: list[dict] = []
    evals: list[dict] = []
    batches: list[Batch] = []
    epoch = seen_tokens = chosen_tokens = 0
    window_loss, window_n = 0.0, 0
    t_train = time.time()
    bar = tqdm(total=args.steps, disable=args.quiet, unit="step", dynamic_ncols=True,
               file=sys.stderr)
    model.train()
    step = 0
    while step < args.steps:
        if not batches:
            batches = make_batches(sequences, args.batch_tokens, rng, tokenizer.pad_id)
            batches.reverse()  # pop() from the end keeps the shuffled order
            epoch += 1
        batch = batches.pop()
        step += 1
        lr = learning_rate(step, args.lr, args.warmup, args.steps)
        for group in optimizer.param_groups:
            group["lr"] = lr
        inputs, chosen = mask_tokens(batch.ids, batch.ids != tokenizer.pad_id,
                                     tokenizer.mask_id, tokenizer.word_ids, generator,
                                     args.mask_rate)
        if not bool(chosen.any()):
            chosen[0, 0] = True  # a batch of tiny sentences may draw none: predict one token
        with torch.autocast(device.type, dtype=torch.bfloat16,
                            enabled=args.precision == "bf16"):
            hidden = model.enc.encode(inputs.to(device))  # [b, s, d_model]
            # The head on the chosen positions only: the loss is taken nowhere else.
            logits = model.embed.unembed(hidden[chosen.to(device)])  # [n_chosen, vocab]
        loss = F.cross_entropy(logits.float(), batch.ids[chosen].to(device))
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()

        seen_tokens += batch.n_tokens
        chosen_tokens += int(chosen.sum())
        window_loss += loss.item()
        window_n += 1
        elapsed = time.time() - t_train
        if step % args.log_every == 0 or step == args.steps or step == 1:
            log.append({"step": step, "loss": round(window_loss / window_n, 4),
                        "lr": round(lr, 7), "time_s": round(elapsed, 1)})
            window_loss, window_n = 0.0, 0
        if args.eval_every and step % args.eval_every == 0 and step < args.steps:
            t_eval = time.time()
            scores = evaluate_mlm(model, tokenizer, 200, seen=seen)
            evals.append({"step": step, "time_s": round(elapsed, 1), **scores})
            bar.write(f"step {step}: top-1 {scores['top1']:.1%}, top-5 {scores['top5']:.1%}")
            model.train()
            t_train += time.time() - t_eval  # scoring is not training time
        bar.set_postfix(loss=f"{loss.item():.3f}", lr=f"{lr:.2e}",
                        tok_s=f"{seen_tokens / max(elapsed, 1e-9):.0f}", refresh=False)
        bar.update(1)
    bar.close()
    train_s = time.time() - t_train
    model.eval()

    final = evaluate_mlm(model, tokenizer, args.eval_n, seen=seen) if args.eval_n > 0 else {}
    wall_s = time.time() - t_start
    training = {
        "command": COMMAND + " " + " ".join(shlex.quote(a) for a in _argv(args)),
        "seed": args.seed,
        "device": str(device),
        "device_name": _device_name(device),
        "torch": torch.__version__,
        "threads": args.threads,
        "wall_time_s": round(wall_s, 1),
        "cpu_time_s": round(time.process_time() - cpu_start, 1),
        "load_average": [load_start, _load_average()],
        "train_time_s": round(train_s, 1),
        "data_time_s": round(t_data, 1),
        "steps": step,
        "epochs": epoch,
        "tokens_seen": seen_tokens,
        "tokens_predicted": chosen_tokens,
        "tokens_per_s": round(seen_tokens / max(train_s, 1e-9)),
        "recipe": {
            "objective": "masked-lm", "mask_rate": args.mask_rate,
            "chosen_replaced_by": {"[MASK]": 0.8, "random word": 0.1, "itself": 0.1},
            "loss": "cross-entropy on the chosen positions only",
            "masking": "dynamic (drawn afresh for every batch)",
            "optimizer": "AdamW", "beta1": 0.9, "beta2": 0.999, "eps": 1e-6,
            "weight_decay": args.weight_decay, "lr": args.lr, "warmup": args.warmup,
            "schedule": "linear warm-up, then linear decay to 0",
            "dropout": args.dropout, "batch_tokens": args.batch_tokens,
            "precision": args.precision,
        },
        "corpus": {
            "pairs": args.pairs, "seed": args.seed, "sentences": len(sentences),
            "distinct_sentences": len(cache), "unknown_tokens": n_unknown,
            "vocab_size": len(tokenizer),
            "vocab": "the translation model's vocab.json, row for row, + [MASK] last",
        },
        "evaluation": "one word (or Chinese character) per held-out sentence covered by "
                      "[MASK]; held-out = the corpus's test split, combinations never trained on",
        "loss_every": args.log_every,
        "log": log,
        "evals": evals,
        "final": final,
    }
    save_mlm(args.out, model, tokenizer, training)
    return training


def main(argv: list[str] | None = None) -> int:
    """Pre-train from the command line; returns the exit code."""
    args = parse_args(argv)
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # see training.train.prepare_process
    training = train(args)
    final = training["final"]
    print(f"wrote {args.out} in {training['wall_time_s']:.0f} s ({training['steps']} steps, "
          f"last loss {training['log'][-1]['loss']:.3f})")
    if final:
        print(f"  held-out: top-1 {final['top1']:.2%}, top-5 {final['top5']:.2%}, "
              f"n {final['n']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
