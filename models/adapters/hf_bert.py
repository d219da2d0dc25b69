"""BERT-family encoders (bert, distilbert; all-MiniLM-L6-v2 is a bert) captured into the contract.

BERT is the paper's encoder with learned positions and a LayerNorm on the embeddings
(Devlin et al. 2019, §3): ``input = LayerNorm(word + position + token_type)``, then post-LN
blocks ``LayerNorm(x + Sublayer(x))`` as in Vaswani et al. §3.1. In the trace:

- ``enc.hook_embed`` = the word embeddings (unscaled: BERT does not scale them);
- ``enc.hook_pos`` = the position embeddings;
- token-type (segment) embeddings have no array of their own: one sentence is all segment 0,
  so the same row ``token_type_embedding[0]`` is added at every position, inside
  ``enc.hook_input`` (= LayerNorm(embed + pos + that row)). ``weights()`` holds the table as
  ``enc.token_type_embedding`` and the embedding LayerNorm as ``enc.ln_embed.gamma/beta``;
  DistilBERT has no token types at all.
- ``enc.hook_logits`` only when the folder's model has a masked-LM head (``*ForMaskedLM`` or
  ``*ForPreTraining`` in config.json's architectures); a plain ``BertModel`` (all-MiniLM) has
  no logits.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import torch

from models.adapters.base import Capture, WeightSet, to_numpy
from models.adapters.hf import (
    HFAdapter,
    assemble,
    check_pad_to,
    dense_t,
    encode,
    linear_heads,
    load_model,
    load_tokenizer,
    norm_weights,
    out_heads,
    padding_forbidden,
    special_tokens,
    vocab_strings,
)


@dataclass(frozen=True)
class _Layout:
    """Where each part of a block lives, relative to the base model / one layer."""

    layers: str
    q: str
    k: str
    v: str
    attn: str  # the module that returns (output, pattern)
    out_proj: str
    ln_attn: str
    ffn_in: str
    ffn_out: str
    ln_ffn: str


_LAYOUTS = {
    "bert": _Layout(
        layers="encoder.layer", q="attention.self.query", k="attention.self.key",
        v="attention.self.value", attn="attention.self", out_proj="attention.output.dense",
        ln_attn="attention.output.LayerNorm", ffn_in="intermediate.dense",
        ffn_out="output.dense", ln_ffn="output.LayerNorm",
    ),
    "distilbert": _Layout(
        layers="transformer.layer", q="attention.q_lin", k="attention.k_lin",
        v="attention.v_lin", attn="attention", out_proj="attention.out_lin",
        ln_attn="sa_layer_norm", ffn_in="ffn.lin1", ffn_out="ffn.lin2",
        ln_ffn="output_layer_norm",
    ),
}
_LM_HEADS = ("ForMaskedLM", "ForPreTraining")


def load(folder: Path, name: str, config: dict, device: str | None) -> BertAdapter:
    """Load a bert/distilbert folder (see ``models.adapters.hf.load_hf``)."""
    architectures = config.get("architectures") or []
    has_lm = any(a.endswith(_LM_HEADS) for a in architectures)
    tokenizer = load_tokenizer(folder)
    model = load_model(folder, "AutoModelForMaskedLM" if has_lm else "AutoModel", device)
    return BertAdapter(folder, name, model, tokenizer, has_lm)


class BertAdapter(HFAdapter):
    family = "bert"

    def __init__(self, folder: Path, name: str, model, tokenizer, has_lm: bool):
        cfg = model.config
        self.model_type = cfg.model_type
        self.layout = _LAYOUTS[self.model_type]
        base = model.base_model
        self.layers = list(base.get_submodule(self.layout.layers))
        first = self.layers[0]
        d_model = base.embeddings.word_embeddings.weight.shape[1]
        n_heads = cfg.num_attention_heads if self.model_type == "bert" else cfg.n_heads
        d_ff = first.get_submodule(self.layout.ffn_in).out_features
        activation = cfg.hidden_act if self.model_type == "bert" else cfg.activation
        sinusoidal = bool(getattr(cfg, "sinusoidal_pos_embds", False))
        max_len = cfg.max_position_embeddings
        if 0 < getattr(tokenizer, "model_max_length", max_len) < max_len:
            max_len = int(tokenizer.model_max_length)
        caps = {
            "architecture": "encoder-only",
            # DistilBERT may use fixed sines (sin/cos interleaved, as in §3.5); BERT learns its.
            "positional": "sinusoidal" if sinusoidal else "learned",
            "norm": "post",
            "family": self.family,
            "display_name": name,
            "n_enc_layers": len(self.layers),
            "n_dec_layers": 0,
            "n_heads": n_heads,
            "d_model": d_model,
            "d_head": d_model // n_heads,
            "d_ff": d_ff,
            "vocab_size": cfg.vocab_size,
            "max_len": int(max_len),
            "special_tokens": special_tokens(tokenizer),
            "generates": False,
            "has_logits": has_lm,
            "activation": str(activation),
            "embed_scale": 1.0,
            "pe_layout": "interleaved" if sinusoidal else "",
            "embed_norm": True,
            "languages": (),
        }
        super().__init__(folder, name, model, tokenizer, caps)

    # -- capture ----------------------------------------------------------------------------
    def capture(self, sentence, target=None, *, pad_to=None, max_new=None, temperature=0.0,
                top_k=0, seed=None) -> Capture:
        """One pass of the encoder over ``sentence`` ([CLS] … [SEP], as the tokenizer makes it).

        ``pad_to`` pads with the tokenizer's pad token (padded keys masked); ``target``,
        ``max_new`` and the sampling arguments do not apply to an encoder and are ignored.
        """
        caps = self._caps
        enc = encode(self.tokenizer, sentence, caps["max_len"])
        ids, tokens = list(enc.ids), list(enc.tokens)
        keep = [True] * len(ids)
        pad_to = check_pad_to(pad_to, caps["max_len"])
        if pad_to and pad_to > len(ids):
            extra = pad_to - len(ids)
            ids += [self.tokenizer.pad_token_id] * extra
            tokens += [str(self.tokenizer.pad_token)] * extra
            keep += [False] * extra
        forbidden = padding_forbidden(len(ids), keep)
        lay = self.layout
        base = self.model.base_model
        with self.recording() as rec:
            rec.output(base.embeddings.word_embeddings, ("enc", "embed"))
            rec.output(base.embeddings.position_embeddings, ("enc", "pos"))
            rec.output(base.embeddings, ("enc", "input"))
            for layer_idx, layer in enumerate(self.layers):
                key = ("enc", layer_idx, "attn")
                rec.input(layer, ("enc", layer_idx, "resid_pre"))
                for part in ("q", "k", "v"):
                    rec.output(layer.get_submodule(getattr(lay, part)), (*key, part))
                rec.attention(layer.get_submodule(lay.attn), key)
                rec.input(layer.get_submodule(lay.out_proj), (*key, "z"))
                rec.output(layer.get_submodule(lay.out_proj), (*key, "out"))
                rec.input(layer.get_submodule(lay.ln_attn), ("enc", layer_idx, "sum_attn"))
                rec.output(layer.get_submodule(lay.ln_attn), ("enc", layer_idx, "resid_mid"))
                rec.input(layer.get_submodule(lay.ffn_out), ("enc", layer_idx, "hidden"))
                rec.output(layer.get_submodule(lay.ffn_out), ("enc", layer_idx, "ffn_out"))
                rec.input(layer.get_submodule(lay.ln_ffn), ("enc", layer_idx, "sum_ffn"))
                rec.output(layer.get_submodule(lay.ln_ffn), ("enc", layer_idx, "resid_post"))
            out = self.model(input_ids=self.tensor(ids),
                             attention_mask=self.tensor([int(k) for k in keep]))
            saved = rec.saved
        arrays = assemble(
            saved, sides=("enc",), n_layers={"enc": caps["n_enc_layers"]},
            n_heads=caps["n_heads"], post_ln=True, cross=False,
            scaling=lambda key: self._scaling(key[1]), forbidden={"enc": forbidden},
        )
        if caps["has_logits"]:
            arrays["enc.hook_logits"] = to_numpy(out.logits[0])
        return Capture(
            caps=self.caps, arrays=arrays, masks={"enc": forbidden.numpy()},
            src_tokens=tokens, unknown=enc.unknown, truncated=enc.truncated,
            n_typed=enc.n_typed, src_ids=ids,
        )

    def _scaling(self, layer: int) -> float:
        attn = self.layers[layer].get_submodule(self.layout.attn)
        return float(getattr(attn, "scaling", 1 / math.sqrt(self._caps["d_head"])))

    # -- weights ----------------------------------------------------------------------------
    def weights(self) -> WeightSet:
        """Per block ``enc.blocks.{l}.attn.W_Q`` … (see ``explainer.contract.Weights``), plus
        ``enc.pos_embedding`` [max_len, d_model], ``enc.ln_embed.gamma/beta`` and, for BERT,
        ``enc.token_type_embedding`` [type_vocab, d_model]."""
        lay = self.layout
        h = self._caps["n_heads"]
        emb = self.model.base_model.embeddings
        arrays: dict = {}
        with torch.no_grad():
            for layer_idx, layer in enumerate(self.layers):
                prefix = f"enc.blocks.{layer_idx}"
                for part in ("q", "k", "v"):
                    lin = layer.get_submodule(getattr(lay, part))
                    w, b = linear_heads(lin.weight, lin.bias, h)
                    arrays[f"{prefix}.attn.W_{part.upper()}"] = w
                    arrays[f"{prefix}.attn.b_{part.upper()}"] = b
                o = layer.get_submodule(lay.out_proj)
                arrays[f"{prefix}.attn.W_O"] = out_heads(o.weight, h)
                arrays[f"{prefix}.attn.b_O"] = to_numpy(o.bias)
                f1, f2 = layer.get_submodule(lay.ffn_in), layer.get_submodule(lay.ffn_out)
                arrays[f"{prefix}.ffn.W_1"] = dense_t(f1)
                arrays[f"{prefix}.ffn.b_1"] = to_numpy(f1.bias)
                arrays[f"{prefix}.ffn.W_2"] = dense_t(f2)
                arrays[f"{prefix}.ffn.b_2"] = to_numpy(f2.bias)
                norm_weights(arrays, f"{prefix}.ln_attn", layer.get_submodule(lay.ln_attn))
                norm_weights(arrays, f"{prefix}.ln_ffn", layer.get_submodule(lay.ln_ffn))
            arrays["enc.pos_embedding"] = to_numpy(emb.position_embeddings.weight)
            if hasattr(emb, "token_type_embeddings"):
                arrays["enc.token_type_embedding"] = to_numpy(emb.token_type_embeddings.weight)
            norm_weights(arrays, "enc.ln_embed", emb.LayerNorm)
            embedding = to_numpy(emb.word_embeddings.weight)
        return WeightSet(arrays=arrays, embedding=embedding,
                         vocab=vocab_strings(self.tokenizer, embedding.shape[0]))
