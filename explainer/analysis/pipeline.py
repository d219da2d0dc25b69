"""The paper's Figure 1 as data: every stage of the encoder–decoder, its page and its shape.

Shapes come from the trace's own arrays (what the model computed for this sentence), or from a
configuration (the paper's base model, which we do not run) for the side-by-side comparison.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from models.config import PRESETS

# Figure 1, bottom to top: (stage key, side, trace name whose shape the stage shows, page file).
# Token stages have no array: their shape is the token count. Layer 0 stands for all N layers
# (every layer has the same shapes).
STAGES = (
    ("src_tokens", "enc", None, "app_pages/embedding.py"),
    ("enc_embed", "enc", "enc.hook_embed", "app_pages/embedding.py"),
    ("enc_pos", "enc", "enc.hook_pos", "app_pages/positional.py"),
    ("enc_attn", "enc", "enc.blocks.0.attn.hook_pattern", "app_pages/self_attention.py"),
    ("enc_norm1", "enc", "enc.blocks.0.hook_resid_mid", "app_pages/add_norm.py"),
    ("enc_ffn", "enc", "enc.blocks.0.ffn.hook_hidden", "app_pages/add_norm.py"),
    ("enc_norm2", "enc", "enc.blocks.0.hook_resid_post", "app_pages/add_norm.py"),
    ("tgt_tokens", "dec", None, "app_pages/translation.py"),
    ("dec_embed", "dec", "dec.hook_embed", "app_pages/embedding.py"),
    ("dec_pos", "dec", "dec.hook_pos", "app_pages/positional.py"),
    ("dec_attn", "dec", "dec.blocks.0.attn.hook_pattern", "app_pages/masks.py"),
    ("dec_norm1", "dec", "dec.blocks.0.hook_resid_mid", "app_pages/add_norm.py"),
    ("cross", "dec", "dec.blocks.0.cross.hook_pattern", "app_pages/translation.py"),
    ("dec_norm2", "dec", "dec.blocks.0.hook_resid_cross", "app_pages/add_norm.py"),
    ("dec_ffn", "dec", "dec.blocks.0.ffn.hook_hidden", "app_pages/add_norm.py"),
    ("dec_norm3", "dec", "dec.blocks.0.hook_resid_post", "app_pages/add_norm.py"),
    ("linear", "dec", "dec.hook_logits", "app_pages/translation.py"),
    ("softmax", "dec", "dec.hook_logits", "app_pages/translation.py"),
)
STAGE_KEYS = tuple(key for key, *_ in STAGES)

# Pages that explain the whole pipeline rather than one box, in reading order.
STORY_PAGES = (
    "app_pages/vectors.py",
    "app_pages/embedding.py",
    "app_pages/positional.py",
    "app_pages/self_attention.py",
    "app_pages/multi_head.py",
    "app_pages/vector_space.py",
    "app_pages/masks.py",
    "app_pages/add_norm.py",
    "app_pages/translation.py",
)

# The paper's base model (Table 3). Its vocabulary was ~37000 shared BPE tokens (§5.1); the
# comparison keeps ours so that only the architecture differs.
PAPER_VOCAB = 37000


@dataclass(frozen=True)
class Stage:
    key: str  # one of STAGE_KEYS
    side: str  # "enc" or "dec"
    shape: tuple[int, ...]  # the stage's output for this sentence
    page: str  # the page file that explains it


def format_shape(shape: tuple[int, ...]) -> str:
    """(3, 128) -> "3 × 128"."""
    return " × ".join(str(int(n)) for n in shape)


def stages_from_trace(trace) -> list[Stage]:
    """Figure 1's stages with the shapes of the arrays the model computed for this sentence."""
    out = []
    for key, side, name, page in STAGES:
        if name is None:
            n = len(trace.src_tokens if key == "src_tokens" else trace.tgt_tokens)
            shape = (n,)
        else:
            shape = tuple(int(n) for n in trace[name].shape)
        out.append(Stage(key, side, shape, page))
    return out


def stages_from_config(config: dict, n_src: int, n_tgt: int, vocab_size: int) -> list[Stage]:
    """The same stages computed from a configuration alone (e.g. the paper's base model).

    Args:
        config: needs d_model, n_heads, d_ff.
        n_src, n_tgt: encoder and decoder positions.
    """
    d, h, f = int(config["d_model"]), int(config["n_heads"]), int(config["d_ff"])
    shapes = {
        "src_tokens": (n_src,),
        "enc_embed": (n_src, d),
        "enc_pos": (n_src, d),
        "enc_attn": (h, n_src, n_src),
        "enc_norm1": (n_src, d),
        "enc_ffn": (n_src, f),
        "enc_norm2": (n_src, d),
        "tgt_tokens": (n_tgt,),
        "dec_embed": (n_tgt, d),
        "dec_pos": (n_tgt, d),
        "dec_attn": (h, n_tgt, n_tgt),
        "dec_norm1": (n_tgt, d),
        "cross": (h, n_tgt, n_src),
        "dec_norm2": (n_tgt, d),
        "dec_ffn": (n_tgt, f),
        "dec_norm3": (n_tgt, d),
        "linear": (n_tgt, vocab_size),
        "softmax": (n_tgt, vocab_size),
    }
    return [Stage(key, side, shapes[key], page) for key, side, _, page in STAGES]


def paper_config() -> dict:
    """The paper's base model (Table 3): d_model 512, 8 heads, 6 + 6 layers, d_ff 2048."""
    return dict(PRESETS["base"])


def parameter_count(config: dict, vocab_size: int) -> int:
    """Trainable parameters of this architecture (shared embedding, §3.4), from its shape alone.

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

    ``labels`` maps "name", "ours", "paper", "vocab", "params" to interface words.
    """
    rows = []
    for name in ("d_model", "n_heads", "n_layers", "d_ff", "max_len"):
        rows.append({labels["name"]: name, labels["ours"]: int(ours[name]),
                     labels["paper"]: int(paper[name])})
    rows.append({labels["name"]: "d_head",
                 labels["ours"]: int(ours["d_model"]) // int(ours["n_heads"]),
                 labels["paper"]: int(paper["d_model"]) // int(paper["n_heads"])})
    rows.append({labels["name"]: labels["vocab"], labels["ours"]: vocab_size,
                 labels["paper"]: PAPER_VOCAB})
    rows.append({labels["name"]: labels["params"],
                 labels["ours"]: parameter_count(ours, vocab_size),
                 labels["paper"]: parameter_count(paper, PAPER_VOCAB)})
    return pd.DataFrame(rows)


def shape_table(ours: list[Stage], paper: list[Stage], names: dict[str, str],
                labels: dict[str, str]) -> pd.DataFrame:
    """One row per stage: its name, our shape and the paper's for the same sentence.

    ``names`` maps stage keys to interface names; ``labels`` maps "stage", "ours", "paper".
    """
    if [s.key for s in ours] != [s.key for s in paper]:
        raise ValueError("both stage lists must follow STAGES")
    return pd.DataFrame([
        {labels["stage"]: names[a.key], labels["ours"]: format_shape(a.shape),
         labels["paper"]: format_shape(b.shape)}
        for a, b in zip(ours, paper)
    ])


def padded_input_shapes(n_tokens: int, ours: dict, paper: dict) -> list[tuple[int, int, int]]:
    """The article's fixed-size input matrix ("512 × 512"): (rows, columns, rows used).

    Every sentence is padded to max_len rows of d_model numbers: 512 × 128 here, 512 × 512 in
    the paper's base model; only the first ``n_tokens`` rows hold the sentence.
    """
    out = []
    for cfg in (ours, paper):
        rows = int(cfg["max_len"])
        out.append((rows, int(cfg["d_model"]), min(int(n_tokens), rows)))
    return out
