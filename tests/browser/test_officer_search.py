"""An officer at the counter finds dossiers by typing a name without accents or in capitals, a phone number in
groups or an ID number into the worklist's search box."""

import pytest

from dossiers import services
from tests.factories import at, complete_documents

pytestmark = pytest.mark.django_db(transaction=True)


def filed(world, name, phone, id_number):
    return services.create_dossier(
        actor=world.counter,
        procedure=world.procedure,
        channel="counter",
        receiving_agency=world.agency,
        applicant_name=name,
        applicant_phone=phone,
        applicant_id_number=id_number,
        documents=complete_documents(world.procedure),
        at=at(2025, 8, 12, 9),
    )


def search(page, text):
    box = page.get_by_role("searchbox", name="Tìm kiếm")
    box.fill(text)
    box.press("Enter")
    page.wait_for_load_state()
    return page.locator("table").inner_text()


def test_an_officer_finds_dossiers_by_name_without_accents_phone_and_id_number(page, live_server, world):
    lan = filed(world, "Nguyễn Thị Lan", "0912345678", "014195001234")
    minh = filed(world, "Lò Văn Minh", "0388123456", "014090004321")
    other = filed(world, "Trần Văn Bình", "0977000111", "014185009999")

    page.goto(f"{live_server.url}/can-bo/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill("canbo.motcua")
    page.get_by_label("Mật khẩu").fill("matkhau123")
    page.get_by_role("button", name="Đăng nhập").click()
    page.goto(f"{live_server.url}/can-bo/?tab=tat-ca")

    found = search(page, "nguyen thi lan")
    assert lan.code in found and "Nguyễn Thị Lan" in found
    assert minh.code not in found and other.code not in found

    found = search(page, "LÒ VĂN MINH")
    assert minh.code in found and lan.code not in found

    found = search(page, "0977 000 111")
    assert other.code in found and lan.code not in found and minh.code not in found

    found = search(page, "014195001234")
    assert lan.code in found and minh.code not in found
    assert page.get_by_role("searchbox", name="Tìm kiếm").input_value() == "014195001234"
