"""Search text that a person types without accents or capitals: "nguyen thi lan" finds "Nguyễn Thị Lan",
"LÒ VĂN MINH" finds "Lò Văn Minh", "0912 345 678" and "+84912345678" find 0912345678.

`normalise` is the one function that turns a stored value and a query into the same form. Rows keep the
normalised form of what they are searched by in a column of their own, indexed (a trigram index on
PostgreSQL, where a substring search uses it); a query is normalised the same way and matched as a substring.
Plain Python, no Django: the benchmarks' loader writes the column with it too.
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_NUMBER_LIKE = re.compile(r"^\+?\d[\d\s]{5,}$")  # digits in groups, as phone and ID numbers are typed
# Letters that lose their mark to no decomposition.
_PLAIN = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "ø": "o", "ł": "l"})


def normalise(text: str) -> str:
    """Lower case, without diacritics (đ becomes d), spaces collapsed."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text.translate(_PLAIN))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACES.sub(" ", bare.lower()).strip()


def phone_digits(text: str) -> str:
    """A phone number as its digits, the country code +84 read as the leading 0 (how it is stored)."""
    digits = re.sub(r"\D", "", text or "")
    if text.strip().startswith("+84") or (digits.startswith("84") and len(digits) == 11):
        digits = "0" + digits[2:]
    return digits


def normalise_query(text: str) -> str:
    """What a typed query is matched as: a phone number or ID number typed in groups or with +84 as its
    digits, anything else normalised."""
    text = (text or "").strip()
    if _NUMBER_LIKE.match(text):
        return phone_digits(text)
    return normalise(text)


def search_key(*values: str) -> str:
    """The stored search column of a row searched by `values` (a phone number among them kept as digits by
    the caller)."""
    return " ".join(part for part in (normalise(v) for v in values) if part)
