"""Class codes and teacher tokens.

A code is what a teacher reads aloud or writes on the board, so it is short and avoids letters
that look alike on a projector (0/O, 1/I/L). A token is the teacher's secret: it lives only in
the teacher's session, and the store keeps only its SHA-256 digest.
"""

from __future__ import annotations

import hashlib
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 6  # 31**6 ≈ 8.9e8 codes: a guessed code is not a practical way into a class


def new_code() -> str:
    """A random class code, e.g. ``"K7M2QX"``."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(text: object) -> str | None:
    """The code typed or linked (any case, spaces or dashes between groups), or None when
    ``text`` cannot be a code. Only a normalized code ever reaches a store or the screen."""
    if not isinstance(text, str):
        return None
    code = text.strip().upper().replace("-", "").replace(" ", "")
    if len(code) != CODE_LENGTH or any(ch not in ALPHABET for ch in code):
        return None
    return code


def new_token() -> str:
    """A teacher's write token (256 random bits, URL-safe text)."""
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """What a store keeps instead of the token, so reading the store grants no write access."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
