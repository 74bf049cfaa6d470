"""The outbox row of a change: written with the change, in the portal's format, through the mapping."""

import pytest
from django.db import transaction
from django.utils import translation

from dossiers import services
from dossiers.models import Action, Dossier, DossierEvent, PauseReason, Status
from portal.mapping import NoActiveMapping, UnmappedStatus, active_mapping, load_mapping, missing_states
from portal.models import MessageKind, NationalStatus, OutboxMessage, StatusMapping
from portal.services import record_change
from tests.factories import ProcedureFactory, at, make_process
from tests.portal.conftest import NATIONAL
from tests.portal.helpers import copy_of_version_1, retire_every_version


def rows(dossier):
    return list(OutboxMessage.objects.filter(dossier_code=dossier.code).order_by("seq"))


def test_seeded_mapping_covers_every_state(db):
    mapping = load_mapping()
    assert mapping.version == 1
    assert missing_states(mapping.codes) == []
    assert set(mapping.codes.values()) == set(NationalStatus.values)
    assert mapping.national_code(Status.PAUSED, PauseReason.FINANCIAL) == NationalStatus.FINANCIAL_OBLIGATION
    assert mapping.national_code(Status.PAUSED, PauseReason.VERIFICATION) == NationalStatus.PROCESSING
    assert mapping.silent_actions == {"note"}
    assert {key: mapping.national_code(*key) for key in NATIONAL} == NATIONAL


@pytest.mark.xdist_group("portal-after-flush")
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("run", ["first", "after the first one's flush"])
def test_a_transactional_test_maps_as_a_migrated_database_does(world, run):
    dossier = world.dossier_in(Status.PAUSED)
    assert [(r.national_status, r.mapping_version) for r in rows(dossier)] == [(2, 1), (4, 1), (4, 1)]


def test_without_an_active_version_there_is_no_mapping_to_guess_from(db):
    retire_every_version()
    with pytest.raises(NoActiveMapping, match="Không có phiên bản bảng ánh xạ trạng thái nào đang áp dụng"):
        load_mapping()
    with pytest.raises(NoActiveMapping):
        active_mapping()


def test_without_an_active_version_a_change_is_recorded_without_a_code(world):
    retire_every_version()
    dossier = world.dossier_in(Status.PAUSED)  # received, started, paused: the office works on
    assert dossier.status == Status.PAUSED
    recorded = rows(dossier)
    assert [r.seq for r in recorded] == [1, 2, 3]
    # What the mapping will translate: the change and the state it left, as its history row says.
    changes = {e.pk: (e.action, e.to_status) for e in DossierEvent.objects.filter(dossier=dossier)}
    assert [(*changes[r.event_id], r.pause_reason) for r in recorded] == [
        ("receive", "received", ""),
        ("start", "processing", ""),
        ("pause", "paused", "verification"),
    ]
    assert all(r.national_status is None and r.mapping_version is None for r in recorded)
    assert recorded[0].payload["TrangThaiHoSo"] is None
    assert recorded[2].payload["TrangThai"] is None


@pytest.mark.parametrize("state", Status.values)
def test_every_state_reaches_the_outbox_with_its_national_code(world, state):
    dossier = world.dossier_in(state)
    last = rows(dossier)[-1]
    assert dossier.status == state
    expected = NATIONAL[(state, dossier.pause_reason or "")]
    assert last.seq == dossier.event_seq
    assert last.national_status == expected
    assert last.payload.get("TrangThaiHoSo", last.payload.get("TrangThai")) == expected


def test_first_change_is_a_full_sync_then_progress_updates(world):
    procedure = ProcedureFactory(competent_agency=world.agency, fee_amount=50_000, fee_note="Lệ phí hộ tịch")
    make_process(procedure)
    dossier = world.counter_dossier(procedure=procedure, summary="Đăng ký khai sinh", applicant_email="an@example.vn")
    dossier = services.start_processing(dossier=dossier, actor=world.counter, at=at(2025, 8, 12, 10))
    dossier = services.request_supplement(
        dossier=dossier,
        actor=world.counter,
        missing_documents=[{"name": "Bản sao giấy khai sinh", "reason": "Bản chụp mờ"}],
        at=at(2025, 8, 12, 10, 30),
    )
    dossier = services.submit_supplement(dossier=dossier, actor=world.counter, at=at(2025, 8, 13, 8))
    dossier = services.pause_dossier(
        dossier=dossier, actor=world.counter, reason=PauseReason.FINANCIAL, at=at(2025, 8, 13, 9)
    )

    sync, start, supplement, back, pause = rows(dossier)
    assert [r.seq for r in (sync, start, supplement, back, pause)] == [1, 2, 3, 4, 5]
    assert sync.kind == MessageKind.SYNC and start.kind == MessageKind.PROGRESS
    p = sync.payload
    assert p["MaHoSo"] == dossier.code
    assert p["MaTTHC"] == procedure.code and p["TenTTHC"] == procedure.name
    assert p["MaLinhVuc"] == procedure.field.code and p["TenLinhVuc"] == procedure.field.name
    assert p["ChuHoSo"] == "Nguyễn Văn An" and p["LoaiDoiTuong"] == 1
    assert p["SoDienThoai"] == "0912345678" and p["Email"] == "an@example.vn"
    assert p["TrichYeuHoSo"] == "Đăng ký khai sinh"
    assert p["NgayTiepNhan"] == "20250812090000"  # yyyyMMddHHmmss, Asia/Ho_Chi_Minh
    assert len(p["NgayHenTra"]) == 14 and p["NgayHenTra"] > p["NgayTiepNhan"]
    assert p["TrangThaiHoSo"] == NationalStatus.RECEIVED
    assert p["HinhThuc"] == 1 and p["DonViXuLy"] == world.agency.name
    assert p["DanhSachLePhi"] == [
        {"MaPhiLePhi": procedure.code, "TenPhiLePhi": "Lệ phí hộ tịch", "MucPhi": 50_000, "DonViTinh": "VND"}
    ]
    assert start.payload["TrangThai"] == NationalStatus.PROCESSING
    assert start.payload["ThoiDiemXuLy"] == "20250812100000"
    assert start.payload["NguoiXuLy"] and start.payload["PhongBanXuLy"] == "Tiếp nhận"
    assert supplement.payload["TrangThai"] == NationalStatus.SUPPLEMENT_REQUESTED
    assert supplement.payload["DanhSachGiayToBoSung"] == [
        {"MaThanhPhan": "", "TenGiayTo": "Bản sao giấy khai sinh", "LyDo": "Bản chụp mờ"}
    ]
    assert "Yêu cầu bổ sung" in supplement.payload["NoiDungXuLy"]
    assert back.payload["TrangThai"] == NationalStatus.PROCESSING
    assert pause.payload["TrangThai"] == NationalStatus.FINANCIAL_OBLIGATION
    assert pause.payload["LyDoTamDung"] == "financial"
    assert all(r.mapping_version == 1 for r in rows(dossier))


def test_a_note_changes_nothing_the_portal_knows(world):
    dossier = world.dossier_in(Status.PROCESSING)
    before = len(rows(dossier))
    event = services.record_event(dossier=dossier, actor=world.counter, action="note", note="Gọi điện cho công dân")
    assert event.seq == before + 1
    assert len(rows(dossier)) == before


def test_the_portal_reads_what_was_done_in_vietnamese_whatever_the_officers_language(world):
    dossier = world.dossier_in(Status.PROCESSING)
    with translation.override("en"):
        assert str(Action.PAUSE.label) != "Tạm dừng"  # the officer's screens speak English
        services.pause_dossier(dossier=dossier, actor=world.counter, reason=PauseReason.VERIFICATION, note="Xác minh")
    assert rows(dossier)[-1].payload["NoiDungXuLy"] == "Tạm dừng: Xác minh"


def test_the_row_rolls_back_with_its_change(world):
    dossier = world.dossier_in(Status.RECEIVED)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.start_processing(dossier=dossier, actor=world.counter)
        assert len(rows(dossier)) == 2
        raise RuntimeError("the request failed after the change")
    assert len(rows(dossier)) == 1
    assert Dossier.objects.get(pk=dossier.pk).status == Status.RECEIVED


def test_no_change_without_its_row_when_a_state_is_unmapped(world):
    dossier = world.dossier_in(Status.RECEIVED)
    StatusMapping.objects.filter(status=Status.PROCESSING).delete()
    with pytest.raises(UnmappedStatus):
        services.start_processing(dossier=dossier, actor=world.counter)
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED
    assert DossierEvent.objects.filter(dossier=dossier).count() == 1
    assert len(rows(dossier)) == 1


def test_a_newer_mapping_version_takes_over(world):
    paused = StatusMapping.objects.filter(version__number=1, status=Status.PAUSED).values_list(
        "pause_reason", flat=True
    )
    copy_of_version_1(
        2,
        codes={(Status.PAUSED, reason): NationalStatus.SUPPLEMENT_REQUESTED for reason in paused},
        silent_actions=("note", "assign"),
    )
    dossier = world.dossier_in(Status.PAUSED)
    last = rows(dossier)[-1]
    assert last.mapping_version == 2
    assert last.national_status == NationalStatus.SUPPLEMENT_REQUESTED


def test_the_receiver_adds_one_insert_to_a_transition(world, django_assert_num_queries):
    dossier = world.dossier_in(Status.PROCESSING)
    active_mapping()  # warm: the process keeps the mapping and the procedure's field in memory
    dossier = Dossier.objects.select_related("procedure", "current_step", "competent_agency", "receiving_agency").get(
        pk=dossier.pk
    )
    last = DossierEvent.objects.filter(dossier=dossier).order_by("-seq").first()
    event = DossierEvent(
        dossier=dossier, seq=last.seq + 1, action="complete-step", from_status=Status.PROCESSING, to_status="processing"
    )
    event.pk = last.pk + 1000
    record_change(dossier=dossier, event=event)  # first time: the field is read once per process
    event.seq += 1
    with django_assert_num_queries(1):
        record_change(dossier=dossier, event=event)
