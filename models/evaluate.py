"""Entry point only: the documented `python -m models.evaluate` runs training/evaluate.py.

``--model rnn`` scores the GRU encoder–decoder (models/checkpoints/rnn-small) with the
translation model's schema, on held-out sentences of its own task (training/rnn.py).
"""

import sys


def _rnn_main(argv: list[str]) -> int:
    import argparse
    import json

    parser = argparse.ArgumentParser(prog="python -m models.evaluate --model rnn")
    parser.add_argument("--model", choices=["rnn"])
    parser.add_argument("--checkpoint", default=None, help="RNN folder (default: rnn-small)")
    parser.add_argument("--n", type=int, default=500, help="held-out sentences per direction")
    parser.add_argument("--device", default="auto")
    parser.add_argument("--json", action="store_true", help="print one JSON object only")
    args = parser.parse_args(argv)
    from models.rnn import RNNError
    from training.rnn import evaluate_rnn

    try:
        results = evaluate_rnn(args.checkpoint, args.n, args.device)
    except RNNError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(results))
        return 0
    print(f"GRU encoder-decoder, held-out lab sentences, {args.n} per direction")
    print(f"{'direction':<10}{'exact match':>12}{'BLEU':>8}{'n':>7}")
    for direction, r in results.items():
        print(f"{direction:<10}{r['exact_match']:>12.2%}{r['bleu']:>8.2f}{r['n']:>7}")
    return 0


def _wants_rnn(argv: list[str]) -> bool:
    return "--model=rnn" in argv or any(
        a == "--model" and b == "rnn" for a, b in zip(argv, argv[1:]))


if __name__ == "__main__":
    argv = sys.argv[1:]
    if _wants_rnn(argv):
        sys.exit(_rnn_main(argv))
    # Imported here, not above: the app imports models/, and nothing it runs may load training/.
    from training.evaluate import main

    sys.exit(main(prog="python -m models.evaluate"))
