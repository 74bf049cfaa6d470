"""The whole round trip with nothing handed over by hand: the simulator itself sends its signed
notification (twice, late) to the callback of a running onestop server."""

import time

import pytest

from dossiers.models import DossierEvent
from payments.models import Payment, PaymentStatus
from tests.payments.helpers import api

pytestmark = [pytest.mark.xdist_group("payment-sim"), pytest.mark.django_db(transaction=True)]


def _wait_for(predicate, seconds=15.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_platform_delivers_duplicated_delayed_notification_to_the_running_server(
    world, fees, sim, settings, live_server
):
    settings.PAYMENT_CALLBACK_URL = live_server.url + "/api/v1/payments/callback/"
    sim.behave(deliver=True, duplicates=2, delay_seconds=1)
    dossier = fees.received_online(fees.full)
    started = api(world.applicant).post(f"/api/v1/dossiers/{dossier.code}/payments/").json()
    status, _back = sim.press(started["pay_url"], "pay")
    assert status == 303

    assert _wait_for(lambda: all(m["delivered_at"] for m in sim.outbox(started["reference"])))
    messages = sim.outbox(started["reference"])
    assert len(messages) == 2 and all(m["last_status"] == 200 for m in messages)
    payment = Payment.objects.get(pk=started["payment_id"])
    assert payment.status == PaymentStatus.PAID and payment.confirmed_via == "notification"
    paid = DossierEvent.objects.filter(dossier=dossier, action="payment", data__status="paid")
    assert paid.count() == 1
