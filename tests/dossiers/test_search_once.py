"""A search over the worklist is run once: the dossiers it finds are read by their keys for the list's counts, its
tab counts and its page (each of which searched again before, eight capped tab counts among them); a whole dossier
code is looked up by the code's own index; a search finding more than the rows read once stays a filter."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dossiers import selectors, services
from dossiers.models import Status
from tests.factories import complete_documents

SEARCH = re.compile(r'"dossiers_dossier"\."search_text"(::text)? LIKE')


def _searches(queries) -> list[str]:
    """The statements that search the dossiers' search column."""
    return [q["sql"] for q in queries.captured_queries if SEARCH.search(q["sql"])]


def _lan(world, name="Nguyễn Thị Lan"):
    return services.create_dossier(
        actor=world.counter,
        procedure=world.procedure,
        channel="counter",
        receiving_agency=world.agency,
        applicant_name=name,
        applicant_phone="0912345678",
        documents=complete_documents(world.procedure),
    )


def test_the_worklist_searches_once_for_its_tabs_counts_and_page(client, world):
    lan = _lan(world)
    world.dossier_in(Status.PROCESSING)
    client.force_login(world.counter)
    client.get("/can-bo/?tab=tat-ca")  # warm the session and the calendar

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/can-bo/", {"tab": "tat-ca", "q": "nguyen thi lan"})

    assert [row[0].code for row in response.context["rows"]] == [lan.code]
    counts = {key: count for key, _label, count, _url, _shown in response.context["tabs"]}
    assert counts["tat-ca"] == 1 and counts["cho-tiep-nhan"] == 0
    assert len(_searches(queries)) == 1


def test_the_api_searches_once_for_its_count_and_page(client, world):
    lan = _lan(world)
    client.force_login(world.counter)

    with CaptureQueriesContext(connection) as queries:
        body = client.get("/api/v1/dossiers/", {"q": "0912 345 678"}).json()

    assert [row["code"] for row in body["results"]] == [lan.code] and body["count"] == 1
    assert len(_searches(queries)) == 1


def test_a_whole_code_is_found_by_its_code(client, world):
    lan = _lan(world)
    client.force_login(world.counter)

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/can-bo/", {"tab": "tat-ca", "q": f" {lan.code.lower()} "})

    assert [row[0].code for row in response.context["rows"]] == [lan.code]
    assert _searches(queries) == []


@pytest.mark.parametrize("read_once", [1, 500])
def test_a_search_finding_more_than_the_rows_read_once_lists_the_same(client, world, monkeypatch, read_once):
    monkeypatch.setattr(selectors, "SEARCH_ROWS_READ_ONCE", read_once)
    found = [_lan(world, f"Nguyễn Thị Lan {i}") for i in range(3)]
    _lan(world, "Lò Văn Minh")
    client.force_login(world.counter)

    response = client.get("/can-bo/", {"tab": "tat-ca", "q": "NGUYỄN THỊ LAN"})

    assert [row[0].code for row in response.context["rows"]] == [d.code for d in reversed(found)]
    counts = {key: count for key, _label, count, _url, _shown in response.context["tabs"]}
    assert counts["tat-ca"] == 3 and counts["cua-toi"] == 3  # received, for this counter to send on
