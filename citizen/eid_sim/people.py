"""The demo people of the simulated national e-identity and population database: citizens of Sơn La with
12-digit personal identification numbers, and a business (its legal representative signs in). Cầm Thị Hương and
the Tây Bắc construction company are applicants of `seed_demo`'s dossiers (seeds/data/stories.py): signing in
as them shows those dossiers in "Hồ sơ của tôi"; Lò Văn Minh starts with none."""

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
        "id_number": "014190003456",
        "name": "Cầm Thị Hương",
        "birthdate": "1990-07-21",
        "gender": "Nữ",
        "address": "Bản Hụm, xã Mường Bú, tỉnh Sơn La",
        "phone_number": "0983112233",
        "email": "camthihuong@example.vn",
        "kind": "citizen",
    },
    {
        "id_number": "014085009012",
        "name": "Hoàng Văn Đức",
        "birthdate": "1985-01-27",
        "gender": "Nam",
        "address": "Tổ 4, phường Chiềng Lề, tỉnh Sơn La",
        "phone_number": "0903000333",
        "email": "hoangvanduc@example.vn",
        "kind": "business",
        "tax_code": "5500234567",
        "org_name": "Công ty Cổ phần Xây dựng Tây Bắc",
        "org_address": "Tổ 4, phường Chiềng Lề, tỉnh Sơn La",
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
