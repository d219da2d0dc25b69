"""The trace contract: what any Transformer computed for one sentence, torch-free.

Every model the app can show (our encoder–decoder, Hugging Face BERT, GPT-2, Marian, …) is
captured by an adapter into the same ``Trace``: named read-only numpy arrays, the token lists,
boolean attention masks and a ``Capabilities`` record that says what the model has. Analysis
and figure code read a trace through accessors (``trace.pattern(stage, layer)``,
``trace.resid(side, layer, where)``) and never build hook names themselves: the names are built
here, once, and are the public contract documented in README.

This module imports numpy only; a layering test keeps torch, Streamlit and the app out of it.

Naming (``side`` is "enc" or "dec"; ``stage`` is "enc" (encoder self-attention), "dec"
(decoder self-attention, causal) or "cross" (encoder–decoder attention)):

    {side}.hook_embed, {side}.hook_pos, {side}.hook_input            [pos, d_model]
    {side}.blocks.{l}.hook_resid_pre                                  [pos, d_model]
    {side}.blocks.{l}.{attn|cross}.hook_q|k|v                         [head, pos, d_head]
    {side}.blocks.{l}.{attn|cross}.hook_scores|pattern                [head, q, k]
    {side}.blocks.{l}.{attn|cross}.hook_z                             [head, q, d_head]
    {side}.blocks.{l}.{attn|cross}.hook_out                           [q, d_model]
    {side}.blocks.{l}.hook_sum_attn|sum_cross|sum_ffn  (post-LN only) [pos, d_model]
    {side}.blocks.{l}.hook_resid_mid|resid_cross|resid_post           [pos, d_model]
    {side}.blocks.{l}.ffn.hook_hidden                                 [pos, d_ff]
    {side}.blocks.{l}.ffn.hook_out                                    [pos, d_model]
    {side}.hook_logits                                                [pos, vocab]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from types import MappingProxyType

import numpy as np

__all__ = [
    "ARCHITECTURES", "ATTN_PARTS", "NORMS", "POSITIONALS", "RESID_WHERE", "SIDES", "STAGES",
    "Capabilities", "ContractError", "Trace", "Weights", "attn_name", "block_name",
    "expected_names", "side_of", "stages_for",
]

ARCHITECTURES = ("encoder-decoder", "encoder-only", "decoder-only")
POSITIONALS = ("sinusoidal", "learned", "rotary", "none")
NORMS = ("post", "pre")
SIDES = ("enc", "dec")
# Encoder self-attention, decoder self-attention (causal), encoder–decoder attention.
STAGES = ("enc", "dec", "cross")
ATTN_PARTS = ("q", "k", "v", "scores", "pattern", "z", "out")
# Points on a block's residual stream: its input, after each sub-layer's Add (& Norm), output.
RESID_WHERE = ("pre", "mid", "cross", "post")
# Sums x + Sublayer(x) before LayerNorm: only post-LN models have them as separate tensors.
SUM_OF = ("attn", "cross", "ffn")
EMBED_PARTS = ("embed", "pos", "input")


class ContractError(ValueError):
    """A trace or an adapter does not keep the contract (a missing name, a bad stage, …)."""


def side_of(stage: str) -> str:
    """The side an attention stage lives on: "enc" for "enc", "dec" for "dec" and "cross"."""
    _check(stage, STAGES, "stage")
    return "enc" if stage == "enc" else "dec"


def _check(value, allowed: Iterable, what: str) -> None:
    if value not in allowed:
        raise ContractError(f"{what} must be one of {tuple(allowed)}, got {value!r}")


def block_name(side: str, layer: int) -> str:
    _check(side, SIDES, "side")
    return f"{side}.blocks.{int(layer)}"


def attn_name(stage: str, layer: int, part: str) -> str:
    """Hook name of one part of an attention block, e.g. ``dec.blocks.1.cross.hook_pattern``."""
    _check(part, ATTN_PARTS, "attention part")
    kind = "cross" if stage == "cross" else "attn"
    return f"{block_name(side_of(stage), layer)}.{kind}.hook_{part}"


def stages_for(architecture: str) -> tuple[str, ...]:
    """The attention stages a model of this architecture has, in forward order."""
    _check(architecture, ARCHITECTURES, "architecture")
    return {"encoder-decoder": ("enc", "dec", "cross"), "encoder-only": ("enc",),
            "decoder-only": ("dec",)}[architecture]


@dataclass(frozen=True)
class Capabilities:
    """What a model has, so pages can say what applies.

    Attributes:
        architecture: "encoder-decoder", "encoder-only" or "decoder-only".
        positional: "sinusoidal" (computed, §3.5), "learned" (a trained table), "rotary", "none".
        norm: LayerNorm placement: "post" (LayerNorm(x + Sublayer(x)), §3.1) or "pre"
            (x + Sublayer(LayerNorm(x)), as GPT-2).
        family: the adapter that captured it: "ours", "bert", "gpt2", "marian".
        display_name: the model's name for people (folder name, or "trained").
        n_enc_layers, n_dec_layers: layers per side (0 where the side is absent).
        n_heads, d_model, d_head, d_ff, vocab_size, max_len: sizes.
        special_tokens: the tokenizer's special tokens ("[CLS]", "<eos>", …).
        generates: True when the model writes text token by token (has a decoder + LM head).
        has_logits: True when the trace holds ``{side}.hook_logits`` (an LM head).
        activation: the feed-forward non-linearity ("relu", "gelu", "swish", …).
        embed_scale: factor on token embeddings before positions are added (√d_model, §3.4).
        pe_layout: for sinusoidal positions, "interleaved" (sin, cos, sin, … as in §3.5) or
            "halves" (all sines then all cosines, as Marian); "" otherwise.
        embed_norm: True when a LayerNorm follows embedding + position (BERT).
        languages: translation targets the model accepts ("en", "zh"); empty when it has none.
        norm_eps: the ε its LayerNorms add to the variance (1e-5 in ours, 1e-12 in BERT).
    """

    architecture: str
    positional: str
    norm: str
    family: str
    display_name: str
    n_enc_layers: int
    n_dec_layers: int
    n_heads: int
    d_model: int
    d_head: int
    d_ff: int
    vocab_size: int
    max_len: int
    special_tokens: tuple[str, ...] = ()
    generates: bool = False
    has_logits: bool = False
    activation: str = "relu"
    embed_scale: float = 1.0
    pe_layout: str = ""
    embed_norm: bool = False
    languages: tuple[str, ...] = ()
    norm_eps: float = 1e-5

    def __post_init__(self):
        _check(self.architecture, ARCHITECTURES, "architecture")
        _check(self.positional, POSITIONALS, "positional")
        _check(self.norm, NORMS, "norm")
        for side in self.sides:
            if self.n_layers_of(side) < 1:
                raise ContractError(f"a {self.architecture} model needs {side} layers")
        object.__setattr__(self, "special_tokens", tuple(self.special_tokens))
        object.__setattr__(self, "languages", tuple(self.languages))

    @property
    def stages(self) -> tuple[str, ...]:
        return stages_for(self.architecture)

    @property
    def sides(self) -> tuple[str, ...]:
        return {"encoder-decoder": ("enc", "dec"), "encoder-only": ("enc",),
                "decoder-only": ("dec",)}[self.architecture]

    @property
    def main_side(self) -> str:
        """The side whose tokens the user typed: the encoder, or the decoder of a GPT."""
        return self.sides[0]

    @property
    def features(self) -> frozenset[str]:
        """What a page may need: "encoder", "decoder", "cross", "generates", "translates"
        (our bilingual model's direction choice), "logits", the positional kind
        ("sinusoidal", "learned", …), the norm ("post-ln", "pre-ln") and the family ("ours")."""
        found = {self.positional, f"{self.norm}-ln", self.family}
        found |= {"encoder"} if "enc" in self.sides else set()
        found |= {"decoder"} if "dec" in self.sides else set()
        found |= {"cross"} if "cross" in self.stages else set()
        found |= {"generates"} if self.generates else set()
        found |= {"translates"} if self.languages else set()
        found |= {"logits"} if self.has_logits else set()
        return frozenset(found)

    def n_layers_of(self, side_or_stage: str) -> int:
        side = side_or_stage if side_or_stage in SIDES else side_of(side_or_stage)
        return self.n_enc_layers if side == "enc" else self.n_dec_layers

    def to_dict(self) -> dict:
        data = asdict(self)
        data["special_tokens"] = list(self.special_tokens)
        data["languages"] = list(self.languages)
        return data

    @classmethod
    def from_dict(cls, data: Mapping) -> Capabilities:
        return cls(**dict(data))


def expected_names(caps: Capabilities) -> list[str]:
    """Every hook name a trace of such a model holds, in forward order (the contract)."""
    names: list[str] = []
    for side in caps.sides:
        names += [f"{side}.hook_{part}" for part in EMBED_PARTS]
        for layer in range(caps.n_layers_of(side)):
            block = block_name(side, layer)
            names.append(f"{block}.hook_resid_pre")
            names += [attn_name(side, layer, part) for part in ATTN_PARTS]
            if caps.norm == "post":
                names.append(f"{block}.hook_sum_attn")
            names.append(f"{block}.hook_resid_mid")
            if side == "dec" and "cross" in caps.stages:
                names += [attn_name("cross", layer, part) for part in ATTN_PARTS]
                if caps.norm == "post":
                    names.append(f"{block}.hook_sum_cross")
                names.append(f"{block}.hook_resid_cross")
            names += [f"{block}.ffn.hook_hidden", f"{block}.ffn.hook_out"]
            if caps.norm == "post":
                names.append(f"{block}.hook_sum_ffn")
            names.append(f"{block}.hook_resid_post")
    if caps.has_logits:
        names.append(f"{caps.sides[-1]}.hook_logits")
    return names


def _frozen(arrays: Mapping[str, np.ndarray]) -> Mapping[str, np.ndarray]:
    out = {}
    for name, array in arrays.items():
        array = np.asarray(array)
        if array.flags.writeable:
            array = array.copy()
            array.flags.writeable = False
        out[name] = array
    return MappingProxyType(out)


@dataclass(frozen=True)
class Trace:
    """What a model computed for one sentence (immutable; arrays are read-only).

    Attributes:
        caps: what the model has (architecture, positions, norm placement, sizes).
        arrays: every captured intermediate by hook name (batch dimension removed), in forward
            order; ``expected_names(caps)`` lists them.
        masks: per attention stage, [query, key] bool, True where attention was forbidden
            (padding, the causal mask). The same for every layer and head.
        src_tokens: encoder input tokens, exactly as the model's tokenizer made them (special
            tokens included); empty for a decoder-only model.
        tgt_tokens: decoder input tokens (start token first); for a decoder-only model, the
            prompt and what it wrote, as the one sequence it read.
        output_tokens: what the decoder wrote, one per step; empty when nothing is generated.
        translation: the output as text ("" when the model writes nothing).
        target: output language ("en", "zh") or "" when the model has none.
        unknown: typed words the tokenizer could not represent (read as its unknown token).
        truncated: True when the input was cut to the model's maximum length.
        n_typed: number of tokens typed before any cut.
        src_ids, tgt_ids, output_ids: the ids behind the token lists.
        n_prompt: for a decoder-only model, how many of ``tgt_tokens`` were the prompt.
        end_token: the token that ends what the model writes ("<eos>", "</s>"); "" if none.
        model_name: the name the app knows the model by.
    """

    caps: Capabilities
    arrays: Mapping[str, np.ndarray]
    masks: Mapping[str, np.ndarray] = field(default_factory=dict)
    src_tokens: tuple[str, ...] = ()
    tgt_tokens: tuple[str, ...] = ()
    output_tokens: tuple[str, ...] = ()
    translation: str = ""
    target: str = ""
    unknown: tuple[str, ...] = ()
    truncated: bool = False
    n_typed: int = 0
    src_ids: tuple[int, ...] = ()
    tgt_ids: tuple[int, ...] = ()
    output_ids: tuple[int, ...] = ()
    n_prompt: int = 0
    end_token: str = ""
    model_name: str = ""

    def __post_init__(self):
        object.__setattr__(self, "arrays", _frozen(self.arrays))
        masks = {stage: np.asarray(m, dtype=bool) for stage, m in self.masks.items()}
        for stage in masks:
            _check(stage, self.caps.stages, "mask stage")
        object.__setattr__(self, "masks", _frozen(masks))
        for name in ("src_tokens", "tgt_tokens", "output_tokens", "unknown"):
            object.__setattr__(self, name, tuple(str(t) for t in getattr(self, name)))
        for name in ("src_ids", "tgt_ids", "output_ids"):
            object.__setattr__(self, name, tuple(int(i) for i in getattr(self, name)))

    # -- names ------------------------------------------------------------------------------
    def __getitem__(self, name: str) -> np.ndarray:
        try:
            return self.arrays[name]
        except KeyError:
            raise KeyError(f"no trace entry {name!r}; see Trace.names()") from None

    def __contains__(self, name: str) -> bool:
        return name in self.arrays

    def names(self) -> list[str]:
        return list(self.arrays)

    @property
    def finished(self) -> bool:
        """True when the model ended what it wrote by itself (its end token came last)."""
        return bool(self.output_tokens) and bool(self.end_token) and (
            self.output_tokens[-1] == self.end_token)

    # -- what the model has -----------------------------------------------------------------
    @property
    def stages(self) -> tuple[str, ...]:
        """The attention stages this model has ("enc", "dec", "cross"), in forward order."""
        return self.caps.stages

    @property
    def sides(self) -> tuple[str, ...]:
        return self.caps.sides

    @property
    def architecture(self) -> str:
        return self.caps.architecture

    @property
    def n_heads(self) -> int:
        return self.caps.n_heads

    @property
    def n_layers(self) -> int:
        """Layers of the main side (the encoder, or a decoder-only model's decoder)."""
        return self.caps.n_layers_of(self.caps.main_side)

    def n_layers_of(self, side_or_stage: str) -> int:
        return self.caps.n_layers_of(side_or_stage)

    def tokens(self, side: str) -> tuple[str, ...]:
        """The tokens along one side: the encoder's input or the decoder's input."""
        _check(side, SIDES, "side")
        return self.src_tokens if side == "enc" else self.tgt_tokens

    def stage_tokens(self, stage: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(query tokens, key tokens) of an attention stage."""
        self._has_stage(stage)
        if stage == "cross":
            return self.tgt_tokens, self.src_tokens
        side = side_of(stage)
        return self.tokens(side), self.tokens(side)

    def _has_stage(self, stage: str) -> None:
        _check(stage, STAGES, "stage")
        if stage not in self.caps.stages:
            raise ContractError(
                f"a {self.caps.architecture} model has no {stage!r} attention "
                f"(it has {', '.join(self.caps.stages)})"
            )

    def _has_side(self, side: str) -> None:
        _check(side, SIDES, "side")
        if side not in self.caps.sides:
            raise ContractError(f"a {self.caps.architecture} model has no {side!r} side")

    def _layer(self, side_or_stage: str, layer: int) -> int:
        n = self.caps.n_layers_of(side_or_stage)
        if not 0 <= int(layer) < n:
            raise ContractError(f"layer {layer} out of range 0..{n - 1}")
        return int(layer)

    # -- accessors --------------------------------------------------------------------------
    def attn(self, stage: str, layer: int, part: str) -> np.ndarray:
        """One part of an attention block: q/k/v/z [head, pos, d_head], scores/pattern
        [head, query, key], out [query, d_model]."""
        self._has_stage(stage)
        return self[attn_name(stage, self._layer(stage, layer), part)]

    def pattern(self, stage: str, layer: int) -> np.ndarray:
        """Attention weights [head, query, key]; each row sums to 1."""
        return self.attn(stage, layer, "pattern")

    def scores(self, stage: str, layer: int) -> np.ndarray:
        """Scaled scores q·kᵀ/√d_head [head, query, key]; masked entries as the model left them
        (−inf in ours, a large negative number in Hugging Face's): use ``mask`` to find them."""
        return self.attn(stage, layer, "scores")

    def mask(self, stage: str) -> np.ndarray:
        """[query, key] bool, True where attention is forbidden (padding, future positions)."""
        self._has_stage(stage)
        if stage in self.masks:
            return self.masks[stage]
        q, k = self.stage_tokens(stage)
        return np.zeros((len(q), len(k)), dtype=bool)

    def embed(self, side: str, part: str = "input") -> np.ndarray:
        """[pos, d_model]: "embed" (token embedding, scaled as the model scales it), "pos"
        (positional rows added), "input" (what layer 0 reads)."""
        self._has_side(side)
        _check(part, EMBED_PARTS, "embedding part")
        return self[f"{side}.hook_{part}"]

    def resid(self, side: str, layer: int, where: str) -> np.ndarray:
        """The residual stream [pos, d_model] of a block: "pre" (its input), "mid" (after
        self-attention's Add & Norm), "cross" (after cross-attention's), "post" (its output)."""
        self._has_side(side)
        _check(where, RESID_WHERE, "residual point")
        if where == "cross" and not (side == "dec" and "cross" in self.caps.stages):
            raise ContractError("only an encoder–decoder model's decoder has cross-attention")
        return self[f"{block_name(side, self._layer(side, layer))}.hook_resid_{where}"]

    def layer_input(self, side: str, layer: int) -> np.ndarray:
        return self.resid(side, layer, "pre")

    def final(self, side: str) -> np.ndarray:
        """The last block's output on one side [pos, d_model]."""
        return self.resid(side, self.caps.n_layers_of(side) - 1, "post")

    def sum_before_norm(self, side: str, layer: int, sublayer: str) -> np.ndarray:
        """x + Sublayer(x) before its LayerNorm [pos, d_model] (post-LN models only)."""
        self._has_side(side)
        _check(sublayer, SUM_OF, "sub-layer")
        if self.caps.norm != "post":
            raise ContractError("a pre-LN model adds without a LayerNorm after the sum")
        return self[f"{block_name(side, self._layer(side, layer))}.hook_sum_{sublayer}"]

    def ffn(self, side: str, layer: int, part: str = "hidden") -> np.ndarray:
        """Feed-forward "hidden" [pos, d_ff] (after the non-linearity) or "out" [pos, d_model]."""
        self._has_side(side)
        _check(part, ("hidden", "out"), "feed-forward part")
        return self[f"{block_name(side, self._layer(side, layer))}.ffn.hook_{part}"]

    def logits(self) -> np.ndarray:
        """The LM head's output [pos, vocab] on the last side."""
        if not self.caps.has_logits:
            raise ContractError("this model has no language-model head in its trace")
        return self[f"{self.caps.sides[-1]}.hook_logits"]

    # -- a plain-values view for caches and captions ----------------------------------------
    @property
    def config(self) -> Mapping:
        """Sizes by the paper's names: d_model, n_heads, d_head, n_layers, d_ff, max_len…"""
        c = self.caps
        return MappingProxyType({
            "d_model": c.d_model, "n_heads": c.n_heads, "d_head": c.d_head,
            "n_layers": self.n_layers, "n_enc_layers": c.n_enc_layers,
            "n_dec_layers": c.n_dec_layers, "d_ff": c.d_ff, "max_len": c.max_len,
            "vocab_size": c.vocab_size,
        })


@dataclass(frozen=True)
class Weights:
    """A model's parameters in the contract's conventions, read-only numpy.

    Per attention block (``stage``, ``layer``): ``W_Q``, ``W_K``, ``W_V`` [head, d_model,
    d_head], ``b_Q``, ``b_K``, ``b_V`` [head, d_head], ``W_O`` [head, d_head, d_model], ``b_O``
    [d_model], such that ``hook_q = x @ W_Q + b_Q`` per head, x being what the block read
    (its LayerNorm's output for a pre-LN model). Feed-forward: ``W_1`` [d_model, d_ff], ``b_1``
    [d_ff], ``W_2`` [d_ff, d_model], ``b_2`` [d_model] (``hidden = act(x @ W_1 + b_1)``,
    ``out = hidden @ W_2 + b_2``). LayerNorms ``ln_attn``, ``ln_cross``, ``ln_ffn`` as
    (γ, β) [d_model]. ``embedding`` [vocab, d_model]: the token embedding matrix, unscaled.
    """

    arrays: Mapping[str, np.ndarray]
    embedding: np.ndarray
    vocab: tuple[str, ...] = ()

    def __post_init__(self):
        object.__setattr__(self, "arrays", _frozen(self.arrays))
        object.__setattr__(self, "embedding", _frozen({"e": self.embedding})["e"])
        object.__setattr__(self, "vocab", tuple(self.vocab))

    def attn(self, stage: str, layer: int, name: str) -> np.ndarray:
        _check(name, ("W_Q", "W_K", "W_V", "b_Q", "b_K", "b_V", "W_O", "b_O"), "weight")
        kind = "cross" if stage == "cross" else "attn"
        return self._get(f"{block_name(side_of(stage), layer)}.{kind}.{name}")

    def ffn(self, side: str, layer: int, name: str) -> np.ndarray:
        _check(name, ("W_1", "b_1", "W_2", "b_2"), "weight")
        return self._get(f"{block_name(side, layer)}.ffn.{name}")

    def norm(self, side: str, layer: int, sublayer: str) -> tuple[np.ndarray, np.ndarray]:
        """(γ, β) of the LayerNorm that goes with a sub-layer ("attn", "cross", "ffn")."""
        _check(sublayer, SUM_OF, "sub-layer")
        prefix = f"{block_name(side, layer)}.ln_{sublayer}"
        return self._get(f"{prefix}.gamma"), self._get(f"{prefix}.beta")

    def _get(self, name: str) -> np.ndarray:
        try:
            return self.arrays[name]
        except KeyError:
            raise KeyError(f"no weight {name!r} in this model") from None

    def names(self) -> list[str]:
        return list(self.arrays)
