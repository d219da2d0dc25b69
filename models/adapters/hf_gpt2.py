"""GPT-2-family decoders captured into the contract.

GPT-2 (Radford et al. 2019) is a decoder-only stack with learned positions and pre-LN blocks:
``x + Attention(LayerNorm(x))``, then ``x + MLP(LayerNorm(x))``; a final LayerNorm (``ln_f``)
comes before the LM head. In the trace:

- only ``dec.*`` names: ``dec.hook_embed`` (token embeddings, unscaled), ``dec.hook_pos``
  (the learned position rows), ``dec.hook_input`` = their sum (what block 0 reads);
- pre-LN, so no ``hook_sum_*``: ``hook_resid_mid`` = x + attention, ``hook_resid_post`` =
  the block's output; the LayerNorm'd inputs are not stored (``weights()`` has the γ, β as
  ``ln_attn`` / ``ln_ffn`` and the final one as ``dec.ln_final``);
- ``dec.hook_logits`` [pos, vocab] = lm_head(ln_f(last block's output));
- ``masks["dec"]`` is the causal mask. ``pad_to`` does not apply (GPT-2 has no pad token and
  reads left to right) and is ignored.

The prompt is continued token by token (greedy, or sampled with ``temperature``/``top_k``/
``seed``), then read once more, teacher-forced, as prompt + output[:-1] with the hooks on: so
every written token's logits row is in the trace, and from row ``n_prompt - 1`` on the argmax
of each row is the greedy output.
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
    dense_t,
    encode,
    linear_heads,
    load_model,
    load_tokenizer,
    make_generator,
    next_token,
    norm_weights,
    out_heads,
    special_tokens,
    token_strings,
    vocab_id,
    vocab_strings,
)
from models.tokenizer import InputError

DEFAULT_NEW = 16  # tokens written when the caller does not say: a sentence's worth


def load(folder: Path, name: str, config: dict, device: str | None) -> GPT2Adapter:
    """Load a gpt2 folder (see ``models.adapters.hf.load_hf``)."""
    tokenizer = load_tokenizer(folder)
    model = load_model(folder, "AutoModelForCausalLM", device)
    if not hasattr(model, "lm_head"):
        raise AdapterError(f"{folder}: no language-model head to write with")
    return GPT2Adapter(folder, name, model, tokenizer)


class GPT2Adapter(HFAdapter):
    family = "gpt2"

    def __init__(self, folder: Path, name: str, model, tokenizer):
        cfg = model.config
        self.blocks = list(model.transformer.h)
        d_model = cfg.n_embd
        caps = {
            "architecture": "decoder-only",
            "positional": "learned",
            "norm": "pre",
            "family": self.family,
            "display_name": name,
            "n_enc_layers": 0,
            "n_dec_layers": len(self.blocks),
            "n_heads": cfg.n_head,
            "d_model": d_model,
            "d_head": d_model // cfg.n_head,
            "d_ff": self.blocks[0].mlp.c_fc.weight.shape[1],
            "vocab_size": cfg.vocab_size,
            "max_len": int(cfg.n_positions),
            "special_tokens": special_tokens(tokenizer),
            "generates": True,
            "has_logits": True,
            "activation": str(cfg.activation_function),
            "embed_scale": 1.0,
            "pe_layout": "",
            "embed_norm": False,
            "languages": (),
        }
        super().__init__(folder, name, model, tokenizer, caps)
        eos = tokenizer.eos_token_id
        self.eos_id = eos if eos is not None else cfg.eos_token_id

    # -- capture ----------------------------------------------------------------------------
    def capture(self, sentence, target=None, *, pad_to=None, max_new=None, temperature=0.0,
                top_k=0, seed=None, forced_ids=None) -> Capture:
        """Continue ``sentence`` by up to ``max_new`` tokens (stopping at the end-of-text
        token), then capture one pass over prompt + output[:-1].

        ``target`` and ``pad_to`` do not apply to GPT-2 and are ignored. ``forced_ids`` (the
        output ids) are read instead of writing.

        Raises:
            InputError: the text is empty, or makes no tokens.
        """
        caps = self._caps
        max_len = caps["max_len"]
        enc = encode(self.tokenizer, sentence, max_len, find_unknown=False)
        if not enc.ids:
            raise InputError("nothing to read: the sentence makes no tokens")
        prompt = list(enc.ids)
        n_new = DEFAULT_NEW if max_new is None else int(max_new)
        # The capture pass reads prompt + output[:-1]: it must fit the position table.
        n_new = max(1, min(n_new, max_len - len(prompt) + 1))
        if forced_ids is not None:
            out_ids = [int(i) for i in forced_ids][: max_len - len(prompt) + 1]
        else:
            out_ids = self._generate(prompt, n_new, temperature, top_k,
                                     make_generator(temperature, seed))
        seq = prompt + out_ids[:-1]
        forbidden = causal_forbidden(len(seq))
        tr = self.model.transformer
        with self.recording() as rec:
            rec.output(tr.wte, ("dec", "embed"))
            rec.output(tr.wpe, ("dec", "pos"))
            rec.input(self.blocks[0], ("dec", "input"))
            d = caps["d_model"]
            for layer_idx, block in enumerate(self.blocks):
                key = ("dec", layer_idx, "attn")
                rec.input(block, ("dec", layer_idx, "resid_pre"))
                # c_attn computes q, k and v in one matrix product: [q | k | v] along features.
                for i, part in enumerate(("q", "k", "v")):
                    rec.output(block.attn.c_attn, (*key, part),
                               pick=lambda out, i=i: out[..., i * d:(i + 1) * d])
                rec.attention(block.attn, key)
                rec.input(block.attn.c_proj, (*key, "z"))
                rec.output(block.attn.c_proj, (*key, "out"))
                rec.input(block.ln_2, ("dec", layer_idx, "resid_mid"))
                rec.input(block.mlp.c_proj, ("dec", layer_idx, "hidden"))
                rec.output(block.mlp.c_proj, ("dec", layer_idx, "ffn_out"))
                rec.output(block, ("dec", layer_idx, "resid_post"))
            out = self.model(input_ids=self.tensor(seq), use_cache=False)
            saved = rec.saved
        arrays = assemble(
            saved, sides=("dec",), n_layers={"dec": caps["n_dec_layers"]},
            n_heads=caps["n_heads"], post_ln=False, cross=False,
            scaling=lambda key: float(self.blocks[key[1]].attn.scaling),
            forbidden={"dec": forbidden},
        )
        arrays["dec.hook_logits"] = to_numpy(out.logits[0])
        tokens = self._tokens(seq)
        return Capture(
            caps=self.caps, arrays=arrays, masks={"dec": forbidden.numpy()},
            tgt_tokens=tokens, output_tokens=self._tokens(out_ids),
            translation=self.tokenizer.decode(out_ids, skip_special_tokens=True),
            truncated=enc.truncated, n_typed=enc.n_typed, tgt_ids=seq, output_ids=out_ids,
            n_prompt=len(prompt), end_token=self._end_token(),
        )

    # -- teacher-forced runs (models/adapters/forcing.py) -------------------------------------
    def forced(self, sentence, text=None, *, to=None, end=True, max_src=None) -> Forced:
        """The prompt and a continuation ``text`` as ids (``text`` None: the greedy one).

        ``text`` is tokenized as typed and follows the prompt directly; ``end`` appends the
        end-of-text token (when the model has one). ``to`` does not apply and is ignored.

        Raises:
            InputError: empty prompt, or empty ``text`` with ``end``.
        """
        max_len = self._caps["max_len"]
        enc = encode(self.tokenizer, sentence, min(max_len, max_src or max_len),
                     find_unknown=False)
        prompt = list(enc.ids)
        if not prompt:
            raise InputError("nothing to read: the sentence makes no tokens")
        room = max(1, max_len - len(prompt) + 1)
        if text is None:
            out = self._generate(prompt, min(DEFAULT_NEW, room), 0.0, 0, None)
        else:
            if not isinstance(text, str):
                raise InputError("the continuation must be text")
            if not text.strip() and end:
                raise InputError("the text to score is empty: type one")
            out = [int(i) for i in self.tokenizer(text)["input_ids"]] if text else []
            out = out[: room - 1] if end and self.eos_id is not None else out[:room]
            if end and self.eos_id is not None:
                out.append(int(self.eos_id))
        return Forced(
            sentence=sentence, target="", src_ids=prompt, src_tokens=self._tokens(prompt),
            prefix=prompt, out_ids=out, out_tokens=self._tokens(out), unknown=[],
            truncated=enc.truncated, n_typed=enc.n_typed,
        )

    def source_embeddings(self, forced: Forced):
        """[1, P, d_model]: the prompt's token embeddings (``wte``), before positions."""
        with torch.no_grad():
            return self.model.transformer.wte(self.tensor(forced.src_ids)).detach()

    def forced_logits(self, forced: Forced, src_embeds=None):
        """[b, T, vocab] logits predicting ``forced.out_ids``; ``src_embeds`` [b, P, d_model]
        replaces the prompt's token embeddings (the written tokens keep theirs)."""
        if src_embeds is None:
            out = self.model(input_ids=self.tensor(forced.dec_in), use_cache=False)
            return out.logits[:, forced.first_row:]
        b = src_embeds.shape[0]
        rest = forced.out_ids[:-1]
        parts = [src_embeds]
        if rest:
            parts.append(self.model.transformer.wte(batch_of(rest, b, self.device)))
        out = self.model(inputs_embeds=torch.cat(parts, dim=1), use_cache=False)
        return out.logits[:, forced.first_row:]

    def unembed(self, x):
        """lm_head(ln_f(x)): the final LayerNorm, then the output layer, as after the last
        block."""
        return self.model.lm_head(self.model.transformer.ln_f(x))

    def z_modules(self) -> dict:
        """("dec", layer) -> (the attention's c_proj, whose input is z, layout)."""
        return {("dec", layer): (block.attn.c_proj, CONCAT)
                for layer, block in enumerate(self.blocks)}

    def drop_source(self, sentence: str, positions) -> str:
        """The prompt without the tokens at ``positions``, decoded back to text."""
        ids = encode(self.tokenizer, sentence, self._caps["max_len"], find_unknown=False).ids
        drop = {int(p) for p in positions}
        text = self.tokenizer.decode([i for n, i in enumerate(ids) if n not in drop])
        if not text.strip():
            raise InputError("dropping every prompt token leaves nothing to continue")
        return text

    def token_id(self, token: str) -> int | None:
        """The vocabulary's id of ``token``, None when it has none."""
        return vocab_id(self.tokenizer, token)

    def id_tokens(self, ids) -> list[str]:
        """Token strings of output ids."""
        return token_strings(self.tokenizer, ids)

    def _tokens(self, ids: list[int]) -> list[str]:
        return token_strings(self.tokenizer, ids)

    def _end_token(self) -> str:
        """The token that ends what the model writes ("" when it has none)."""
        return "" if self.eos_id is None else token_strings(self.tokenizer, [self.eos_id])[0]

    def _generate(self, prompt: list[int], n_new: int, temperature: float, top_k: int,
                  generator) -> list[int]:
        """Token by token without a key/value cache: each step reads the whole prefix, as the
        capture pass does, so the greedy choice is the argmax of the captured row."""
        ids = list(prompt)
        out: list[int] = []
        with torch.no_grad():
            for _ in range(n_new):
                logits = self.model(input_ids=self.tensor(ids), use_cache=False).logits[0, -1]
                token = next_token(logits, temperature, top_k, generator)
                out.append(token)
                if token == self.eos_id:
                    break
                ids.append(token)
        return out

    # -- weights ----------------------------------------------------------------------------
    def weights(self) -> WeightSet:
        """Per block ``dec.blocks.{l}.attn.W_Q`` … (``hook_q = ln_1(x) @ W_Q + b_Q``), the
        feed-forward and both LayerNorms, plus ``dec.pos_embedding`` [n_positions, d_model]
        and ``dec.ln_final.gamma/beta`` (ln_f, before the LM head)."""
        h, d = self._caps["n_heads"], self._caps["d_model"]
        tr = self.model.transformer
        arrays: dict = {}
        with torch.no_grad():
            for layer_idx, block in enumerate(self.blocks):
                prefix = f"dec.blocks.{layer_idx}"
                w_all, b_all = block.attn.c_attn.weight, block.attn.c_attn.bias  # [d, 3d], [3d]
                for i, part in enumerate(("Q", "K", "V")):
                    w, b = linear_heads(w_all[:, i * d:(i + 1) * d], b_all[i * d:(i + 1) * d],
                                        h, conv1d=True)
                    arrays[f"{prefix}.attn.W_{part}"] = w
                    arrays[f"{prefix}.attn.b_{part}"] = b
                arrays[f"{prefix}.attn.W_O"] = out_heads(block.attn.c_proj.weight, h, conv1d=True)
                arrays[f"{prefix}.attn.b_O"] = to_numpy(block.attn.c_proj.bias)
                arrays[f"{prefix}.ffn.W_1"] = dense_t(block.mlp.c_fc, conv1d=True)
                arrays[f"{prefix}.ffn.b_1"] = to_numpy(block.mlp.c_fc.bias)
                arrays[f"{prefix}.ffn.W_2"] = dense_t(block.mlp.c_proj, conv1d=True)
                arrays[f"{prefix}.ffn.b_2"] = to_numpy(block.mlp.c_proj.bias)
                norm_weights(arrays, f"{prefix}.ln_attn", block.ln_1)
                norm_weights(arrays, f"{prefix}.ln_ffn", block.ln_2)
            arrays["dec.pos_embedding"] = to_numpy(tr.wpe.weight)
            norm_weights(arrays, "dec.ln_final", tr.ln_f)
            embedding = to_numpy(tr.wte.weight)
        return WeightSet(arrays=arrays, embedding=embedding,
                         vocab=vocab_strings(self.tokenizer, embedding.shape[0]))
