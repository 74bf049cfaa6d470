"""Shared fixtures: a small world (an agency, its officers, a procedure with a published process)
and helpers to bring a dossier to any state through the services."""

import datetime as dt
import uuid
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.db import connection

from dossiers import services
from dossiers.models import Status
from tests.factories import (
    AgencyFactory,
    ProcedureFactory,
    UserFactory,
    at,
    complete_documents,
    make_process,
    officer,
)
from workflows.calendar import invalidate_calendars
from workflows.models import AgencyTier, StaffRole


def pytest_collection_modifyitems(config, items):
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"]
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL=postgres://…)")
    skip_redis = pytest.mark.skip(reason="needs Redis (set REDIS_URL=redis://…)")
    for item in items:
        if "postgres" in item.keywords and "postgresql" not in engine:
            item.add_marker(skip_pg)
        if "redis" in item.keywords and not settings.REDIS_URL:
            item.add_marker(skip_redis)


def seed_status_mapping():
    """Version 1 of the national status mapping, written by the data migration's own function, as `migrate`
    wrote it."""
    import_module("portal.migrations.0002_seed_status_mapping").seed(django_apps, None)


def _flushing_flags(transaction=False, reset_sequences=False, *_args, **_kwargs):
    """The two arguments of pytest-django's `django_db` marker that make a test flush the database, read as
    the marker's signature orders them."""
    return transaction, reset_sequences


def _flushes_database(request) -> bool:
    """Whether the test runs as a TransactionTestCase, which empties every table when it ends."""
    marker = request.node.get_closest_marker("django_db")
    if marker is not None:
        transaction, reset_sequences = _flushing_flags(*marker.args, **marker.kwargs)
        if transaction or reset_sequences:
            return True
    return bool({"transactional_db", "live_server", "django_db_reset_sequences"} & set(request.fixturenames))


@pytest.fixture(autouse=True)
def _status_mapping_after_flush(request):
    """A transactional test finds the tables as the previous one left them, flushed: without the rows data
    migrations seed. It gets the national status mapping back, as `migrate` left it."""
    if _flushes_database(request):
        request.getfixturevalue("transactional_db")
        seed_status_mapping()


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    invalidate_calendars()
    yield
    invalidate_calendars()


@pytest.fixture(autouse=True)
def _own_cache_space(settings):
    """Each test its own cache keys: with Redis the cache outlives a test and is shared by the parallel
    workers, and throttling, calendars and locks keep state in it."""
    settings.CACHES = {
        name: {**config, "KEY_PREFIX": f"test-{uuid.uuid4().hex}"} for name, config in settings.CACHES.items()
    }


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # Hashing passwords at full strength costs most of a test's time; the tests need no strength.
    settings.PASSWORD_HASHERS = ["tests.hashers.QuickPBKDF2PasswordHasher"]


@pytest.fixture
def is_postgres():
    return connection.vendor == "postgresql"


class World:
    """An agency with its officers, another agency, an applicant and a 3-day procedure."""

    def __init__(self):
        self.centre = AgencyFactory(
            code="000.00.31.H52", name="Trung tâm Phục vụ hành chính công tỉnh Sơn La", tier=AgencyTier.CENTRE
        )
        self.agency = AgencyFactory(code="000.00.12.H52", name="Sở Tư pháp")
        self.other_agency = AgencyFactory(code="000.00.13.H52", name="Sở Xây dựng")
        self.procedure = ProcedureFactory(competent_agency=self.agency)
        self.process = make_process(self.procedure)
        self.counter = officer(self.agency, StaffRole.COUNTER, "canbo.motcua")
        self.centre_counter = officer(self.centre, StaffRole.COUNTER, "canbo.trungtam")
        self.specialist = officer(self.agency, StaffRole.SPECIALIST, "chuyenvien")
        self.leader = officer(self.agency, StaffRole.LEADER, "lanhdao")
        self.outsider = officer(self.other_agency, StaffRole.COUNTER, "canbo.khac")
        self.outside_leader = officer(self.other_agency, StaffRole.LEADER, "lanhdao.khac")
        self.applicant = UserFactory(username="congdan", first_name="Nguyễn Văn An")
        self.admin = UserFactory(username="quantri", is_superuser=True, is_staff=True)

    # -- bringing dossiers to a state through the services -------------------------------------------
    def counter_dossier(self, *, when=None, procedure=None, **kwargs):
        """Received at the counter, complete (paper copies of the required components) unless `documents`
        says otherwise."""
        kwargs.setdefault("documents", complete_documents(procedure or self.procedure))
        return services.create_dossier(
            actor=self.counter,
            procedure=procedure or self.procedure,
            channel="counter",
            receiving_agency=self.agency,
            applicant_name="Nguyễn Văn An",
            applicant_phone="0912345678",
            at=when or at(2025, 8, 12, 9),
            **kwargs,
        )

    def online_dossier(self, *, when=None, procedure=None, **kwargs):
        """Filed online, complete (scans of the required components) unless `documents` says otherwise."""
        kwargs.setdefault("documents", complete_documents(procedure or self.procedure, files=True))
        return services.create_dossier(
            actor=self.applicant,
            applicant_user=self.applicant,
            procedure=procedure or self.procedure,
            channel="online",
            receiving_agency=self.agency,
            applicant_name="Nguyễn Văn An",
            return_channel="online",
            at=when or at(2025, 8, 12, 9),
            **kwargs,
        )

    def dossier_in(self, state: str, *, when=None):
        """A dossier brought to `state` by the actions a real one would take."""
        when = when or at(2025, 8, 12, 9)
        step = dt.timedelta(hours=1)
        if state == Status.SUBMITTED:
            return self.online_dossier(when=when)
        if state == Status.REJECTED:
            d = self.online_dossier(when=when)
            return services.refuse_dossier(dossier=d, actor=self.counter, note="Không thuộc thẩm quyền", at=when + step)
        d = self.counter_dossier(when=when)
        if state == Status.RECEIVED:
            return d
        if state == Status.WITHDRAWN:
            return services.withdraw_dossier(dossier=d, actor=self.counter, note="Công dân xin rút", at=when + step)
        d = services.start_processing(dossier=d, actor=self.counter, at=when + step)
        if state == Status.PROCESSING:
            return d
        if state == Status.SUPPLEMENT:
            return services.request_supplement(
                dossier=d, actor=self.counter, missing_documents=["Bản sao giấy khai sinh"], at=when + 2 * step
            )
        if state == Status.PAUSED:
            return services.pause_dossier(dossier=d, actor=self.counter, reason="verification", at=when + 2 * step)
        if state == Status.STOPPED:
            return services.stop_dossier(dossier=d, actor=self.leader, note="Quá hạn bổ sung", at=when + 2 * step)
        d = services.resolve_dossier(dossier=d, actor=self.leader, result="approved", at=when + 2 * step)
        if state == Status.RESOLVED:
            return d
        if state == Status.RETURNED:
            return services.return_result(dossier=d, actor=self.counter, at=when + 3 * step)
        raise ValueError(state)


@pytest.fixture
def world(db):
    return World()
