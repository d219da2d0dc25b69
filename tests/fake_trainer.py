"""A stand-in for ``python -m training.train --preset tiny`` with the same contract, for the job
tests: progress.json replaced atomically, live-* model folders, SIGTERM saves and says
"stopped". No torch: it starts in a blink, so queue, stop and crash tests stay fast.

``FAKE_TRAINER_MODE``: "ok" (default), "crash" (exits 3 mid-run, no final state), "fail"
(reports state "failed"), "hang" (ignores SIGTERM),
"ignore-cap" (trains past --max-seconds until SIGTERM). ``FAKE_TRAINER_SECONDS``: how long "ok"
trains (default 1.5, never past --max-seconds). ``FAKE_TRAINER_MODEL``: a model folder copied
as each live snapshot and as the final checkpoint.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import signal
import sys
import time
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--preset", required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--max-seconds", type=float, default=120)
    parser.add_argument("--live-every", type=float, default=0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    mode = os.environ.get("FAKE_TRAINER_MODE", "ok")
    seconds = min(float(os.environ.get("FAKE_TRAINER_SECONDS", "1.5")), args.max_seconds)
    model = os.environ.get("FAKE_TRAINER_MODEL")
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    stopping = []
    if mode == "hang":
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    else:
        signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    steps = 100
    report = {"state": "running", "step": 0, "steps": steps, "elapsed_s": 0.0,
              "max_seconds": args.max_seconds, "loss": [], "exact_match": [], "live": None,
              "error": None}

    def write() -> None:
        tmp = out / "progress.json.tmp"
        tmp.write_text(json.dumps(report), encoding="utf-8")
        os.replace(tmp, out / "progress.json")

    def save(folder: Path) -> None:
        if model:
            tmp = folder.with_name(folder.name + ".tmp")
            shutil.copytree(model, tmp, dirs_exist_ok=True)
            if folder.exists():
                shutil.rmtree(folder)
            os.replace(tmp, folder)

    start = time.monotonic()
    last_live = -1e9
    step = 0
    while True:
        elapsed = time.monotonic() - start
        if stopping:
            save_final(out, model)
            report.update(state="stopped", elapsed_s=elapsed)
            write()
            return 0
        if mode not in ("hang", "ignore-cap") and elapsed >= seconds:
            break
        if mode == "crash" and elapsed >= seconds / 3:
            sys.stderr.write("fake trainer: crashing on purpose\n")
            return 3
        if mode == "fail" and elapsed >= seconds / 3:
            report.update(state="failed", error="fake trainer: failing on purpose")
            write()
            return 1
        step = min(steps, step + 5)
        report["step"] = step
        report["elapsed_s"] = elapsed
        report["loss"].append([step, 6.0 * math.exp(-step / 30)])
        report["exact_match"].append([step, min(1.0, step / 90)])
        if args.live_every and elapsed - last_live >= args.live_every and model:
            name = f"live-{step:06d}"
            save(out / name)
            previous = report["live"]
            report["live"] = name
            if previous and previous != name:
                older = sorted(p for p in out.glob("live-*") if p.name not in (name, previous))
                for path in older:
                    shutil.rmtree(path, ignore_errors=True)
            last_live = elapsed
        write()
        time.sleep(0.1)
    save_final(out, model)
    report.update(state="done", elapsed_s=time.monotonic() - start)
    write()
    return 0


def save_final(out: Path, model: str | None) -> None:
    if model:
        for path in Path(model).iterdir():
            if path.is_file():
                shutil.copy2(path, out / path.name)


if __name__ == "__main__":
    sys.exit(main())
