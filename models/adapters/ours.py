"""Our encoder–decoder (trained or untrained) as an adapter: hooks by module path, masks, caps.

Every ``HookPoint`` of ``models.transformer`` is named by its module path, which is already the
contract's name (``enc.blocks.0.attn.hook_pattern``), so capturing is reading each one once.
"""

from __future__ import annotations

import math

import numpy as np
import torch

from models.adapters.base import Capture, WeightSet, to_numpy
from models.adapters.forcing import HEADS, Forced, batch_of, replace_output
from models.tokenizer import (
    EOS,
    PAD,
    SPECIALS,
    InputError,
    Tokenizer,
    detect_target,
    detokenize,
)
from models.transformer import HookPoint, Transformer, generate


class OursAdapter:
    """The paper's Transformer as we built and trained it (``models/transformer.py``)."""

    def __init__(self, model: Transformer, tokenizer: Tokenizer, name: str = "trained",
                 display_name: str | None = None, training: dict | None = None):
        self.model = model
        self.tokenizer = tokenizer
        self.name = name
        self.display_name = display_name or name
        self.training = training or {}

    @property
    def caps(self) -> dict:
        cfg = self.model.cfg
        return {
            "architecture": "encoder-decoder", "positional": "sinusoidal", "norm": "post",
            "family": "ours", "display_name": self.display_name,
            "n_enc_layers": cfg.n_layers, "n_dec_layers": cfg.n_layers,
            "n_heads": cfg.n_heads, "d_model": cfg.d_model, "d_head": cfg.d_head,
            "d_ff": cfg.d_ff, "vocab_size": cfg.vocab_size, "max_len": cfg.max_len,
            "special_tokens": list(SPECIALS), "generates": True, "has_logits": True,
            "activation": "relu", "embed_scale": math.sqrt(cfg.d_model),
            "pe_layout": "interleaved", "embed_norm": False, "languages": ["en", "zh"],
        }

    def capture(self, sentence: str, target: str | None = None, *, pad_to: int | None = None,
                max_new: int | None = None, temperature: float = 0.0, top_k: int = 0,
                seed: int | None = None, forced_ids: list[int] | None = None) -> Capture:
        """Translate, then run the decoder once more teacher-forced on what it wrote with a
        capture hook on every HookPoint: cross-attention rows belong to the tokens actually
        produced, and ``argmax(dec.hook_logits)`` equals the greedy output.

        ``forced_ids`` (the output ids, end token included) skips writing: the trace is then
        that of the given output, read teacher-forced.

        Raises:
            InputError: empty text, an unknown target, a bad ``pad_to``.
        """
        model, tokenizer = self.model, self.tokenizer
        cfg = model.cfg
        target = target or detect_target(sentence if isinstance(sentence, str) else "")
        start_id = tokenizer.start_id(target)
        enc, src_ids, src_tokens = encode_padded(tokenizer, sentence, cfg.max_len, pad_to)
        if model.training:
            model.eval()  # dropout would make the trace differ from the model's own output
        generator = None
        if temperature > 0:
            generator = torch.Generator().manual_seed(0 if seed is None else int(seed))
        if forced_ids is not None:
            out_ids = [int(i) for i in forced_ids]
        else:
            out_ids = generate(model, src_ids, start_id, tokenizer.eos_id, max_new,
                               temperature=temperature, top_k=top_k, generator=generator)
        tgt_ids = [start_id] + out_ids[:-1]
        src = torch.tensor([src_ids], dtype=torch.long, device=model.device)
        tgt = torch.tensor([tgt_ids], dtype=torch.long, device=model.device)
        arrays = capture_hookpoints(model, src, tgt)
        return Capture(
            caps=self.caps, arrays=arrays, masks=_masks(src_ids, tgt_ids, tokenizer.pad_id),
            src_tokens=src_tokens, tgt_tokens=tokenizer.ids_to_tokens(tgt_ids),
            output_tokens=tokenizer.ids_to_tokens(out_ids), translation=tokenizer.decode(out_ids),
            target=target, unknown=list(enc.unknown), truncated=enc.truncated,
            n_typed=enc.n_typed, src_ids=src_ids, tgt_ids=tgt_ids, output_ids=out_ids,
            end_token=EOS,
        )

    # -- teacher-forced runs (models/adapters/forcing.py) ---------------------------------------
    def forced(self, sentence: str, text: str | None = None, *, to: str | None = None,
               end: bool = True, max_src: int | None = None) -> Forced:
        """``sentence`` and a target ``text`` as ids (``text`` None: the greedy translation).

        ``end`` appends ``<eos>`` to ``text`` (a whole translation); the target is cut so that
        the decoder's input fits ``max_len``.

        Raises:
            InputError: empty sentence, empty ``text`` with ``end``, an unknown target.
        """
        model, tok = self.model, self.tokenizer
        cfg = model.cfg
        target = to or detect_target(sentence if isinstance(sentence, str) else "")
        start = tok.start_id(target)
        limit = min(cfg.max_len, max_src) if max_src else cfg.max_len
        enc = tok.encode(sentence, limit)
        unknown = list(enc.unknown)
        if text is None:
            if model.training:
                model.eval()
            out = generate(model, list(enc.ids), start, tok.eos_id)
        else:
            if not isinstance(text, str):
                raise InputError("the translation must be text")
            words = tok.split(text)[: cfg.max_len - 1]
            if not words and end:
                raise InputError("the translation is empty: type one to score")
            out = [tok.index.get(w, tok.unk_id) for w in words] + ([tok.eos_id] if end else [])
            unknown += [w for w in words if w not in tok.index]
        return Forced(
            sentence=sentence, target=target, src_ids=list(enc.ids),
            src_tokens=list(enc.tokens), prefix=[start], out_ids=out,
            out_tokens=tok.ids_to_tokens(out), unknown=list(dict.fromkeys(unknown)),
            truncated=enc.truncated, n_typed=enc.n_typed,
        )

    def source_embeddings(self, forced: Forced) -> torch.Tensor:
        """[1, S, d_model]: E[id]·√d_model, what ``enc.hook_embed`` sees (before positions)."""
        src = batch_of(forced.src_ids, 1, self.model.device)
        return self.model.embed(src)[0].detach()

    def forced_logits(self, forced: Forced, src_embeds: torch.Tensor | None = None
                      ) -> torch.Tensor:
        """[b, T, vocab] logits predicting ``forced.out_ids`` (b = rows of ``src_embeds``)."""
        model = self.model
        if model.training:
            model.eval()
        b = 1 if src_embeds is None else src_embeds.shape[0]
        src = batch_of(forced.src_ids, b, model.device)
        tgt = batch_of(forced.dec_in, b, model.device)
        if src_embeds is None:
            return model(src, tgt)[:, forced.first_row:]
        with replace_output(model.enc.hook_embed, src_embeds):
            return model(src, tgt)[:, forced.first_row:]

    def unembed(self, x: torch.Tensor) -> torch.Tensor:
        """x Eᵀ (§3.4): post-LN blocks end in a LayerNorm, so no final norm comes first."""
        return self.model.embed.unembed(x)

    def z_modules(self) -> dict:
        """(stage, layer) -> (the ``hook_z`` its heads' z [b, head, t, d_head] passes, layout)."""
        found = {}
        for layer, block in enumerate(self.model.enc.blocks):
            found[("enc", layer)] = (block.attn.hook_z, HEADS)
        for layer, block in enumerate(self.model.dec.blocks):
            found[("dec", layer)] = (block.attn.hook_z, HEADS)
            found[("cross", layer)] = (block.cross.hook_z, HEADS)
        return found

    def drop_source(self, sentence: str, positions) -> str:
        """The sentence without the source tokens at ``positions`` (indices of ``src_tokens``).

        Raises:
            InputError: nothing would be left.
        """
        tokens = self.tokenizer.split(sentence)[: self.model.cfg.max_len]
        drop = {int(p) for p in positions}
        kept = [t for i, t in enumerate(tokens) if i not in drop]
        if not kept:
            raise InputError("dropping every source word leaves nothing to translate")
        return detokenize(kept)

    def token_id(self, token: str) -> int | None:
        """The id of a vocabulary token, None when it is not one."""
        return self.tokenizer.index.get(token)

    def id_tokens(self, ids) -> list[str]:
        """Token strings of output ids."""
        return self.tokenizer.ids_to_tokens(ids)

    def weights(self) -> WeightSet:
        """Parameters renamed to the contract's conventions (torch's Linear stores Wᵀ)."""
        arrays = {}
        for name, param in self.model.named_parameters():
            value = to_numpy(param)
            prefix, leaf = name.rsplit(".", 1)
            if leaf in ("W_Q", "W_K", "W_V", "b_Q", "b_K", "b_V", "W_O", "b_O"):
                arrays[name] = value
            elif prefix.endswith((".ffn.W_1", ".ffn.W_2")):
                block, lin = prefix.rsplit(".", 1)
                number = lin[-1]
                arrays[f"{block}.{'W' if leaf == 'weight' else 'b'}_{number}"] = (
                    value.T if leaf == "weight" else value)
            elif ".ln_" in prefix:
                arrays[f"{prefix}.{'gamma' if leaf == 'weight' else 'beta'}"] = value
        return WeightSet(arrays, to_numpy(self.model.state_dict()["embed.weight"]),
                         list(self.tokenizer.vocab))


def encode_padded(tokenizer, sentence: str, max_len: int, pad_to: int | None):
    """The tokenizer's encoding of ``sentence`` (cut to ``max_len``), its ids and tokens, padded
    with ``<pad>`` to ``pad_to`` positions when asked (the article's fixed-size input).

    Raises:
        InputError: empty text, or ``pad_to`` that is not a whole number up to ``max_len``.
    """
    enc = tokenizer.encode(sentence, max_len)
    ids, tokens = list(enc.ids), list(enc.tokens)
    if pad_to is not None:
        if not isinstance(pad_to, int) or pad_to > max_len:
            raise InputError(f"pad_to must be a whole number up to {max_len}")
        extra = max(0, pad_to - len(ids))
        ids += [tokenizer.pad_id] * extra
        tokens += [PAD] * extra
    return enc, ids, tokens


def capture_hookpoints(model, *inputs) -> dict[str, np.ndarray]:
    """Run ``model(*inputs)`` once with a hook on every HookPoint: its output by module path
    (the contract's name), batch dimension removed. Every hook is removed, also on an error."""
    arrays: dict[str, np.ndarray] = {}
    handles = []
    for name, module in model.named_modules():
        if isinstance(module, HookPoint):
            def hook(_module, _inputs, output, name=name):
                arrays[name] = to_numpy(output[0])
            handles.append(module.register_forward_hook(hook))
    try:
        with torch.no_grad():
            model(*inputs)
    finally:
        for handle in handles:
            handle.remove()
    return arrays


def _masks(src_ids: list[int], tgt_ids: list[int], pad_id: int) -> dict[str, np.ndarray]:
    """Which keys each query may not see: padded source keys; future decoder positions."""
    src_pad = np.array(src_ids) == pad_id  # [s]
    t = len(tgt_ids)
    future = np.triu(np.ones((t, t), dtype=bool), k=1)  # §3.2.3
    return {
        "enc": np.broadcast_to(src_pad, (len(src_ids), len(src_ids))).copy(),
        "dec": future | (np.array(tgt_ids) == pad_id)[None, :],
        "cross": np.broadcast_to(src_pad, (t, len(src_ids))).copy(),
    }
