"""Our masked-language model: BERT's masking recipe, held-out data, the trace, fill-in-the-blank."""

from __future__ import annotations

import json
import math
import re
import shlex
from pathlib import Path

import numpy as np
import pytest
import torch

from explainer import __main__ as cli
from explainer.analysis.fill import FillError, check_blanks, fill, probabilities
from explainer.contract import expected_names
from explainer.trace import model_weights, trace
from models.adapters.ours_mlm import MaskedLMAdapter
from models.config import ModelConfig, preset
from models.mlm import MASK, SHIPPED_MLM, MaskedLM, MaskedTokenizer, load_mlm, tokenize_masked
from models.registry import available_models, folder_kind, load_model
from models.transformer import Transformer
from training import mlm as mlm_training
from training import pretrain_compare, recipe

ROOT = Path(__file__).resolve().parent.parent
TRANSLATION_VOCAB = ROOT / "models" / "checkpoints" / "zh-en-small" / "vocab.json"


@pytest.fixture(scope="module")
def tokenizer() -> MaskedTokenizer:
    vocab = json.loads(TRANSLATION_VOCAB.read_text("utf-8"))
    return MaskedTokenizer.from_translation_vocab(vocab)


@pytest.fixture(scope="module")
def tiny(tokenizer) -> MaskedLMAdapter:
    """A seeded random MLM, small and fast: the contract does not depend on training."""
    torch.manual_seed(3)
    cfg = ModelConfig(vocab_size=len(tokenizer), d_model=32, n_heads=2, n_layers=2, d_ff=64,
                      max_len=64, dropout=0.0)
    return MaskedLMAdapter(MaskedLM(cfg).eval(), tokenizer, "tiny-mlm")


@pytest.fixture(scope="module")
def shipped() -> MaskedLMAdapter:
    return load_model("mlm-small", "cpu")


# -- the masking recipe --------------------------------------------------------------------


def test_masking_follows_berts_proportions(tokenizer):
    """15 % chosen; of those 80 % [MASK], 10 % a random word, 10 % unchanged; padding never."""
    generator = torch.Generator().manual_seed(0)
    words = tokenizer.word_ids
    ids = torch.randint(words.start, words.stop, (4000, 40), generator=generator)
    real = torch.ones_like(ids, dtype=torch.bool)
    real[:, 30:] = False  # a padded tail
    ids[~real] = tokenizer.pad_id
    inputs, chosen = mlm_training.mask_tokens(ids, real, tokenizer.mask_id, words, generator)
    n_chosen = int(chosen.sum())
    assert n_chosen / int(real.sum()) == pytest.approx(0.15, abs=0.005)
    assert not bool(chosen[~real].any())
    assert torch.equal(inputs[~chosen], ids[~chosen])  # nothing else is touched
    masked = inputs[chosen] == tokenizer.mask_id
    kept = inputs[chosen] == ids[chosen]
    replaced = ~masked & ~kept
    assert int(masked.sum()) / n_chosen == pytest.approx(0.8, abs=0.01)
    # A random word equals the original one time in ~1,235: "kept" gains that sliver.
    assert int(kept.sum()) / n_chosen == pytest.approx(0.1, abs=0.01)
    assert int(replaced.sum()) / n_chosen == pytest.approx(0.1, abs=0.01)
    swapped = inputs[chosen][replaced]
    assert bool(((swapped >= words.start) & (swapped < words.stop)).all())  # words only


def test_masks_are_drawn_afresh_but_reproducibly(tokenizer):
    ids = torch.full((64, 20), 10, dtype=torch.long)
    real = torch.ones_like(ids, dtype=torch.bool)
    draw = lambda g: mlm_training.mask_tokens(ids, real, tokenizer.mask_id,  # noqa: E731
                                              tokenizer.word_ids, g)[1]
    g = torch.Generator().manual_seed(1)
    first, second = draw(g), draw(g)
    assert not torch.equal(first, second)
    assert torch.equal(first, draw(torch.Generator().manual_seed(1)))


# -- held-out data -------------------------------------------------------------------------


def test_heldout_sentences_never_occur_in_training():
    """The shipped run's own training sentences (regenerated from its record) and the sentences
    it is scored on share nothing, and the scored word is a word, never punctuation."""
    record = load_mlm(SHIPPED_MLM, "cpu").training
    seen = set(mlm_training.training_sentences(record["corpus"]["pairs"], record["seed"]))
    heldout = mlm_training.heldout_sentences(1000)
    assert len(heldout) == len(set(heldout)) == 1000
    assert not seen & set(heldout)
    assert any(re.search(r"[A-Za-z]", s) for s in heldout)
    assert any(re.search(r"[\u4e00-\u9fff]", s) for s in heldout)
    for sentence in heldout[:200]:
        tokens, position = mlm_training.masked_example(sentence)
        assert any(ch.isalnum() for ch in tokens[position]), (sentence, tokens[position])
        assert mlm_training.masked_example(sentence) == (tokens, position)


def test_heldout_sentences_skip_what_training_saw():
    first = mlm_training.heldout_sentences(10)
    again = mlm_training.heldout_sentences(10, seen=frozenset(first[:3]))
    assert not set(first[:3]) & set(again) and len(again) == 10


# -- tokenizer, model, trace ---------------------------------------------------------------


@pytest.mark.parametrize("text, tokens", [
    ("Smart John is [MASK]", ["Smart", "John", "is", MASK]),
    ("我[MASK]你", ["我", MASK, "你"]),
    ("[mask] John [ MASK ]?", [MASK, "John", MASK, "?"]),
    ("我［ＭＡＳＫ］你", ["我", MASK, "你"]),  # full-width, as a Chinese keyboard types it
])
def test_tokenizer_reads_mask_as_one_token(tokenizer, text, tokens):
    assert tokenize_masked(text) == tokens
    encoded = tokenizer.encode(text, 64)
    assert encoded.tokens == tokens and not encoded.unknown
    assert [i == tokenizer.mask_id for i in encoded.ids] == [t == MASK for t in tokens]


def test_vocabulary_is_the_translation_models_plus_mask(tokenizer):
    vocab = json.loads(TRANSLATION_VOCAB.read_text("utf-8"))
    assert tokenizer.vocab == [*vocab, MASK]
    assert load_mlm(SHIPPED_MLM, "cpu").tokenizer.vocab == tokenizer.vocab


def test_trace_keeps_the_contract(tiny):
    t = trace(tiny, "Smart John is [MASK]", pad_to=6)
    assert t.names() == expected_names(t.caps)
    assert t.caps.architecture == "encoder-only" and t.caps.family == "ours-mlm"
    assert t.stages == ("enc",) and t.caps.has_logits and not t.caps.generates
    assert MASK in t.caps.special_tokens
    assert t.src_tokens == ("Smart", "John", "is", MASK, "<pad>", "<pad>")
    assert t.logits().shape == (6, tiny.model.cfg.vocab_size)
    assert t.mask("enc")[:, 4:].all() and not t.mask("enc")[:, :4].any()


def test_trace_equals_a_numpy_recomputation(tiny):
    """Embedding, PE, layer 1's attention pattern and the tied head, from the weights alone."""
    t = trace(tiny, "我[MASK]你", pad_to=5)
    w = model_weights(tiny)
    d = t.caps.d_model
    ids = np.array(t.src_ids)
    np.testing.assert_allclose(t.embed("enc", "embed"), w.embedding[ids] * math.sqrt(d),
                               rtol=1e-5, atol=1e-5)
    pos = np.arange(len(ids))[:, None]
    angle = pos / 10000 ** (np.arange(0, d, 2) / d)
    pe = np.zeros((len(ids), d))
    pe[:, 0::2], pe[:, 1::2] = np.sin(angle), np.cos(angle)  # §3.5, interleaved
    np.testing.assert_allclose(t.embed("enc", "pos"), pe, atol=1e-5)
    layer = 1
    x = t.resid("enc", layer, "pre")  # [pos, d_model]
    q = np.einsum("pd,hde->hpe", x, w.attn("enc", layer, "W_Q")) + \
        w.attn("enc", layer, "b_Q")[:, None]
    k = np.einsum("pd,hde->hpe", x, w.attn("enc", layer, "W_K")) + \
        w.attn("enc", layer, "b_K")[:, None]
    scores = q @ k.transpose(0, 2, 1) / math.sqrt(t.caps.d_head)
    scores = np.where(t.mask("enc")[None], -np.inf, scores)
    pattern = np.exp(scores - scores.max(-1, keepdims=True))
    pattern /= pattern.sum(-1, keepdims=True)
    np.testing.assert_allclose(t.pattern("enc", layer), pattern, rtol=1e-4, atol=1e-5)
    assert (t.pattern("enc", layer)[:, :, 3:] == 0).all()  # padded keys get no weight
    np.testing.assert_allclose(t.logits(), t.final("enc") @ w.embedding.T, rtol=1e-4,
                               atol=1e-4)


# -- fill in the blank ---------------------------------------------------------------------


def test_mask_probabilities_sum_to_one_and_rank_words(shipped):
    t = trace(shipped, "Smart [MASK] is [MASK]")
    vocab = model_weights(shipped).vocab
    blanks = fill(t, vocab, top=10)
    assert [b.position for b in blanks] == [1, 3]
    for blank in blanks:
        probs = probabilities(t.logits()[blank.position])
        assert probs.shape == (len(vocab),) and probs.sum() == pytest.approx(1.0, abs=1e-9)
        listed = [g.prob for g in blank.predictions]
        assert listed == sorted(listed, reverse=True) and sum(listed) <= 1.0 + 1e-9
        for guess in blank.predictions:
            assert guess.token not in t.caps.special_tokens
            assert guess.prob == pytest.approx(probs[vocab.index(guess.token)])


def _run_cli(capsys, *argv):
    code = cli.main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize("sentence, position", [("Smart John is [MASK]", 3), ("我[MASK]你", 1)])
def test_fill_cli_json(capsys, sentence, position):
    code, out, err = _run_cli(capsys, "fill", sentence, "--json", "--top", "5",
                              "--device", "cpu")
    assert code == 0, err
    data = json.loads(out)
    assert list(data) == ["masks"] and len(data["masks"]) == 1
    blank = data["masks"][0]
    assert set(blank) == {"position", "predictions"} and blank["position"] == position
    assert len(blank["predictions"]) == 5
    for guess in blank["predictions"]:
        assert set(guess) == {"token", "prob"} and isinstance(guess["token"], str)
        assert 0.0 <= guess["prob"] <= 1.0
    probs = [g["prob"] for g in blank["predictions"]]
    assert probs == sorted(probs, reverse=True)


def test_shipped_model_guesses_most_covered_words_of_the_articles_sentences(shipped):
    """Each word of "Smart John is singing" and "我爱你" covered in turn (README lists the
    guesses): the covered word is among the five best for most of the seven."""
    vocab = model_weights(shipped).vocab
    found = []
    for words, sep in ((["Smart", "John", "is", "singing"], " "), (["我", "爱", "你"], "")):
        for i, word in enumerate(words):
            covered = sep.join(w if j != i else MASK for j, w in enumerate(words))
            best = fill(trace(shipped, covered), vocab, top=5)[0].predictions
            found.append(word in [g.token for g in best])
    assert sum(found) > len(found) / 2, found


@pytest.mark.parametrize("argv", [
    ["fill", "Smart John is singing"],  # no [MASK]
    ["fill", "[MASK] [MASK]?"],  # nothing but masks
    ["fill", "Smart John is [MASK]", "--model", "trained"],  # no masked-LM head
    ["fill", "Smart John is [MASK]", "--top", "0"],
    ["fill", "   "],
])
def test_fill_cli_errors_in_one_line(capsys, argv):
    code, out, err = _run_cli(capsys, *argv, "--device", "cpu")
    assert code != 0 and not out
    assert err.startswith("error: ") and err.count("\n") == 1, err


def test_fill_cli_warns_when_most_words_are_covered(capsys):
    code, out, err = _run_cli(capsys, "fill", "[MASK] John [MASK]", "--device", "cpu")
    assert code == 0 and err.startswith("warning: ") and "2 of 3" in err
    assert len(out.strip().splitlines()) == 3  # the tokens, then one line per mask


def test_check_blanks_counts_words_not_special_tokens(tiny):
    assert check_blanks(trace(tiny, "John [MASK]", pad_to=8)) == []  # padding is no word
    with pytest.raises(FillError):
        check_blanks(trace(tiny, "[MASK] .", pad_to=4))


# -- the shipped folder, its command and its evaluation --------------------------------------


def test_shipped_folder_is_listed_small_and_recognised():
    files = sorted(p.name for p in SHIPPED_MLM.iterdir())
    assert files == ["config.json", "model.safetensors", "training.json", "vocab.json"]
    assert sum(p.stat().st_size for p in SHIPPED_MLM.iterdir()) <= 6 * 2**20
    assert "mlm-small" in available_models()
    assert folder_kind(SHIPPED_MLM) == "ours-mlm"
    assert folder_kind(TRANSLATION_VOCAB.parent) == "ours"


def _readme_command() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("<!-- mlm:start -->")[1].split("<!-- mlm:end -->")[0]
    block = re.search(r"```bash\n(python -m training\.mlm .*?)```", section, re.S)
    assert block, "README's MLM section has no `python -m training.mlm` block"
    words = shlex.split(block.group(1).replace("\\\n", " "))
    return words[3:]


def test_readme_command_is_the_shipped_recipe():
    """README's command, training.json's record and config.json agree, option for option."""
    readme = vars(mlm_training.parse_args(_readme_command()))
    record = json.loads((SHIPPED_MLM / "training.json").read_text("utf-8"))
    recorded = vars(mlm_training.parse_args(shlex.split(record["command"])[3:]))
    assert readme["out"].resolve() == SHIPPED_MLM.resolve()
    for key in set(readme) - {"out"}:
        assert readme[key] == recorded[key], key
    config = json.loads((SHIPPED_MLM / "config.json").read_text("utf-8"))
    sizes = {"d_model": "d_model", "n_heads": "heads", "n_layers": "layers", "d_ff": "d_ff",
             "max_len": "max_len", "dropout": "dropout"}
    for field, option in sizes.items():
        assert config[field] == readme[option], field
    assert config["architecture"] == "encoder-only" and config["objective"] == "masked-lm"


def test_evaluate_prints_one_json_object(capsys):
    from training import evaluate

    assert evaluate.main(["--model", "mlm", "--json", "--n", "40", "--device", "cpu"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert list(out) == ["mlm"] and set(out["mlm"]) == {"top1", "top5", "n"}
    assert out["mlm"]["n"] == 40 and out["mlm"]["top1"] <= out["mlm"]["top5"]


def test_pretrained_matrices_fit_the_translation_model():
    vocab = json.loads(TRANSLATION_VOCAB.read_text("utf-8"))
    init = pretrain_compare.pretrained_init(SHIPPED_MLM, vocab)
    assert init["embed.weight"].shape[0] == len(vocab)
    assert init and all(n == "embed.weight" or n.startswith("enc.") for n in init)
    model = Transformer(preset("small", len(vocab)))
    before = {k: v.clone() for k, v in model.state_dict().items()}
    recipe.load_initial(model, init)
    after = model.state_dict()
    for name, value in after.items():
        assert torch.equal(value, init[name]) if name in init else torch.equal(value,
                                                                               before[name])
    with pytest.raises(ValueError):
        recipe.load_initial(model, {"embed.weight": torch.zeros(3, 3)})
    assert pretrain_compare.first_step([{"step": 1, "exact_match": 0.5},
                                        {"step": 2, "exact_match": 0.95}], 0.9) == 2
    assert pretrain_compare.first_step([{"step": 1, "exact_match": 0.5}], 0.9) is None
