"""One joint Chinese–English vocabulary.

English is split at word level (punctuation split off, case kept); Chinese at character
level, as the article works per character. One vocabulary serves both languages, so one
model translates both ways: the decoder's first token (``<2en>`` or ``<2zh>``) picks the
output language, and the encoder sees only the sentence itself.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

PAD, BOS, EOS, UNK = "<pad>", "<bos>", "<eos>", "<unk>"
TO_EN, TO_ZH = "<2en>", "<2zh>"
SPECIALS = (PAD, BOS, EOS, UNK, TO_EN, TO_ZH)
START_TOKENS = {"en": TO_EN, "zh": TO_ZH}

# Raw text longer than this is cut before any work, so absurd input answers in bounded time.
MAX_INPUT_CHARS = 4000

_CJK = (
    r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # CJK unified ideographs (+ext A, compat)
)
_TOKEN_RE = re.compile(rf"[{_CJK}]|[A-Za-z0-9]+(?:'[A-Za-z]+)?|[^\s{_CJK}A-Za-z0-9]")
_CJK_RE = re.compile(rf"[{_CJK}]")
_NO_SPACE_BEFORE = set(".,!?;:)%'")


class InputError(ValueError):
    """The user's text cannot be used (empty, only whitespace, ...). The message is for people."""


def normalize(text: str) -> str:
    """NFKC-normalise (full-width ``？`` becomes ``?``) and drop control and format characters.

    NUL, zero-width joiners, bidi marks and other invisible characters carry no word, so they are
    removed rather than shown as unknown tokens.
    """
    text = unicodedata.normalize("NFKC", text[:MAX_INPUT_CHARS])
    kept = []
    for ch in text:
        cat = unicodedata.category(ch)
        if ch in "\t\n\r":
            kept.append(" ")
        elif cat in ("Cc", "Cf", "Cs", "Co", "Cn"):
            continue
        else:
            kept.append(ch)
    return "".join(kept)


def tokenize(text: str) -> list[str]:
    """Split text into tokens: Chinese characters one by one, English words, punctuation.

    >>> tokenize("Smart John is singing")
    ['Smart', 'John', 'is', 'singing']
    >>> tokenize("你喜欢茶吗？")
    ['你', '喜', '欢', '茶', '吗', '?']
    """
    return _TOKEN_RE.findall(normalize(text))


def is_chinese(text: str) -> bool:
    """True when the text contains a Chinese character (then we translate it into English)."""
    return bool(_CJK_RE.search(text))


def detect_target(text: str) -> str:
    """Default translation direction from the script: Chinese text goes to English, else Chinese."""
    return "en" if is_chinese(text) else "zh"


def detokenize(tokens: list[str]) -> str:
    """Join tokens back into text: no spaces between Chinese characters or before punctuation."""
    out = ""
    prev = ""
    for tok in tokens:
        if out and not (
            tok in _NO_SPACE_BEFORE
            or _CJK_RE.fullmatch(tok)
            or _CJK_RE.fullmatch(prev)
            or (len(prev) == 1 and not prev.isalnum() and prev not in _NO_SPACE_BEFORE)
        ):
            out += " "
        out += tok
        prev = tok
    return out


@dataclass(frozen=True)
class Encoded:
    """A sentence turned into ids, with what a person should be told about it."""

    ids: list[int]
    tokens: list[str]  # the tokens the model sees (unknown ones shown as typed)
    unknown: list[str] = field(default_factory=list)  # typed words outside the vocabulary
    truncated: bool = False  # True when the input was cut to the model's maximum length
    n_typed: int = 0  # tokens before truncation


class Tokenizer:
    """Maps tokens to ids and back over one joint vocabulary (specials first)."""

    def __init__(self, vocab: list[str]):
        if list(vocab[: len(SPECIALS)]) != list(SPECIALS):
            raise ValueError(f"vocabulary must start with the special tokens {SPECIALS}")
        if len(set(vocab)) != len(vocab):
            raise ValueError("vocabulary has duplicate tokens")
        self.vocab = list(vocab)
        self.index = {tok: i for i, tok in enumerate(self.vocab)}
        self.pad_id = self.index[PAD]
        self.bos_id = self.index[BOS]
        self.eos_id = self.index[EOS]
        self.unk_id = self.index[UNK]

    def __len__(self) -> int:
        return len(self.vocab)

    @classmethod
    def from_corpus(cls, sentences) -> Tokenizer:
        """Build a vocabulary from an iterable of sentences (sorted, so it is deterministic)."""
        words = set()
        for sentence in sentences:
            words.update(tokenize(sentence))
        return cls(list(SPECIALS) + sorted(words - set(SPECIALS)))

    @classmethod
    def load(cls, path: str | Path) -> Tokenizer:
        """Read ``vocab.json`` (a JSON list of tokens)."""
        vocab = json.loads(Path(path).read_text(encoding="utf-8"))
        if not isinstance(vocab, list) or not all(isinstance(t, str) for t in vocab):
            raise ValueError("vocab.json must hold a JSON list of strings")
        return cls(vocab)

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.vocab, ensure_ascii=False, indent=0), "utf-8")

    def start_id(self, target: str) -> int:
        """Id of the decoder's start token for the target language ("en" or "zh")."""
        if target not in START_TOKENS:
            raise InputError(f"unknown target language {target!r}: use 'en' or 'zh'")
        return self.index[START_TOKENS[target]]

    EXAMPLE = "'Smart John is singing' or '我爱你'"  # named in the empty-input message

    def split(self, text: str) -> list[str]:
        """The sentence's tokens (English words, Chinese characters, punctuation)."""
        return tokenize(text)

    def encode(self, text: str, max_len: int) -> Encoded:
        """Turn a sentence into ids for the encoder.

        Raises:
            InputError: the text is empty or holds no visible token.
        """
        if not isinstance(text, str):
            raise InputError("the sentence must be text")
        tokens = self.split(text)
        if not tokens:
            raise InputError(f"the sentence is empty: type a few words, e.g. {self.EXAMPLE}")
        n_typed = len(tokens)
        truncated = n_typed > max_len
        tokens = tokens[:max_len]
        ids = [self.index.get(tok, self.unk_id) for tok in tokens]
        unknown = [tok for tok, i in zip(tokens, ids) if i == self.unk_id]
        return Encoded(ids, tokens, list(dict.fromkeys(unknown)), truncated, n_typed)

    def ids_to_tokens(self, ids) -> list[str]:
        return [self.vocab[int(i)] for i in ids]

    def decode(self, ids) -> str:
        """Text for generated ids, stopping at ``<eos>`` and leaving out special tokens."""
        words = []
        for tok in self.ids_to_tokens(ids):
            if tok == EOS:
                break
            if tok not in SPECIALS:
                words.append(tok)
        return detokenize(words)
