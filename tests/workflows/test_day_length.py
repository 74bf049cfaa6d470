"""A working day is as long as the agency's own hours (DOMAIN §3): the steps' limits of a process add up to the
procedure's days in those hours, and a step's clock counts its share of them."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from dossiers import services
from tests.factories import AgencyFactory, ProcedureFactory, at, complete_documents, make_process, officer
from workflows.models import StaffRole, SupplementPolicy

SHORT_DAY = {"afternoon_end": dt.time(16, 30)}  # 7:00–11:30 and 13:30–16:30: a 7.5-hour day


def _steps(*hours):
    roles = [StaffRole.COUNTER, StaffRole.SPECIALIST, StaffRole.LEADER]
    return [(f"Bước {i}", roles[i % 3], h) for i, h in enumerate(hours)]


@pytest.mark.django_db
def test_an_agency_of_seven_and_a_half_hour_days_publishes_steps_adding_up_to_its_days():
    agency = AgencyFactory(**SHORT_DAY)
    procedure = ProcedureFactory(competent_agency=agency, time_limit=Decimal(1))
    assert agency.day_hours == Decimal("7.5")

    with pytest.raises(ValidationError) as refused:
        make_process(procedure, _steps("4", "4"))  # 8 hours: a standard day, one half-hour too long here
    assert "8 giờ làm việc" in str(refused.value) and "7.5 giờ" in str(refused.value)

    version = make_process(procedure, _steps("4", "3.5"))
    assert version.status == "published" and version.limit_hours() == Decimal("7.5")


@pytest.mark.django_db
def test_a_process_for_every_commune_counts_its_steps_in_each_communes_own_day():
    """A commune-level procedure (no competent agency) with one process written in standard 8-hour days; a commune
    whose days last 7.5 hours finishes its one-day step at the end of that day, not at 7:30 the next morning."""
    commune = AgencyFactory(**SHORT_DAY)
    procedure = ProcedureFactory(competent_agency=None, time_limit=Decimal(1), agency_level="commune")
    make_process(procedure, _steps("8"))
    counter = officer(commune, StaffRole.COUNTER)
    dossier = services.create_dossier(
        actor=counter,
        procedure=procedure,
        channel="counter",
        receiving_agency=commune,
        applicant_name="Lò Văn Minh",
        documents=complete_documents(procedure),
        at=at(2025, 8, 12, 7),  # a Tuesday, at the opening
    )
    assert dossier.appointment_at == at(2025, 8, 12, 16, 30)
    dossier = services.start_processing(dossier=dossier, actor=counter, at=at(2025, 8, 12, 7))
    assert dossier.current_step.due_at == at(2025, 8, 12, 16, 30)


@pytest.mark.django_db
def test_the_limit_restarted_after_a_supplement_is_in_the_agencys_own_days(world):
    """A procedure whose supplement restarts the full limit restarts it in the agency's days (3 × 7.5 hours)."""
    agency = world.agency
    agency.afternoon_end = dt.time(16, 30)
    agency.save()
    world.procedure.supplement_policy = SupplementPolicy.RESTART
    world.procedure.save()
    dossier = world.counter_dossier(when=at(2025, 8, 12, 7))
    assert dossier.appointment_at == at(2025, 8, 14, 16, 30)
    dossier = services.start_processing(dossier=dossier, actor=world.counter, at=at(2025, 8, 12, 8))
    dossier = services.request_supplement(
        dossier=dossier, actor=world.counter, missing_documents=["Bản sao"], at=at(2025, 8, 12, 9)
    )
    dossier = services.submit_supplement(dossier=dossier, actor=world.counter, at=at(2025, 8, 18, 7))  # a Monday
    assert dossier.appointment_at == at(2025, 8, 20, 16, 30)
