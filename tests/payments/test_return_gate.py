"""No result is handed back while a fee is owed: the counter collects it first on the same screen (or an
exemption leaves nothing owed), and only then "Trả kết quả" goes through."""

import datetime as dt

import pytest
from django.urls import reverse

from dossiers import services
from dossiers.models import Status
from payments.models import FeeExemption
from tests.factories import at


def resolved(fees, procedure):
    dossier = fees.received_online(procedure)
    world = fees.world
    dossier = services.start_processing(dossier=dossier, actor=world.counter, at=at(2025, 8, 12, 11))
    return services.resolve_dossier(dossier=dossier, actor=world.leader, result="approved", at=at(2025, 8, 12, 14))


def test_returning_with_200000_owed_is_refused_and_says_how_to_collect(world, fees):
    dossier = resolved(fees, fees.partial)

    with pytest.raises(services.DossierError) as refused:
        services.return_result(dossier=dossier, actor=world.counter, at=at(2025, 8, 13, 9))

    assert "Hồ sơ còn nợ 30.000 đồng phí, lệ phí" in refused.value.message
    assert "Thu phí tại quầy" in refused.value.message
    dossier.refresh_from_db()
    assert dossier.status == Status.RESOLVED


def test_collected_at_the_counter_then_returned(world, fees):
    dossier = resolved(fees, fees.partial)
    fees.collect_at_counter(dossier, "BL-0100")

    returned = services.return_result(dossier=dossier, actor=world.counter, at=at(2025, 8, 13, 9))

    assert returned.status == Status.RETURNED


def test_an_exempted_fee_does_not_hold_the_result_back(world, fees):
    FeeExemption.objects.create(name="Miễn lệ phí", procedure=fees.partial, percent=100, valid_from=dt.date(2025, 1, 1))
    dossier = resolved(fees, fees.partial)

    assert services.return_result(dossier=dossier, actor=world.counter, at=at(2025, 8, 13, 9)).status == "returned"


def test_the_screen_offers_collection_and_no_return_until_paid(client, world, fees):
    dossier = resolved(fees, fees.partial)
    client.force_login(world.counter)
    url = reverse("officer:dossier", args=[dossier.code])

    before = client.get(url).content.decode()
    assert "Thu phí tại quầy" in before
    assert 'id="tt-return-result"' not in before
    assert "Hồ sơ còn nợ 30.000 đồng phí, lệ phí" in before  # why "Trả kết quả" is missing

    client.post(
        reverse("officer-payments:counter-payment", args=[dossier.code]), {"method": "cash", "receipt_number": "BL-1"}
    )
    after = client.get(url).content.decode()
    assert 'id="tt-return-result"' in after
    response = client.post(reverse("officer:action", args=[dossier.code, "return-result"]), {"channel": "counter"})
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.RETURNED
