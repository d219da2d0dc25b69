"""Train one Transformer that translates both ways, Chinese ⇄ English, with the paper's recipe.

    python -m training.train --out models/checkpoints/zh-en-small

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

Two lengths: ``--max-len`` is the saved model's ``max_len`` (positional encodings are
computed, §3.5, so it costs no parameters and the app accepts inputs up to it), while
``--max-train-len`` cuts training examples (no generated sentence comes near it).

``--preset tiny`` trains a small model on the tiny corpus (:mod:`training.tiny`) in a minute
or two on two CPU cores; the app's live training runs it in a worker process::

    python -m training.train --preset tiny --out DIR [--max-seconds S] [--seed N]
                             [--threads T] [--live-every S]

It writes ``DIR/progress.json`` (atomically) at every log step: ``{"state": "running" |
"done" | "stopped" | "failed", "step", "steps", "elapsed_s", "max_seconds", "loss": [[step,
loss], ...], "exact_match": [[step, fraction], ...], "live": "live-000120" | null, "error":
str | null}``. ``--live-every S`` also writes a complete model folder ``DIR/live-{step:06d}``
every S seconds (renamed into place when complete; the latest two are kept). SIGTERM finishes
the current step, saves the checkpoint and ends with state "stopped" and exit code 0; an
error ends with state "failed", its text, and exit code 1.

Several processes (one machine or many) train one model with DistributedDataParallel::

    torchrun --nproc_per_node 2 -m training.train --preset tiny --out DIR

Each process takes every N-th row of the same batch, so a step sees as many tokens as in one
process; rank 0 writes the checkpoint, ``training.json`` and ``progress.json``.

The folder it writes (``model.safetensors``, ``config.json``, ``vocab.json``, ``training.json``)
is what the app loads; ``training.json`` keeps the loss curve, the final held-out scores, the
seed, the command, the device and the wall time. The loop itself is in
:mod:`training.recipe`; this module is the command line.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import sys
import time
import traceback
from pathlib import Path

DEFAULT_OUT = Path(__file__).resolve().parents[1] / "models" / "checkpoints" / "zh-en-small"

# Named recipes: defaults a preset sets before the command line's own options are read (an
# option given on the command line still wins). "tiny": the tiny corpus (training.tiny), a
# model of 2 + 2 layers with d_model 64, held-out exact match scored every 100 steps.
PRESETS = {
    "tiny": {"d_model": 64, "heads": 4, "layers": 2, "d_ff": 256, "steps": 1000,
             "batch_tokens": 600, "warmup": 200, "lr_factor": 0.5, "max_len": 128,
             "max_train_len": 32, "average_last": 1, "log_every": 20, "eval_every": 100,
             "eval_n": 0},
}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The training options; the defaults are the shipped model's recipe."""
    p = argparse.ArgumentParser(prog="python -m training.train", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help="checkpoint folder to write")
    p.add_argument("--preset", choices=sorted(PRESETS), default=None,
                   help="a named recipe (tiny: the tiny corpus, trained in a minute or two)")
    p.add_argument("--max-seconds", type=float, default=None,
                   help="stop training after this many seconds, then save and finish normally")
    p.add_argument("--live-every", type=float, default=0.0,
                   help="every S seconds also write a loadable model folder DIR/live-STEP "
                        "(0: never)")
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
    p.add_argument("--max-len", type=int, default=512,
                   help="longest sequence the saved model accepts (config.json max_len); "
                        "positions are computed (§3.5), so it costs no parameters")
    p.add_argument("--max-train-len", type=int, default=64,
                   help="training examples are cut to this many tokens (no generated sentence "
                        "is that long); must not exceed --max-len")
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
                   help="do not keep training/data/classroom_sentences.tsv and "
                        "natural_sentences.tsv out of training")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    preset, _ = p.parse_known_args(argv)
    if preset.preset:
        p.set_defaults(**PRESETS[preset.preset])
    args = p.parse_args(argv)
    if args.max_train_len > args.max_len:
        p.error(f"--max-train-len {args.max_train_len} exceeds --max-len {args.max_len}")
    return args


def prepare_process() -> None:
    """Settings for this process that must be made before torch is first imported.

    Other programs often share this machine's two cores; OpenMP threads that spin while they
    wait then slow training several times over. Waiting passively costs little when alone.
    The OpenMP runtime reads ``OMP_WAIT_POLICY`` once, when torch loads it, which is why this
    module imports torch only after calling this (an explicit setting in the caller's
    environment wins).
    """
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


def write_json_atomic(path: Path, data: dict) -> None:
    """Write JSON to a temporary file beside ``path``, then rename it into place, so a reader
    never sees half a file."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)


class Progress:
    """Writes ``progress.json`` and the live model folders; SIGTERM asks it to stop.

    It has the methods of :class:`training.recipe.Observer` (not its subclass: that module
    imports torch, which must wait for :func:`prepare_process`).
    """

    LIVE_KEEP = 2

    def __init__(self, out: Path, steps: int, max_seconds: float | None, live_every: float):
        self.out = Path(out)
        self.state = {"state": "running", "step": 0, "steps": steps, "elapsed_s": 0.0,
                      "max_seconds": max_seconds, "loss": [], "exact_match": [], "live": None,
                      "error": None}
        self.live_every = live_every
        self.t0 = time.time()
        self.last_live = self.t0
        self.stop_requested = False
        self.tokenizer = None

    # -- Observer --------------------------------------------------------------------------
    def start(self, model, tokenizer, info: dict) -> None:
        self.tokenizer = tokenizer
        self.t0 = self.last_live = time.time()
        self.write()

    def after_step(self, step: int, model, loss: float) -> None:
        self.state["step"] = step
        if self.live_every > 0 and time.time() - self.last_live >= self.live_every:
            self.save_live(step, model)
            self.last_live = time.time()
            self.write()

    def logged(self, step: int, record: dict, model) -> None:
        self.state["loss"].append([step, record["loss"]])
        if "exact_match" in record:
            self.state["exact_match"].append([step, record["exact_match"]])
        self.write()

    def should_stop(self) -> bool:
        return self.stop_requested

    # -- files -----------------------------------------------------------------------------
    def write(self, **changes) -> None:
        self.state.update(changes)
        self.state["elapsed_s"] = round(time.time() - self.t0, 2)
        self.out.mkdir(parents=True, exist_ok=True)
        write_json_atomic(self.out / "progress.json", self.state)

    def save_live(self, step: int, model) -> None:
        """A complete model folder under a temporary name, renamed into place when whole."""
        from models.checkpoint import save_checkpoint

        name = f"live-{step:06d}"
        tmp = self.out / f".tmp-{name}"
        shutil.rmtree(tmp, ignore_errors=True)
        was_training = model.training
        save_checkpoint(tmp, model, self.tokenizer, {"step": step, "live": True})
        model.train(was_training)
        final = self.out / name
        shutil.rmtree(final, ignore_errors=True)
        os.rename(tmp, final)
        self.state["live"] = name
        lives = sorted(p for p in self.out.glob("live-*") if p.is_dir())
        for old in lives[: -self.LIVE_KEEP]:
            shutil.rmtree(old, ignore_errors=True)


def _leave_group() -> None:
    import torch.distributed as dist

    if dist.is_available() and dist.is_initialized():
        dist.destroy_process_group()


def main(argv: list[str] | None = None) -> int:
    """Train from the command line and print where the checkpoint went; returns the exit code."""
    args = parse_args(argv)
    prepare_process()
    # torchrun sets RANK; only rank 0 reports. The handler and the first progress.json come
    # before torch loads (seconds), so a watcher sees the run at once and an early SIGTERM
    # still ends in "stopped".
    rank = int(os.environ.get("RANK", "0"))
    progress = None
    if rank == 0:
        progress = Progress(args.out, args.steps, args.max_seconds, args.live_every)

        def on_term(signum, frame):  # finish the step, save, then say "stopped"
            progress.stop_requested = True

        signal.signal(signal.SIGTERM, on_term)
        progress.write()
    from training.recipe import train
    extra = {}
    if args.preset == "tiny":
        from training import tiny

        extra = {"pairs": tiny.training_pairs(), "heldout": tiny.heldout_examples()}
    try:
        training = train(args, observer=progress, **extra)
    except BaseException as err:  # noqa: BLE001 - any failure is reported, then re-raised
        if progress is not None:
            progress.write(state="failed", error=f"{type(err).__name__}: {err}")
        if isinstance(err, KeyboardInterrupt):
            raise
        traceback.print_exc()
        return 1
    finally:
        _leave_group()
    if progress is not None:
        progress.write(state="stopped" if progress.stop_requested else "done",
                       step=training["steps"])
    if rank > 0:
        return 0
    final = training["final"]
    print(f"wrote {args.out} in {training['wall_time_s']:.0f} s "
          f"({training['steps']} steps, last loss {training['log'][-1]['loss']:.3f})")
    for direction, r in final.items():
        bleu = f", BLEU {r['bleu']:.2f}" if "bleu" in r else ""
        print(f"  {direction}: exact match {r['exact_match']:.2%}{bleu}, n {r['n']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
