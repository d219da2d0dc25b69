"""Command line: ``python -m explainer translate "我爱你"``, ``python -m explainer trace ...`` and
``python -m explainer fill "Smart John is [MASK]"`` (a masked-language model's guesses).

Errors end the program with one line on stderr and a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import argparse
import sys

import numpy as np


def _load(model_name: str, device: str | None):
    from models.registry import load_model

    return load_model(model_name, device, allow_path=True)


def _notices(result) -> None:
    if result.truncated:
        print(
            f"notice: the input had {result.n_typed} tokens; only the first "
            f"{len(result.src_tokens)} were used",
            file=sys.stderr,
        )
    if result.unknown:
        print("notice: not in the vocabulary (read as <unk>): " + " ".join(result.unknown),
              file=sys.stderr)


def _cmd_translate(args) -> int:
    from explainer.trace import trace

    adapter = _load(args.model, args.device)
    if not adapter.caps["generates"]:
        raise ValueError(f"{adapter.name} is {adapter.caps['architecture']}: it writes no text "
                         "(use `trace` to see what it computes)")
    result = trace(adapter, args.sentence, args.to)
    _notices(result)
    if not result.caps.languages:
        print(f"notice: {adapter.name} does not translate; this is what it wrote",
              file=sys.stderr)
    print(result.translation)
    return 0


def _cmd_trace(args) -> int:
    from explainer.trace import model_weights, trace

    adapter = _load(args.model, args.device)
    result = trace(adapter, args.sentence, args.to)
    _notices(result)
    arrays = dict(result.arrays)
    # The same layout for every model: the token lists a model has, then the hook names.
    if "enc" in result.sides:
        arrays["src_tokens"] = np.array(result.src_tokens, dtype=str)
    if "dec" in result.sides:
        arrays["tgt_tokens"] = np.array(result.tgt_tokens, dtype=str)
    if args.with_weights:
        weights = model_weights(adapter)
        arrays.update({name: weights.arrays[name] for name in weights.names()
                       if ".attn." in name or ".cross." in name})
    np.savez(args.out, **arrays)
    said = f"; output: {result.translation}" if result.caps.generates else ""
    print(f"wrote {len(arrays)} arrays to {args.out}{said}")
    return 0


def _cmd_fill(args) -> int:
    import json

    from explainer.analysis.fill import check_blanks, fill, to_json
    from explainer.trace import model_weights, trace

    if not 1 <= args.top <= 50:
        raise ValueError("--top must be from 1 to 50")
    adapter = _load(args.model, args.device)
    caps = adapter.caps
    if caps["architecture"] != "encoder-only" or not caps["has_logits"]:
        raise ValueError(f"{adapter.name} has no masked-language-model head; choose mlm-small "
                         "or a BERT with one")
    result = trace(adapter, args.sentence)
    warnings = check_blanks(result)  # refuses a sentence without a blank before any notice
    _notices(result)
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    blanks = fill(result, model_weights(adapter).vocab, args.top)
    if args.json:
        print(json.dumps(to_json(blanks), ensure_ascii=False))
        return 0
    print(" ".join(result.src_tokens))
    for blank in blanks:
        guesses = ", ".join(f"{g.token} {g.prob:.1%}" for g in blank.predictions)
        print(f"  {blank.position}: {guesses}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m explainer", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("sentence", help="the sentence, e.g. 'Smart John is singing' or '我爱你'")
    common.add_argument("--to", choices=["en", "zh"], default=None,
                        help="output language (default: Chinese text -> en, else -> zh)")
    common.add_argument(
        "--model", default="trained", metavar="NAME_OR_PATH",
        help="trained (default), untrained, a name in the models folder (EXPLAINER_MODELS_DIR), "
        "or a path to a local model folder (ours, or Hugging Face BERT / GPT-2 / Marian)")
    common.add_argument("--device", default=None, help="auto (default), cpu or cuda")
    sub.add_parser("translate", parents=[common], help="print the translation on one line")
    p_trace = sub.add_parser("trace", parents=[common], help="write every intermediate to .npz")
    p_trace.add_argument("--out", required=True, help="output file, e.g. trace.npz")
    p_trace.add_argument("--with-weights", action="store_true",
                         help="also write every attention block's W_Q, W_K, W_V, W_O and biases")
    p_fill = sub.add_parser("fill", help="guess each [MASK] with a masked-language model")
    p_fill.add_argument("sentence", help="a sentence with [MASK] in it, e.g. "
                        "'Smart John is [MASK]' or '我[MASK]你'")
    p_fill.add_argument("--model", default="mlm-small", metavar="NAME_OR_PATH",
                        help="a masked-language model: mlm-small (default), a name in the models "
                        "folder, or a path to a BERT folder with a masked-LM head")
    p_fill.add_argument("--device", default=None, help="auto (default), cpu or cuda")
    p_fill.add_argument("--top", type=int, default=5, help="guesses per [MASK] (1 to 50)")
    p_fill.add_argument("--json", action="store_true",
                        help='print {"masks": [{"position": …, "predictions": [{"token": …, '
                        '"prob": …}, …]}]}')
    return parser


def main(argv: list[str] | None = None) -> int:
    from explainer.trace import AdapterError, CheckpointError, InputError

    args = build_parser().parse_args(argv)
    handler = {"translate": _cmd_translate, "trace": _cmd_trace, "fill": _cmd_fill}[args.command]
    try:
        return handler(args)
    except (InputError, CheckpointError, AdapterError, ValueError, OSError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
