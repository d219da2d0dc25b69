"""The GRU encoder–decoder: shapes, padding that changes nothing, attention rows that sum to 1,
a save/load round trip, ``python -m models.evaluate --model rnn --json`` in the translation
model's schema, the shipped checkpoint's size, and the encode-time measurement."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from models.rnn import (
    RNN_CHECKPOINT,
    GRUSeq2Seq,
    RNNConfig,
    RNNError,
    encode_times,
    load_rnn,
    save_rnn,
)
from models.tokenizer import SPECIALS, Tokenizer

ROOT = Path(__file__).resolve().parent.parent
VOCAB = 40


def model(attention: bool = False, seed: int = 0) -> GRUSeq2Seq:
    torch.manual_seed(seed)
    return GRUSeq2Seq(RNNConfig(vocab_size=VOCAB, d_embed=16, d_hidden=24,
                                attention=attention)).eval()


def ids(b: int, n: int, seed: int = 1) -> torch.Tensor:
    return torch.randint(6, VOCAB, (b, n), generator=torch.Generator().manual_seed(seed))


@pytest.mark.parametrize("attention", [False, True])
def test_shapes_of_states_and_logits(attention):
    m = model(attention)
    src, tgt = ids(3, 7), ids(3, 5, seed=2)
    states, final, keep = m.encode(src)
    assert states.shape == (3, 7, 24) and final.shape == (1, 3, 24) and keep.shape == (3, 7)
    assert m(src, tgt).shape == (3, 5, VOCAB)


@pytest.mark.parametrize("attention", [False, True])
def test_padding_changes_nothing(attention):
    """A sentence padded in a batch gives the same logits as alone: the encoder stops at its
    last real token (packing) and attention gives padding no weight."""
    m = model(attention)
    short, tgt = ids(1, 4), ids(1, 3, seed=2)
    padded = torch.cat([short, torch.zeros(1, 3, dtype=torch.long)], dim=1)
    with torch.no_grad():
        alone = m(short, tgt)
        batched = m(padded, tgt)
        _, final_alone, _ = m.encode(short)
        states, final_padded, _ = m.encode(padded)
    torch.testing.assert_close(alone, batched)
    torch.testing.assert_close(final_alone, final_padded)
    assert torch.all(states[0, 4:] == 0)


def test_additive_attention_rows_sum_to_one_and_skip_padding():
    m = model(attention=True)
    src = torch.cat([ids(1, 5), torch.zeros(1, 2, dtype=torch.long)], dim=1)
    states, _, keep = m.encode(src)
    s = torch.randn(1, 4, 24)
    _, weights = m.attn(s, states, keep)
    torch.testing.assert_close(weights.sum(-1), torch.ones(1, 4))
    assert torch.all(weights[0, :, 5:] == 0)


def test_generate_stops_at_eos_or_the_cap():
    m = model()
    out = m.generate_batch(ids(2, 4), torch.tensor([4, 5]), eos_id=2, max_new=6)
    assert len(out) == 2
    for row in out:
        assert 1 <= len(row) <= 6
        assert 2 not in row[:-1]  # nothing is written after <eos>


def test_save_and_load_give_the_same_model(tmp_path):
    m = model(attention=True)
    vocab = list(SPECIALS) + [f"w{i}" for i in range(VOCAB - len(SPECIALS))]
    save_rnn(tmp_path, m, Tokenizer(vocab), {"note": "test"})
    loaded = load_rnn(tmp_path, device="cpu")
    src, tgt = ids(2, 6), ids(2, 4, seed=2)
    with torch.no_grad():
        torch.testing.assert_close(loaded.model(src, tgt), m(src, tgt))
    assert loaded.training == {"note": "test"}
    assert json.loads((tmp_path / "config.json").read_text())["architecture"] == "gru-seq2seq"


def test_a_missing_file_names_the_rebuild_command(tmp_path):
    with pytest.raises(RNNError, match="python -m training.rnn"):
        load_rnn(tmp_path)


def test_shipped_checkpoint_is_small_and_loads():
    size = sum(p.stat().st_size for p in RNN_CHECKPOINT.iterdir())
    assert size <= 5 * 1024 * 1024
    loaded = load_rnn(device="cpu")
    assert not loaded.config.attention  # the classic form: one vector carries the sentence
    assert "John" in loaded.tokenizer.index and "唱" in loaded.tokenizer.index


def test_is_rnn_folder_tells_the_gru_from_our_transformer(tmp_path):
    from models.checkpoint import SHIPPED_CHECKPOINT
    from models.rnn import is_rnn_folder

    assert is_rnn_folder(RNN_CHECKPOINT)
    assert not is_rnn_folder(SHIPPED_CHECKPOINT)
    (tmp_path / "config.json").write_text("{not json")
    assert not is_rnn_folder(tmp_path)


def test_the_shipped_gru_is_not_offered_as_a_transformer():
    from models.adapters.base import AdapterError
    from models.registry import folder_kind

    try:
        kind = folder_kind(RNN_CHECKPOINT)
    except AdapterError:
        kind = None
    assert kind not in ("ours", "ours-mlm", "hf")


def test_the_model_list_leaves_the_gru_out():
    from models.registry import available_models

    assert "rnn-small" not in available_models()


def evaluate_json(*args: str) -> dict:
    out = subprocess.run([sys.executable, "-m", "models.evaluate", *args, "--json"], cwd=ROOT,
                         capture_output=True, text=True, timeout=600, check=True)
    return json.loads(out.stdout)


def test_evaluate_rnn_json_has_the_translation_models_schema():
    rnn = evaluate_json("--model", "rnn", "--n", "30")
    translation = evaluate_json("--n", "3")
    assert set(rnn) == set(translation) == {"en2zh", "zh2en"}
    for direction in rnn:
        assert set(rnn[direction]) == set(translation[direction])
        assert rnn[direction]["n"] == 30
        assert 0.0 <= rnn[direction]["exact_match"] <= 1.0
        assert 0.0 <= rnn[direction]["bleu"] <= 100.0
    # A trained GRU translates some held-out sentences exactly; an untrained one none.
    assert rnn["en2zh"]["exact_match"] > 0.2


def test_encode_times_cover_every_length_for_both_models():
    from models.config import ModelConfig
    from models.transformer import Transformer

    m = model()
    transformer = Transformer(ModelConfig(vocab_size=VOCAB, d_model=16, n_heads=2, n_layers=1,
                                          d_ff=32, max_len=64, dropout=0.0)).eval()
    times = encode_times(m, transformer, [1, 8, 64], repeats=1, device="cpu")
    assert set(times) == {"gru", "attention"}
    for series in times.values():
        assert sorted(series) == [1, 8, 64] and all(s > 0 for s in series.values())


def test_bench_rows_time_both_encoders_at_8_64_and_512_tokens():
    from bench.rnn import rnn_rows

    rows = rnn_rows(repeats=1)
    assert len(rows) == 6
    for n in (8, 64, 512):
        mine = [r for r in rows if r.what.startswith(f"Encode {n} tokens,")]
        assert [("GRU" in r.what, "self-attention" in r.what) for r in mine] == [
            (True, False), (False, True)]
        assert all(r.value > 0 and r.unit == "ms" for r in mine)
