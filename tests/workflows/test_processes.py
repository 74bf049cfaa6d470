"""Versioned internal processes (DOMAIN §1, §5): draft → published (frozen) → retired, published only
when the steps add up to the procedure's limit, and a dossier keeps the version it started with."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from dossiers import services
from dossiers.models import DossierStep, Status
from tests.factories import AgencyFactory, ProcedureFactory, at, make_process
from workflows.models import ProcessFrozen, ProcessStatus, ProcessStep, ProcessVersion, StaffRole, TimeUnit

TWO_STEPS = (("Tiếp nhận", StaffRole.COUNTER, "8"), ("Giải quyết", StaffRole.LEADER, "16"))


def test_draft_then_published_then_retired(world):
    v1 = world.process
    assert v1.status == ProcessStatus.PUBLISHED
    assert v1.published_at is not None
    v2 = v1.new_draft()
    assert v2.status == ProcessStatus.DRAFT
    assert world.procedure.current_process() == v1
    v2.publish(by=world.admin)
    v1.refresh_from_db()
    v2.refresh_from_db()
    assert (v1.status, v2.status) == (ProcessStatus.RETIRED, ProcessStatus.PUBLISHED)
    assert v2.published_by == world.admin
    assert world.procedure.current_process() == v2


def test_a_published_version_cannot_be_published_again(world):
    with pytest.raises(ValidationError):
        world.process.publish()


def test_steps_that_do_not_add_up_are_refused_naming_both_totals(world):
    draft = make_process(
        world.procedure,
        (("Tiếp nhận", StaffRole.COUNTER, "4"), ("Thẩm định", StaffRole.SPECIALIST, "16")),
        publish=False,
    )
    with pytest.raises(ValidationError) as refused:
        draft.publish()
    message = " ".join(refused.value.messages)
    assert "Tổng thời hạn các bước là 20 giờ làm việc" in message
    assert "24 giờ" in message
    assert "3 ngày làm việc" in message
    draft.refresh_from_db()
    assert draft.status == ProcessStatus.DRAFT
    assert world.procedure.current_process() == world.process


def test_an_hours_procedure_is_checked_in_hours(db):
    procedure = ProcedureFactory(time_limit=Decimal(4), time_unit=TimeUnit.HOURS)
    draft = make_process(procedure, (("Giải quyết", StaffRole.SPECIALIST, "8"),), publish=False)
    with pytest.raises(ValidationError) as refused:
        draft.publish()
    assert "8 giờ làm việc" in refused.value.messages[0]
    assert "4 giờ" in refused.value.messages[0]
    step = draft.ordered_steps()[0]
    step.time_limit_hours = Decimal(4)
    step.save()
    draft.publish()
    assert procedure.current_process() == draft


def test_a_process_without_steps_is_refused(world):
    empty = ProcessVersion.objects.create(procedure=world.procedure)
    with pytest.raises(ValidationError) as refused:
        empty.publish()
    assert "chưa có bước nào" in refused.value.messages[0]


def test_a_published_version_cannot_be_edited(world):
    v1 = world.process
    v1.note = "sửa sau khi ban hành"
    with pytest.raises(ProcessFrozen):
        v1.save()
    with pytest.raises(ProcessFrozen):
        v1.save(update_fields=["note"])
    v1.refresh_from_db()
    assert v1.note == ""


def test_the_steps_of_a_published_version_cannot_be_edited(world):
    step = world.process.ordered_steps()[1]
    step.time_limit_hours = Decimal(1)
    with pytest.raises(ProcessFrozen):
        step.save()
    with pytest.raises(ProcessFrozen):
        step.delete()
    with pytest.raises(ProcessFrozen):
        ProcessStep.objects.create(
            process=world.process, order=9, name="Bước thêm", role=StaffRole.LEADER, time_limit_hours=Decimal(1)
        )
    assert [(s.name, s.time_limit_hours) for s in world.process.ordered_steps()] == [
        ("Tiếp nhận", Decimal(4)),
        ("Thẩm định", Decimal(12)),
        ("Phê duyệt", Decimal(4)),
        ("Ký", Decimal(4)),
    ]


def test_bulk_writes_cannot_change_the_steps_of_a_published_version(world):
    steps = ProcessStep.objects.filter(process=world.process)
    first = world.process.ordered_steps()[0]
    first.time_limit_hours = Decimal(1)
    with pytest.raises(ProcessFrozen):
        steps.update(time_limit_hours=Decimal(1))
    with pytest.raises(ProcessFrozen):
        steps.delete()
    with pytest.raises(ProcessFrozen):
        ProcessStep.objects.bulk_update([first], ["time_limit_hours"])
    with pytest.raises(ProcessFrozen):
        ProcessStep.objects.bulk_create(
            [ProcessStep(process=world.process, order=9, name="Thêm", role=StaffRole.LEADER, time_limit_hours=1)]
        )
    assert sum(s.time_limit_hours for s in world.process.ordered_steps()) == Decimal(24)


def test_bulk_writes_on_a_draft_are_allowed(world):
    draft = world.process.new_draft()
    assert ProcessStep.objects.filter(process=draft, order=1).update(name="Tiếp nhận, kiểm tra") == 1
    assert draft.ordered_steps()[0].name == "Tiếp nhận, kiểm tra"
    # Moving a published version's step into a draft is still a change to the published version.
    published_step = world.process.ordered_steps()[0]
    published_step.process = draft
    with pytest.raises(ProcessFrozen):
        ProcessStep.objects.bulk_update([published_step], ["process"])


def test_a_retired_version_cannot_be_edited(world):
    v1 = world.process
    v1.new_draft().publish()
    v1.refresh_from_db()
    step = v1.ordered_steps()[0]
    step.name = "Đổi tên"
    with pytest.raises(ProcessFrozen):
        step.save()


def test_new_draft_copies_the_steps(world):
    v1 = world.process
    v2 = v1.new_draft()
    assert v2.number == v1.number + 1
    assert v2.procedure == v1.procedure
    assert v2.agency is None
    copied = [(s.order, s.name, s.role, s.time_limit_hours, s.process_id) for s in v2.ordered_steps()]
    original = [(s.order, s.name, s.role, s.time_limit_hours, v2.pk) for s in v1.ordered_steps()]
    assert copied == original
    assert v1.steps.count() == 4  # the original keeps its own rows
    step = v2.ordered_steps()[0]
    step.name = "Tiếp nhận và số hoá"
    step.save()  # a draft is editable
    assert v1.ordered_steps()[0].name == "Tiếp nhận"


def test_a_running_dossier_keeps_its_version(world):
    running = world.counter_dossier(when=at(2025, 8, 12, 9))
    services.start_processing(dossier=running, actor=world.counter, at=at(2025, 8, 12, 10))
    v2 = world.process.new_draft()
    v2.steps.all().delete()
    for order, (name, role, hours) in enumerate(TWO_STEPS, 1):
        ProcessStep.objects.create(process=v2, order=order, name=name, role=role, time_limit_hours=Decimal(hours))
    v2.publish()

    for hour, actor in ((11, world.counter), (14, world.specialist), (15, world.leader), (16, world.leader)):
        running = services.complete_step(dossier=running, actor=actor, at=at(2025, 8, 12, hour))
    running.refresh_from_db()
    assert running.process == world.process
    assert running.status == Status.RESOLVED
    names = list(DossierStep.objects.filter(dossier=running).order_by("id").values_list("name", flat=True))
    assert names == ["Tiếp nhận", "Thẩm định", "Phê duyệt", "Ký"]

    fresh = world.counter_dossier(when=at(2025, 8, 13, 9))
    assert fresh.process == v2
    services.start_processing(dossier=fresh, actor=world.counter, at=at(2025, 8, 13, 10))
    fresh = services.complete_step(dossier=fresh, actor=world.counter, at=at(2025, 8, 13, 11))
    assert fresh.current_step.name == "Giải quyết"
    assert fresh.current_step.due_at == at(2025, 8, 15, 11)  # 16 h from 13/8 11:00
    fresh = services.complete_step(dossier=fresh, actor=world.leader, at=at(2025, 8, 14, 11))
    assert fresh.status == Status.RESOLVED


def test_an_agency_process_overrides_the_general_one(world):
    own = make_process(world.procedure, TWO_STEPS, agency=world.agency)
    elsewhere = AgencyFactory(code="000.00.14.H52", name="UBND phường Chiềng Lề")
    assert world.procedure.current_process(world.agency) == own
    assert world.procedure.current_process(elsewhere) == world.process
    assert world.procedure.current_process() == world.process

    here = world.counter_dossier()
    assert here.process == own
    there = world.counter_dossier(competent_agency=elsewhere)
    assert there.process == world.process


def test_publishing_an_agency_version_leaves_the_general_one(world):
    own = make_process(world.procedure, TWO_STEPS, agency=world.agency)
    world.process.refresh_from_db()
    assert world.process.status == ProcessStatus.PUBLISHED
    assert own.number == 1
    own_v2 = own.new_draft()
    assert (own_v2.number, own_v2.agency) == (2, world.agency)
    own_v2.publish()
    own.refresh_from_db()
    world.process.refresh_from_db()
    assert own.status == ProcessStatus.RETIRED
    assert world.process.status == ProcessStatus.PUBLISHED
