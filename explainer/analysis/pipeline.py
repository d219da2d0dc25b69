"""The paper's Figure 1 as data, for whatever model is shown: every stage, its page, its shape.

The stages follow what the model has (``trace.caps``): an encoder, a decoder or both; LayerNorm
after each residual sum (post-LN, as the paper) or before each sub-layer (pre-LN, as GPT-2); a
language-model head or not. Shapes come from the trace's own arrays (what the model computed for
this sentence), or from a configuration (the paper's base model, which we do not run) for the
side-by-side comparison, which only makes sense beside an encoder–decoder.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

# The page that explains each kind of stage.
PAGES = {
    "tokens": "app_pages/embedding.py", "embed": "app_pages/embedding.py",
    "pos": "app_pages/positional.py", "embed_norm": "app_pages/add_norm.py",
    "attn": "app_pages/self_attention.py", "cross": "app_pages/translation.py",
    "add_norm": "app_pages/add_norm.py", "ln": "app_pages/add_norm.py",
    "add": "app_pages/add_norm.py", "ffn": "app_pages/add_norm.py",
    "final_norm": "app_pages/add_norm.py", "linear": "app_pages/translation.py",
    "softmax": "app_pages/translation.py",
}

# The paper's base model (Table 3): d_model 512, 8 heads, 6 + 6 layers, d_ff 2048; sentences up
# to 512 tokens as the article pads them. Its vocabulary was about 37000 shared BPE tokens
# (§5.1); ours differs, and the comparison says so.
PAPER_BASE = {"d_model": 512, "n_heads": 8, "n_layers": 6, "d_ff": 2048, "max_len": 512}
PAPER_VOCAB = 37000


@dataclass(frozen=True)
class Stage:
    """One box (or the token line) of Figure 1.

    Attributes:
        key: unique within a figure, e.g. "enc.attn", "dec.cross", "dec.ln_ffn".
        side: "enc" or "dec": the column it is drawn in.
        kind: "tokens", "embed", "pos", "embed_norm", "attn", "cross", "add_norm", "ln", "add",
            "ffn", "final_norm", "linear" or "softmax" (picks its colour and its page).
        label: the text key of its name ("pipe.attn", "pipe.add_norm", …).
        shape: what it hands on for this sentence.
        page: the page file that explains it.
        in_block: True for the stages repeated N times (inside the figure's "N×" frame).
    """

    key: str
    side: str
    kind: str
    label: str
    shape: tuple[int, ...]
    page: str
    in_block: bool


def format_shape(shape: tuple[int, ...]) -> str:
    """(3, 128) -> "3 × 128"."""
    return " × ".join(str(int(n)) for n in shape)


def _block(side: str, caps) -> list[tuple[str, str, str]]:
    """One layer's stages in forward order: (key suffix, kind, label key)."""
    attn_label = "pipe.masked_attn" if side == "dec" else "pipe.attn"
    subs = [("attn", "attn", attn_label)]
    if side == "dec" and caps.architecture == "encoder-decoder":
        subs.append(("cross", "cross", "pipe.cross"))
    subs.append(("ffn", "ffn", "pipe.ffn"))
    out = []
    for name, kind, label in subs:
        if caps.norm == "pre":
            # x + Sublayer(LayerNorm(x)): the LayerNorm comes first, the sum last.
            out += [(f"ln_{name}", "ln", "pipe.ln"), (name, kind, label),
                    (f"add_{name}", "add", "pipe.add")]
        else:
            # LayerNorm(x + Sublayer(x)), §3.1.
            out += [(name, kind, label), (f"norm_{name}", "add_norm", "pipe.add_norm")]
    return out


def stage_plan(caps) -> list[tuple[str, str, str, str, bool]]:
    """Figure 1's stages for a model with these capabilities, bottom to top, encoder first.

    Returns:
        (key, side, kind, label key, in_block) per stage.
    """
    plan = []
    both = caps.architecture == "encoder-decoder"
    for side in caps.sides:
        if side == "enc" or not both:
            tokens, embed = "pipe.src_tokens", "pipe.input_embed"
            if caps.architecture == "decoder-only":
                tokens = "pipe.text_tokens"
        else:
            tokens, embed = "pipe.tgt_tokens", "pipe.output_embed"
        plan.append((f"{side}.tokens", side, "tokens", tokens, False))
        plan.append((f"{side}.embed", side, "embed", embed, False))
        if caps.positional in ("sinusoidal", "learned"):
            pos = "pipe.pos_sinusoidal" if caps.positional == "sinusoidal" else "pipe.pos_learned"
            plan.append((f"{side}.pos", side, "pos", pos, False))
        if caps.embed_norm:
            plan.append((f"{side}.embed_norm", side, "embed_norm", "pipe.ln", False))
        plan += [(f"{side}.{name}", side, kind, label, True)
                 for name, kind, label in _block(side, caps)]
        if caps.norm == "pre":
            plan.append((f"{side}.final_norm", side, "final_norm", "pipe.final_ln", False))
    if caps.has_logits:
        side = caps.sides[-1]
        plan += [(f"{side}.linear", side, "linear", "pipe.linear", False),
                 (f"{side}.softmax", side, "softmax", "pipe.softmax", False)]
    return plan


def _trace_shape(trace, key: str, side: str, kind: str) -> tuple[int, ...]:
    name = key.split(".", 1)[1]
    if kind == "tokens":
        return (len(trace.tokens(side)),)
    if kind in ("embed", "pos"):
        return trace.embed(side, kind).shape
    if kind == "embed_norm":
        return trace.embed(side, "input").shape
    if kind in ("attn", "cross"):
        return trace.pattern("cross" if kind == "cross" else side, 0).shape
    if kind == "ffn":
        return trace.ffn(side, 0, "hidden").shape
    if kind in ("add_norm", "add"):
        sub = name.split("_", 1)[1]
        return trace.resid(side, 0, {"attn": "mid", "cross": "cross", "ffn": "post"}[sub]).shape
    if kind == "ln":
        sub = name.split("_", 1)[1]
        return trace.resid(side, 0, {"attn": "pre", "cross": "mid", "ffn": "mid"}[sub]).shape
    if kind == "final_norm":
        return trace.final(side).shape
    return trace.logits().shape  # linear, softmax


def stages_from_trace(trace) -> list[Stage]:
    """Figure 1's stages with the shapes of the arrays the model computed for this sentence.

    Layer 0 stands for all N layers: every layer hands on the same shapes.
    """
    return [
        Stage(key, side, kind, label, tuple(int(n) for n in _trace_shape(trace, key, side, kind)),
              PAGES[kind], in_block)
        for key, side, kind, label, in_block in stage_plan(trace.caps)
    ]


def stages_from_config(caps, config: dict, n_src: int, n_tgt: int,
                       vocab_size: int) -> list[Stage]:
    """The same stages as ``stage_plan(caps)``, shapes computed from a configuration alone
    (e.g. the paper's base model run on this sentence's tokens).

    Args:
        caps: the model whose stages to follow (``trace.caps``).
        config: needs d_model, n_heads, d_ff.
        n_src, n_tgt: encoder and decoder positions.
    """
    d, h, f = int(config["d_model"]), int(config["n_heads"]), int(config["d_ff"])
    out = []
    for key, side, kind, label, in_block in stage_plan(caps):
        n = n_src if side == "enc" else n_tgt
        shape = {
            "tokens": (n,), "attn": (h, n, n), "cross": (h, n_tgt, n_src), "ffn": (n, f),
            "linear": (n, vocab_size), "softmax": (n, vocab_size),
        }.get(kind, (n, d))
        out.append(Stage(key, side, kind, label, shape, PAGES[kind], in_block))
    return out


def paper_config() -> dict:
    """The paper's base model (Table 3): d_model 512, 8 heads, 6 + 6 layers, d_ff 2048."""
    return dict(PAPER_BASE)


def parameter_count(config: dict, vocab_size: int) -> int:
    """Trainable parameters of the paper's encoder–decoder at these sizes (shared embedding,
    §3.4; sinusoidal positions, no parameters), from its shape alone.

    Per attention block 4·d² + 4·d (W_Q, W_K, W_V, W_O and biases); per feed-forward
    2·d·d_ff + d_ff + d; per LayerNorm 2·d. Encoder layers have 1 attention + 1 FFN + 2 norms,
    decoder layers 2 attention + 1 FFN + 3 norms.
    """
    d, f, n = int(config["d_model"]), int(config["d_ff"]), int(config["n_layers"])
    attn = 4 * d * d + 4 * d
    ffn = 2 * d * f + f + d
    norm = 2 * d
    return vocab_size * d + n * (attn + ffn + 2 * norm) + n * (2 * attn + ffn + 3 * norm)


def hyperparameter_table(ours: dict, paper: dict, vocab_size: int,
                         labels: dict[str, str]) -> pd.DataFrame:
    """Side-by-side hyper-parameters and parameter counts.

    Args:
        ours: the shown model's sizes (``trace.config``): d_model, n_heads, n_layers, d_ff,
            max_len.
        labels: maps "name", "ours", "paper", "vocab", "params" to interface words.
    """
    rows = []
    for name in ("d_model", "n_heads", "n_layers", "d_ff", "max_len"):
        rows.append({labels["name"]: name, labels["ours"]: int(ours[name]),
                     labels["paper"]: int(paper[name])})
    rows.append({labels["name"]: "d_head",
                 labels["ours"]: int(ours["d_model"]) // int(ours["n_heads"]),
                 labels["paper"]: int(paper["d_model"]) // int(paper["n_heads"])})
    rows.append({labels["name"]: labels["vocab"], labels["ours"]: int(vocab_size),
                 labels["paper"]: PAPER_VOCAB})
    rows.append({labels["name"]: labels["params"],
                 labels["ours"]: parameter_count(ours, vocab_size),
                 labels["paper"]: parameter_count(paper, PAPER_VOCAB)})
    return pd.DataFrame(rows)


def shape_table(ours: list[Stage], paper: list[Stage], names: dict[str, str],
                labels: dict[str, str]) -> pd.DataFrame:
    """One row per stage: its name, the model's shape and the paper's for the same sentence.

    ``names`` maps stage keys to interface names; ``labels`` maps "stage", "ours", "paper".
    """
    if [s.key for s in ours] != [s.key for s in paper]:
        raise ValueError("both stage lists must follow the same plan")
    return pd.DataFrame([
        {labels["stage"]: names[a.key], labels["ours"]: format_shape(a.shape),
         labels["paper"]: format_shape(b.shape)}
        for a, b in zip(ours, paper)
    ])


def padded_input_shapes(n_tokens: int, ours: dict, paper: dict) -> list[tuple[int, int, int]]:
    """The article's fixed-size input matrix ("512 × 512"): (rows, columns, rows used).

    Every sentence is padded to max_len rows of d_model numbers: 512 × 128 for our small model,
    512 × 512 in the paper's base model; only the first ``n_tokens`` rows hold the sentence.
    """
    out = []
    for cfg in (ours, paper):
        rows = int(cfg["max_len"])
        out.append((rows, int(cfg["d_model"]), min(int(n_tokens), rows)))
    return out


def figure_columns(stages: list[Stage], names: dict[str, str]) -> list[list[dict]]:
    """Stages grouped into Figure 1's columns (encoder first), as ``pipeline_figure`` takes them.

    ``names`` maps stage keys to display names.
    """
    sides = list(dict.fromkeys(s.side for s in stages))
    return [
        [{"label": names[s.key], "kind": s.kind, "shape": s.shape, "in_block": s.in_block}
         for s in stages if s.side == side]
        for side in sides
    ]


def compare_columns(stages: list[Stage]) -> list[list[tuple[int, ...]]]:
    """The shapes of ``stages`` in Figure 1's columns (for ``pipeline_figure``'s ``compare``)."""
    sides = list(dict.fromkeys(s.side for s in stages))
    return [[s.shape for s in stages if s.side == side] for side in sides]
