"""Marian (and BART) encoder–decoders captured into the contract.

Both are the paper's encoder–decoder with post-LN blocks ``LayerNorm(x + Sublayer(x))``
(Vaswani et al. §3.1) and cross-attention in every decoder block; they differ in the input:

- Marian: token embeddings × √d_model when ``scale_embedding`` (§3.4), plus *sinusoidal*
  positions (§3.5) laid out in halves: all the sines, then all the cosines
  (``MarianSinusoidalPositionalEmbedding``), not interleaved; no embedding LayerNorm.
- BART: learned positions (rows 2… of its table: BART keeps two spare rows in front) and a
  LayerNorm after embedding + position (``embed_norm``).

In the trace ``{side}.hook_embed`` is the token embedding as the model scales it,
``{side}.hook_pos`` the position rows, ``{side}.hook_input`` what layer 0 reads. Cross-attention
is under ``dec.blocks.{l}.cross``. ``masks``: "enc" (padded source keys), "dec" (causal),
"cross" (padded source keys). Marian models translate one fixed direction: ``target`` is
ignored and ``languages`` is empty.

The decoder writes greedily (or samples) from ``decoder_start_token_id`` until the end token or
``max_new`` tokens, then reads [start] + output[:-1] once more, teacher-forced, with the hooks
on, so ``argmax(dec.hook_logits)`` row by row is the greedy output. As ``model.generate`` does,
single-token ``bad_words_ids`` of the model's generation config (Marian bans its pad token)
are never written and BART's ``forced_bos_token_id`` is written first; the logits in the trace
are the model's own, before those rules.
"""

from __future__ import annotations

from pathlib import Path

import torch

from models.adapters.base import AdapterError, Capture, WeightSet, to_numpy
from models.adapters.forcing import CONCAT, Forced, batch_of
from models.adapters.hf import (
    HFAdapter,
    assemble,
    causal_forbidden,
    check_pad_to,
    dense_t,
    encode,
    linear_heads,
    load_model,
    load_tokenizer,
    make_generator,
    next_token,
    norm_weights,
    out_heads,
    padding_forbidden,
    special_tokens,
    token_strings,
    vocab_id,
)
from models.tokenizer import InputError


def load(folder: Path, name: str, config: dict, device: str | None) -> Seq2SeqAdapter:
    """Load a marian/bart folder (see ``models.adapters.hf.load_hf``)."""
    for a, b in (("encoder_attention_heads", "decoder_attention_heads"),
                 ("encoder_ffn_dim", "decoder_ffn_dim")):
        if a in config and b in config and config[a] != config[b]:
            raise AdapterError(f"{folder}: encoder and decoder differ in {a.split('_', 1)[1]} "
                               f"({config[a]} vs {config[b]}); the app shows one size for both")
    tokenizer = load_tokenizer(folder)
    model = load_model(folder, "AutoModelForSeq2SeqLM", device)
    return Seq2SeqAdapter(folder, name, model, tokenizer)


def _batched(out):
    """Position modules return [pos, d] (Marian) or [1, pos, d] (BART): always the latter."""
    out = out[0] if isinstance(out, tuple) else out
    return out if out.dim() == 3 else out.unsqueeze(0)


class Seq2SeqAdapter(HFAdapter):
    def __init__(self, folder: Path, name: str, model, tokenizer):
        cfg = model.config
        self.family = cfg.model_type  # "marian" or "bart"
        inner = model.get_encoder(), model.get_decoder()
        self.encoder, self.decoder = inner
        d_model = cfg.d_model
        marian = self.family == "marian"
        caps = {
            "architecture": "encoder-decoder",
            "positional": "sinusoidal" if marian else "learned",
            "norm": "post",
            "family": self.family,
            "display_name": name,
            "n_enc_layers": len(self.encoder.layers),
            "n_dec_layers": len(self.decoder.layers),
            "n_heads": cfg.encoder_attention_heads,
            "d_model": d_model,
            "d_head": d_model // cfg.encoder_attention_heads,
            "d_ff": cfg.encoder_ffn_dim,
            "vocab_size": cfg.vocab_size,
            "max_len": int(cfg.max_position_embeddings),
            "special_tokens": special_tokens(tokenizer),
            "generates": True,
            "has_logits": True,
            "activation": str(cfg.activation_function),
            "embed_scale": float(self.encoder.embed_scale if marian
                                 else self.encoder.embed_tokens.embed_scale),
            "pe_layout": "halves" if marian else "",
            "embed_norm": hasattr(self.encoder, "layernorm_embedding"),
            "languages": (),
        }
        super().__init__(folder, name, model, tokenizer, caps)
        gen = model.generation_config
        self.start_id = gen.decoder_start_token_id
        if self.start_id is None:
            self.start_id = cfg.decoder_start_token_id
        if self.start_id is None:
            raise AdapterError(f"{folder}: the config names no decoder_start_token_id")
        eos = gen.eos_token_id if gen.eos_token_id is not None else cfg.eos_token_id
        self.eos_ids = set(eos if isinstance(eos, list) else [eos]) - {None}
        self.banned = tuple(w[0] for w in (gen.bad_words_ids or []) if len(w) == 1)
        self.forced_bos = getattr(gen, "forced_bos_token_id", None)

    # -- capture ----------------------------------------------------------------------------
    def capture(self, sentence, target=None, *, pad_to=None, max_new=None, temperature=0.0,
                top_k=0, seed=None, forced_ids=None) -> Capture:
        """Translate ``sentence`` and capture the teacher-forced pass over what was written.

        Args:
            sentence: the source text; cut to ``max_len`` tokens (``truncated`` says so).
            target: ignored (one fixed direction).
            pad_to: pad the source with the pad token to this many positions.
            max_new: most tokens to write (default: twice the source plus ten).
            temperature, top_k, seed: sampling instead of greedy, reproducible by seed.
            forced_ids: the output ids (end token included) to read instead of writing.
        """
        caps = self._caps
        max_len = caps["max_len"]
        enc = encode(self.tokenizer, sentence, max_len)
        src_ids, src_tokens = list(enc.ids), self._src_tokens(enc.ids)
        keep = [True] * len(src_ids)
        pad_to = check_pad_to(pad_to, max_len)
        if pad_to and pad_to > len(src_ids):
            extra = pad_to - len(src_ids)
            src_ids += [self.tokenizer.pad_token_id] * extra
            src_tokens += [str(self.tokenizer.pad_token)] * extra
            keep += [False] * extra
        n_new = 2 * len(enc.ids) + 10 if max_new is None else int(max_new)
        n_new = max(1, min(n_new, max_len))  # the capture pass reads 1 + n_new - 1 positions
        src = self.tensor(src_ids)
        src_mask = self.tensor([int(k) for k in keep])
        if forced_ids is not None:
            out_ids = [int(i) for i in forced_ids]
        else:
            out_ids = self._generate(src, src_mask, n_new, temperature, top_k,
                                     make_generator(temperature, seed))
        tgt_ids = [self.start_id] + out_ids[:-1]
        forbidden = {
            "enc": padding_forbidden(len(src_ids), keep),
            "dec": causal_forbidden(len(tgt_ids)),
            "cross": padding_forbidden(len(tgt_ids), keep),
        }
        with self.recording() as rec:
            for side, stack in (("enc", self.encoder), ("dec", self.decoder)):
                rec.output(stack.embed_positions, (side, "pos"), pick=_batched)
                rec.input(stack.layers[0], (side, "input"))
                for layer_idx, layer in enumerate(stack.layers):
                    self._hook_layer(rec, side, layer_idx, layer)
            out = self.model(input_ids=src, attention_mask=src_mask,
                             decoder_input_ids=self.tensor(tgt_ids), use_cache=False)
            saved = dict(rec.saved)
            saved[("enc", "embed")] = self._embed(self.encoder, src)
            saved[("dec", "embed")] = self._embed(self.decoder, self.tensor(tgt_ids))
        arrays = assemble(
            saved, sides=("enc", "dec"),
            n_layers={"enc": caps["n_enc_layers"], "dec": caps["n_dec_layers"]},
            n_heads=caps["n_heads"], post_ln=True, cross=True, scaling=self._scaling,
            forbidden=forbidden,
        )
        arrays["dec.hook_logits"] = to_numpy(out.logits[0])
        return Capture(
            caps=self.caps, arrays=arrays,
            masks={stage: m.numpy() for stage, m in forbidden.items()},
            src_tokens=src_tokens, tgt_tokens=token_strings(self.tokenizer, tgt_ids),
            output_tokens=token_strings(self.tokenizer, out_ids),
            translation=self.tokenizer.decode(out_ids, skip_special_tokens=True),
            target="", unknown=enc.unknown, truncated=enc.truncated, n_typed=enc.n_typed,
            src_ids=src_ids, tgt_ids=tgt_ids, output_ids=out_ids,
            end_token=self._end_token(out_ids),
        )

    @staticmethod
    def _hook_layer(rec, side: str, layer_idx: int, layer) -> None:
        rec.input(layer, (side, layer_idx, "resid_pre"))
        subs = [("attn", layer.self_attn, layer.self_attn_layer_norm)]
        if side == "dec":
            subs.append(("cross", layer.encoder_attn, layer.encoder_attn_layer_norm))
        for kind, attn, norm in subs:
            key = (side, layer_idx, kind)
            for part, proj in (("q", attn.q_proj), ("k", attn.k_proj), ("v", attn.v_proj)):
                rec.output(proj, (*key, part))
            rec.attention(attn, key)
            rec.input(attn.out_proj, (*key, "z"))
            rec.output(attn.out_proj, (*key, "out"))
            rec.input(norm, (side, layer_idx, f"sum_{kind}"))
            rec.output(norm, (side, layer_idx, "resid_mid" if kind == "attn" else "resid_cross"))
        rec.input(layer.fc2, (side, layer_idx, "hidden"))
        rec.output(layer.fc2, (side, layer_idx, "ffn_out"))
        rec.input(layer.final_layer_norm, (side, layer_idx, "sum_ffn"))
        rec.output(layer.final_layer_norm, (side, layer_idx, "resid_post"))

    def _scaling(self, key: tuple) -> float:
        side, layer, kind = key
        block = (self.encoder if side == "enc" else self.decoder).layers[layer]
        return float((block.self_attn if kind == "attn" else block.encoder_attn).scaling)

    @staticmethod
    def _embed(stack, ids):
        """Token embeddings as the stack scales them: BART's embedding module scales inside,
        Marian's stack multiplies by ``embed_scale`` after the lookup."""
        emb = stack.embed_tokens(ids)
        if not hasattr(stack.embed_tokens, "embed_scale"):
            emb = emb * stack.embed_scale
        return emb

    def _src_tokens(self, ids: list[int]) -> list[str]:
        # A Marian tokenizer with separate vocabularies turns ids into *target* strings.
        if getattr(self.tokenizer, "separate_vocabs", False):
            inverse = {v: k for k, v in self.tokenizer.encoder.items()}
            return [inverse.get(i, f"<{i}>") for i in ids]
        return token_strings(self.tokenizer, ids)

    def _generate(self, src, src_mask, n_new: int, temperature: float, top_k: int,
                  generator) -> list[int]:
        """Token by token, the encoder run once and the decoder re-reading the whole prefix
        each step (no cache), as the capture pass does."""
        out: list[int] = []
        with torch.no_grad():
            memory = self.encoder(input_ids=src, attention_mask=src_mask)
            tgt = [self.start_id]
            for step in range(n_new):
                if step == 0 and self.forced_bos is not None:
                    token = int(self.forced_bos)
                else:
                    logits = self.model(
                        encoder_outputs=memory, attention_mask=src_mask,
                        decoder_input_ids=self.tensor(tgt), use_cache=False,
                    ).logits[0, -1]
                    token = next_token(logits, temperature, top_k, generator, self.banned)
                out.append(token)
                if token in self.eos_ids:
                    break
                tgt.append(token)
        return out

    # -- teacher-forced runs (models/adapters/forcing.py) -------------------------------------
    def forced(self, sentence, text=None, *, to=None, end=True, max_src=None) -> Forced:
        """``sentence`` and a target ``text`` as ids (``text`` None: the greedy output).

        The target is tokenized as the model's labels are (``text_target``: Marian's target
        vocabulary, BART's ``<s> … </s>``); ``end`` False leaves the end token off. ``to`` is
        ignored (one fixed direction).

        Raises:
            InputError: empty sentence, or empty ``text`` with ``end``.
        """
        max_len = self._caps["max_len"]
        enc = encode(self.tokenizer, sentence, min(max_len, max_src or max_len))
        src_ids = list(enc.ids)
        unknown = list(enc.unknown)
        if text is None:
            n_new = max(1, min(2 * len(src_ids) + 10, max_len))
            out = self._generate(self.tensor(src_ids), self.tensor([1] * len(src_ids)), n_new,
                                 0.0, 0, None)
        else:
            if not isinstance(text, str):
                raise InputError("the translation must be text")
            if not text.strip() and end:
                raise InputError("the translation is empty: type one to score")
            out = [int(i) for i in self.tokenizer(text_target=text)["input_ids"]]
            while out and out[-1] in self.eos_ids:
                out.pop()
            out = out[: max_len - 1]
            if end:
                out.append(min(self.eos_ids))
            unk = self.tokenizer.unk_token_id
            if unk is not None and unk in out:
                unknown += [w for w in text.split() if unk in self.tokenizer(
                    text_target=w, add_special_tokens=False)["input_ids"]]
        return Forced(
            sentence=sentence, target="", src_ids=src_ids, src_tokens=self._src_tokens(src_ids),
            prefix=[self.start_id], out_ids=out, out_tokens=token_strings(self.tokenizer, out),
            unknown=list(dict.fromkeys(unknown)), truncated=enc.truncated, n_typed=enc.n_typed,
        )

    def source_embeddings(self, forced: Forced):
        """[1, S, d_model]: the source's token embeddings as the encoder scales them (Marian:
        E[id]·embed_scale; BART: its scaled embedding), before positions."""
        with torch.no_grad():
            return self._embed(self.encoder, self.tensor(forced.src_ids)).detach()

    def forced_logits(self, forced: Forced, src_embeds=None):
        """[b, T, vocab] logits predicting ``forced.out_ids``; ``src_embeds`` [b, S, d_model]
        goes in as ``inputs_embeds`` (which both encoders take as already scaled)."""
        b = 1 if src_embeds is None else src_embeds.shape[0]
        src = batch_of(forced.src_ids, b, self.device)
        mask = torch.ones_like(src)
        tgt = batch_of(forced.dec_in, b, self.device)
        if src_embeds is None:
            out = self.model(input_ids=src, attention_mask=mask, decoder_input_ids=tgt,
                             use_cache=False)
        else:
            out = self.model(inputs_embeds=src_embeds, attention_mask=mask,
                             decoder_input_ids=tgt, use_cache=False)
        return out.logits[:, forced.first_row:]

    def unembed(self, x):
        """lm_head(x) + final_logits_bias, as the model computes its logits (post-LN blocks:
        no final LayerNorm)."""
        logits = self.model.get_output_embeddings()(x)
        bias = getattr(self.model, "final_logits_bias", None)
        return logits if bias is None else logits + bias.to(logits.device)

    def z_modules(self) -> dict:
        """(stage, layer) -> (the output projection whose input is z, layout)."""
        found = {}
        for layer, block in enumerate(self.encoder.layers):
            found[("enc", layer)] = (block.self_attn.out_proj, CONCAT)
        for layer, block in enumerate(self.decoder.layers):
            found[("dec", layer)] = (block.self_attn.out_proj, CONCAT)
            found[("cross", layer)] = (block.encoder_attn.out_proj, CONCAT)
        return found

    def drop_source(self, sentence: str, positions) -> str:
        """The sentence without the source tokens at ``positions`` (indices of the source
        tokens, special tokens included), decoded back to text."""
        ids = encode(self.tokenizer, sentence, self._caps["max_len"]).ids
        drop = {int(p) for p in positions}
        text = self.tokenizer.decode([i for n, i in enumerate(ids) if n not in drop],
                                     skip_special_tokens=True)
        if not text.strip():
            raise InputError("dropping every source word leaves nothing to translate")
        return text

    def token_id(self, token: str) -> int | None:
        """The target vocabulary's id of ``token``, None when it has none."""
        return vocab_id(self.tokenizer, token)

    def id_tokens(self, ids) -> list[str]:
        """Token strings of output ids."""
        return token_strings(self.tokenizer, ids)

    # -- weights ----------------------------------------------------------------------------
    def _end_token(self, out_ids: list[int]) -> str:
        """The end token the model wrote last, else its first end token ("" when none)."""
        if out_ids and out_ids[-1] in self.eos_ids:
            return token_strings(self.tokenizer, [out_ids[-1]])[0]
        first = min(self.eos_ids, default=None)
        return "" if first is None else token_strings(self.tokenizer, [first])[0]

    def weights(self) -> WeightSet:
        """Per block ``{enc|dec}.blocks.{l}.attn.*``, ``dec.blocks.{l}.cross.*``, the
        feed-forward and the LayerNorms (``ln_attn``, ``ln_cross``, ``ln_ffn``: after each
        sub-layer), plus ``{side}.pos_embedding`` (the position table the model reads;
        BART's includes its two spare rows) and, for BART, ``{side}.ln_embed.gamma/beta``.
        ``embedding`` is the encoder's token table, unscaled."""
        h = self._caps["n_heads"]
        arrays: dict = {}
        with torch.no_grad():
            for side, stack in (("enc", self.encoder), ("dec", self.decoder)):
                for layer_idx, layer in enumerate(stack.layers):
                    prefix = f"{side}.blocks.{layer_idx}"
                    subs = [("attn", layer.self_attn, layer.self_attn_layer_norm)]
                    if side == "dec":
                        subs.append(("cross", layer.encoder_attn, layer.encoder_attn_layer_norm))
                    for kind, attn, norm in subs:
                        for part, proj in (("Q", attn.q_proj), ("K", attn.k_proj),
                                           ("V", attn.v_proj)):
                            w, b = linear_heads(proj.weight, proj.bias, h)
                            arrays[f"{prefix}.{kind}.W_{part}"] = w
                            arrays[f"{prefix}.{kind}.b_{part}"] = b
                        arrays[f"{prefix}.{kind}.W_O"] = out_heads(attn.out_proj.weight, h)
                        arrays[f"{prefix}.{kind}.b_O"] = to_numpy(attn.out_proj.bias)
                        norm_weights(arrays, f"{prefix}.ln_{kind}", norm)
                    arrays[f"{prefix}.ffn.W_1"] = dense_t(layer.fc1)
                    arrays[f"{prefix}.ffn.b_1"] = to_numpy(layer.fc1.bias)
                    arrays[f"{prefix}.ffn.W_2"] = dense_t(layer.fc2)
                    arrays[f"{prefix}.ffn.b_2"] = to_numpy(layer.fc2.bias)
                    norm_weights(arrays, f"{prefix}.ln_ffn", layer.final_layer_norm)
                arrays[f"{side}.pos_embedding"] = to_numpy(stack.embed_positions.weight)
                if hasattr(stack, "layernorm_embedding"):
                    norm_weights(arrays, f"{side}.ln_embed", stack.layernorm_embedding)
            embedding = to_numpy(self.encoder.embed_tokens.weight)
        return WeightSet(arrays=arrays, embedding=embedding,
                         vocab=self._src_tokens(list(range(embedding.shape[0]))))
