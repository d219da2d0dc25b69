"""Record the training film: the tiny model's weights at log-spaced steps, from W0 to the end.

    nice -n 5 python -m training.film            # writes models/checkpoints/film/ (~1-2 min)

It trains the tiny preset (``python -m training.train --preset tiny``: the tiny corpus of
:mod:`training.tiny`, 2 + 2 layers, d_model 64; seed 0, so the film is reproducible up to
float rounding) and saves a snapshot at each step of :data:`FILM_STEPS`, step 0 being the
random initial weights W0. Snapshots are fp16 safetensors (the app computes in fp32 after
loading; fp16 keeps 15 of them under 10 MB). The folder holds:

* ``film.json``: the model config, and per snapshot its step, file, held-out exact match and
  the loss of that step's batch;
* ``vocab.json``: the vocabulary (the same for every snapshot);
* ``training.json``: the whole run's record (loss curve, held-out exact match and per-layer
  gradient norms at every logged step);
* ``step-NNNNNN.safetensors``: the snapshots.

There is no ``config.json``, so the folder is not listed as one model: the app shows its
snapshots as ``trained@STEP`` (:mod:`models.film`).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FILM_DIR = ROOT / "models" / "checkpoints" / "film"
# Roughly log-spaced: nothing much moves in the first few warm-up steps, so the film starts
# its doubling at 10 (× about √2 per frame) and ends at the preset's last step.
FILM_STEPS = (0, 10, 14, 20, 28, 40, 56, 80, 112, 160, 225, 320, 450, 640, 1000)


class Recorder:
    """An observer (see :class:`training.recipe.Observer`) that saves the film's frames."""

    def __init__(self, out: Path, steps, heldout):
        self.out = Path(out)
        self.steps = set(steps)
        self.heldout = heldout
        self.frames: list[dict] = []

    def start(self, model, tokenizer, info) -> None:
        self.tokenizer = tokenizer
        self._frame(0, model, None)

    def after_step(self, step: int, model, loss: float) -> None:
        if step in self.steps:
            self._frame(step, model, loss)

    def logged(self, step, record, model) -> None:
        pass

    def should_stop(self) -> bool:
        return False

    def _frame(self, step: int, model, loss: float | None) -> None:
        from safetensors.torch import save_file

        from training.recipe import exact_match, mean_exact

        was_training = model.training
        model.eval()
        score = mean_exact(exact_match(model, self.tokenizer, self.heldout))
        model.train(was_training)
        name = f"step-{step:06d}.safetensors"
        weights = {k: v.detach().cpu().half().contiguous() for k, v in model.state_dict().items()}
        self.out.mkdir(parents=True, exist_ok=True)
        save_file(weights, str(self.out / name))
        self.frames.append({"step": step, "file": name, "exact_match": score,
                            "loss": None if loss is None else round(loss, 4)})


def main(argv: list[str] | None = None) -> int:
    """Train the tiny preset, save the frames and the record; returns the exit code."""
    p = argparse.ArgumentParser(prog="python -m training.film", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", type=Path, default=FILM_DIR)
    p.add_argument("--threads", type=int, default=2)
    own = p.parse_args(argv)

    from training.train import parse_args, prepare_process

    prepare_process()
    from training import tiny
    from training.recipe import train

    out = own.out
    for old in out.glob("step-*.safetensors"):
        old.unlink()
    args = parse_args(["--preset", "tiny", "--out", str(out), "--threads", str(own.threads),
                       "--eval-every", "20", "--quiet"])
    heldout = tiny.heldout_examples()
    recorder = Recorder(out, FILM_STEPS, heldout)
    training = train(args, pairs=tiny.training_pairs(), heldout=heldout, observer=recorder)
    training["command"] = "python -m training.film"
    (out / "training.json").write_text(json.dumps(training, indent=1, ensure_ascii=False) + "\n",
                                       "utf-8")
    config = json.loads((out / "config.json").read_text(encoding="utf-8"))
    (out / "film.json").write_text(json.dumps({"config": config, "snapshots": recorder.frames},
                                              indent=1) + "\n", "utf-8")
    # The final weights live in the step-NNNNNN file; without config.json the folder is not
    # listed as a model of its own.
    for name in ("config.json", "model.safetensors"):
        (out / name).unlink()
    size = sum(f.stat().st_size for f in out.iterdir())
    print(f"wrote {len(recorder.frames)} snapshots to {out} ({size / 2**20:.1f} MB); final "
          f"exact match {training['final']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
