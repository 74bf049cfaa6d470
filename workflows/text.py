"""Accent-insensitive text: Vietnamese folded to plain lower-case ASCII letters, so that "khai sinh" finds
"Đăng ký khai sinh" on every database alike. Models keep the folded text in a column of their own (written
on save) and searches fold the query the same way."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
# Letters that Unicode does not decompose into a base letter and a combining mark.
_PLAIN = str.maketrans({"đ": "d", "Đ": "d"})


def fold(text: str) -> str:
    """'Đăng ký  Khai sinh' → 'dang ky khai sinh'."""
    decomposed = unicodedata.normalize("NFD", (text or "").translate(_PLAIN))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACES.sub(" ", stripped).strip().lower()
