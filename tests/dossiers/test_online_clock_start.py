"""When an online dossier's legal time starts (DOMAIN §3): from the arrival of its complete, valid filing or from
the counter's receipt, as the province sets `ONLINE_CLOCK_START`; either way from working time, never counting
the applicant's supplement asked at receipt, and never with an appointment earlier than the receipt."""

from decimal import Decimal

import pytest

from dossiers import services
from tests.factories import ProcedureFactory, at, complete_documents, make_process
from workflows.models import StaffRole, TimeUnit


def _supplemented_then_received(world):
    """Filed Tue 18/11 10:00; the counter asks for a supplement that afternoon; the applicant brings it Thu 20/11
    8:00; the counter receives it Thu 20/11 10:00."""
    dossier = world.online_dossier(when=at(2025, 11, 18, 10))
    services.request_supplement(
        dossier=dossier, actor=world.counter, missing_documents=["Bản sao giấy khai sinh"], at=at(2025, 11, 18, 14)
    )
    services.submit_supplement(
        dossier=dossier,
        actor=world.applicant,
        documents=complete_documents(world.procedure, files=True),
        at=at(2025, 11, 20, 8),
    )
    return services.receive_dossier(dossier=dossier, actor=world.counter, at=at(2025, 11, 20, 10))


def test_from_the_complete_filing_the_time_spent_supplementing_never_counts(world, settings):
    settings.ONLINE_CLOCK_START = "filing"

    dossier = _supplemented_then_received(world)

    # Three working days from Thu 20/11 8:00 (the complete filing), not from Tue 18/11 10:00 (the incomplete one).
    assert dossier.appointment_at == at(2025, 11, 25, 8)
    assert dossier.appointment_at > dossier.received_at


def test_from_the_counters_receipt_when_the_province_says_so(world, settings):
    settings.ONLINE_CLOCK_START = "receipt"

    dossier = _supplemented_then_received(world)

    assert dossier.appointment_at == at(2025, 11, 25, 10)


@pytest.mark.parametrize("mode", ["filing", "receipt"])
def test_a_filing_arriving_outside_working_hours_counts_from_the_next_working_day(world, settings, mode):
    settings.ONLINE_CLOCK_START = mode
    dossier = world.online_dossier(when=at(2025, 11, 22, 21))  # Saturday evening
    received = at(2025, 11, 24, 7) if mode == "filing" else at(2025, 11, 24, 9)  # Monday
    dossier = services.receive_dossier(dossier=dossier, actor=world.counter, at=received)

    assert dossier.appointment_at == (at(2025, 11, 26, 17) if mode == "filing" else at(2025, 11, 27, 9))


def test_no_appointment_is_earlier_than_the_receipt(world, settings):
    """A 4-hour procedure filed Monday 8:00 and received Wednesday 9:00: counted from the filing it would have been
    due on Monday; the appointment is counted from the receipt instead."""
    settings.ONLINE_CLOCK_START = "filing"
    procedure = ProcedureFactory(competent_agency=world.agency, time_limit=Decimal(4), time_unit=TimeUnit.HOURS)
    make_process(procedure, [("Tiếp nhận", StaffRole.COUNTER, "1"), ("Xử lý", StaffRole.SPECIALIST, "3")])
    dossier = world.online_dossier(procedure=procedure, when=at(2025, 11, 24, 8))

    dossier = services.receive_dossier(dossier=dossier, actor=world.counter, at=at(2025, 11, 26, 9))

    assert dossier.appointment_at == at(2025, 11, 26, 15)
    assert dossier.appointment_at > dossier.received_at


def test_a_counter_dossier_runs_from_its_receipt(world, settings):
    settings.ONLINE_CLOCK_START = "filing"
    dossier = world.counter_dossier(when=at(2025, 11, 20, 10))
    assert dossier.appointment_at == at(2025, 11, 25, 10)
