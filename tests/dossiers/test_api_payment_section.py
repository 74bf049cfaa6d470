"""The fee section that the payments app adds to the dossier detail and to public tracking."""

from tests.dossiers.api_support import client_for


def test_detail_shows_what_is_owed_and_tracking_shows_it_without_the_payment_records(world):
    world.procedure.fee_amount = 50_000
    world.procedure.save()
    dossier = world.counter_dossier()

    detail = client_for(world.counter).get(f"/api/v1/dossiers/{dossier.code}/").json()
    tracked = client_for().get(f"/api/v1/track/{dossier.code}/").json()

    assert detail["payment"]["has_fee"] is True
    assert detail["payment"]["amount_due"] == 50_000
    assert detail["payment"]["status"] == "unpaid"
    assert detail["payment"]["payments"] == []  # none yet; the officer sees the list, the public does not
    assert detail["payment"]["status_label"] == "Chưa nộp phí, lệ phí"
    assert tracked["payment"]["status"] == "unpaid"
    assert tracked["payment"]["status_label"] == "Chưa nộp phí, lệ phí"
    assert "payments" not in tracked["payment"]


def test_a_dossier_without_fee_says_so(world):
    dossier = world.counter_dossier()

    detail = client_for(world.counter).get(f"/api/v1/dossiers/{dossier.code}/").json()

    assert detail["payment"]["has_fee"] is False
    assert detail["payment"]["status"] == "none"
