"""Encode time of the GRU against self-attention at 8, 64 and 512 tokens: ``rnn_rows()``.

    python -m bench.rnn              # prints the rows as a Markdown table
    python -m bench.rnn --device cuda

The GRU is the shipped ``rnn-small`` (models/checkpoints/rnn-small); self-attention is a
Transformer encoder of the lab's base size (d_model 64, 4 heads, 2 layers, about the GRU's
parameter count), the same pair the page "RNN vs attention" times live. One sentence at a time,
the median of a few runs after a warm-up. No target: the rows say what this machine does.
"""

from __future__ import annotations

import argparse
import sys

from bench.report import Row, markdown

SIZES = (8, 64, 512)
TRANSFORMER = dict(d_model=64, n_heads=4, n_layers=2, d_ff=256, max_len=512)


def encode_seconds(sizes=SIZES, repeats: int = 7, device: str = "cpu"
                   ) -> dict[str, dict[int, float]]:
    """``{"gru": {n: s}, "attention": {n: s}}`` (models.rnn.encode_times on the shipped GRU)."""
    import torch

    from models.config import ModelConfig
    from models.rnn import encode_times, load_rnn
    from models.transformer import Transformer

    loaded = load_rnn(device="cpu")
    torch.manual_seed(0)
    transformer = Transformer(ModelConfig(vocab_size=loaded.config.vocab_size, dropout=0.0,
                                          pad_id=loaded.config.pad_id, **TRANSFORMER)).eval()
    return encode_times(loaded.model, transformer, sizes, repeats, device)


def rnn_rows(sizes=SIZES, repeats: int = 7, device: str = "cpu") -> list[Row]:
    """Benchmark rows: encode time of the GRU and of self-attention per size, on ``device``."""
    import torch

    from models.device import configure_threads

    configure_threads()  # the app's thread count (one unless OMP_NUM_THREADS says otherwise)
    times = encode_seconds(sizes, repeats, device)
    threads = f", {torch.get_num_threads()} threads" if device == "cpu" else ""
    rows = []
    for n in sizes:
        rows.append(Row(f"Encode {n} tokens, GRU (serial, {n} steps) · {device}{threads}",
                        times["gru"][n] * 1000, "ms"))
        rows.append(Row(f"Encode {n} tokens, self-attention (parallel, "
                        f"{TRANSFORMER['n_layers']} layers) · {device}{threads}",
                        times["attention"][n] * 1000, "ms"))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.rnn", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--device", default="cpu", help="cpu or cuda")
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args(argv)
    print(markdown(rnn_rows(repeats=args.repeats, device=args.device), []))
    return 0


if __name__ == "__main__":
    sys.exit(main())
