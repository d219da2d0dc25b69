"""One joint vocabulary: English words, Chinese characters, specials first."""

from __future__ import annotations

import pytest

from models.tokenizer import (
    MAX_INPUT_CHARS,
    SPECIALS,
    InputError,
    Tokenizer,
    detect_target,
    detokenize,
    tokenize,
)


def test_english_words_keep_case_and_split_punctuation():
    assert tokenize("Smart John is singing") == ["Smart", "John", "is", "singing"]
    assert tokenize("Do you like tea?") == ["Do", "you", "like", "tea", "?"]


def test_chinese_is_split_into_characters_and_full_width_punctuation_normalised():
    assert tokenize("我爱你") == ["我", "爱", "你"]
    assert tokenize("你喜欢茶吗？") == ["你", "喜", "欢", "茶", "吗", "?"]


def test_invisible_and_control_characters_are_dropped():
    assert tokenize("I\u200b love\x00 you\u202e") == ["I", "love", "you"]


def test_detokenize_round_trips_both_scripts():
    for text in ("Do you like tea?", "你喜欢茶吗?", "聪明的约翰在唱歌", "I love you."):
        assert detokenize(tokenize(text)) == text


def test_direction_from_script():
    assert detect_target("我爱你") == "en"
    assert detect_target("I love you") == "zh"


def test_vocabulary_starts_with_specials_and_is_deterministic():
    a = Tokenizer.from_corpus(["I love you", "我爱你"])
    b = Tokenizer.from_corpus(["我爱你", "I love you"])
    assert a.vocab == b.vocab and tuple(a.vocab[: len(SPECIALS)]) == SPECIALS
    with pytest.raises(ValueError):
        Tokenizer(["I", "love"])


def test_encode_reports_unknown_words_once_and_cuts_long_input():
    tok = Tokenizer.from_corpus(["I love you"])
    enc = tok.encode("I love Bob and Bob", max_len=3)
    assert enc.tokens == ["I", "love", "Bob"] and enc.truncated and enc.n_typed == 5
    assert enc.unknown == ["Bob"] and enc.ids[2] == tok.unk_id
    with pytest.raises(InputError):
        tok.encode("  \t ", max_len=3)


def test_absurd_input_is_cut_before_tokenizing():
    assert len(tokenize("a" * (MAX_INPUT_CHARS * 5))[0]) == MAX_INPUT_CHARS


def test_decode_stops_at_eos_and_hides_specials():
    tok = Tokenizer.from_corpus(["I love you"])
    ids = [tok.index["<2en>"], tok.index["I"], tok.index["love"], tok.eos_id, tok.index["you"]]
    assert tok.decode(ids) == "I love"
