"""The status mapping in the admin: one version always stays active (retiring the last one and deleting an
active one are refused), and the outbox page says when messages wait for a national status code."""

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from dossiers.models import Status
from portal.mapping import load_mapping
from portal.models import MappingVersion, OutboxMessage
from tests.portal.helpers import LAST_ACTIVE, copy_of_version_1, retire_every_version


@pytest.fixture
def admin_client(client, world):
    client.force_login(world.admin)
    return client


def change_url(version):
    return reverse("admin:portal_mappingversion_change", args=[version.pk])


def version_form(version, **changes):
    """The change form as the page submits it, with its rows inline."""
    rows = list(version.rows.order_by("pk"))
    created = timezone.localtime(version.created_at)
    data = {
        "number": version.number,
        "is_active": "on",
        "note": version.note,
        "silent_actions": json.dumps(version.silent_actions),
        "created_at_0": created.date().isoformat(),
        "created_at_1": created.strftime("%H:%M:%S"),
        "rows-TOTAL_FORMS": len(rows),
        "rows-INITIAL_FORMS": len(rows),
        "rows-MIN_NUM_FORMS": 0,
        "rows-MAX_NUM_FORMS": 1000,
    }
    for i, row in enumerate(rows):
        data.update(
            {
                f"rows-{i}-id": row.pk,
                f"rows-{i}-version": version.pk,
                f"rows-{i}-status": row.status,
                f"rows-{i}-pause_reason": row.pause_reason,
                f"rows-{i}-national_code": row.national_code,
            }
        )
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}  # an unticked box is not sent


def test_the_last_active_version_cannot_be_retired(admin_client):
    v1 = MappingVersion.objects.get(number=1)

    response = admin_client.post(change_url(v1), version_form(v1, is_active=None))

    assert response.status_code == 200
    assert LAST_ACTIVE in response.content.decode()
    v1.refresh_from_db()
    assert v1.is_active
    assert load_mapping().version == 1


def test_a_version_is_retired_once_another_is_active(admin_client):
    v1 = MappingVersion.objects.get(number=1)
    copy_of_version_1()

    response = admin_client.post(change_url(v1), version_form(v1, is_active=None, note="Thay bằng phiên bản 2"))

    assert response.status_code == 302, response.content.decode()[:2000]
    v1.refresh_from_db()
    assert not v1.is_active and v1.note == "Thay bằng phiên bản 2"
    assert load_mapping().version == 2


def test_an_active_version_cannot_be_deleted(admin_client):
    v1 = MappingVersion.objects.get(number=1)
    changelist = reverse("admin:portal_mappingversion_changelist")

    assert admin_client.get(reverse("admin:portal_mappingversion_delete", args=[v1.pk])).status_code == 403
    assert "deletelink" not in admin_client.get(change_url(v1)).content.decode()
    bulk = admin_client.post(changelist, {"action": "delete_selected", "_selected_action": [v1.pk], "post": "yes"})
    assert bulk.status_code == 403
    assert MappingVersion.objects.filter(pk=v1.pk, is_active=True).exists()

    # Retired (another one active), it may go.
    copy_of_version_1()
    MappingVersion.objects.filter(pk=v1.pk).update(is_active=False)
    answer = admin_client.post(reverse("admin:portal_mappingversion_delete", args=[v1.pk]), {"post": "yes"})
    assert answer.status_code == 302
    assert not MappingVersion.objects.filter(pk=v1.pk).exists()


def test_the_outbox_page_says_when_messages_wait_for_a_national_code(admin_client, world, portal_sim):
    url = reverse("admin:portal_outboxmessage_changelist")
    page = admin_client.get(url)
    assert page.context["mapping_version"] == 1 and page.context["awaiting_codes"] == 0

    retire_every_version()  # e.g. a shell's bulk update: the model and the admin refuse it
    world.dossier_in(Status.PROCESSING)

    page = admin_client.get(url)
    body = page.content.decode()
    assert page.context["mapping_version"] is None and page.context["awaiting_codes"] == 2
    assert "không có phiên bản nào đang áp dụng: thông điệp mới chờ mã trạng thái quốc gia" in body
    assert "thông điệp chờ mã trạng thái: 2" in body
    assert OutboxMessage.objects.filter(national_status__isnull=True).count() == 2


def test_an_active_version_must_translate_every_state(admin_client):
    version = copy_of_version_1()
    version.is_active = False
    version.save()
    returned = version.rows.get(status=Status.RETURNED, pause_reason="")
    form = version_form(version)  # ticked active, with its "returned" row marked for deletion
    form.update({f"rows-{i}-DELETE": "on" for i, r in enumerate(version.rows.order_by("pk")) if r.pk == returned.pk})

    response = admin_client.post(change_url(version), form)

    assert response.status_code == 200
    assert "còn thiếu: “Đã trả kết quả”" in response.content.decode()
    version.refresh_from_db()
    assert not version.is_active and version.rows.filter(pk=returned.pk).exists()

    # Retired, it may lack a state: nothing is translated with it.
    retired = version_form(version, is_active=None)
    retired.update({k: v for k, v in form.items() if k.endswith("-DELETE")})
    assert admin_client.post(change_url(version), retired).status_code == 302
    assert not version.rows.filter(pk=returned.pk).exists()
