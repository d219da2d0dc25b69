"""Our masked-language model (``models/mlm.py``) as an adapter: encoder-only, one forward pass.

The model's ``HookPoint`` modules are named by their module path, which is the contract's name
(``enc.blocks.0.attn.hook_pattern``, ``enc.hook_logits``), as in our translation model. Weights
use the translation model's parameter names, so ``weights()`` is that adapter's.
"""

from __future__ import annotations

import math

import numpy as np
import torch

from models.adapters.base import Capture
from models.adapters.ours import OursAdapter, capture_hookpoints, encode_padded
from models.mlm import MLM_SPECIALS, MaskedLM, MaskedTokenizer

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
        enc, ids, tokens = encode_padded(tokenizer, sentence, cfg.max_len, pad_to)
        if model.training:
            model.eval()  # dropout would make the trace differ from the model's own output
        arrays = capture_hookpoints(
            model, torch.tensor([ids], dtype=torch.long, device=model.device))
        pad = np.array(ids) == tokenizer.pad_id  # [s]
        return Capture(
            caps=self.caps, arrays=arrays,
            masks={"enc": np.broadcast_to(pad, (len(ids), len(ids))).copy()},
            src_tokens=tokens, unknown=list(enc.unknown), truncated=enc.truncated,
            n_typed=enc.n_typed, src_ids=ids,
        )
