"""Training on several processes (torchrun, DistributedDataParallel, gloo on CPU) gives the
same weights as one process on the same global batches."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import torch
from safetensors.torch import load_file

ROOT = Path(__file__).resolve().parent.parent
# A few steps of the tiny preset, no dropout, fp32 (bf16 rounding would differ by rank split).
ARGS = ["--preset", "tiny", "--steps", "4", "--seed", "3", "--dropout", "0", "--precision",
        "fp32", "--threads", "1", "--quiet", "--device", "cpu"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(command: list[str]) -> None:
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env=env)
    assert done.returncode == 0, done.stderr[-3000:]


def test_two_processes_equal_one_on_the_same_global_batch(tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    _run([sys.executable, "-m", "training.train", *ARGS, "--out", str(one)])
    _run([sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", "2", "--nnodes",
          "1", "--master_addr", "127.0.0.1", "--master_port", str(_free_port()),
          "-m", "training.train", *ARGS, "--out", str(two)])
    a = load_file(str(one / "model.safetensors"))
    b = load_file(str(two / "model.safetensors"))
    assert a.keys() == b.keys()
    start = json.loads((two / "progress.json").read_text(encoding="utf-8"))
    assert start["state"] == "done" and start["step"] == 4
    record = json.loads((two / "training.json").read_text(encoding="utf-8"))
    assert record["world_size"] == 2
    for name in a:
        if name.endswith(".b_K"):
            # The key bias adds q·b_K to every score of a row, which softmax ignores: its true
            # gradient is 0, so what it gets is rounding noise, which Adam's normalisation
            # scales up to ±lr per step in either run. It stays at the noise's size.
            assert float(a[name].abs().max()) < 1e-3 and float(b[name].abs().max()) < 1e-3
            continue
        torch.testing.assert_close(b[name], a[name], rtol=1e-4, atol=1e-5, msg=name)
    # The runs trained: the weights are not W0 (so equality is not trivially true).
    from models.config import ModelConfig
    from models.transformer import Transformer

    torch.manual_seed(3)
    w0 = Transformer(ModelConfig.from_dict(json.loads((one / "config.json").read_text())))
    assert not torch.allclose(w0.state_dict()["enc.blocks.0.attn.W_Q"],
                              a["enc.blocks.0.attn.W_Q"])
    losses_one = [r["loss"] for r in json.loads((one / "training.json").read_text())["log"]]
    assert [r["loss"] for r in record["log"]] == losses_one or all(
        abs(x - y) < 1e-3 for x, y in zip(losses_one, [r["loss"] for r in record["log"]]))


def test_each_rank_takes_its_rows_and_the_mean_of_rank_gradients_is_the_batch_gradient():
    """What DDP averages: rank r's share of the loss (rows r, r + 2, ...) is scaled so that
    the mean over ranks of the gradients is the whole batch's gradient, even when the ranks'
    rows hold different numbers of target tokens."""
    from models.config import ModelConfig
    from models.transformer import Transformer
    from training.recipe import Batch, batch_loss

    torch.manual_seed(0)
    model = Transformer(ModelConfig(vocab_size=20, d_model=16, n_heads=2, n_layers=1, d_ff=32,
                                    max_len=16, dropout=0.0, pad_id=0))
    src = torch.randint(1, 20, (5, 6))
    tgt_in = torch.randint(1, 20, (5, 4))
    tgt_out = torch.randint(1, 20, (5, 4))
    tgt_out[1, 2:] = 0  # padding: rank 1's rows hold fewer tokens than rank 0's
    batch = Batch(src, tgt_in, tgt_out, int((tgt_out != 0).sum()))
    args = dict(device=torch.device("cpu"), pad_id=0, vocab_size=20, label_smoothing=0.1,
                precision="fp32")

    def grads(rank, world):
        model.zero_grad()
        batch_loss(model, batch, rank=rank, world=world, **args).backward()
        return torch.cat([p.grad.flatten() for p in model.parameters()])

    whole = grads(0, 1)
    shares = [grads(r, 2) for r in range(2)]
    assert not torch.allclose(shares[0], whole, atol=1e-6)  # a rank sees only its rows
    torch.testing.assert_close((shares[0] + shares[1]) / 2, whole, rtol=1e-5, atol=1e-7)
