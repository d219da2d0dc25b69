"""The encoder–decoder Transformer of "Attention Is All You Need" (Vaswani et al. 2017), by hand.

Laid out as the *Annotated Transformer* lays it out: ``Embeddings`` (§3.4, §3.5),
``MultiHeadAttention`` (§3.2), ``FeedForward`` (§3.3), ``EncoderBlock`` / ``DecoderBlock`` and
the ``Encoder`` / ``Decoder`` stacks (§3.1), and ``Transformer`` holding them together.

Every tensor the app shows passes once through an identity ``HookPoint`` named by its module
path (``enc.blocks.0.attn.hook_pattern``), so a trace can read it without the model storing
anything. Per block, in forward order (the decoder adds the ``cross`` lines)::

    hook_resid_pre                      the block's input                 [b, pos, d_model]
    attn.hook_q|k|v|scores|pattern|z|out
    hook_sum_attn                       x + Dropout(attn)                 [b, pos, d_model]
    hook_resid_mid                      LayerNorm(sum_attn)               [b, pos, d_model]
    cross.hook_q|…|out, hook_sum_cross, hook_resid_cross        (decoder only)
    ffn.hook_hidden                     max(0, x W_1 + b_1)               [b, pos, d_ff]
    ffn.hook_out                        hidden W_2 + b_2                  [b, pos, d_model]
    hook_sum_ffn, hook_resid_post       x + Dropout(ffn), its LayerNorm   [b, pos, d_model]

Attention is written out (q·kᵀ/√d_k, mask, softmax, @ v) with heads as an explicit dimension,
because the weights it computes are what the app exists to show.

Decoding one token at a time (``Decoder.step``) keeps a ``DecoderCache``: per layer, the
self-attention keys and values of the positions written so far, each projected once, and the
cross-attention keys and values of the encoder's memory, projected once per sentence.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import Tensor, nn

from models.config import ModelConfig


class HookPoint(nn.Module):
    """Identity. A trace registers a forward hook here to read the tensor passing through."""

    def forward(self, x: Tensor) -> Tensor:
        return x


def positional_encoding(max_len: int, d_model: int) -> Tensor:
    """§3.5: PE(pos, 2i) = sin(pos / 10000^(2i/d_model)), PE(pos, 2i+1) = cos(same).

    Returns:
        [max_len, d_model] float32, computed in float64 so it matches the closed form closely.
    """
    pos = torch.arange(max_len, dtype=torch.float64)[:, None]  # [pos, 1]
    two_i = torch.arange(0, d_model, 2, dtype=torch.float64)  # [d_model / 2]
    angle = pos / torch.pow(10000.0, two_i / d_model)  # [pos, d_model / 2]
    pe = torch.zeros(max_len, d_model, dtype=torch.float64)
    pe[:, 0::2] = torch.sin(angle)
    pe[:, 1::2] = torch.cos(angle[:, : d_model // 2])
    return pe.float()


def padding_keep(ids: Tensor, pad_id: int) -> Tensor:
    """[b, 1, s]: True for real tokens, False for ``<pad>``; broadcasts over the queries."""
    return (ids != pad_id)[:, None, :]


class Embeddings(nn.Module):
    """§3.4 "Embeddings and Softmax", with the §3.5 positional encodings beside it.

    One matrix E [vocab, d_model] serves three places: "we share the same weight matrix between
    the two embedding layers and the pre-softmax linear transformation" (§3.4). The encoder and
    the decoder read tokens through ``forward``; the decoder's output goes through ``unembed``.
    Each side adds its own hooks and dropout, so that the hooks are named ``enc.hook_embed`` and
    ``dec.hook_embed`` by the side that fires them.
    """

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.max_len = cfg.max_len
        self.weight = nn.Parameter(torch.empty(cfg.vocab_size, cfg.d_model))  # [vocab, d_model]
        # Drawn as nn.Embedding draws (normal), then Xavier: the random-number sequence stays
        # that of the model's first version, so seeded models (the app's "untrained" one, the
        # test fixtures) keep their weights.
        nn.init.normal_(self.weight)
        nn.init.xavier_uniform_(self.weight)
        self.scale = math.sqrt(cfg.d_model)  # §3.4: "we multiply those weights by √d_model"
        # §3.5: computed, not learned, so the table is no parameter and is not saved.
        self.register_buffer("pe", positional_encoding(cfg.max_len, cfg.d_model), persistent=False)

    def forward(self, ids: Tensor, start: int = 0) -> tuple[Tensor, Tensor]:
        """Token vectors and the positional encodings of their positions.

        Args:
            ids: [b, t] token ids, at positions ``start`` … ``start + t − 1``.
            start: position of the first id (the number of tokens decoded before it).

        Returns:
            E[ids]·√d_model [b, t, d_model] and PE rows [t, d_model].

        Raises:
            ValueError: the positions run past ``max_len``.
        """
        end = start + ids.shape[1]
        if end > self.max_len:
            raise ValueError(f"sequence of {end} tokens exceeds max_len {self.max_len}")
        return self.weight[ids] * self.scale, self.pe[start:end]

    def unembed(self, x: Tensor) -> Tensor:
        """§3.4: the pre-softmax linear transformation, x Eᵀ: [b, t, d_model] -> [b, t, vocab]."""
        return x @ self.weight.T


class MultiHeadAttention(nn.Module):
    """§3.2.2: MultiHead(Q, K, V) = Concat(head_1, …, head_h) W^O, head_i = Attention(QW_i^Q, …).

    The projections are stored per head, ``W_Q[h]`` being the paper's W_i^Q, so that
    ``q = x @ W_Q + b_Q`` holds head by head and the app can show each head's own matrices.
    """

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        h, d, e = cfg.n_heads, cfg.d_model, cfg.d_head
        self.W_Q = nn.Parameter(torch.empty(h, d, e))  # [head, d_model, d_head]
        self.W_K = nn.Parameter(torch.empty(h, d, e))  # [head, d_model, d_head]
        self.W_V = nn.Parameter(torch.empty(h, d, e))  # [head, d_model, d_head]
        self.b_Q = nn.Parameter(torch.zeros(h, e))  # [head, d_head]
        self.b_K = nn.Parameter(torch.zeros(h, e))  # [head, d_head]
        self.b_V = nn.Parameter(torch.zeros(h, e))  # [head, d_head]
        self.W_O = nn.Parameter(torch.empty(h, e, d))  # [head, d_head, d_model]
        self.b_O = nn.Parameter(torch.zeros(d))  # [d_model]
        # Xavier-uniform over the full d_model × d_model matrices the heads are slices of.
        bound = math.sqrt(6.0 / (d + d))
        for w in (self.W_Q, self.W_K, self.W_V, self.W_O):
            nn.init.uniform_(w, -bound, bound)
        self.scale = math.sqrt(e)  # §3.2.1: scaled by 1/√d_k
        self.hook_q = HookPoint()
        self.hook_k = HookPoint()
        self.hook_v = HookPoint()
        self.hook_scores = HookPoint()
        self.hook_pattern = HookPoint()
        self.hook_z = HookPoint()
        self.hook_out = HookPoint()

    def project_kv(self, x_kv: Tensor) -> tuple[Tensor, Tensor]:
        """Keys and values [b, head, s, d_head] of ``x_kv`` [b, s, d_model], per head."""
        # x[:, None] @ W broadcasts over heads: [b, 1, s, d_model] @ [head, d_model, d_head].
        k = x_kv[:, None] @ self.W_K + self.b_K[:, None]
        v = x_kv[:, None] @ self.W_V + self.b_V[:, None]
        return k, v

    def forward(
        self,
        x_q: Tensor,
        x_kv: Tensor | None,
        keep: Tensor | None,
        kv: tuple[Tensor, Tensor] | None = None,
    ) -> Tensor:
        """Attend from ``x_q`` [b, t, d_model] to ``x_kv`` [b, s, d_model].

        Args:
            x_q: the positions that ask (queries).
            x_kv: the positions asked (keys and values); unused when ``kv`` is given.
            keep: [b or 1, t or 1, s], True where a query may look at a key; masked scores
                become −inf, so softmax gives them exactly zero weight. None keeps every key.
            kv: keys and values [b, head, s, d_head] projected already (a decoder cache):
                ``hook_k`` / ``hook_v`` then see all of them, cached positions included.

        Returns:
            [b, t, d_model], the concatenated heads times W^O.
        """
        q = self.hook_q(x_q[:, None] @ self.W_Q + self.b_Q[:, None])  # [b, head, t, d_head]
        k, v = self.project_kv(x_kv) if kv is None else kv
        k = self.hook_k(k)  # [b, head, s, d_head]
        v = self.hook_v(v)  # [b, head, s, d_head]
        scores = q @ k.transpose(-1, -2) / self.scale  # [b, head, t, s]
        if keep is not None:
            scores = scores.masked_fill(~keep[:, None], float("-inf"))
        scores = self.hook_scores(scores)
        pattern = self.hook_pattern(torch.softmax(scores, dim=-1))  # [b, head, t, s]
        z = self.hook_z(pattern @ v)  # [b, head, t, d_head]
        # Concatenating the heads and multiplying by W^O is the sum over heads of z_h @ W_O[h].
        return self.hook_out((z @ self.W_O).sum(dim=1) + self.b_O)  # [b, t, d_model]


class FeedForward(nn.Module):
    """§3.3: FFN(x) = max(0, x W_1 + b_1) W_2 + b_2, applied to each position separately."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.W_1 = nn.Linear(cfg.d_model, cfg.d_ff)
        self.hook_hidden = HookPoint()
        self.W_2 = nn.Linear(cfg.d_ff, cfg.d_model)
        self.hook_out = HookPoint()

    def forward(self, x: Tensor) -> Tensor:
        hidden = self.hook_hidden(torch.relu(self.W_1(x)))  # [b, pos, d_ff]
        return self.hook_out(self.W_2(hidden))  # [b, pos, d_model]


class EncoderBlock(nn.Module):
    """§3.1: self-attention, then feed-forward; each wrapped as LayerNorm(x + Sublayer(x))."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.hook_resid_pre = HookPoint()
        self.attn = MultiHeadAttention(cfg)
        self.hook_sum_attn = HookPoint()
        self.ln_attn = nn.LayerNorm(cfg.d_model)
        self.hook_resid_mid = HookPoint()
        self.ffn = FeedForward(cfg)
        self.hook_sum_ffn = HookPoint()
        self.ln_ffn = nn.LayerNorm(cfg.d_model)
        self.hook_resid_post = HookPoint()
        self.dropout = nn.Dropout(cfg.dropout)  # §5.4: on each sub-layer's output

    def forward(self, x: Tensor, keep: Tensor) -> Tensor:
        """[b, s, d_model] -> [b, s, d_model]; ``keep`` [b, 1, s] hides padding keys."""
        x = self.hook_resid_pre(x)
        summed = self.hook_sum_attn(x + self.dropout(self.attn(x, x, keep)))
        x = self.hook_resid_mid(self.ln_attn(summed))
        summed = self.hook_sum_ffn(x + self.dropout(self.ffn(x)))
        return self.hook_resid_post(self.ln_ffn(summed))


@dataclass
class LayerCache:
    """One decoder layer's keys and values, kept between decoding steps.

    Attributes:
        k, v: [b, head, t_done, d_head] self-attention keys and values of the positions decoded
            so far, each projected once, when its token was read.
        cross_k, cross_v: [b, head, s, d_head] encoder–decoder attention keys and values of the
            memory, projected once per sentence.
    """

    k: Tensor
    v: Tensor
    cross_k: Tensor
    cross_v: Tensor

    def extend(self, k_new: Tensor, v_new: Tensor) -> tuple[Tensor, Tensor]:
        """Append the new positions' keys and values [b, head, t, d_head]; return all of them."""
        self.k = torch.cat([self.k, k_new], dim=2)  # [b, head, t_done + t, d_head]
        self.v = torch.cat([self.v, v_new], dim=2)
        return self.k, self.v


@dataclass
class DecoderCache:
    """What ``Decoder.step`` keeps between steps: a ``LayerCache`` per layer and the source mask.

    Made by ``Decoder.start_cache``; every ``step`` extends it by one position (in place).
    """

    layers: list[LayerCache]
    src_keep: Tensor  # [b, 1, s]: True for real source tokens

    @property
    def length(self) -> int:
        """Positions decoded so far, so also the position of the next token."""
        return self.layers[0].k.shape[2]

    def reorder(self, rows: Tensor) -> None:
        """Keep (and repeat) the batch rows ``rows`` [n], in place: beam search follows the
        beams it keeps, each of which continues one of the previous step's."""
        for layer in self.layers:
            for name in ("k", "v", "cross_k", "cross_v"):
                setattr(layer, name, getattr(layer, name).index_select(0, rows))
        self.src_keep = self.src_keep.index_select(0, rows)


class DecoderBlock(nn.Module):
    """§3.1: masked self-attention, encoder–decoder attention, feed-forward; each post-LN."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.hook_resid_pre = HookPoint()
        self.attn = MultiHeadAttention(cfg)
        self.hook_sum_attn = HookPoint()
        self.ln_attn = nn.LayerNorm(cfg.d_model)
        self.hook_resid_mid = HookPoint()
        self.cross = MultiHeadAttention(cfg)
        self.hook_sum_cross = HookPoint()
        self.ln_cross = nn.LayerNorm(cfg.d_model)
        self.hook_resid_cross = HookPoint()
        self.ffn = FeedForward(cfg)
        self.hook_sum_ffn = HookPoint()
        self.ln_ffn = nn.LayerNorm(cfg.d_model)
        self.hook_resid_post = HookPoint()
        self.dropout = nn.Dropout(cfg.dropout)  # §5.4

    def start_cache(self, memory: Tensor) -> LayerCache:
        """An empty self-attention cache and the memory's cross-attention keys and values."""
        cross_k, cross_v = self.cross.project_kv(memory)  # [b, head, s, d_head]
        empty = cross_k.new_zeros(cross_k.shape[0], cross_k.shape[1], 0, cross_k.shape[3])
        return LayerCache(empty, empty, cross_k, cross_v)

    def forward(
        self,
        x: Tensor,
        memory: Tensor | None,
        self_keep: Tensor | None,
        src_keep: Tensor,
        cache: LayerCache | None = None,
    ) -> Tensor:
        """[b, t, d_model] -> [b, t, d_model].

        Args:
            x: the decoder's positions (all of them, or the new ones when ``cache`` is given).
            memory: the encoder's output [b, s, d_model]; unused when ``cache`` is given.
            self_keep: [b, t, t_all], the causal and padding mask of self-attention (§3.2.3).
            src_keep: [b, 1, s], True for real source tokens.
            cache: earlier positions' keys and values; the new positions' are appended to it.
        """
        x = self.hook_resid_pre(x)
        self_kv = cross_kv = None  # without a cache: projected here from x and memory
        if cache is not None:
            # Only the new positions are projected; earlier ones come from the cache.
            self_kv = cache.extend(*self.attn.project_kv(x))
            cross_kv = (cache.cross_k, cache.cross_v)
        summed = self.hook_sum_attn(x + self.dropout(self.attn(x, x, self_keep, self_kv)))
        x = self.hook_resid_mid(self.ln_attn(summed))
        summed = self.hook_sum_cross(x + self.dropout(self.cross(x, memory, src_keep, cross_kv)))
        x = self.hook_resid_cross(self.ln_cross(summed))
        summed = self.hook_sum_ffn(x + self.dropout(self.ffn(x)))
        return self.hook_resid_post(self.ln_ffn(summed))


class Encoder(nn.Module):
    """§3.1: "a stack of N = 6 identical layers" over the embedded source (N = n_layers here)."""

    def __init__(self, cfg: ModelConfig, embeddings: Embeddings):
        super().__init__()
        # In a tuple, not as an attribute, so the shared matrix is no child of this module:
        # it belongs to Transformer (as ``embed``) and is saved once.
        self._embeddings = (embeddings,)
        self.pad_id = cfg.pad_id
        self.hook_embed = HookPoint()
        self.hook_pos = HookPoint()
        self.hook_input = HookPoint()
        self.dropout = nn.Dropout(cfg.dropout)  # §5.4: on the sums of embeddings and PE
        self.blocks = nn.ModuleList(EncoderBlock(cfg) for _ in range(cfg.n_layers))

    @property
    def embeddings(self) -> Embeddings:
        return self._embeddings[0]

    def forward(self, src: Tensor, keep: Tensor | None = None) -> Tensor:
        """Source ids [b, s] -> memory [b, s, d_model].

        Args:
            src: source ids, padded with ``pad_id``.
            keep: [b, 1, s] keys to attend to; default: every non-padding token.
        """
        if keep is None:
            keep = padding_keep(src, self.pad_id)
        tokens, pe = self.embeddings(src)
        emb = self.hook_embed(tokens)  # [b, s, d_model]
        pos = self.hook_pos(pe.expand_as(emb))  # [b, s, d_model]
        x = self.hook_input(self.dropout(emb + pos))  # [b, s, d_model]
        for block in self.blocks:
            x = block(x, keep)
        return x


class Decoder(nn.Module):
    """§3.1: N identical layers, each also attending to the encoder's output; then x Eᵀ (§3.4).

    ``forward`` reads a whole target at once (teacher forcing, training, traces); ``step`` reads
    one token per call with a ``DecoderCache`` (generation, §3.1 "auto-regressive").
    """

    def __init__(self, cfg: ModelConfig, embeddings: Embeddings):
        super().__init__()
        self._embeddings = (embeddings,)  # shared, owned by Transformer (see Encoder)
        self.pad_id = cfg.pad_id
        self.hook_embed = HookPoint()
        self.hook_pos = HookPoint()
        self.hook_input = HookPoint()
        self.dropout = nn.Dropout(cfg.dropout)  # §5.4
        self.blocks = nn.ModuleList(DecoderBlock(cfg) for _ in range(cfg.n_layers))
        self.hook_logits = HookPoint()

    @property
    def embeddings(self) -> Embeddings:
        return self._embeddings[0]

    def _input(self, ids: Tensor, start: int) -> Tensor:
        tokens, pe = self.embeddings(ids, start)
        emb = self.hook_embed(tokens)  # [b, t, d_model]
        pos = self.hook_pos(pe.expand_as(emb))  # [b, t, d_model]
        return self.hook_input(self.dropout(emb + pos))  # [b, t, d_model]

    def forward(self, tgt_in: Tensor, memory: Tensor, src_keep: Tensor) -> Tensor:
        """Teacher-forced pass: decoder input ids [b, t] (start token first) -> logits.

        Args:
            tgt_in: [b, t] ids, padded with ``pad_id``.
            memory: [b, s, d_model], the encoder's output.
            src_keep: [b, 1, s], True for real source tokens.

        Returns:
            [b, t, vocab]: position i's logits for the token after ``tgt_in[:, i]``.
        """
        t = tgt_in.shape[1]
        # §3.2.3: position i may attend to positions up to i, and never to padding.
        causal = torch.ones(t, t, dtype=torch.bool, device=tgt_in.device).tril()  # [t, t]
        keep = causal[None] & padding_keep(tgt_in, self.pad_id)  # [b, t, t]
        x = self._input(tgt_in, 0)
        for block in self.blocks:
            x = block(x, memory, keep, src_keep)
        return self.hook_logits(self.embeddings.unembed(x))  # [b, t, vocab]

    def start_cache(self, memory: Tensor, src_keep: Tensor) -> DecoderCache:
        """An empty cache for ``memory`` [b, s, d_model]; its cross-attention K/V, once."""
        return DecoderCache([block.start_cache(memory) for block in self.blocks], src_keep)

    def step(self, token_ids: Tensor, cache: DecoderCache) -> Tensor:
        """Read one token per sentence at position ``cache.length``; extend ``cache`` by it.

        Costs one new position: its keys and values are projected and appended, the earlier
        ones are read from the cache. Equals the last row of ``forward`` on the whole prefix.

        Args:
            token_ids: [b] (or [b, 1]) the tokens just written (the start token first).
            cache: from ``start_cache``, extended in place.

        Returns:
            [b, vocab] logits for the next token.
        """
        x = self._input(token_ids.reshape(-1, 1), cache.length)  # [b, 1, d_model]
        for block, layer in zip(self.blocks, cache.layers):
            # One query, the newest position: every key so far is allowed (no causal mask).
            x = block(x, None, None, cache.src_keep, layer)
        return self.hook_logits(self.embeddings.unembed(x))[:, -1]  # [b, vocab]


class Transformer(nn.Module):
    """Encoder–decoder Transformer (§3, Figure 1) with one shared embedding matrix (§3.4)."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.cfg = cfg
        self.embed = Embeddings(cfg)
        self.enc = Encoder(cfg, self.embed)
        self.dec = Decoder(cfg, self.embed)
        for module in self.modules():
            if isinstance(module, nn.Linear):
                nn.init.xavier_uniform_(module.weight)
                nn.init.zeros_(module.bias)

    @property
    def device(self) -> torch.device:
        return self.embed.weight.device

    def src_keep(self, src: Tensor) -> Tensor:
        """[b, 1, s]: True for real source tokens, False for padding."""
        return padding_keep(src, self.cfg.pad_id)

    def encode(self, src: Tensor) -> Tensor:
        """Source ids [b, s] -> memory [b, s, d_model]."""
        return self.enc(src, self.src_keep(src))

    def decode(self, tgt_in: Tensor, memory: Tensor, src_keep: Tensor) -> Tensor:
        """Decoder input ids [b, t] (start token first) -> logits [b, t, vocab]."""
        return self.dec(tgt_in, memory, src_keep)

    def forward(self, src: Tensor, tgt_in: Tensor) -> Tensor:
        """Teacher-forced pass: source ids [b, s], decoder input [b, t] -> logits [b, t, vocab]."""
        return self.dec(tgt_in, self.encode(src), self.src_keep(src))


def default_max_new(n_src: int, max_len: int) -> int:
    """Longest output we let the decoder write: generous for Chinese characters per word."""
    return max(1, min(max_len, 2 * n_src + 10))


@torch.inference_mode()
def generate_batch(
    model: Transformer,
    src: Tensor,
    start_ids: Tensor,
    eos_id: int,
    max_new: int | None = None,
    temperature: float = 0.0,
    top_k: int = 0,
    generator: torch.Generator | None = None,
) -> list[list[int]]:
    """Decode one token at a time (§3.1: auto-regressive), greedy when ``temperature`` is 0.

    ``Decoder.step`` keeps every layer's keys and values, so a step costs one new position, not
    the whole prefix again; the numbers equal a full teacher-forced pass (tests check).

    Args:
        src: [b, s] source ids (padded with pad_id).
        start_ids: [b] decoder start tokens (``<2en>`` / ``<2zh>``).
        max_new: most tokens to write per sentence (default from the source length).
        temperature, top_k, generator: sampling options; top_k 0 keeps the whole vocabulary.

    Returns:
        Generated ids per sentence, ending with ``eos_id`` when it was written.
    """
    cfg = model.cfg
    b = src.shape[0]
    src_keep = model.src_keep(src)
    cache = model.dec.start_cache(model.encode(src), src_keep)
    n_src = int((src != cfg.pad_id).sum(1).max())
    max_new = min(max_new or default_max_new(n_src, cfg.max_len), cfg.max_len)
    token = start_ids.reshape(b).to(src.device)  # [b]
    out = [[] for _ in range(b)]
    done = torch.zeros(b, dtype=torch.bool, device=src.device)
    for _ in range(max_new):
        logits = model.dec.step(token, cache).float()  # [b, vocab]
        token = _pick(logits, temperature, top_k, generator)  # [b]
        for i in range(b):
            if not done[i]:
                out[i].append(int(token[i]))
        done |= token == eos_id
        if bool(done.all()):
            break
    return out


def _pick(logits: Tensor, temperature: float, top_k: int, generator) -> Tensor:
    if temperature <= 0:
        return logits.argmax(-1)
    logits = logits / temperature
    if top_k > 0:
        kth = torch.topk(logits, min(top_k, logits.shape[-1]), dim=-1).values[:, -1:]
        logits = logits.masked_fill(logits < kth, float("-inf"))
    probs = torch.softmax(logits, -1)
    return torch.multinomial(probs.cpu(), 1, generator=generator).view(-1).to(logits.device)


def generate(
    model: Transformer,
    src_ids: list[int],
    start_id: int,
    eos_id: int,
    max_new: int | None = None,
    **sampling,
) -> list[int]:
    """Translate one sentence: source ids -> generated ids (greedy unless sampling is given)."""
    src = torch.tensor([src_ids], dtype=torch.long, device=model.device)
    start = torch.tensor([start_id], dtype=torch.long, device=model.device)
    return generate_batch(model, src, start, eos_id, max_new, **sampling)[0]
