"""Teacher-forced runs for every adapter that writes: what "Why this word?" needs from a model.

An adapter that generates text (ours, Marian/BART, GPT-2) offers, besides ``capture``:

- ``forced(sentence, text, to=..., end=True, max_src=None) -> Forced``: the sentence and a
  target text as ids (``text`` None: the model's own greedy output);
- ``forced_logits(forced, src_embeds=None) -> [b, T, vocab]``: one teacher-forced pass, the rows
  that predict ``forced.out_ids``; ``src_embeds`` [b, S, d_model] replaces the source's token
  embeddings (the attribution point, see ``source_embeddings``), so gradients can flow to them;
- ``source_embeddings(forced) -> [1, S, d_model]``: the source tokens' embeddings as the model
  scales them, before positions are added (ours and Marian: E[id]·√d_model; BART: its scaled
  embedding; GPT-2: the prompt's ``wte`` rows);
- ``unembed(x) -> logits``: the decoder's output layer exactly as the model applies it after its
  last block (GPT-2's final LayerNorm first; Marian/BART's final logits bias after);
- ``z_modules()``: where each attention block's per-head output z (before W_O) passes, so
  ``patch_heads`` can switch heads off.

No method leaves state on the model: hooks are removed in ``finally``, no parameter gets a
``.grad`` (callers take gradients with ``torch.autograd.grad`` on the embeddings only).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import torch

# Where z passes: "heads" = a module whose output is z [b, head, t, d_head] (our hook_z);
# "concat" = the output projection, whose input is z with heads side by side [b, t, head·d_head].
HEADS, CONCAT = "heads", "concat"


@dataclass
class Forced:
    """A sentence and a target as the model reads them in one teacher-forced pass.

    The decoder reads ``prefix + out_ids[:-1]``; its rows from ``len(prefix) - 1`` on predict
    ``out_ids`` one by one. Encoder–decoders: ``prefix`` is the start token and ``src_ids`` the
    encoder's input. Decoder-only (GPT-2): ``prefix`` is the prompt and ``src_ids`` is the
    prompt again (what attribution explains).
    """

    sentence: str
    target: str
    src_ids: list[int]
    src_tokens: list[str]
    prefix: list[int]
    out_ids: list[int]
    out_tokens: list[str]
    unknown: list[str] = field(default_factory=list)
    truncated: bool = False
    n_typed: int = 0

    @property
    def dec_in(self) -> list[int]:
        return self.prefix + self.out_ids[:-1]

    @property
    def first_row(self) -> int:
        return len(self.prefix) - 1


@dataclass
class HeadPatch:
    """What to do with one attention block's heads, row by row of a batch.

    Attributes:
        keep: [b or 1, head] 1 keeps a head's z, 0 replaces it by ``fill``.
        fill: [head, d_head] what a switched-off head writes instead (zeros: "zero" ablation;
            its mean over the sentence's positions: "mean" ablation).
    """

    keep: torch.Tensor
    fill: torch.Tensor


def _patched(z: torch.Tensor, patch: HeadPatch, layout: str) -> torch.Tensor:
    keep = patch.keep.to(z.dtype)
    fill = patch.fill.to(z.dtype)
    if layout == HEADS:  # z [b, head, t, d_head]
        k = keep[:, :, None, None]
        return z * k + fill[None, :, None, :] * (1 - k)
    b, t, _ = z.shape  # z [b, t, head·d_head]
    heads = z.reshape(b, t, keep.shape[1], -1)
    k = keep[:, None, :, None]
    return (heads * k + fill[None, None] * (1 - k)).reshape(b, t, -1)


@contextmanager
def patch_heads(adapter, patches: dict[tuple[str, int], HeadPatch]) -> Iterator[None]:
    """Switch heads off while the block runs: ``patches`` maps (stage, layer) to a HeadPatch.

    Every hook is removed on exit, also when the pass raises. The hooks are registered before
    any capture hook, so a trace taken inside sees the changed z.
    """
    modules = adapter.z_modules()
    handles = []
    try:
        for key, patch in patches.items():
            module, layout = modules[key]
            if layout == HEADS:
                handles.append(module.register_forward_hook(
                    lambda _m, _a, out, p=patch: _patched(out, p, HEADS)))
            else:
                handles.append(module.register_forward_pre_hook(
                    lambda _m, args, p=patch: (_patched(args[0], p, CONCAT), *args[1:])))
        yield
    finally:
        for handle in handles:
            handle.remove()


@contextmanager
def replace_output(module, value: torch.Tensor) -> Iterator[None]:
    """While inside, ``module`` returns ``value`` instead of its own output (hook removed on
    exit): how a source's token embeddings are replaced by the ones attribution varies."""
    handle = module.register_forward_hook(lambda _m, _a, _out: value)
    try:
        yield
    finally:
        handle.remove()


def batch_of(ids: list[int], b: int, device) -> torch.Tensor:
    """[b, len(ids)] long tensor: the same ids on every row."""
    return torch.tensor([ids], dtype=torch.long, device=device).expand(b, -1)
