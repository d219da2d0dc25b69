"""The hostile-input table every page is tested against (library, AppTest and browser).

Students type anything: nothing, a pasted essay, emoji, markup, right-to-left text, invisible
characters. Each row says what the app owes that input: a page that renders (no exception),
a clear notice where one is due, and user text shown as text, never as HTML.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

from explainer.text import TEXT


@dataclass(frozen=True)
class Hostile:
    """One row of the table.

    Attributes:
        name: pytest id (ASCII, stable).
        text: what the student typed.
        blank: holds no token the model can read; the page must say so and stop.
        long: longer than the model reads; it is cut before any model work (truncation notice).
        markup: HTML meant to become page elements; it must stay text.
    """

    name: str
    text: str
    blank: bool = False
    long: bool = False
    markup: bool = False


# Ids of injected elements: present in the page only if user text was rendered as HTML.
INJECTED_IDS = ("pw-injected-b", "pw-injected-img", "pw-injected-svg")
SCRIPT = "<script>alert(1)</script>"

HOSTILE: tuple[Hostile, ...] = (
    Hostile("empty", "", blank=True),
    Hostile("spaces", "     ", blank=True),
    Hostile("whitespace_mix", " \t\n\r\u3000\u00a0 ", blank=True),
    Hostile("zero_width_only", "\u200b\u200c\u200d\u2060\ufeff", blank=True),
    Hostile("nul_only", "\x00\x00\x00", blank=True),
    Hostile("controls_only", "\x01\x02\x07\x08\x1b\x7f", blank=True),
    Hostile("long_10000_latin", ("Smart John is singing " * 500)[:10_000], long=True),
    Hostile("long_10000_chinese", ("我爱你" * 3334)[:10_000], long=True),
    Hostile("long_600_numbers", " ".join(str(i) for i in range(600)), long=True),
    Hostile("word_500_chars", "a" * 500),
    Hostile("punctuation_only", "!?.,;:—…()[]{}<>/\\|@#$%^&*_+=~`'\""),
    Hostile("punctuation_repeated", "?!" * 40),
    Hostile("emoji", "😀 🎉 👍🏽 🇨🇳 ❤️"),
    Hostile("zwj_sequences", "John 👨\u200d👩\u200d👧\u200d👦 is sing\u200ding"),
    Hostile("rtl_arabic", "مرحبا بالعالم"),
    Hostile("rtl_hebrew_mixed", "John שלום is singing"),
    Hostile("bidi_override", "\u202eSmart John is singing\u202c \u2067x\u2069"),
    Hostile("nul_inside", "Smart\x00John\x00is singing"),
    Hostile("control_chars", "Smart\x07 John\x1b[31m is\x1b[0m singing\x08"),
    Hostile("newlines", "Smart\nJohn\r\nis\tsinging"),
    Hostile("script_tag", SCRIPT, markup=True),
    Hostile("img_onerror", '<img id="pw-injected-img" src=x onerror="window.__pwned=1">',
            markup=True),
    Hostile("html_mix", '<b id="pw-injected-b">bold</b> <i>it</i> '
            '<a href="javascript:window.__pwned=1">link</a> <iframe src="about:blank"></iframe>',
            markup=True),
    Hostile("svg_onload", '"><svg id="pw-injected-svg" onload="window.__pwned=1"></svg>',
            markup=True),
    Hostile("markdown", "**bold** _it_ `code` [link](http://example.com) # head > quote ---"),
    Hostile("markdown_block", "| a | b |\n|---|---|\n- item\n1. one\n```\ncode\n```"),
    Hostile("latex", r"$x^2$ $$\frac{a}{b}$$ \(x\) \begin{matrix} 1 \end{matrix} \\"),
    Hostile("streamlit_directives", ":red[danger] :material/home: :smile: :blue-background[x]"),
    Hostile("format_fields", "{0} {words} {reason} {n_typed} %s %d {{}}"),
    Hostile("sql_and_path", "'; DROP TABLE students; -- ../../etc/passwd"),
    Hostile("url", "https://example.com/?q=<x>&s=1#frag"),
    Hostile("mixed_zh_en", "我爱 John 和 tea，Smart 约翰在唱歌!"),
    Hostile("numbers", "3.14159 42 1,000,000 -7 1e10 ½ ²"),
    Hostile("unknown_words", "Zyzzyva quixotic flibbertigibbet"),
    Hostile("fullwidth", "ＳＭＡＲＴ　ＪＯＨＮ？"),
    Hostile("rare_cjk", "龘靐齉爩 𠀀𠀁"),
    Hostile("combining_zalgo", "Ze\u0301bra Z\u0335\u0321a\u0336l\u0337g\u0338o\u0334"),
    Hostile("replacement_char", "\ufffd\ufffd John"),
    Hostile("special_tokens", "<pad> <eos> <unk> <2en> <2zh> <bos>"),
)

BY_NAME = {case.name: case for case in HOSTILE}


def notice_pattern(key: str, lang: str = "en") -> re.Pattern:
    """A regex that matches the text-table entry ``key`` with any values in its ``{fields}``."""
    parts = re.split(r"\{[^{}]*\}", TEXT[key][lang])
    return re.compile(".*".join(re.escape(part) for part in parts), re.DOTALL)


def reads_sentence(page_path: str | Path) -> bool:
    """True when a page shows the sidebar sentence's trace (so input notices are due there)."""
    tree = ast.parse(Path(page_path).read_text(encoding="utf-8"))
    return any(
        isinstance(node, ast.Call)
        and getattr(node.func, "id", getattr(node.func, "attr", None)) == "current_trace"
        for node in ast.walk(tree)
    )


def shows_notices(page_path: str | Path) -> bool:
    """True when the page lets ``current_trace`` show its notices (unknown words, cut input)."""
    tree = ast.parse(Path(page_path).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", getattr(node.func, "attr", None)) == "current_trace"
        ):
            for kw in node.keywords:
                if kw.arg == "show_notices" and isinstance(kw.value, ast.Constant):
                    return bool(kw.value.value)
            return True
    return False
