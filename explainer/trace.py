"""Trace one sentence through the model: every hooked intermediate, as numpy, by name.

The only module of ``explainer`` that touches torch. A ``Trace`` is a plain container of named
arrays and token lists, so an adapter for another model could fill one too.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import numpy as np
import torch

from models.tokenizer import PAD, InputError, Tokenizer, detect_target
from models.transformer import HookPoint, Transformer, generate

__all__ = [
    "MODEL_LOCK", "InputError", "Trace", "trace", "attention_weights", "sublayer_weights",
    "embedding_matrix",
]

# Capture hooks live on the (shared) model while a trace runs: any other forward pass at that
# moment would fire them. Every pass over a shared model (traces, beam search) holds this lock,
# so concurrent users take turns.
MODEL_LOCK = threading.Lock()


@dataclass
class Trace:
    """What the model computed for one sentence.

    Attributes:
        src_tokens: encoder input tokens, as typed (unknown words keep their spelling).
        tgt_tokens: decoder input tokens, start token first (``<2en>`` or ``<2zh>``).
        output_tokens: what the decoder wrote, one per decoder position; ends with ``<eos>``
            when the model stopped by itself.
        arrays: every captured intermediate by hook name (batch dimension removed), in the
            order the forward pass produced them. README lists names and shapes.
        translation: the output as text.
        target: output language, "en" or "zh".
        unknown: typed words outside the vocabulary (the model saw ``<unk>`` for them).
        truncated: True when the input was cut to the model's maximum length.
        n_typed: number of tokens typed before any cut.
        src_ids, tgt_ids, output_ids: the ids behind the token lists.
        model_name: which model produced it.
        config: that model's configuration as a dict.
    """

    src_tokens: list[str]
    tgt_tokens: list[str]
    output_tokens: list[str]
    arrays: dict[str, np.ndarray]
    translation: str
    target: str
    unknown: list[str] = field(default_factory=list)
    truncated: bool = False
    n_typed: int = 0
    src_ids: list[int] = field(default_factory=list)
    tgt_ids: list[int] = field(default_factory=list)
    output_ids: list[int] = field(default_factory=list)
    model_name: str = ""
    config: dict = field(default_factory=dict)

    def __getitem__(self, name: str) -> np.ndarray:
        try:
            return self.arrays[name]
        except KeyError:
            raise KeyError(f"no trace entry {name!r}; see Trace.names()") from None

    def names(self) -> list[str]:
        return list(self.arrays)

    @property
    def n_layers(self) -> int:
        return int(self.config.get("n_layers", 0))

    @property
    def n_heads(self) -> int:
        return int(self.config.get("n_heads", 0))


def _capture(model: Transformer, store: dict[str, np.ndarray]) -> list:
    handles = []
    for name, module in model.named_modules():
        if isinstance(module, HookPoint):

            def hook(_module, _inputs, output, name=name):
                store[name] = output[0].detach().float().cpu().numpy()

            handles.append(module.register_forward_hook(hook))
    return handles


def trace(
    model: Transformer,
    tokenizer: Tokenizer,
    sentence: str,
    target: str | None = None,
    *,
    pad_to: int | None = None,
    max_new: int | None = None,
    temperature: float = 0.0,
    top_k: int = 0,
    seed: int | None = None,
    model_name: str = "",
) -> Trace:
    """Translate ``sentence`` and capture every intermediate of the model's own output.

    The decoder is first run token by token (greedy, or sampled when ``temperature`` > 0),
    then once more teacher-forced on what it wrote, with capture hooks on every HookPoint; so
    cross-attention rows belong to the target tokens actually produced, and
    ``argmax(dec.hook_logits)`` equals the greedy output.

    Args:
        sentence: the user's text; cut to ``model.cfg.max_len`` tokens (``truncated`` says so).
        target: "en" or "zh"; default from the script (Chinese -> English, else -> Chinese).
        pad_to: pad the source with ``<pad>`` to this many positions (the article's fixed-size
            input); padded keys get zero attention.
        max_new: most tokens to write; default from the source length.
        temperature, top_k, seed: sampling instead of greedy decoding, reproducible by seed.

    Raises:
        InputError: empty or whitespace-only text, an unknown target, a bad ``pad_to``.
    """
    cfg = model.cfg
    target = target or detect_target(sentence if isinstance(sentence, str) else "")
    start_id = tokenizer.start_id(target)
    enc = tokenizer.encode(sentence, cfg.max_len)
    src_ids, src_tokens = list(enc.ids), list(enc.tokens)
    if pad_to is not None:
        if not isinstance(pad_to, int) or pad_to > cfg.max_len:
            raise InputError(f"pad_to must be a whole number up to {cfg.max_len}")
        extra = max(0, pad_to - len(src_ids))
        src_ids += [tokenizer.pad_id] * extra
        src_tokens += [PAD] * extra
    if model.training:
        model.eval()  # dropout would make the trace differ from the model's own output
    generator = None
    if temperature > 0:
        generator = torch.Generator().manual_seed(0 if seed is None else int(seed))
    arrays: dict[str, np.ndarray] = {}
    with MODEL_LOCK:
        out_ids = generate(
            model, src_ids, start_id, tokenizer.eos_id, max_new,
            temperature=temperature, top_k=top_k, generator=generator,
        )
        tgt_ids = [start_id] + out_ids[:-1]
        handles = _capture(model, arrays)
        try:
            with torch.no_grad():
                src = torch.tensor([src_ids], dtype=torch.long, device=model.device)
                tgt = torch.tensor([tgt_ids], dtype=torch.long, device=model.device)
                model(src, tgt)
        finally:
            for handle in handles:
                handle.remove()
    for array in arrays.values():
        array.flags.writeable = False  # traces are cached and shared between users
    return Trace(
        src_tokens=src_tokens,
        tgt_tokens=tokenizer.ids_to_tokens(tgt_ids),
        output_tokens=tokenizer.ids_to_tokens(out_ids),
        arrays=arrays,
        translation=tokenizer.decode(out_ids),
        target=target,
        unknown=list(enc.unknown),
        truncated=enc.truncated,
        n_typed=enc.n_typed,
        src_ids=src_ids,
        tgt_ids=tgt_ids,
        output_ids=out_ids,
        model_name=model_name,
        config=cfg.to_dict(),
    )


def attention_weights(model: Transformer) -> dict[str, np.ndarray]:
    """Every attention block's projections, named ``<block>.attn.W_Q`` / ``<block>.cross.W_Q``.

    Shapes: ``W_Q``/``W_K``/``W_V`` [head, d_model, d_head], ``b_Q``/``b_K``/``b_V``
    [head, d_head], ``W_O`` [head, d_head, d_model], ``b_O`` [d_model]; per head,
    ``hook_q = input @ W_Q + b_Q``.
    """
    out = {}
    for name, param in model.named_parameters():
        leaf = name.rsplit(".", 1)[-1]
        if leaf in ("W_Q", "W_K", "W_V", "b_Q", "b_K", "b_V", "W_O", "b_O"):
            out[name] = param.detach().float().cpu().numpy()
    return out


def sublayer_weights(model: Transformer) -> dict[str, np.ndarray]:
    """Feed-forward and LayerNorm parameters under their module names, as numpy.

    ``{enc|dec}.blocks.{l}.ffn.W_1.weight`` [d_ff, d_model] and ``.bias`` [d_ff],
    ``...ffn.W_2.weight`` [d_model, d_ff] and ``.bias`` [d_model] (torch's Linear stores
    y = x Wᵀ + b), and each ``...ln_attn`` / ``ln_cross`` / ``ln_ffn`` ``.weight`` (γ) and
    ``.bias`` (β) [d_model].
    """
    return {
        name: param.detach().float().cpu().numpy()
        for name, param in model.named_parameters()
        if ".ffn." in name or ".ln_" in name
    }


def embedding_matrix(model: Transformer) -> np.ndarray:
    """The shared token embedding [vocab, d_model], before the √d_model scaling (§3.4)."""
    return model.embed.weight.detach().float().cpu().numpy()
