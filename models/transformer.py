"""The encoder–decoder Transformer of "Attention Is All You Need" (Vaswani et al. 2017), by hand.

Every tensor the app shows passes once through an identity ``HookPoint`` named by its module
path (``enc.blocks.0.attn.hook_pattern``), so a trace can read it without the model storing
anything. Attention is written out (q·kᵀ/√d_k, mask, softmax, @ v) with heads as an explicit
dimension, because the weights it computes are what the app exists to show.
"""

from __future__ import annotations

import math

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
        x_kv: Tensor,
        keep: Tensor | None,
        kv: tuple[Tensor, Tensor] | None = None,
    ) -> Tensor:
        """Attend from ``x_q`` [b, t, d_model] to ``x_kv`` [b, s, d_model].

        ``keep`` [b or 1, t or 1, s] is True where a query may look at a key; masked scores
        become −inf, so softmax gives them exactly zero weight. ``kv`` passes keys and values
        already projected from ``x_kv`` (decoding reuses the encoder's for every step).
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

    def forward(self, x: Tensor) -> Tensor:
        return self.W_2(self.hook_hidden(torch.relu(self.W_1(x))))  # hidden: [b, pos, d_ff]


class EncoderBlock(nn.Module):
    """§3.1: self-attention, then feed-forward; each wrapped as LayerNorm(x + Sublayer(x))."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.attn = MultiHeadAttention(cfg)
        self.ln_attn = nn.LayerNorm(cfg.d_model)
        self.hook_resid_mid = HookPoint()
        self.ffn = FeedForward(cfg)
        self.ln_ffn = nn.LayerNorm(cfg.d_model)
        self.hook_resid_post = HookPoint()
        self.dropout = nn.Dropout(cfg.dropout)  # §5.4: on each sub-layer's output

    def forward(self, x: Tensor, keep: Tensor) -> Tensor:
        x = self.hook_resid_mid(self.ln_attn(x + self.dropout(self.attn(x, x, keep))))
        return self.hook_resid_post(self.ln_ffn(x + self.dropout(self.ffn(x))))


class DecoderBlock(nn.Module):
    """§3.1: masked self-attention, encoder–decoder attention, feed-forward; each post-LN."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.attn = MultiHeadAttention(cfg)
        self.ln_attn = nn.LayerNorm(cfg.d_model)
        self.hook_resid_mid = HookPoint()
        self.cross = MultiHeadAttention(cfg)
        self.ln_cross = nn.LayerNorm(cfg.d_model)
        self.hook_resid_cross = HookPoint()
        self.ffn = FeedForward(cfg)
        self.ln_ffn = nn.LayerNorm(cfg.d_model)
        self.hook_resid_post = HookPoint()
        self.dropout = nn.Dropout(cfg.dropout)

    def forward(
        self,
        x: Tensor,
        memory: Tensor,
        self_keep: Tensor | None,
        src_keep: Tensor,
        past: Tensor | None = None,
        memory_kv: tuple[Tensor, Tensor] | None = None,
    ) -> Tensor:
        """``past`` [b, t_past, d_model] holds this layer's inputs at earlier positions when
        decoding one token at a time; the new positions then attend to past + themselves.
        ``memory_kv``: cross-attention keys and values of ``memory``, computed once."""
        x_kv = x if past is None else torch.cat([past, x], dim=1)
        x = self.hook_resid_mid(self.ln_attn(x + self.dropout(self.attn(x, x_kv, self_keep))))
        x = self.hook_resid_cross(
            self.ln_cross(x + self.dropout(self.cross(x, memory, src_keep, memory_kv)))
        )
        return self.hook_resid_post(self.ln_ffn(x + self.dropout(self.ffn(x))))


class Embedding(nn.Module):
    """§3.4 + §3.5: token embedding × √d_model, plus positional encoding."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.hook_embed = HookPoint()
        self.hook_pos = HookPoint()
        self.hook_input = HookPoint()
        self.dropout = nn.Dropout(cfg.dropout)  # §5.4: on the sums of embeddings and PE

    def forward(self, scaled: Tensor, pe: Tensor) -> Tensor:
        emb = self.hook_embed(scaled)  # [b, pos, d_model]
        pos = self.hook_pos(pe.expand_as(scaled))  # [b, pos, d_model]
        return self.hook_input(self.dropout(emb + pos))


class Encoder(Embedding):
    def __init__(self, cfg: ModelConfig):
        super().__init__(cfg)
        self.blocks = nn.ModuleList(EncoderBlock(cfg) for _ in range(cfg.n_layers))

    def forward(self, scaled: Tensor, pe: Tensor, keep: Tensor) -> Tensor:
        x = super().forward(scaled, pe)
        for block in self.blocks:
            x = block(x, keep)
        return x


class Decoder(Embedding):
    def __init__(self, cfg: ModelConfig):
        super().__init__(cfg)
        self.blocks = nn.ModuleList(DecoderBlock(cfg) for _ in range(cfg.n_layers))
        self.hook_logits = HookPoint()


class Transformer(nn.Module):
    """Encoder–decoder Transformer (§3, Figure 1) with one shared embedding matrix (§3.4)."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.cfg = cfg
        # §3.4: the same matrix embeds source and target tokens and makes the output logits.
        self.embed = nn.Embedding(cfg.vocab_size, cfg.d_model)
        nn.init.xavier_uniform_(self.embed.weight)
        self.register_buffer("pe", positional_encoding(cfg.max_len, cfg.d_model), persistent=False)
        self.enc = Encoder(cfg)
        self.dec = Decoder(cfg)
        for module in self.modules():
            if isinstance(module, nn.Linear):
                nn.init.xavier_uniform_(module.weight)
                nn.init.zeros_(module.bias)

    @property
    def device(self) -> torch.device:
        return self.embed.weight.device

    def _scaled(self, ids: Tensor) -> Tensor:
        return self.embed(ids) * math.sqrt(self.cfg.d_model)  # §3.4

    def _check_len(self, ids: Tensor) -> None:
        if ids.shape[1] > self.cfg.max_len:
            raise ValueError(
                f"sequence of {ids.shape[1]} tokens exceeds max_len {self.cfg.max_len}"
            )

    def src_keep(self, src: Tensor) -> Tensor:
        """[b, 1, s]: True for real source tokens, False for padding."""
        return (src != self.cfg.pad_id)[:, None, :]

    def encode(self, src: Tensor) -> Tensor:
        """Source ids [b, s] -> memory [b, s, d_model]."""
        self._check_len(src)
        return self.enc(self._scaled(src), self.pe[: src.shape[1]], self.src_keep(src))

    def decode(self, tgt_in: Tensor, memory: Tensor, src_keep: Tensor) -> Tensor:
        """Decoder input ids [b, t] (start token first) -> logits [b, t, vocab]."""
        self._check_len(tgt_in)
        t = tgt_in.shape[1]
        causal = torch.ones(t, t, dtype=torch.bool, device=tgt_in.device).tril()  # §3.2.3
        keep = causal[None] & (tgt_in != self.cfg.pad_id)[:, None, :]  # [b, t, t]
        x = self.dec(self._scaled(tgt_in), self.pe[:t])
        for block in self.dec.blocks:
            x = block(x, memory, keep, src_keep)
        return self.dec.hook_logits(x @ self.embed.weight.T)  # [b, t, vocab]

    def forward(self, src: Tensor, tgt_in: Tensor) -> Tensor:
        """Teacher-forced pass: source ids [b, s], decoder input [b, t] -> logits [b, t, vocab]."""
        return self.decode(tgt_in, self.encode(src), self.src_keep(src))


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

    Each layer keeps its inputs at earlier positions, so a step costs one new position, not the
    whole prefix again; the numbers equal a full teacher-forced pass (tests check).

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
    memory = model.encode(src)
    src_keep = model.src_keep(src)
    n_src = int((src != cfg.pad_id).sum(1).max())
    max_new = min(max_new or default_max_new(n_src, cfg.max_len), cfg.max_len)
    past: list[Tensor | None] = [None] * cfg.n_layers
    memory_kv = [block.cross.project_kv(memory) for block in model.dec.blocks]
    token = start_ids.view(b, 1).to(src.device)
    out = [[] for _ in range(b)]
    done = torch.zeros(b, dtype=torch.bool, device=src.device)
    for pos in range(max_new):
        x = model.dec(model._scaled(token), model.pe[pos : pos + 1])
        for layer, block in enumerate(model.dec.blocks):
            layer_in = x
            x = block(x, memory, None, src_keep, past=past[layer], memory_kv=memory_kv[layer])
            past[layer] = layer_in if past[layer] is None else torch.cat([past[layer], layer_in], 1)
        logits = (x[:, -1] @ model.embed.weight.T).float()  # [b, vocab]
        token = _pick(logits, temperature, top_k, generator)
        for i in range(b):
            if not done[i]:
                out[i].append(int(token[i]))
        done |= token == eos_id
        if bool(done.all()):
            break
        token = token.view(b, 1)
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
