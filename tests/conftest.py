"""Shared fixtures: small random models built in memory, so model tests need no checkpoint."""

from __future__ import annotations

import pytest
import torch

from models.config import ModelConfig, preset
from models.tokenizer import Tokenizer
from models.transformer import Transformer

SENTENCES = [
    "Smart John is singing", "聪明的约翰在唱歌", "I love you", "我爱你",
    "John saw John", "约翰看见了约翰", "Do you like tea?", "你喜欢茶吗?",
]


@pytest.fixture(scope="session")
def tokenizer() -> Tokenizer:
    return Tokenizer.from_corpus(SENTENCES)


def _random_model(cfg: ModelConfig, seed: int) -> Transformer:
    state = torch.random.get_rng_state()
    torch.manual_seed(seed)
    try:
        return Transformer(cfg).eval()
    finally:
        torch.random.set_rng_state(state)


@pytest.fixture(scope="session")
def tiny_model(tokenizer) -> Transformer:
    """A random model small enough to check invariants in milliseconds."""
    cfg = ModelConfig(vocab_size=len(tokenizer), d_model=16, n_heads=2, n_layers=2, d_ff=32,
                      max_len=64)
    return _random_model(cfg, seed=1)


@pytest.fixture(scope="session")
def small_model(tokenizer) -> Transformer:
    """The app's "small" preset (d_model 128, 4 heads, 3 + 3 layers), random weights."""
    return _random_model(preset("small", len(tokenizer)), seed=2)


@pytest.fixture(scope="session")
def noisy_model(tokenizer) -> Transformer:
    """A tiny random model whose biases and LayerNorm γ, β are not 0 and 1 as initialised, so a
    test can tell a bias or a LayerNorm that is applied at the wrong place."""
    model = _random_model(ModelConfig(vocab_size=len(tokenizer), d_model=16, n_heads=2,
                                      n_layers=2, d_ff=32, max_len=64), seed=3)
    gen = torch.Generator().manual_seed(3)
    with torch.no_grad():
        for param in model.parameters():
            param.add_(0.1 * torch.randn(param.shape, generator=gen))
    return model


@pytest.fixture(params=["tiny", "small"])
def any_model(request, tiny_model, small_model) -> Transformer:
    return tiny_model if request.param == "tiny" else small_model
