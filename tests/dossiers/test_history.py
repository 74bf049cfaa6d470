"""Every change is history (DOMAIN §3): one event per change in the same transaction, append-only rows,
a code that never changes, and documents kept as versions."""

import datetime as dt

import pytest
from django.db import transaction

from dossiers import services
from dossiers.models import ClockEvent, DocumentVersion, Dossier, DossierEvent, Status
from dossiers.services import DocumentInput
from dossiers.signals import dossier_changed
from tests.dossiers.api_support import PDF_BYTES, pdf_file
from tests.factories import at


def counts(dossier):
    return (
        DossierEvent.objects.filter(dossier=dossier).count(),
        ClockEvent.objects.filter(dossier=dossier).count(),
    )


def test_every_change_writes_exactly_one_event(world):
    when = at(2025, 8, 12, 9)
    dossier = world.online_dossier(when=when)
    assert list(dossier.events.values_list("seq", "action", "from_status", "to_status")) == [
        (1, "submit", "", Status.SUBMITTED)
    ]
    h = dt.timedelta(hours=1)
    steps = [
        (services.receive_dossier, {"actor": world.counter}),
        (services.start_processing, {"actor": world.counter}),
        (services.request_supplement, {"actor": world.counter, "missing_documents": ["Tờ khai"]}),
        (services.submit_supplement, {"actor": world.applicant}),
        (services.complete_step, {"actor": world.counter}),
        (services.pause_dossier, {"actor": world.specialist, "reason": "verification"}),
        (services.resume_dossier, {"actor": world.specialist}),
        (services.complete_step, {"actor": world.specialist}),
        (services.send_back, {"actor": world.leader, "note": "Thẩm định lại"}),
        (services.resolve_dossier, {"actor": world.leader, "result": "approved"}),
        (services.return_result, {"actor": world.counter}),
    ]
    for i, (service, kwargs) in enumerate(steps, 1):
        before = dossier.events.count()
        service(dossier=dossier, at=when + i * h, **kwargs)
        assert dossier.events.count() == before + 1
    events = list(dossier.events.order_by("seq"))
    assert [e.seq for e in events] == list(range(1, len(steps) + 2))
    assert events[-1].to_status == Status.RETURNED
    assert all(e.to_status == nxt.from_status for e, nxt in zip(events, events[1:], strict=False))
    assert events[1].actor == world.counter
    assert events[4].actor == world.applicant
    assert events[9].note == "Thẩm định lại"
    assert events[9].step_name == "Phê duyệt"


@pytest.mark.parametrize(
    ("state", "service", "kwargs"),
    [
        (Status.SUBMITTED, "receive_dossier", {}),
        (Status.RECEIVED, "start_processing", {}),
        (Status.PROCESSING, "pause_dossier", {"reason": "financial"}),
        (Status.PROCESSING, "complete_step", {}),
        (Status.PROCESSING, "resolve_dossier", {"result": "approved"}),
        (Status.PROCESSING, "request_supplement", {"missing_documents": ["Tờ khai"]}),
    ],
)
def test_a_failure_after_the_transition_leaves_nothing_behind(world, state, service, kwargs):
    dossier = world.dossier_in(state)
    before = Dossier.objects.get(pk=dossier.pk)
    marks = counts(dossier)
    steps = dossier.steps.count()

    def boom(**_):
        raise RuntimeError("a receiver failed")

    dossier_changed.connect(boom, dispatch_uid="history-test-boom")
    try:
        with pytest.raises(RuntimeError):
            getattr(services, service)(dossier=dossier, actor=world.admin, at=at(2025, 8, 12, 16), **kwargs)
    finally:
        dossier_changed.disconnect(dispatch_uid="history-test-boom")
    after = Dossier.objects.get(pk=dossier.pk)
    assert (after.status, after.version, after.event_seq, after.current_step_id) == (
        before.status,
        before.version,
        before.event_seq,
        before.current_step_id,
    )
    assert (after.due_at, after.clock_running) == (before.due_at, before.clock_running)
    assert counts(dossier) == marks
    assert dossier.steps.count() == steps


def test_a_failed_create_leaves_no_dossier(world):
    def boom(**_):
        raise RuntimeError("a receiver failed")

    dossier_changed.connect(boom, dispatch_uid="history-test-boom")
    try:
        with pytest.raises(RuntimeError):
            world.counter_dossier(documents=[DocumentInput(component="to-khai", file=pdf_file("to-khai.pdf"))])
    finally:
        dossier_changed.disconnect(dispatch_uid="history-test-boom")
    assert not Dossier.objects.exists()
    assert not DocumentVersion.objects.exists()
    assert not ClockEvent.objects.exists()


# -- append-only ------------------------------------------------------------------------------------
@pytest.fixture
def rows(world):
    dossier = world.counter_dossier(documents=[DocumentInput(component="to-khai", file=pdf_file("to-khai.pdf"))])
    return {
        "event": DossierEvent.objects.filter(dossier=dossier).first(),
        "clock": ClockEvent.objects.filter(dossier=dossier).first(),
        "document": DocumentVersion.objects.filter(dossier=dossier).first(),
    }


@pytest.mark.parametrize("kind", ["event", "clock", "document"])
def test_history_rows_cannot_be_changed(rows, kind):
    row = rows[kind]
    model = type(row)
    row.refresh_from_db()
    with pytest.raises(PermissionError):
        row.save()
    with pytest.raises(PermissionError):
        row.delete()
    with pytest.raises(PermissionError):
        model.objects.filter(pk=row.pk).update(dossier=row.dossier)
    with pytest.raises(PermissionError):
        model.objects.filter(pk=row.pk).delete()
    with pytest.raises(PermissionError):
        model.objects.all().delete()
    assert model.objects.filter(pk=row.pk).exists()


def test_history_rows_cannot_be_changed_through_the_dossier(rows):
    dossier = rows["event"].dossier
    with pytest.raises(PermissionError):
        dossier.events.update(note="sửa")
    with pytest.raises(PermissionError):
        dossier.clock_events.all().delete()
    with pytest.raises(PermissionError):
        dossier.documents.update(name="sửa")
    rows["event"].note = "sửa"
    with pytest.raises(PermissionError), transaction.atomic():
        DossierEvent.objects.bulk_update([rows["event"]], ["note"])
    assert dossier.events.filter(note="sửa").count() == 0


def test_a_dossier_with_history_cannot_be_deleted(rows):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        rows["event"].dossier.delete()


# -- the code ---------------------------------------------------------------------------------------
def test_the_code_never_changes_across_supplements_send_backs_and_apologies(world):
    when = at(2025, 8, 12, 9)
    h = dt.timedelta(hours=1)
    dossier = world.online_dossier(when=when)
    code = dossier.code
    services.request_supplement(dossier=dossier, actor=world.counter, missing_documents=["Tờ khai"], at=when + h)
    services.submit_supplement(dossier=dossier, actor=world.applicant, at=when + 2 * h)
    services.receive_dossier(dossier=dossier, actor=world.counter, at=when + 3 * h)
    services.start_processing(dossier=dossier, actor=world.counter, at=when + 4 * h)
    services.complete_step(dossier=dossier, actor=world.counter, at=when + 5 * h)
    services.send_back(dossier=dossier, actor=world.specialist, note="Thiếu bản chính", at=when + 6 * h)
    services.request_supplement(dossier=dossier, actor=world.counter, missing_documents=["CCCD"], at=when + 7 * h)
    services.submit_supplement(dossier=dossier, actor=world.applicant, at=at(2025, 8, 13, 9))
    services.apologize(
        dossier=dossier, actor=world.leader, new_appointment=dt.date(2025, 8, 25), note="Hẹn lại", at=at(2025, 8, 14)
    )
    dossier.refresh_from_db()
    assert dossier.code == code
    assert Dossier.objects.count() == 1
    assert dossier.events.count() == 10


# -- documents --------------------------------------------------------------------------------------
def test_a_supplement_adds_a_document_version_and_keeps_the_first(world):
    when = at(2025, 8, 12, 9)
    h = dt.timedelta(hours=1)
    dossier = world.online_dossier(
        when=when, documents=[DocumentInput(component="to-khai", file=pdf_file("to-khai.pdf", PDF_BYTES + b"v1"))]
    )
    services.receive_dossier(dossier=dossier, actor=world.counter, at=when + h)
    services.start_processing(dossier=dossier, actor=world.counter, at=when + 2 * h)
    services.request_supplement(
        dossier=dossier,
        actor=world.counter,
        missing_documents=[{"component": "to-khai", "name": "Tờ khai", "reason": "Thiếu chữ ký"}],
        at=when + 3 * h,
    )
    services.submit_supplement(
        dossier=dossier,
        actor=world.applicant,
        documents=[DocumentInput(component="to-khai", file=pdf_file("to-khai.pdf", PDF_BYTES + b"v2"))],
        at=when + 4 * h,
    )
    versions = list(DocumentVersion.objects.filter(dossier=dossier, component="to-khai").order_by("version"))
    assert [v.version for v in versions] == [1, 2]
    assert versions[0].sha256 != versions[1].sha256
    assert versions[0].file.read().endswith(b"v1")
    assert versions[1].file.read().endswith(b"v2")
    assert versions[0].name == versions[1].name == "Tờ khai"
    event = dossier.events.get(action="submit-supplement")
    assert event.data["documents"] == [
        {"id": versions[1].pk, "component": "to-khai", "version": 2, "part": 1, "name": "Tờ khai"}
    ]
    assert event.data["requested"][0]["reason"] == "Thiếu chữ ký"
