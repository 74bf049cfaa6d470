"""Officers' searches that a person types without accents or capitals: "nguyen thi lan" finds "Nguyễn Thị Lan",
"LÒ VĂN MINH" finds "Lò Văn Minh", "0912 345 678" and "+84912345678" find 0912345678.

Text is folded by `workflows.text.fold`, the one folding of the project (the catalogue's search uses it too).
A row keeps the folded form of what it is searched by in a column of its own (`search_key`), indexed (a
trigram index on PostgreSQL, which a substring search uses); a query is folded the same way
(`normalise_query`) and matched as a substring. Plain Python, no Django: the benchmarks' loader writes the
column with it too.
"""

from __future__ import annotations

import re

from .text import fold

_NUMBER_LIKE = re.compile(r"^\+?\d[\d\s]{5,}$")  # digits in groups, as phone and ID numbers are typed


def phone_digits(text: str) -> str:
    """A phone number as its digits, the country code +84 read as the leading 0 (how it is stored)."""
    digits = re.sub(r"\D", "", text or "")
    if (text or "").strip().startswith("+84") or (digits.startswith("84") and len(digits) == 11):
        digits = "0" + digits[2:]
    return digits


def normalise_query(text: str) -> str:
    """What a typed query is matched as: a phone or ID number typed in groups or with +84 as its digits,
    anything else folded."""
    text = (text or "").strip()
    if _NUMBER_LIKE.match(text):
        return phone_digits(text)
    return fold(text)


def search_key(*values: str) -> str:
    """The stored search column of a row searched by `values` (a phone number among them given as digits)."""
    return " ".join(part for part in (fold(v) for v in values) if part)
