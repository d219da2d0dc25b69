"""Command line: ``python -m explainer translate "我爱你"``, ``python -m explainer trace ...``,
``python -m explainer fill "Smart John is [MASK]"`` (a masked-language model's guesses),
``python -m explainer score "我爱你" "I love you"`` (the model's log-probability of a
translation) and ``python -m explainer attribute "我爱你" --method ig`` (which source words
each output word comes from). ``translate --ablate enc.0.1,dec.2.cross.3`` switches heads off.

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

    heads = None
    if args.ablate is not None:
        from explainer.why import parse_heads

        heads = parse_heads(args.ablate)  # a malformed list fails before the model loads
        if not heads:
            raise ValueError("--ablate needs at least one head, e.g. enc.0.1,dec.2.cross.3")
    adapter = _load(args.model, args.device)
    if not adapter.caps["generates"]:
        raise ValueError(f"{adapter.name} is {adapter.caps['architecture']}: it writes no text "
                         "(use `trace` to see what it computes)")
    if heads is not None:
        from explainer.why import ablate, format_head

        changed = ablate(adapter, args.sentence, heads, mode=args.ablate_mode, to=args.to)
        _notices(changed.trace)
        print(f"notice: heads off ({args.ablate_mode}): "
              + ", ".join(format_head(h) for h in changed.heads)
              + f"; without the change: {changed.base_translation}", file=sys.stderr)
        print(changed.translation)
        return 0
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


def _cmd_score(args) -> int:
    import json

    from explainer.why import score

    adapter = _load(args.model, args.device)
    result = score(adapter, args.sentence, args.translation, to=args.to, top_k=1)
    _notices(result)
    if args.json:
        print(json.dumps({
            "tokens": result.tgt_tokens, "logprobs": [float(v) for v in result.logprobs],
            "ranks": [int(r) for r in result.ranks], "total": result.total,
            "mean": result.mean, "model_choice": [row[0] for row in result.top_tokens],
        }, ensure_ascii=False))
        return 0
    width = max(len("token"), *(len(t) for t in result.tgt_tokens))
    print(f"{'token':<{width}}  {'log p':>8}  {'p':>7}  {'rank':>5}  model's choice")
    for token, lp, rank, top in zip(result.tgt_tokens, result.logprobs, result.ranks,
                                    result.top_tokens):
        print(f"{token:<{width}}  {lp:8.3f}  {np.exp(lp):7.1%}  {int(rank):5d}  {top[0]}")
    print(f"total log p {result.total:.3f}, per token {result.mean:.3f} "
          f"({len(result.tgt_tokens)} tokens)")
    return 0


def _cmd_attribute(args) -> int:
    import json

    from explainer.why import attribute

    adapter = _load(args.model, args.device)
    result = attribute(adapter, args.sentence, args.target, method=args.method,
                       steps=args.steps, to=args.to)
    if result.truncated:
        print(f"notice: attribution reads only the first {len(result.src_tokens)} source "
              "tokens", file=sys.stderr)
    if args.json:
        print(json.dumps({
            "method": result.method, "src_tokens": result.src_tokens,
            "tgt_tokens": result.tgt_tokens,
            "attributions": [[float(v) for v in row] for row in result.values],
            "completeness_gap": result.completeness_gap,
            # Each token's own gap, f(x) − f(baseline) and the integration points it took, so
            # the gap can be recomputed from the printed numbers.
            "token_gaps": _floats(result.gaps),
            "deltas": _floats(result.deltas),
            "token_steps": None if result.token_steps is None
            else [int(n) for n in result.token_steps],
        }, ensure_ascii=False))
        return 0
    print("source: " + " ".join(result.src_tokens))
    for token, row in zip(result.tgt_tokens, result.values):
        best = int(np.argmax(row))
        values = " ".join(f"{v:+.3f}" for v in row)
        print(f"  {token}: {values}   (most: {result.src_tokens[best]})")
    if result.completeness_gap is not None:
        most = int(np.max(result.token_steps))
        more = f", up to {most} for {int(np.sum(result.token_steps > result.steps))} token(s)"
        print(f"completeness gap {result.completeness_gap:.4f} ({result.steps} steps"
              f"{more if most > result.steps else ''})")
    return 0


def _floats(values) -> list[float] | None:
    return None if values is None else [float(v) for v in values]


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
    p_translate = sub.add_parser("translate", parents=[common],
                                 help="print the translation on one line")
    p_translate.add_argument(
        "--ablate", default=None, metavar="HEADS",
        help="switch heads off, written block.layer.head or dec.layer.cross.head, "
        "comma-separated, e.g. enc.0.1,dec.2.cross.3")
    p_translate.add_argument("--ablate-mode", choices=["zero", "mean"], default="zero",
                             help="zero a head's output (default) or replace it by its mean "
                             "over the sentence")
    p_score = sub.add_parser("score", parents=[common],
                             help="the model's log-probability of each token of a translation")
    p_score.add_argument("translation", help="the translation to score, e.g. 'I love you'")
    p_score.add_argument("--json", action="store_true",
                         help='print {"tokens": […], "logprobs": […], "total": …} (natural log, '
                         "the end token included)")
    p_attr = sub.add_parser("attribute", parents=[common],
                            help="attribute each output token to the source tokens")
    p_attr.add_argument("--method", choices=["ig", "grad-x-input", "rollout"], default="ig",
                        help="integrated gradients (default), gradient × input, or attention "
                        "rollout")
    p_attr.add_argument("--target", default=None,
                        help="the translation to explain (default: the model's own)")
    p_attr.add_argument("--steps", type=int, default=32,
                        help="integration points for ig (2 to 512, default 32)")
    p_attr.add_argument("--json", action="store_true",
                        help='print {"src_tokens", "tgt_tokens", "attributions": [[…]], '
                        '"completeness_gap"}')
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
    handler = {"translate": _cmd_translate, "trace": _cmd_trace, "fill": _cmd_fill,
               "score": _cmd_score, "attribute": _cmd_attribute}[args.command]
    try:
        return handler(args)
    except (InputError, CheckpointError, AdapterError, ValueError, OSError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
