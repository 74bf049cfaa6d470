"""Each read endpoint runs a fixed number of queries, whatever the length of the dossier's history, its steps
or the page: the numbers are pinned here, so that a change that adds a query per row is seen."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dossiers import services
from dossiers.models import Status
from tests.dossiers.api_support import client_for


def queries_of(fetch) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = fetch()
    assert response.status_code == 200, response.content[:300]
    return len(captured.captured_queries)


def longer(world, dossier):
    """The dossier taken through more history: paused and resumed three times."""
    for _ in range(3):
        dossier = services.pause_dossier(dossier=dossier, actor=world.counter, reason="other")
        dossier = services.resume_dossier(dossier=dossier, actor=world.counter)
    return dossier


@pytest.fixture
def processing(world):
    return services.start_processing(dossier=world.counter_dossier(), actor=world.counter, assignee=world.counter)


def test_tracking_reads_a_fixed_number_of_queries(world, processing, django_assert_num_queries):
    from django.test import Client

    def fetch():
        return Client().get(f"/api/v1/track/{processing.code}/")

    short = queries_of(fetch)
    longer(world, processing)
    with django_assert_num_queries(short):
        response = fetch()
    assert len(response.json()["timeline"]) >= 8


def test_the_dossier_detail_reads_a_fixed_number_of_queries(world, processing, django_assert_num_queries):
    client = client_for(world.counter)

    def fetch():
        world.counter._onestop_memberships = None
        return client.get(f"/api/v1/dossiers/{processing.code}/")

    fetch()  # the calendar and the process read once per process
    short = queries_of(fetch)
    longer(world, processing)
    with django_assert_num_queries(short):
        fetch()


def test_the_dossier_screen_reads_no_more_queries_with_a_longer_history(
    world, processing, client, django_assert_max_num_queries
):
    client.force_login(world.counter)
    client.get(f"/can-bo/ho-so/{processing.code}/")  # the session and the calendar read once

    short = queries_of(lambda: client.get(f"/can-bo/ho-so/{processing.code}/"))
    longer(world, processing)
    with django_assert_max_num_queries(short):
        client.get(f"/can-bo/ho-so/{processing.code}/")


def test_the_admin_change_list_reads_the_same_queries_at_any_size(world, client, django_assert_num_queries):
    client.force_login(world.admin)
    world.dossier_in(Status.RECEIVED)
    client.get("/admin/dossiers/dossier/")

    short = queries_of(lambda: client.get("/admin/dossiers/dossier/"))
    for state in (Status.PROCESSING, Status.PAUSED, Status.RESOLVED, Status.RETURNED):
        world.dossier_in(state)
    with django_assert_num_queries(short):
        response = client.get("/admin/dossiers/dossier/")
    assert len(response.context["cl"].result_list) == 5


def test_tracking_an_unchanged_dossier_again_reads_one_row_and_a_change_shows_at_once(
    world, processing, django_assert_num_queries
):
    from django.test import Client

    url = f"/api/v1/track/{processing.code}/"
    assert Client().get(url).json()["status"] == "processing"

    with django_assert_num_queries(1):
        again = Client().get(url).json()
    assert again["status"] == "processing"

    services.pause_dossier(dossier=processing, actor=world.counter, reason="other")
    after = Client().get(url).json()
    assert after["status"] == "paused"
    assert after["timeline"][-1]["action"] == "pause"
    assert after["is_overdue"] is False
