"""The road not taken: a GRU encoder–decoder, the classic sequence-to-sequence model.

Before the Transformer, translation read a sentence one word at a time (Cho et al. 2014;
Sutskever et al. 2014): a recurrent network folds each word into one hidden vector, step after
step, and the decoder writes the output from that vector. The article opens with this: an RNN is
serial (word n waits for word n - 1) and forgetful (the first word reaches the last only through
n squeezes). Optionally, additive attention (Bahdanau et al. 2015) lets each output step look
back at every encoder state; the shipped ``rnn-small`` has none, the classic form.

The folder format follows ours (``model.safetensors``, ``config.json``, ``vocab.json``,
``training.json``), but ``config.json`` says ``"architecture": "gru-seq2seq"`` and has no
``d_model``: this is not a Transformer, and nothing that loads one should take it for one.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file
from torch import Tensor, nn

from models.device import pick_device
from models.tokenizer import Tokenizer
from models.transformer import HookPoint

ARCHITECTURE = "gru-seq2seq"
RNN_CHECKPOINT = Path(__file__).resolve().parent / "checkpoints" / "rnn-small"


class RNNError(RuntimeError):
    """An RNN folder is missing, malformed or does not fit its config. The message names it."""


@dataclass(frozen=True)
class RNNConfig:
    """Shape of the GRU encoder–decoder.

    Attributes:
        vocab_size: the joint vocabulary (specials first), as for the Transformer.
        d_embed: width of a token's embedding (shared by encoder, decoder and output, §3.4-style).
        d_hidden: width of the GRU's hidden state, the one vector that carries the sentence.
        n_layers: stacked GRU layers in the encoder, and again in the decoder.
        attention: additive (Bahdanau) attention over the encoder states when True.
        pad_id: id of ``<pad>``.
        architecture: always ``"gru-seq2seq"``; tells folder readers this is not a Transformer.
    """

    vocab_size: int
    d_embed: int = 128
    d_hidden: int = 128
    n_layers: int = 1
    attention: bool = False
    pad_id: int = 0
    architecture: str = ARCHITECTURE

    def __post_init__(self):
        for name in ("vocab_size", "d_embed", "d_hidden", "n_layers"):
            if not isinstance(getattr(self, name), int) or getattr(self, name) < 1:
                raise ValueError(f"RNNConfig.{name} must be a positive integer")
        if self.architecture != ARCHITECTURE:
            raise ValueError(f"RNNConfig.architecture must be {ARCHITECTURE!r}")

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> RNNConfig:
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown config fields: {sorted(unknown)}")
        return cls(**data)


def is_rnn_config(config: dict) -> bool:
    """True for a ``config.json`` written by :func:`save_rnn`."""
    return isinstance(config, dict) and config.get("architecture") == ARCHITECTURE


def is_rnn_folder(path) -> bool:
    """True for a folder whose ``config.json`` is an RNN's (what the model list must skip: it
    is not a Transformer). Unreadable or missing configs are not."""
    try:
        return is_rnn_config(json.loads((Path(path) / "config.json").read_text("utf-8")))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return False


class AdditiveAttention(nn.Module):
    """score(s, h_j) = vᵀ tanh(W_s s + W_h h_j) (Bahdanau et al. 2015, §3.1), softmax over j."""

    def __init__(self, d_hidden: int):
        super().__init__()
        self.w_s = nn.Linear(d_hidden, d_hidden, bias=False)
        self.w_h = nn.Linear(d_hidden, d_hidden)
        self.v = nn.Linear(d_hidden, 1, bias=False)

    def forward(self, s: Tensor, h: Tensor, keep: Tensor) -> tuple[Tensor, Tensor]:
        """Decoder states s [b, t, d], encoder states h [b, n, d], keep [b, n] ->
        context [b, t, d] and weights [b, t, n] (rows sum to 1 over real tokens)."""
        scores = self.v(torch.tanh(self.w_s(s)[:, :, None] + self.w_h(h)[:, None])).squeeze(-1)
        scores = scores.masked_fill(~keep[:, None, :], float("-inf"))  # [b, t, n]
        weights = torch.softmax(scores, dim=-1)
        return weights @ h, weights


class GRUSeq2Seq(nn.Module):
    """Encoder GRU reads the source left to right; its last state starts the decoder GRU."""

    def __init__(self, cfg: RNNConfig):
        super().__init__()
        self.cfg = cfg
        self.embed = nn.Embedding(cfg.vocab_size, cfg.d_embed, padding_idx=cfg.pad_id)
        self.encoder = nn.GRU(cfg.d_embed, cfg.d_hidden, cfg.n_layers, batch_first=True)
        self.decoder = nn.GRU(cfg.d_embed, cfg.d_hidden, cfg.n_layers, batch_first=True)
        self.attn = AdditiveAttention(cfg.d_hidden) if cfg.attention else None
        d_out = cfg.d_hidden * (2 if cfg.attention else 1)
        # Back to embedding width, then the embedding itself scores the vocabulary (tied).
        self.out = nn.Linear(d_out, cfg.d_embed)
        self.hook_enc_hidden = HookPoint()  # enc.hidden: every encoder step's state
        self.hook_dec_hidden = HookPoint()  # dec.hidden

    @property
    def device(self) -> torch.device:
        return self.embed.weight.device

    def encode(self, src: Tensor) -> tuple[Tensor, Tensor, Tensor]:
        """Source ids [b, n] (right-padded) -> states [b, n, d_hidden], final
        [n_layers, b, d_hidden] (the state after each row's last real token), keep [b, n]."""
        keep = src != self.cfg.pad_id
        lengths = keep.sum(1).clamp(min=1).cpu()
        packed = nn.utils.rnn.pack_padded_sequence(self.embed(src), lengths, batch_first=True,
                                                   enforce_sorted=False)
        states, final = self.encoder(packed)
        states, _ = nn.utils.rnn.pad_packed_sequence(states, batch_first=True,
                                                     total_length=src.shape[1])
        return self.hook_enc_hidden(states), final, keep

    def _logits(self, s: Tensor, states: Tensor, keep: Tensor) -> Tensor:
        if self.attn is not None:
            context, _ = self.attn(s, states, keep)
            s = torch.cat([s, context], dim=-1)
        return self.out(s) @ self.embed.weight.T  # [b, t, vocab]

    def forward(self, src: Tensor, tgt_in: Tensor) -> Tensor:
        """Teacher-forced pass: source [b, n], decoder input [b, t] -> logits [b, t, vocab]."""
        states, final, keep = self.encode(src)
        s, _ = self.decoder(self.embed(tgt_in), final)
        return self._logits(self.hook_dec_hidden(s), states, keep)

    @torch.inference_mode()
    def generate_batch(self, src: Tensor, start_ids: Tensor, eos_id: int,
                       max_new: int | None = None) -> list[list[int]]:
        """Greedy decoding, one token per step; ids per sentence, ending with ``eos_id``."""
        b = src.shape[0]
        states, hidden, keep = self.encode(src)
        n_src = int(keep.sum(1).max())
        max_new = max_new or 2 * n_src + 10
        token = start_ids.reshape(b).to(src.device)
        out: list[list[int]] = [[] for _ in range(b)]
        done = torch.zeros(b, dtype=torch.bool, device=src.device)
        for _ in range(max_new):
            s, hidden = self.decoder(self.embed(token)[:, None], hidden)
            token = self._logits(s, states, keep)[:, 0].argmax(-1)
            for i in range(b):
                if not done[i]:
                    out[i].append(int(token[i]))
            done |= token == eos_id
            if bool(done.all()):
                break
        return out


def parameter_count(model: nn.Module) -> int:
    """Trainable numbers in the model (shared tensors counted once)."""
    return sum(p.numel() for p in model.parameters())


def save_rnn(folder, model: GRUSeq2Seq, tokenizer: Tokenizer, training: dict) -> Path:
    """Write ``model.safetensors``, ``config.json``, ``vocab.json`` and ``training.json``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    weights = {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
    save_file(weights, str(folder / "model.safetensors"))
    (folder / "config.json").write_text(json.dumps(model.cfg.to_dict(), indent=2) + "\n",
                                        "utf-8")
    tokenizer.save(folder / "vocab.json")
    (folder / "training.json").write_text(json.dumps(training, indent=1, ensure_ascii=False)
                                          + "\n", "utf-8")
    return folder


@dataclass
class LoadedRNN:
    model: GRUSeq2Seq
    tokenizer: Tokenizer
    config: RNNConfig
    training: dict


def load_rnn(folder=None, device: str | None = None) -> LoadedRNN:
    """Load an RNN folder (default: the shipped ``rnn-small``) in eval mode.

    Raises:
        RNNError: a file is missing or unreadable, or the weights do not fit the config.
    """
    folder = Path(folder) if folder is not None else RNN_CHECKPOINT
    for name in ("model.safetensors", "config.json", "vocab.json"):
        if not (folder / name).is_file():
            raise RNNError(f"{folder / name} is missing; rebuild it with "
                           "`python -m training.rnn`")
    try:
        cfg = RNNConfig.from_dict(json.loads((folder / "config.json").read_text("utf-8")))
        tokenizer = Tokenizer.load(folder / "vocab.json")
        weights = load_file(str(folder / "model.safetensors"))
    except (OSError, ValueError, TypeError) as err:
        raise RNNError(f"{folder}: cannot be read ({err})") from err
    if len(tokenizer) != cfg.vocab_size:
        raise RNNError(f"{folder}: vocab.json has {len(tokenizer)} tokens, config.json "
                       f"says {cfg.vocab_size}")
    model = GRUSeq2Seq(cfg)
    try:
        model.load_state_dict(weights)
    except RuntimeError as err:
        raise RNNError(f"{folder / 'model.safetensors'} does not fit config.json: {err}") from err
    training = {}
    if (folder / "training.json").is_file():
        training = json.loads((folder / "training.json").read_text("utf-8"))
    model.to(pick_device(device)).eval()
    return LoadedRNN(model, tokenizer, cfg, training)


@torch.inference_mode()
def encode_times(gru: GRUSeq2Seq, transformer: nn.Module, lengths, repeats: int = 3,
                 device: str | torch.device | None = None) -> dict[str, dict[int, float]]:
    """Median seconds to encode one sentence of each length, GRU against self-attention.

    The GRU takes one step per token, each waiting for the one before; the Transformer's
    encoder takes one step per layer, every token at once. Token ids are drawn (seeded) from
    the GRU's vocabulary past the special tokens; the numbers do not depend on the words.

    Args:
        gru: the recurrent model (its encoder is timed).
        transformer: a model with ``encode(src)`` (its encoder is timed).
        lengths: sentence lengths in tokens.
        repeats: timed runs per length (after one untimed warm-up run).
        device: where to run (default: where the GRU is); the models are moved there.

    Returns:
        ``{"gru": {n: seconds}, "attention": {n: seconds}}``.
    """
    import statistics
    import time

    device = torch.device(device) if device is not None else gru.device
    gru, transformer = gru.to(device), transformer.to(device)
    sync = torch.cuda.synchronize if device.type == "cuda" else (lambda: None)
    generator = torch.Generator().manual_seed(0)
    out: dict[str, dict[int, float]] = {"gru": {}, "attention": {}}
    for n in lengths:
        ids = torch.randint(6, gru.cfg.vocab_size, (1, int(n)), generator=generator).to(device)
        for name, run in (("gru", lambda ids=ids: gru.encode(ids)),
                          ("attention", lambda ids=ids: transformer.encode(ids))):
            run()
            sync()
            times = []
            for _ in range(repeats):
                start = time.perf_counter()
                run()
                sync()
                times.append(time.perf_counter() - start)
            out[name][int(n)] = statistics.median(times)
    return out
