"""Messages in the national portal's format (DOMAIN §3): the whole dossier for a sync (DongBoHoSoMC),
progress updates after it (CapNhatTienDoHoSoMC). Built from the dossier and event already in memory:
the only read is a procedure's field, cached per process."""

from __future__ import annotations

import datetime as dt
import threading
import time
from functools import cache
from zoneinfo import ZoneInfo

from django.utils import translation

from dossiers.models import Action, Channel, Dossier, DossierEvent, Result
from workflows.models import Field, Procedure, ReturnChannel

from .models import MessageKind

PORTAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

# Changes after which the portal gets the whole dossier again (new dates, fees or result it holds).
FULL_SYNC_ACTIONS = frozenset({Action.SUBMIT, Action.RECEIVE, Action.APOLOGIZE, Action.RETURN_RESULT, Action.PAYMENT})

SUBMISSION_CHANNEL = {Channel.COUNTER: 1, Channel.ONLINE: 2, Channel.POST: 3}
RETURN_CHANNEL = {ReturnChannel.COUNTER: 1, ReturnChannel.POST: 2, ReturnChannel.ONLINE: 3}
RESULT_CODE = {Result.APPROVED: 1, Result.REFUSED: 2}


def portal_time(value: dt.datetime | None) -> str:
    """`yyyyMMddHHmmss` in Asia/Ho_Chi_Minh; empty when there is no date."""
    if value is None:
        return ""
    local = value.astimezone(PORTAL_TZ)
    # strftime("%Y%m%d%H%M%S"), in a third of its time (an f-string takes twice as long as this)
    parts = (local.year, local.month, local.day, local.hour, local.minute, local.second)
    return "%04d%02d%02d%02d%02d%02d" % parts  # noqa: UP031


_fields: dict[int, tuple[float, str, str]] = {}
_fields_lock = threading.Lock()
FIELD_CACHE_SECONDS = 300.0


def _field_of(procedure: Procedure) -> tuple[str, str]:
    """(code, name) of the procedure's field, without a query when it is loaded or cached."""
    if Procedure.field.is_cached(procedure):
        return procedure.field.code, procedure.field.name
    now = time.monotonic()
    hit = _fields.get(procedure.field_id)
    if hit is not None and now - hit[0] < FIELD_CACHE_SECONDS:
        return hit[1], hit[2]
    code, name = Field.objects.filter(pk=procedure.field_id).values_list("code", "name").get()
    with _fields_lock:
        _fields[procedure.field_id] = (now, code, name)
    return code, name


def message_kind(event: DossierEvent) -> str:
    if event.seq == 1 or not event.from_status or event.action in FULL_SYNC_ACTIONS:
        return MessageKind.SYNC
    return MessageKind.PROGRESS


@cache
def _action_names() -> dict[str, str]:
    """The actions' names in Vietnamese, the portal's language, whatever language the officer's screens use."""
    with translation.override("vi"):
        return {action.value: str(action.label) for action in Action}


def _action_text(event: DossierEvent) -> str:
    label = _action_names().get(event.action, event.action)
    return f"{label}: {event.note}" if event.note else label


def _fees(dossier: Dossier, procedure: Procedure) -> list[dict]:
    if not dossier.fee_amount:
        return []
    return [
        {
            "MaPhiLePhi": procedure.code,
            "TenPhiLePhi": procedure.fee_note or "Phí, lệ phí",
            "MucPhi": dossier.fee_amount,
            "DonViTinh": "VND",
        }
    ]


def _supplements(dossier: Dossier) -> list[dict]:
    return [
        {
            "MaThanhPhan": item.get("component", ""),
            "TenGiayTo": item.get("name", ""),
            "LyDo": item.get("reason", ""),
        }
        for item in dossier.missing_documents or []
    ]


def sync_payload(dossier: Dossier, event: DossierEvent, national_code: int | None) -> dict:
    """DongBoHoSoMC: every field of the dossier the portal accepts."""
    procedure = dossier.procedure
    field_code, field_name = _field_of(procedure)
    competent, receiving = dossier.competent_agency, dossier.receiving_agency
    return {
        "MaHoSo": dossier.code,
        "SoThuTu": event.seq,
        "MaTTHC": procedure.code,
        "TenTTHC": procedure.name,
        "MaLinhVuc": field_code,
        "TenLinhVuc": field_name,
        "ChuHoSo": dossier.applicant_name,
        "LoaiDoiTuong": int(dossier.applicant_kind),
        "MaDoiTuong": dossier.applicant_id_number,
        "SoDienThoai": dossier.applicant_phone,
        "Email": dossier.applicant_email,
        "DiaChi": dossier.applicant_address,
        "TrichYeuHoSo": dossier.summary,
        "NgayNopHoSo": portal_time(dossier.submitted_at),
        "NgayTiepNhan": portal_time(dossier.received_at),
        "NgayHenTra": portal_time(dossier.appointment_at),
        "HanXuLy": portal_time(dossier.due_at),
        "TrangThaiHoSo": national_code,
        "NgayKetThucXuLy": portal_time(dossier.resolved_at),
        "NgayTra": portal_time(dossier.returned_at),
        "HinhThuc": SUBMISSION_CHANNEL.get(dossier.channel, 1),
        "HinhThucTraKetQua": RETURN_CHANNEL.get(dossier.return_channel, 1),
        "DonViXuLy": competent.name,
        "MaDonViXuLy": competent.code,
        "NoiTiepNhan": receiving.name,
        "MaNoiTiepNhan": receiving.code,
        "DanhSachLePhi": _fees(dossier, procedure),
        "TongPhiLePhi": dossier.fee_amount,
        "DanhSachGiayToBoSung": _supplements(dossier),
        "SoLanYeuCauBoSung": dossier.supplement_requests,
        "KetQuaXuLy": RESULT_CODE.get(dossier.result, 0),
        "NoiDungKetQua": dossier.result_note,
        "NguoiXuLy": event.actor_name,
        "ThoiDiemXuLy": portal_time(event.at),
        "NoiDungXuLy": _action_text(event),
    }


def progress_payload(dossier: Dossier, event: DossierEvent, national_code: int | None) -> dict:
    """CapNhatTienDoHoSoMC: who did what, when, where, and the status it left the dossier in."""
    payload = {
        "MaHoSo": dossier.code,
        "SoThuTu": event.seq,
        "NguoiXuLy": event.actor_name,
        "ThoiDiemXuLy": portal_time(event.at),
        "PhongBanXuLy": event.step_name or dossier.competent_agency.name,
        "NoiDungXuLy": _action_text(event),
        "TrangThai": national_code,
        "NgayHenTra": portal_time(dossier.appointment_at),
        "NgayKetThucXuLy": portal_time(dossier.resolved_at),
    }
    if dossier.missing_documents:
        payload["DanhSachGiayToBoSung"] = _supplements(dossier)
    if dossier.pause_reason:
        payload["LyDoTamDung"] = dossier.pause_reason
    if dossier.result:
        payload["KetQuaXuLy"] = RESULT_CODE.get(dossier.result, 0)
    return payload


def build_payload(kind: str, dossier: Dossier, event: DossierEvent, national_code: int | None) -> dict:
    """The message of a change; without a national code (no mapping version active) its status field is
    null until with_national_code fills it in."""
    if kind == MessageKind.SYNC:
        return sync_payload(dossier, event, national_code)
    return progress_payload(dossier, event, national_code)


# The field that carries the national status code in each kind of message.
STATUS_FIELD = {MessageKind.SYNC: "TrangThaiHoSo", MessageKind.PROGRESS: "TrangThai"}


def with_national_code(kind: str, payload: dict, national_code: int) -> dict:
    return {**payload, STATUS_FIELD[kind]: national_code}
