"""Our masked-language model (``models/mlm.py``) as an adapter: encoder-only, one forward pass.

The model's ``HookPoint`` modules are named by their module path, which is the contract's name
(``enc.blocks.0.attn.hook_pattern``, ``enc.hook_logits``), as in our translation model. Weights
use the translation model's parameter names, so ``weights()`` is that adapter's.
"""

from __future__ import annotations

import math

import numpy as np
import torch

from models.adapters.base import Capture, to_numpy
from models.adapters.ours import OursAdapter
from models.mlm import MLM_SPECIALS, MaskedLM, MaskedTokenizer
from models.tokenizer import PAD, InputError
from models.transformer import HookPoint

FAMILY = "ours-mlm"


class MaskedLMAdapter(OursAdapter):
    """A BERT-style encoder of ours: ``[MASK]`` in the text, a score for every word at every
    position in ``enc.hook_logits``. It writes nothing (``generates`` is False)."""

    def __init__(self, model: MaskedLM, tokenizer: MaskedTokenizer, name: str = "mlm-small",
                 display_name: str | None = None, training: dict | None = None):
        super().__init__(model, tokenizer, name, display_name, training)

    @property
    def caps(self) -> dict:
        cfg = self.model.cfg
        return {
            "architecture": "encoder-only", "positional": "sinusoidal", "norm": "post",
            "family": FAMILY, "display_name": self.display_name,
            "n_enc_layers": cfg.n_layers, "n_dec_layers": 0,
            "n_heads": cfg.n_heads, "d_model": cfg.d_model, "d_head": cfg.d_head,
            "d_ff": cfg.d_ff, "vocab_size": cfg.vocab_size, "max_len": cfg.max_len,
            "special_tokens": list(MLM_SPECIALS), "generates": False, "has_logits": True,
            "activation": "relu", "embed_scale": math.sqrt(cfg.d_model),
            "pe_layout": "interleaved", "embed_norm": False, "languages": [],
        }

    def capture(self, sentence: str, target: str | None = None, *, pad_to: int | None = None,
                max_new: int | None = None, temperature: float = 0.0, top_k: int = 0,
                seed: int | None = None) -> Capture:
        """One forward pass with a capture hook on every HookPoint.

        ``target``, ``max_new`` and the sampling options are accepted and ignored: the model
        writes nothing. ``pad_to`` pads with ``<pad>`` (padded keys are masked).

        Raises:
            InputError: empty text or a bad ``pad_to``.
        """
        model, tokenizer = self.model, self.tokenizer
        cfg = model.cfg
        enc = tokenizer.encode(sentence, cfg.max_len)
        ids, tokens = list(enc.ids), list(enc.tokens)
        if pad_to is not None:
            if not isinstance(pad_to, int) or pad_to > cfg.max_len:
                raise InputError(f"pad_to must be a whole number up to {cfg.max_len}")
            extra = max(0, pad_to - len(ids))
            ids += [tokenizer.pad_id] * extra
            tokens += [PAD] * extra
        if model.training:
            model.eval()  # dropout would make the trace differ from the model's own output
        arrays: dict[str, np.ndarray] = {}
        handles = []
        for name, module in model.named_modules():
            if isinstance(module, HookPoint):
                def hook(_module, _inputs, output, name=name):
                    arrays[name] = to_numpy(output[0])
                handles.append(module.register_forward_hook(hook))
        try:
            with torch.no_grad():
                model(torch.tensor([ids], dtype=torch.long, device=model.device))
        finally:
            for handle in handles:
                handle.remove()
        pad = np.array(ids) == tokenizer.pad_id  # [s]
        return Capture(
            caps=self.caps, arrays=arrays,
            masks={"enc": np.broadcast_to(pad, (len(ids), len(ids))).copy()},
            src_tokens=tokens, unknown=list(enc.unknown), truncated=enc.truncated,
            n_typed=enc.n_typed, src_ids=ids,
        )
