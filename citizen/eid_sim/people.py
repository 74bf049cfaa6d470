"""The demo people of the simulated national e-identity and population database: citizens of Sơn La with
12-digit personal identification numbers, and a business (its legal representative signs in)."""

from __future__ import annotations

PEOPLE: tuple[dict, ...] = (
    {
        "id_number": "014090001234",
        "name": "Lò Văn Minh",
        "birthdate": "1990-04-12",
        "gender": "Nam",
        "address": "Bản Hài, phường Chiềng Cơi, tỉnh Sơn La",
        "phone_number": "0912000111",
        "email": "lovanminh@example.vn",
        "kind": "citizen",
    },
    {
        "id_number": "014192005678",
        "name": "Cầm Thị Ánh Tuyết",
        "birthdate": "1992-09-03",
        "gender": "Nữ",
        "address": "Tổ 5, phường Tô Hiệu, tỉnh Sơn La",
        "phone_number": "0987000222",
        "email": "camthianhtuyet@example.vn",
        "kind": "citizen",
    },
    {
        "id_number": "014085009012",
        "name": "Hoàng Văn Đức",
        "birthdate": "1985-01-27",
        "gender": "Nam",
        "address": "Tiểu khu 3, xã Mộc Châu, tỉnh Sơn La",
        "phone_number": "0903000333",
        "email": "hoangvanduc@example.vn",
        "kind": "business",
        "tax_code": "5500123456",
        "org_name": "Công ty TNHH Chè Mộc Châu Xanh",
        "org_address": "Tiểu khu 3, xã Mộc Châu, tỉnh Sơn La",
    },
)

BY_ID = {person["id_number"]: person for person in PEOPLE}


def claims_of(person: dict) -> dict:
    """The OpenID Connect claims of a person (standard names where OIDC has one)."""
    claims = {
        "sub": person["id_number"],
        "id_number": person["id_number"],
        "name": person["name"],
        "birthdate": person["birthdate"],
        "gender": person["gender"],
        "address": {"formatted": person["address"]},
        "phone_number": person["phone_number"],
        "email": person["email"],
        "kind": person["kind"],
    }
    if person["kind"] == "business":
        claims.update(tax_code=person["tax_code"], org_name=person["org_name"], org_address=person["org_address"])
    return claims
