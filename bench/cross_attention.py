"""Print the shipped model's cross-attention for one translation, so it can be looked at.

    python -m bench.cross_attention                      # 我爱你 -> I love you
    python -m bench.cross_attention "Smart John is singing"

Each row is one word the decoder writes; each column is a source token. The numbers are the
encoder–decoder attention weights (§3.2.3) of the last decoder layer, averaged over its heads:
how much of that step's query went to each source token. Rows sum to 1.
"""

from __future__ import annotations

import argparse
import sys

import numpy as np

from explainer.trace import trace
from models.adapters.ours import OursAdapter
from models.checkpoint import DEFAULT_CHECKPOINT, load_checkpoint


def cross_attention_table(sentence: str, target: str | None = None, layer: int = -1,
                          checkpoint=DEFAULT_CHECKPOINT) -> tuple[list[str], list[str],
                                                                    np.ndarray, np.ndarray, int]:
    """Written tokens, source tokens, the head-averaged pattern [tgt, src], the pattern per
    head [head, tgt, src], and the layer index."""
    loaded = load_checkpoint(checkpoint, device="cpu")
    t = trace(OursAdapter(loaded.model, loaded.tokenizer), sentence, target)
    layer = layer % t.n_layers_of("cross")
    pattern = t.pattern("cross", layer)  # [head, tgt, src]
    return list(t.output_tokens), list(t.src_tokens), pattern.mean(axis=0), pattern, layer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.cross_attention", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sentence", nargs="?", default="我爱你")
    parser.add_argument("--target", choices=["en", "zh"], default=None,
                        help="output language (default: the other one)")
    parser.add_argument("--layer", type=int, default=-1, help="decoder layer (default: last)")
    args = parser.parse_args(argv)

    written, source, mean, heads, layer = cross_attention_table(args.sentence, args.target,
                                                                args.layer)
    print(f"{args.sentence} -> {' '.join(written)}")
    print(f"cross-attention dec.blocks.{layer}.cross.hook_pattern, averaged over "
          f"{heads.shape[0]} heads (row: token written; column: source token; rows sum to 1)\n")
    width = max(6, *(len(w) + 1 for w in written))
    print(" " * width + "".join(f"{s:>8}" for s in source) + "   most attended")
    for i, word in enumerate(written):
        row = mean[i]
        best = int(row.argmax())
        per_head = ", ".join(source[int(h[i].argmax())] for h in heads)
        print(f"{word:<{width}}" + "".join(f"{v:8.2f}" for v in row)
              + f"   {source[best]}  (per head: {per_head})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
