"""The derived "fully online" flag (000) and the online payment rate's inputs (004 note 5) for a
dossier paid online, one paid at the counter and one without a fee."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dossiers import services
from dossiers.models import Dossier
from payments.selectors import is_fully_online, online_payment_inputs
from tests.factories import at

pytestmark = pytest.mark.xdist_group("payment-sim")


def _finish(world, dossier, *, channel="online", electronic=True):
    """Process, resolve, attach the result and hand it over."""
    dossier = services.start_processing(dossier=dossier, actor=world.counter, at=at(2025, 8, 12, 11))
    dossier = services.resolve_dossier(dossier=dossier, actor=world.leader, result="approved", at=at(2025, 8, 13, 9))
    result = services.DocumentInput(component="ket-qua", name="Phiếu lý lịch tư pháp")
    if electronic:
        result.file = SimpleUploadedFile("ket-qua.pdf", b"%PDF-1.7\nsigned result\n", content_type="application/pdf")
    services.add_documents(dossier=dossier, actor=world.counter, documents=[result], is_result=True)
    return services.return_result(dossier=dossier, actor=world.counter, channel=channel, at=at(2025, 8, 13, 10))


@pytest.fixture
def three(world, fees, sim):
    paid_online = fees.received_online(fees.full)
    fees.pay_online(sim, paid_online)
    paid_online = _finish(world, paid_online)

    paid_at_counter = fees.received_online(fees.partial)
    fees.collect_at_counter(paid_at_counter, "NH-01", method="bank")
    paid_at_counter = _finish(world, paid_at_counter)

    no_fee = _finish(world, fees.received_online(fees.free))
    return paid_online, paid_at_counter, no_fee


def test_fully_online_flag(three):
    paid_online, paid_at_counter, no_fee = three
    assert is_fully_online(paid_online) is True
    assert is_fully_online(paid_at_counter) is False  # the applicant paid at the counter or a bank
    assert is_fully_online(no_fee) is True  # no fee: nothing to pay online


def test_online_payment_inputs(three):
    paid_online, paid_at_counter, no_fee = three
    inputs = online_payment_inputs(Dossier.objects.filter(pk__in=[d.pk for d in three]))
    assert inputs == {"numerator": 1, "denominator": 2}
    assert online_payment_inputs(Dossier.objects.filter(pk=no_fee.pk)) == {"numerator": 0, "denominator": 0}
    assert online_payment_inputs(Dossier.objects.filter(pk=paid_at_counter.pk)) == {"numerator": 0, "denominator": 1}


def test_not_fully_online_without_an_electronic_result_or_when_returned_at_the_counter(world, fees, sim):
    paper_result = _finish(world, fees.received_online(fees.free), electronic=False)
    at_counter = _finish(world, fees.received_online(fees.free), channel="counter")
    by_post = _finish(world, fees.received_online(fees.free), channel="post")
    filed_at_counter = _finish(world, world.counter_dossier(procedure=fees.free))
    assert is_fully_online(paper_result) is False
    assert is_fully_online(at_counter) is False
    assert is_fully_online(by_post) is True
    assert is_fully_online(filed_at_counter) is False


def test_unpaid_or_unfinished_dossier_is_not_fully_online(world, fees, sim):
    received = fees.received_online(fees.free)
    assert is_fully_online(received) is False
    unpaid = fees.received_online(fees.full)
    assert online_payment_inputs(Dossier.objects.filter(pk=unpaid.pk)) == {"numerator": 0, "denominator": 1}
