"""One status mapping version stays active whoever edits them, not only in the admin: retiring the last
active version and deleting an active one are refused by the model, also under concurrent retirements."""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from portal.mapping import load_mapping
from portal.models import MappingVersion, StatusMapping
from tests.portal.helpers import LAST_ACTIVE, copy_of_version_1


def retire(version):
    version.is_active = False
    version.save()


def test_the_last_active_version_is_not_retired(db):
    v1 = MappingVersion.objects.get(number=1)

    with pytest.raises(ValidationError, match=LAST_ACTIVE):
        retire(v1)

    assert MappingVersion.objects.get(number=1).is_active
    assert load_mapping().version == 1


def test_a_version_is_retired_when_another_is_active_and_a_retired_one_saved_again(db):
    v1 = MappingVersion.objects.get(number=1)
    copy_of_version_1()

    retire(v1)
    v1.note = "Thay bằng phiên bản 2"
    v1.save()  # already retired: nothing to refuse

    assert list(MappingVersion.objects.active().values_list("number", flat=True)) == [2]
    assert load_mapping().version == 2


def test_an_active_version_is_not_deleted_one_by_one_nor_in_bulk(db):
    v1 = MappingVersion.objects.get(number=1)
    rows = v1.rows.count()
    copy_of_version_1()  # even with another one active

    # Refused inside the deletion's transaction, which rolls back (here to a savepoint, as a caller's would).
    with pytest.raises(ValidationError, match="Không thể xóa phiên bản 1 đang áp dụng"), transaction.atomic():
        v1.delete()
    with pytest.raises(ValidationError, match="đang áp dụng"), transaction.atomic():
        MappingVersion.objects.filter(number__in=[1, 2]).delete()

    assert MappingVersion.objects.active().count() == 2
    assert StatusMapping.objects.filter(version=v1).count() == rows

    retire(v1)
    v1.delete()
    assert not MappingVersion.objects.filter(number=1).exists()


def test_a_version_activated_since_it_was_read_is_not_deleted(db):
    retired = copy_of_version_1()
    retire(retired)  # version 1 stays active
    stale = MappingVersion.objects.get(pk=retired.pk)
    MappingVersion.objects.filter(pk=retired.pk).update(is_active=True)  # activated since, elsewhere

    with pytest.raises(ValidationError, match="Không thể xóa phiên bản 2 đang áp dụng"), transaction.atomic():
        stale.delete()

    assert MappingVersion.objects.filter(pk=retired.pk, is_active=True).exists()


def waiting_for_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_versions_retired_at_once_leave_one_active(world):
    v1, v2 = MappingVersion.objects.get(number=1), copy_of_version_1()
    retired_first, release = threading.Event(), threading.Event()
    outcome = {}

    def first():
        try:
            with transaction.atomic():
                retire(v1)
                retired_first.set()
                release.wait(10)  # held open until the second retirement waits for this one's lock
            outcome["first"] = "retired"
        finally:
            retired_first.set()
            connection.close()

    def second():
        try:
            retired_first.wait(10)
            retire(MappingVersion.objects.get(pk=v2.pk))
            outcome["second"] = "retired"
        except ValidationError as error:
            outcome["second"] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    retired_first.wait(10)
    deadline = time.monotonic() + 10
    while not waiting_for_a_lock() and time.monotonic() < deadline and "second" not in outcome:
        time.sleep(0.01)
    release.set()
    for thread in threads:
        thread.join(30)

    assert outcome["first"] == "retired"
    assert isinstance(outcome["second"], ValidationError), outcome
    assert "Không thể ngừng áp dụng phiên bản 2" in str(outcome["second"])
    assert list(MappingVersion.objects.active().values_list("number", flat=True)) == [2]
