"""The one normalisation of searched text and typed queries."""

import pytest

from workflows.search import normalise_query, phone_digits, search_key
from workflows.text import fold


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Nguyễn Thị Lan", "nguyen thi lan"),
        ("LÒ VĂN MINH", "lo van minh"),
        ("  Đặng   Đức\tĐông ", "dang duc dong"),
        ("Hợp tác xã Chè Mộc Châu", "hop tac xa che moc chau"),
        ("000.00.31.H52-251208-0001", "000.00.31.h52-251208-0001"),
        ("", ""),
    ],
)
def test_folding_drops_case_marks_and_extra_spaces(text, expected):
    assert fold(text) == expected


@pytest.mark.parametrize(
    "query, expected",
    [
        ("0912 345 678", "0912345678"),
        ("+84 912 345 678", "0912345678"),
        ("014 095 001 234", "014095001234"),
        ("nguyen thi LAN", "nguyen thi lan"),
        ("H52-251208", "h52-251208"),
    ],
)
def test_a_query_typed_in_groups_or_with_the_country_code_is_its_digits(query, expected):
    assert normalise_query(query) == expected


def test_the_stored_key_holds_every_value_a_query_can_find():
    key = search_key("000.00.31.H52-251208-0001", "Lò Văn Minh", phone_digits("0912.345.678"), "014095001234")
    for query in ("lo van minh", "LÒ VĂN MINH", "0912 345 678", "014095001234", "H52-251208-0001"):
        assert normalise_query(query) in key
