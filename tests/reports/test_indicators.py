"""Each formula on hand-computed cases: dossiers driven through the services, and imported rows whose
every figure is worked out by hand below."""

import datetime as dt

import pytest

from dossiers import services
from reports.importing import import_file
from reports.periods import parse
from reports.selectors import indicator_report
from tests.factories import AgencyFactory, ProcedureFactory, at
from tests.reports.helpers import write_jsonl
from workflows.models import OnlineLevel


def figures(period, agency, group_by="agency"):
    report = indicator_report(period=parse(period), group_by=group_by)
    return next(g for g in report.groups if g.code == agency.code)


def test_a_late_dossier_stays_late_after_an_apology(world):
    d = world.counter_dossier(when=at(2025, 8, 12, 9))
    d = services.start_processing(dossier=d, actor=world.counter, at=at(2025, 8, 12, 10))
    d = services.apologize(
        dossier=d, actor=world.leader, new_appointment=dt.date(2025, 8, 29), note="Xin lỗi", at=at(2025, 8, 14, 9)
    )
    # Three working days from Tuesday 9:00 end on Friday; the new appointment (29/8) is not the due date.
    services.resolve_dossier(dossier=d, actor=world.leader, result="approved", at=at(2025, 8, 20, 9))
    group = figures("2025-08", world.agency)
    assert (group.counts["resolved"], group.counts["late"], group.counts["on_time"]) == (1, 1, 0)
    assert group.rates["on_time_rate"] == 0.0


def test_a_dossier_with_two_supplements_is_late_however_fast(world):
    d = world.counter_dossier(when=at(2025, 8, 12, 9))
    d = services.start_processing(dossier=d, actor=world.counter, at=at(2025, 8, 12, 9, 30))
    for hour in (10, 14):
        d = services.request_supplement(
            dossier=d, actor=world.counter, missing_documents=["Tờ khai"], at=at(2025, 8, 12, hour)
        )
        d = services.submit_supplement(dossier=d, actor=world.counter, at=at(2025, 8, 12, hour, 30))
    services.resolve_dossier(dossier=d, actor=world.leader, result="approved", at=at(2025, 8, 12, 16))
    one_supplement = world.counter_dossier(when=at(2025, 8, 12, 9))
    one_supplement = services.start_processing(dossier=one_supplement, actor=world.counter, at=at(2025, 8, 12, 9, 30))
    one_supplement = services.request_supplement(
        dossier=one_supplement, actor=world.counter, missing_documents=["Tờ khai"], at=at(2025, 8, 12, 10)
    )
    one_supplement = services.submit_supplement(dossier=one_supplement, actor=world.counter, at=at(2025, 8, 12, 11))
    services.resolve_dossier(dossier=one_supplement, actor=world.leader, result="approved", at=at(2025, 8, 12, 16))
    group = figures("2025-08", world.agency)
    assert (group.counts["resolved"], group.counts["late"], group.counts["early"]) == (2, 1, 1)
    assert group.rates["on_time_rate"] == 50.0


def test_withdrawn_and_rejected_dossiers_in_the_right_denominators(world):
    world.dossier_in("resolved")  # received at the counter, resolved early
    world.dossier_in("withdrawn")  # received at the counter, then withdrawn: arose, never resolved
    world.dossier_in("rejected")  # filed online, refused at the counter: never received
    online = world.online_dossier(when=at(2025, 8, 12, 9))
    services.receive_dossier(dossier=online, actor=world.counter, at=at(2025, 8, 12, 10))  # still open
    group = figures("2025-08", world.agency)
    counts = group.counts
    assert (counts["received"], counts["received_online"], counts["resolved"]) == (3, 1, 1)
    assert (counts["withdrawn"], counts["rejected"], counts["in_progress"]) == (1, 1, 1)
    assert group.rates["online_rate"] == 33.33  # 1 online of the 3 received (the refused one never was)
    assert group.rates["on_time_rate"] == 100.0  # of the 1 resolved; the withdrawn one is not in it
    assert group.rates["full_online_processing_rate"] == 0.0  # of the 1 resolved


def test_an_open_dossier_past_its_due_date_is_in_progress_overdue(world):
    d = world.counter_dossier(when=at(2025, 8, 12, 9))
    services.start_processing(dossier=d, actor=world.counter, at=at(2025, 8, 12, 10))
    world.counter_dossier(when=at(2025, 8, 12, 9))
    report = indicator_report(period=parse("2025-08"), group_by="agency", now=at(2025, 8, 14, 9))
    assert (report.total.counts["in_progress"], report.total.counts["in_progress_overdue"]) == (2, 0)
    report = indicator_report(period=parse("2025-08"), group_by="agency", now=at(2025, 8, 25, 9))
    assert (report.total.counts["in_progress_on_time"], report.total.counts["in_progress_overdue"]) == (0, 2)


def _row(code, procedure, agency, *, days, due=7, channel="counter", fee=0, paid=False, electronic=False, **extra):
    received = dt.datetime(2025, 3, 3, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    row = {
        "code": code,
        "procedure_code": procedure.code,
        "agency_code": agency.code,
        "channel": channel,
        "submitted_at": (received - dt.timedelta(minutes=5)).isoformat() if channel == "online" else "",
        "received_at": received.isoformat(),
        "due_at": (received + dt.timedelta(days=due)).isoformat(),
        "resolved_at": (received + dt.timedelta(days=days)).isoformat() if days is not None else "",
        "returned_at": (received + dt.timedelta(days=days, hours=2)).isoformat() if days is not None else "",
        "status": "returned" if days is not None else "withdrawn",
        "supplements": 0,
        "fee": fee,
        "paid_online": paid,
        "result_electronic": electronic,
        "rating": "",
    }
    row.update(extra)
    return row


def test_every_rate_on_imported_rows_worked_out_by_hand(db, tmp_path):
    agency = AgencyFactory(name="Sở thử nghiệm")
    full = ProcedureFactory(competent_agency=agency, online_level=OnlineLevel.FULL)
    partial = ProcedureFactory(competent_agency=agency, online_level=OnlineLevel.PARTIAL)
    rows = [
        # full-online procedure: online and paid online, electronic result → fully online (000)
        _row(
            "A1", full, agency, days=1, channel="online", fee=10000, paid=True, electronic=True, rating="very_satisfied"
        ),
        # full-online procedure, online, fee paid at the counter → online but not fully online
        _row("A2", full, agency, days=2, channel="online", fee=10000, electronic=True),
        _row("A3", full, agency, days=4),  # full-online procedure, filed at the counter
        # partial procedure, online, no fee, electronic result → fully online
        _row("A4", partial, agency, days=3, channel="online", electronic=True, rating="not_satisfied"),
        _row("A5", partial, agency, days=6, due=3, fee=10000, rating="satisfied"),  # late
        _row("A6", partial, agency, days=None),  # withdrawn after receipt
    ]
    outcomes = import_file(write_jsonl(tmp_path / "rows.jsonl", rows))
    assert (outcomes.imported, outcomes.errors) == (6, [])
    group = figures("2025-03", agency)
    c, r = group.counts, group.rates
    assert (c["received"], c["received_online"], c["resolved"], c["withdrawn"], c["late"]) == (6, 3, 5, 1, 1)
    assert r["online_rate"] == 50.0  # 3 / 6 (seed 001)
    assert r["on_time_rate"] == 80.0  # 4 / 5 (Decision 766)
    assert r["full_online_processing_rate"] == 40.0  # A1, A4 / 5 resolved (seed 000)
    assert r["online_payment_rate"] == 33.33  # A1 / A1, A2, A5 with a fee (004 note 5)
    assert r["full_online_dossier_rate"] == 66.67  # A1, A2 / A1-A3 of the full-online service (004 note 4)
    assert r["services_with_online_rate"] == 100.0  # the one full-online service had online dossiers (note 3)
    assert r["full_online_service_rate"] == 50.0  # 1 of the agency's 2 procedures is full online (note 2)
    assert r["satisfaction_rate"] == 66.67  # 2 of 3 ratings satisfied or very satisfied (seed 002)
    assert r["online_processing_days"] == 2.0  # (1 + 2 + 3) / 3
    assert r["in_person_processing_days"] == 5.0  # (4 + 6) / 2
    assert r["online_time_reduction"] == 60.0  # 1 − 2 / 5
    progress, satisfaction = group.index[1], group.index[4]
    assert (progress["points"], progress["score"]) == (20, 16.0)
    assert (satisfaction["points"], satisfaction["score"]) == (18, 12.0)
    assert group.index[0]["score"] is None and group.index[0]["missing"]


@pytest.mark.parametrize(
    ("received", "year"),
    [
        ("2024-12-14T10:00:00+07:00", 2024),
        ("2024-12-14T23:30:00+07:00", 2024),
        ("2024-12-14T17:30:00+00:00", 2025),  # 00:30 on 15 December in Vietnam
        ("2024-12-15T08:00:00+07:00", 2025),
    ],
)
def test_a_dossier_counts_in_the_reporting_year_of_its_receipt(db, tmp_path, received, year):
    agency = AgencyFactory()
    procedure = ProcedureFactory(competent_agency=agency)
    row = _row("E1", procedure, agency, days=None) | {"received_at": received, "status": "received", "returned_at": ""}
    import_file(write_jsonl(tmp_path / "edge.jsonl", [row]))
    assert figures(str(year), agency).counts["received"] == 1
    other = indicator_report(period=parse(str(4049 - year)), group_by="agency")  # 2024 ↔ 2025
    assert all(g.counts["received"] == 0 for g in other.groups)


def test_a_dossier_counts_in_the_quarter_of_its_resolution(db, tmp_path):
    agency = AgencyFactory()
    procedure = ProcedureFactory(competent_agency=agency)
    rows = []
    for code, resolved in (("Q1", "2025-03-14T16:00:00+07:00"), ("Q2", "2025-03-15T09:00:00+07:00")):
        row = _row(code, procedure, agency, days=1)
        row.update(
            received_at="2025-03-10T08:00:00+07:00",
            due_at="2025-03-20T08:00:00+07:00",
            resolved_at=resolved,
            returned_at="2025-03-16T08:00:00+07:00",
        )
        rows.append(row)
    import_file(write_jsonl(tmp_path / "quarters.jsonl", rows))
    first, second = figures("2025-Q1", agency).counts, figures("2025-Q2", agency).counts
    assert (first["received"], first["resolved"], first["returned"]) == (2, 1, 0)
    assert (second["received"], second["resolved"], second["returned"]) == (0, 1, 2)
