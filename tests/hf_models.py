"""Small random Hugging Face models with their own tokenizers, saved to a folder (no download).

Each ``build_*`` writes what ``save_pretrained`` writes for a real model (config.json,
model.safetensors, the tokenizer's files) into ``folder`` and returns it, so tests load it
through ``models.adapters.hf.load_hf`` exactly as the app loads a real one. Weights are random
(seeded); tokenizers are trained offline on ``SENTENCES`` with the ``tokenizers`` and
``sentencepiece`` libraries. Sizes are tiny (d_model 32, 2 layers, 4 heads) so a test suite
builds all of them in a few seconds.
"""

from __future__ import annotations

import io
import json
import warnings
from pathlib import Path

import torch

SENTENCES = [
    "Smart John is singing", "I love you", "John saw John", "Do you like tea?",
    "the cat sat on the mat", "a small model sings a song", "is John singing a song?",
]
SIZES = {"d_model": 32, "n_layers": 2, "n_heads": 4, "d_ff": 64, "max_len": 64}

# WordPiece pieces for the BERT tokenizer: whole words plus a suffix, so "singing" is
# sing ##ing and a word made of nothing here (e.g. "xyzzy") becomes [UNK].
_BERT_SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
_BERT_WORDS = ["smart", "john", "is", "sing", "##ing", "##s", "i", "love", "you", "saw", "do",
               "like", "tea", "?", "the", "cat", "sat", "on", "mat", "a", "small", "model",
               "song"]


def _seeded(seed: int, build):
    """Build under a fixed seed without disturbing the caller's random state."""
    state = torch.random.get_rng_state()
    torch.manual_seed(seed)
    try:
        return build().eval()
    finally:
        torch.random.set_rng_state(state)


def _save(model, tokenizer, folder: Path) -> Path:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(folder)  # transformers 5 writes model.safetensors only
    tokenizer.save_pretrained(folder)
    assert (folder / "model.safetensors").is_file(), "save_pretrained wrote no safetensors"
    return folder


def bert_tokenizer():
    from transformers import BertTokenizer

    vocab = {token: i for i, token in enumerate(_BERT_SPECIAL + _BERT_WORDS)}
    return BertTokenizer(vocab=vocab)


def build_bert(folder: Path, seed: int = 0) -> Path:
    """A BertForMaskedLM (d_model 32, 2 layers, 4 heads) with a WordPiece tokenizer."""
    from transformers import BertConfig, BertForMaskedLM

    tokenizer = bert_tokenizer()
    config = BertConfig(
        vocab_size=len(tokenizer), hidden_size=SIZES["d_model"],
        num_hidden_layers=SIZES["n_layers"], num_attention_heads=SIZES["n_heads"],
        intermediate_size=SIZES["d_ff"], max_position_embeddings=SIZES["max_len"],
        pad_token_id=tokenizer.pad_token_id,
    )
    return _save(_seeded(seed, lambda: BertForMaskedLM(config)), tokenizer, folder)


def build_distilbert(folder: Path, seed: int = 3) -> Path:
    """A DistilBertModel (no LM head) with the same WordPiece tokenizer."""
    from transformers import DistilBertConfig, DistilBertModel

    tokenizer = bert_tokenizer()
    config = DistilBertConfig(
        vocab_size=len(tokenizer), dim=SIZES["d_model"], n_layers=SIZES["n_layers"],
        n_heads=SIZES["n_heads"], hidden_dim=SIZES["d_ff"],
        max_position_embeddings=SIZES["max_len"], pad_token_id=tokenizer.pad_token_id,
    )
    return _save(_seeded(seed, lambda: DistilBertModel(config)), tokenizer, folder)


def _byte_bpe(special: list[str], vocab_size: int = 300) -> tuple[dict, list[tuple[str, str]]]:
    """A byte-level BPE (GPT-2's scheme) trained on SENTENCES: (vocab, merges)."""
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size, special_tokens=special, show_progress=False,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    tok.train_from_iterator(SENTENCES, trainer)
    model = json.loads(tok.to_str())["model"]
    return model["vocab"], [tuple(m) for m in model["merges"]]


def build_gpt2(folder: Path, seed: int = 1) -> Path:
    """A GPT2LMHeadModel (d_model 32, 2 layers, 4 heads) with a byte-level BPE tokenizer."""
    from transformers import GPT2Config, GPT2LMHeadModel, GPT2Tokenizer

    vocab, merges = _byte_bpe(["<|endoftext|>"])
    tokenizer = GPT2Tokenizer(vocab=vocab, merges=merges)
    eos = tokenizer.eos_token_id
    config = GPT2Config(
        vocab_size=len(tokenizer), n_positions=SIZES["max_len"], n_embd=SIZES["d_model"],
        n_layer=SIZES["n_layers"], n_head=SIZES["n_heads"], n_inner=SIZES["d_ff"],
        bos_token_id=eos, eos_token_id=eos,
    )
    return _save(_seeded(seed, lambda: GPT2LMHeadModel(config)), tokenizer, folder)


def marian_tokenizer(folder: Path):
    """A MarianTokenizer: one sentencepiece model for both sides, trained on SENTENCES.

    Marian's vocabulary puts </s> at 0, <unk> at 1 and <pad> last, as the Helsinki-NLP
    models do.
    """
    import sentencepiece as spm
    from transformers import MarianTokenizer

    spm_dir = Path(folder) / "_spm"
    spm_dir.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(SENTENCES * 4), model_writer=buf, vocab_size=48,
        model_type="unigram", character_coverage=1.0, eos_id=0, unk_id=1, bos_id=-1,
        pad_id=-1, hard_vocab_limit=False, minloglevel=2,
    )
    for name in ("source.spm", "target.spm"):
        (spm_dir / name).write_bytes(buf.getvalue())
    sp = spm.SentencePieceProcessor(model_proto=buf.getvalue())
    vocab = {sp.id_to_piece(i): i for i in range(sp.get_piece_size())}
    vocab["<pad>"] = len(vocab)
    (spm_dir / "vocab.json").write_text(json.dumps(vocab), encoding="utf-8")
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*sacremoses.*")  # an optional normaliser
        return MarianTokenizer(str(spm_dir / "source.spm"), str(spm_dir / "target.spm"),
                               str(spm_dir / "vocab.json"))


def build_marian(folder: Path, seed: int = 2) -> Path:
    """A MarianMTModel (d_model 32, 2 + 2 layers, 4 heads, swish) with a sentencepiece
    tokenizer. The decoder starts from <pad>, as Marian's do."""
    from transformers import MarianConfig, MarianMTModel

    folder = Path(folder)
    tokenizer = marian_tokenizer(folder.parent / f"{folder.name}_tok")
    pad = tokenizer.pad_token_id
    config = MarianConfig(
        vocab_size=len(tokenizer), decoder_vocab_size=len(tokenizer), d_model=SIZES["d_model"],
        encoder_layers=SIZES["n_layers"], decoder_layers=SIZES["n_layers"],
        encoder_attention_heads=SIZES["n_heads"], decoder_attention_heads=SIZES["n_heads"],
        encoder_ffn_dim=SIZES["d_ff"], decoder_ffn_dim=SIZES["d_ff"],
        max_position_embeddings=SIZES["max_len"], activation_function="swish",
        scale_embedding=True, pad_token_id=pad, eos_token_id=tokenizer.eos_token_id,
        decoder_start_token_id=pad, forced_eos_token_id=None,
    )
    return _save(_seeded(seed, lambda: MarianMTModel(config)), tokenizer, folder)


def build_bart(folder: Path, seed: int = 4) -> Path:
    """A BartForConditionalGeneration (d_model 32, 2 + 2 layers, 4 heads) with a byte-level
    BPE tokenizer (BART's <s> … </s>)."""
    from transformers import BartConfig, BartForConditionalGeneration, RobertaTokenizer

    vocab, merges = _byte_bpe(["<s>", "<pad>", "</s>", "<unk>", "<mask>"])
    tokenizer = RobertaTokenizer(vocab=vocab, merges=merges)
    config = BartConfig(
        vocab_size=len(tokenizer), d_model=SIZES["d_model"], encoder_layers=SIZES["n_layers"],
        decoder_layers=SIZES["n_layers"], encoder_attention_heads=SIZES["n_heads"],
        decoder_attention_heads=SIZES["n_heads"], encoder_ffn_dim=SIZES["d_ff"],
        decoder_ffn_dim=SIZES["d_ff"], max_position_embeddings=SIZES["max_len"],
        bos_token_id=tokenizer.bos_token_id, pad_token_id=tokenizer.pad_token_id,
        eos_token_id=tokenizer.eos_token_id, decoder_start_token_id=tokenizer.eos_token_id,
        forced_eos_token_id=None,
    )
    return _save(_seeded(seed, lambda: BartForConditionalGeneration(config)), tokenizer, folder)


BUILDERS = {
    "bert": build_bert, "distilbert": build_distilbert, "gpt2": build_gpt2,
    "marian": build_marian, "bart": build_bart,
}
