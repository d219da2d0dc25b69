"""The model's shape, in the paper's names (Vaswani et al. 2017, Table 3)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace


@dataclass(frozen=True)
class ModelConfig:
    """Hyper-parameters of the encoder–decoder Transformer.

    Attributes:
        vocab_size: size of the one joint Chinese–English vocabulary (specials included).
        d_model: width of every token vector in the residual stream (paper base: 512).
        n_heads: attention heads per attention block, ``h`` in §3.2.2 (paper: 8).
        n_layers: layers in the encoder, and again in the decoder, ``N`` in §3.1 (paper: 6).
        d_ff: inner width of the position-wise feed-forward network, §3.3 (paper: 2048).
        max_len: longest sequence the model accepts; positional encodings are computed, not
            learned (§3.5), so this costs no parameters.
        dropout: ``P_drop`` of §5.4, applied to sub-layer outputs and to embedding + PE sums.
        pad_id: id of ``<pad>``; keys at these positions are masked out of attention.
    """

    vocab_size: int
    d_model: int = 128
    n_heads: int = 4
    n_layers: int = 3
    d_ff: int = 512
    max_len: int = 512
    dropout: float = 0.1
    pad_id: int = 0

    def __post_init__(self):
        for name in ("vocab_size", "d_model", "n_heads", "n_layers", "d_ff", "max_len"):
            if not isinstance(getattr(self, name), int) or getattr(self, name) < 1:
                raise ValueError(f"ModelConfig.{name} must be a positive integer")
        if self.d_model % self.n_heads:
            raise ValueError(
                f"d_model ({self.d_model}) must be divisible by n_heads ({self.n_heads})"
            )
        if not 0.0 <= self.dropout < 1.0:
            raise ValueError("ModelConfig.dropout must be in [0, 1)")

    @property
    def d_head(self) -> int:
        """Width of one head's queries, keys and values: d_k = d_v = d_model / h (§3.2.2)."""
        return self.d_model // self.n_heads

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> ModelConfig:
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown config fields: {sorted(unknown)}")
        return cls(**data)


# The app's small model, and the paper's base model (Table 3, row "base").
PRESETS = {
    "small": dict(d_model=128, n_heads=4, n_layers=3, d_ff=512, max_len=512, dropout=0.1),
    "base": dict(d_model=512, n_heads=8, n_layers=6, d_ff=2048, max_len=512, dropout=0.1),
}


def preset(name: str, vocab_size: int) -> ModelConfig:
    """A named configuration ("small" or "base") for a vocabulary of ``vocab_size`` tokens."""
    if name not in PRESETS:
        raise ValueError(f"unknown preset {name!r}; choose from {sorted(PRESETS)}")
    return ModelConfig(vocab_size=vocab_size, **PRESETS[name])


def with_vocab(cfg: ModelConfig, vocab_size: int) -> ModelConfig:
    return replace(cfg, vocab_size=vocab_size)
