"""The summary tables, kept as dossiers change, equal a recomputation from the dossiers' own rows after a
random mix of transitions and imports; the rebuild command gives the same rows."""

import contextlib
import datetime as dt
import random
from collections import Counter, defaultdict

import pytest
from django.core.management import call_command
from django.utils import timezone

from dossiers import services
from dossiers.models import Dossier, DossierEvent, Status
from dossiers.services import DossierError
from reports.importing import import_file
from reports.models import Grain, Summary
from reports.periods import half_month_start
from tests.factories import at
from tests.reports.helpers import write_csv

# The measures that follow from a dossier's own columns, as a reader of the dossiers table would count them.
COLUMNS = (
    "received",
    "received_online",
    "received_with_fee",
    "resolved",
    "early",
    "on_time",
    "late",
    "resolved_online",
    "resolved_in_person",
    "returned",
    "rejected",
    "withdrawn",
    "stopped",
)
ENDED = {Status.REJECTED: "rejected", Status.WITHDRAWN: "withdrawn", Status.STOPPED: "stopped"}


def recomputed() -> dict:
    """Per (day, agency, procedure): the measures counted straight from the dossiers."""
    sums = defaultdict(Counter)
    for d in Dossier.objects.all():
        key = (d.competent_agency_id, d.procedure_id)
        day = timezone.localdate
        if d.received_at:
            sums[(day(d.received_at), *key)]["received"] += 1
            sums[(day(d.received_at), *key)]["received_online"] += d.channel == "online"
            sums[(day(d.received_at), *key)]["received_with_fee"] += d.fee_amount > 0
        if d.resolved_at:
            row = sums[(day(d.resolved_at), *key)]
            row["resolved"] += 1
            row[d.verdict] += 1
            row["resolved_online" if d.channel == "online" else "resolved_in_person"] += 1
        if d.returned_at and d.status == Status.RETURNED:
            sums[(day(d.returned_at), *key)]["returned"] += 1
        if d.status in ENDED:
            sums[(day(d.ended_at), *key)][ENDED[d.status]] += 1
    return {k: {c: v[c] for c in COLUMNS} for k, v in sums.items() if any(v[c] for c in COLUMNS)}


def kept(grain) -> dict:
    rows = Summary.objects.filter(grain=grain).values("start", "agency_id", "procedure_id", *COLUMNS)
    found = {}
    for row in rows:
        key = (row.pop("start"), row.pop("agency_id"), row.pop("procedure_id"))
        if any(row.values()):
            found[key] = row
    return found


def by_half_month(days: dict) -> dict:
    halves = defaultdict(Counter)
    for (day, *key), row in days.items():
        halves[(half_month_start(day), *key)].update(row)
    return {k: {c: v[c] for c in COLUMNS} for k, v in halves.items()}


def all_rows():
    """Every summary row with a figure (a row whose figures all went back to 0 counts as none)."""
    names = [f.attname for f in Summary._meta.concrete_fields if f.attname != "id"]
    return sorted(row for row in Summary.objects.values_list(*names) if any(row[4:]))


def _act(world, pick, d, when):
    s = Status
    officer, leader = world.counter, world.leader
    choices = {
        s.SUBMITTED: [
            lambda: services.receive_dossier(dossier=d, actor=officer, at=when),
            lambda: services.refuse_dossier(dossier=d, actor=officer, note="Không thuộc thẩm quyền", at=when),
            lambda: services.withdraw_dossier(dossier=d, actor=officer, at=when),
        ],
        s.RECEIVED: [
            lambda: services.start_processing(dossier=d, actor=officer, at=when),
            lambda: services.withdraw_dossier(dossier=d, actor=officer, at=when),
        ],
        s.PROCESSING: [
            lambda: services.resolve_dossier(dossier=d, actor=leader, result="approved", at=when),
            lambda: services.request_supplement(dossier=d, actor=officer, missing_documents=["Tờ khai"], at=when),
            lambda: services.pause_dossier(dossier=d, actor=officer, reason="verification", at=when),
            lambda: services.stop_dossier(dossier=d, actor=leader, note="Dừng", at=when),
            lambda: services.withdraw_dossier(dossier=d, actor=officer, at=when),
        ],
        s.SUPPLEMENT: [lambda: services.submit_supplement(dossier=d, actor=officer, at=when)],
        s.PAUSED: [lambda: services.resume_dossier(dossier=d, actor=officer, at=when)],
        s.RESOLVED: [lambda: services.return_result(dossier=d, actor=officer, at=when)],
    }.get(d.status)
    if not choices:
        return d
    return pick.choice(choices)()


def _import_rows(world, pick, n, serial):
    rows = []
    for i in range(n):
        received = dt.datetime(2025, 8, pick.randint(1, 28), 9, tzinfo=dt.timezone(dt.timedelta(hours=7)))
        status = pick.choice(["returned", "resolved", "withdrawn", "received", "stopped"])
        resolved = received + dt.timedelta(days=pick.randint(0, 9)) if status in ("returned", "resolved") else None
        rows.append(
            {
                "code": f"IMP-{pick.randint(1, 3 * n)}" if serial else f"IMP-{i}",
                "procedure_code": world.procedure.code,
                "agency_code": pick.choice([world.agency, world.other_agency]).code,
                "channel": pick.choice(["online", "counter", "post"]),
                "submitted_at": "",
                "received_at": received.isoformat(),
                "due_at": (received + dt.timedelta(days=5)).isoformat(),
                "resolved_at": resolved.isoformat() if resolved else "",
                "returned_at": (received + dt.timedelta(days=10)).isoformat()
                if status in ("returned", "withdrawn", "stopped")
                else "",
                "status": status,
                "supplements": pick.choice([0, 0, 1, 2]),
                "fee": pick.choice([0, 20000]),
                "paid_online": pick.choice(["true", "false"]),
                "result_electronic": pick.choice(["true", "false"]),
                "rating": pick.choice(["", "satisfied", "not_satisfied"]) if status == "returned" else "",
            }
        )
    return rows


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_summaries_equal_a_recomputation_from_the_dossiers(world, tmp_path, seed):
    pick = random.Random(seed)
    dossiers = []
    clock = at(2025, 8, 4, 8)
    for step in range(40):
        clock += dt.timedelta(hours=pick.choice([1, 5, 20]))
        roll = pick.random()
        if roll < 0.25 or not dossiers:
            make = world.online_dossier if pick.random() < 0.5 else world.counter_dossier
            dossiers.append(make(when=clock))
        elif roll < 0.35:
            path = write_csv(tmp_path / f"batch-{step}.csv", _import_rows(world, pick, pick.randint(1, 6), serial=True))
            import_file(path, batch_size=pick.choice([2, 10]))
        else:
            index = pick.randrange(len(dossiers))
            with contextlib.suppress(DossierError):  # an action its state or gate refuses: nothing changed
                dossiers[index] = _act(world, pick, Dossier.objects.get(pk=dossiers[index].pk), clock)
    expected = recomputed()
    assert expected, "the mix produced no figures"
    assert kept(Grain.DAY) == expected
    assert kept(Grain.HALF_MONTH) == by_half_month(expected)
    before = all_rows()
    call_command("rebuild_indicators", "--quiet")
    assert all_rows() == before


def test_importing_the_same_file_again_changes_nothing(world, tmp_path):
    rows = _import_rows(world, random.Random(7), 30, serial=False)
    path = write_csv(tmp_path / "history.csv", rows)
    first = import_file(path)
    summaries, events = all_rows(), DossierEvent.objects.count()
    again = import_file(path, restart=True)
    assert (first.imported, first.created, again.imported, again.created) == (30, 30, 30, 0)
    assert all_rows() == summaries and DossierEvent.objects.count() == events
    assert kept(Grain.DAY) == recomputed()
