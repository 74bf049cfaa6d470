"""`manage.py seed_demo`: the Sơn La catalogue, people and demo dossiers, loaded twice on an empty database.

The command runs twice for the whole class (it takes seconds) inside a transaction that is rolled back at
the end; each test reads the result inside its own savepoint.
"""

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.db import transaction
from django.db.models import F
from django.test import RequestFactory, override_settings
from django.utils import timezone
from rest_framework.authtoken.models import Token

from dossiers.models import Action, ClockEvent, DocumentVersion, Dossier, DossierEvent, Status
from workflows.calendar import invalidate_calendars
from workflows.clock import Verdict
from workflows.models import (
    Agency,
    AgencyTier,
    CalendarYear,
    Field,
    Membership,
    Procedure,
    ProcedureDocument,
    ProcessStatus,
    ProcessStep,
    ProcessVersion,
    StaffRole,
)

QUICK_HASHERS = ["tests.hashers.QuickPBKDF2PasswordHasher"]
COUNTED = (
    Agency,
    Field,
    Procedure,
    ProcedureDocument,
    ProcessVersion,
    ProcessStep,
    Membership,
    Token,
    Dossier,
    DossierEvent,
    ClockEvent,
    DocumentVersion,
    CalendarYear,
)


def _counts() -> dict[str, int]:
    counts = {model.__name__: model.objects.count() for model in COUNTED}
    counts["User"] = get_user_model().objects.count()
    return counts


def _run(*args) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture(scope="class")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    """Run the command twice on the empty test database; roll everything back afterwards."""
    media = tmp_path_factory.mktemp("seed-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=QUICK_HASHERS):
        assert Dossier.objects.count() == 0 and Procedure.objects.count() == 0
        invalidate_calendars()
        with transaction.atomic():
            first_output = _run()
            first = _counts()
            second_output = _run("--quiet")
            second = _counts()
            yield {"output": first_output, "first": first, "second": second, "second_output": second_output}
            transaction.set_rollback(True)
        invalidate_calendars()


@pytest.fixture
def seed(seeded, db):
    return seeded


class TestSeedDemo:
    """One seeded database shared by the tests of this class."""

    def test_agencies_of_son_la_with_illustrative_codes(self, seed):
        assert all(
            re.fullmatch(r"\d{3}\.\d{2}\.\d{2}\.H52", code) for code in Agency.objects.values_list("code", flat=True)
        )
        province = Agency.objects.get(tier=AgencyTier.PROVINCE)
        centre = Agency.objects.get(tier=AgencyTier.CENTRE)
        assert "Sơn La" in province.name and centre.name.startswith("Trung tâm Phục vụ hành chính công")
        districts = Agency.objects.filter(tier=AgencyTier.DISTRICT)
        assert districts.count() == 12 and not districts.filter(is_active=True).exists()
        assert {"Ủy ban nhân dân thành phố Sơn La", "Ủy ban nhân dân huyện Sốp Cộp"} <= set(
            districts.values_list("name", flat=True)
        )
        departments = Agency.objects.filter(tier=AgencyTier.DEPARTMENT)
        assert departments.count() >= 15 and set(departments.values_list("parent", flat=True)) == {province.pk}
        assert departments.filter(name__startswith="Sở Tư pháp").exists()
        communes = Agency.objects.filter(tier=AgencyTier.COMMUNE)
        assert communes.count() >= 10 and set(communes.values_list("parent", flat=True)) == {province.pk}
        assert communes.filter(name="Ủy ban nhân dân phường Tô Hiệu", is_active=True).exists()

    def test_fees_waived_for_online_filing_are_seeded_and_applied_online_only(self, seed):
        from payments.models import FeeExemption
        from payments.selectors import compute_fees

        waived = {
            e.procedure.code: e for e in FeeExemption.objects.filter(online_only=True).select_related("procedure")
        }
        assert {"1.001612", "2.001610"} <= set(waived)
        for code, fee in (("1.001612", 100_000), ("2.001610", 50_000)):
            procedure = waived[code].procedure
            assert "miễn khi đăng ký qua mạng" in procedure.fee_note and waived[code].percent == 100
            on = dt.date(2025, 8, 12)
            online, lines = compute_fees(Dossier(procedure=procedure, channel="online", fee_amount=fee), on=on)
            counter, _ = compute_fees(Dossier(procedure=procedure, channel="counter", fee_amount=fee), on=on)
            assert (online, counter) == (0, fee)
            assert lines[0]["exemption"]["name"] == waived[code].name

    def test_catalogue_of_at_least_30_procedures_across_fields(self, seed):
        procedures = Procedure.objects.select_related("competent_agency")
        assert procedures.count() >= 30
        assert procedures.values("field").distinct().count() >= 6
        assert procedures.filter(code="1.001193", name="Đăng ký khai sinh").exists()
        for p in procedures:
            assert 2 <= p.documents.count() <= 5, p.code
            assert p.return_channels, p.code
            if p.agency_level == "commune":
                assert p.competent_agency is None, p.code
            else:
                assert p.competent_agency.tier == AgencyTier.DEPARTMENT, p.code
        assert procedures.filter(time_unit="hours").exists() and procedures.filter(time_unit="days").exists()
        assert procedures.filter(fee_amount=0).exists() and procedures.filter(fee_amount__gt=0).exists()
        assert procedures.filter(supplement_policy="restart").exists()
        assert procedures.filter(online_level="full").exists() and procedures.filter(online_level="partial").exists()

    def test_every_procedure_has_a_published_process_whose_steps_add_up(self, seed):
        for procedure in Procedure.objects.all():
            process = procedure.current_process()
            assert process is not None and process.status == ProcessStatus.PUBLISHED, procedure.code
            steps = process.ordered_steps()
            assert 3 <= len(steps) <= 6, procedure.code
            assert sum((s.time_limit_hours for s in steps), Decimal(0)) == procedure.time_limit_hours, procedure.code
            assert process.validate_for_publishing() == []
        centre = Agency.objects.get(tier=AgencyTier.CENTRE)
        published = ProcessStep.objects.filter(process__status=ProcessStatus.PUBLISHED)
        inter_agency = published.filter(agency__isnull=False).exclude(agency=centre)
        assert inter_agency.exists()

    def test_process_versions_show_a_retired_v1_and_an_open_draft(self, seed):
        retired = ProcessVersion.objects.filter(status=ProcessStatus.RETIRED, number=1)
        assert retired.exists()
        for old in retired:
            newer = ProcessVersion.objects.filter(procedure=old.procedure, number=2)
            assert newer.get().status == ProcessStatus.PUBLISHED
        draft = ProcessVersion.objects.get(status=ProcessStatus.DRAFT)
        assert draft.number == 2 and draft.procedure.current_process().number == 1
        assert draft.total_hours() == draft.procedure.time_limit_hours

    def test_dossiers_in_every_state_with_contiguous_histories(self, seed):
        dossiers = Dossier.objects.all()
        assert 60 <= dossiers.count() <= 120
        for state in Status.values:
            assert dossiers.filter(status=state).count() >= 3, state
        for dossier in dossiers.prefetch_related("events"):
            events = sorted(dossier.events.all(), key=lambda e: e.seq)
            assert [e.seq for e in events] == list(range(1, len(events) + 1)) and dossier.event_seq == len(events)
            assert events[0].action in (Action.SUBMIT, Action.RECEIVE) and events[-1].to_status == dossier.status
            assert all(a.at <= b.at for a, b in zip(events, events[1:], strict=False)), dossier.code
            assert events[-1].at <= timezone.now()

    def test_demo_dossiers_cover_the_situations_a_worklist_shows(self, seed):
        now = timezone.now()
        dossiers = Dossier.objects.all()
        assert dossiers.filter(clock_running=True, due_at__lt=now).count() >= 3  # overdue
        assert dossiers.filter(clock_running=True, due_at__gte=now, due_at__lt=now + dt.timedelta(days=2)).exists()
        assert dossiers.filter(channel="online").count() >= 10 and dossiers.filter(channel="counter").count() >= 10
        finished = dossiers.filter(status__in=[Status.RESOLVED, Status.RETURNED])
        assert {Verdict.EARLY, Verdict.ON_TIME, Verdict.LATE} <= set(finished.values_list("verdict", flat=True))
        events = DossierEvent.objects.values_list("action", flat=True)
        for action in (Action.SUBMIT_SUPPLEMENT, Action.RESUME, Action.APOLOGIZE, Action.REFUSE, Action.STOP):
            assert action in set(events), action
        assert dossiers.exclude(receiving_agency=F("competent_agency")).exists()  # received across boundaries
        assert dossiers.values("procedure").distinct().count() >= 15
        assert dossiers.values("competent_agency").distinct().count() >= 6
        first = DossierEvent.objects.filter(seq=1).values_list("at", flat=True)
        assert (max(first) - min(first)).days >= 21  # spread over past weeks

    def test_every_role_has_a_user_with_a_token_and_the_printed_password(self, seed):
        User = get_user_model()
        for role in StaffRole.values:
            assert Membership.objects.filter(role=role).exists(), role
        assert User.objects.filter(is_superuser=True).exists()
        assert Membership.objects.filter(role=StaffRole.COUNTER, agency__tier=AgencyTier.CENTRE).exists()
        assert Membership.objects.filter(role=StaffRole.COUNTER, agency__tier=AgencyTier.COMMUNE).exists()
        assert Membership.objects.filter(role=StaffRole.LEADER, agency__tier=AgencyTier.COMMUNE).exists()
        assert Membership.objects.filter(role=StaffRole.SPECIALIST, agency__tier=AgencyTier.DEPARTMENT).count() >= 3
        applicants = User.objects.filter(memberships__isnull=True, is_superuser=False)
        kinds = set(Dossier.objects.filter(applicant_user__in=applicants).values_list("applicant_kind", flat=True))
        assert kinds == {1, 2}
        assert Token.objects.count() == User.objects.count()
        output = seed["output"]
        for user in User.objects.all():
            assert user.username in output and user.auth_token.key in output
        login = RequestFactory().post("/can-bo/dang-nhap/")  # as a login page asks (the lockout reads its address)
        assert authenticate(login, username="tt.motcua1", password="Canbo@2025") is not None
        assert authenticate(login, username="congdan", password="Congdan@2025") is not None

    def test_second_run_changes_no_counts(self, seed):
        assert seed["first"]["Dossier"] > 0
        assert seed["second"] == seed["first"]
        assert seed["second_output"] == ""


def test_no_dossiers_option_loads_only_the_catalogue_and_people(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    output = _run("--no-dossiers")
    assert Dossier.objects.count() == 0
    assert Procedure.objects.count() >= 30 and Token.objects.count() >= 10
    assert "quantri" in output
