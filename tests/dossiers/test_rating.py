"""The applicant's rating (POST /api/v1/dossiers/{code}/rating/): once, after return, by the applicant."""

from dossiers import services
from dossiers.models import Rating
from tests.dossiers.api_support import client_for


def returned_online_dossier(world):
    dossier = world.online_dossier()
    dossier = services.receive_dossier(dossier=dossier, actor=world.counter)
    dossier = services.start_processing(dossier=dossier, actor=world.counter)
    dossier = services.resolve_dossier(dossier=dossier, actor=world.leader, result="approved")
    return services.return_result(dossier=dossier, actor=world.counter)


def test_the_applicant_rates_a_returned_dossier_once(world):
    dossier = returned_online_dossier(world)
    client = client_for(world.applicant)

    first = client.post(
        f"/api/v1/dossiers/{dossier.code}/rating/", {"value": "satisfied", "comment": " Nhanh, gọn "}, format="json"
    )
    again = client.post(f"/api/v1/dossiers/{dossier.code}/rating/", {"value": "not_satisfied"}, format="json")

    assert first.status_code == 201
    assert first.json()["value"] == "satisfied"
    assert first.json()["value_label"] == "Hài lòng"
    rating = Rating.objects.get(dossier=dossier)
    assert (rating.value, rating.comment, rating.rated_by) == ("satisfied", "Nhanh, gọn", world.applicant)
    assert again.status_code == 409
    assert again.json() == {
        "detail": "Hồ sơ này đã được đánh giá; mỗi hồ sơ chỉ đánh giá một lần.",
        "code": "already_rated",
    }
    assert Rating.objects.get(dossier=dossier).value == "satisfied"


def test_a_rating_before_return_is_refused_with_a_clear_message(world):
    dossier = world.online_dossier()

    response = client_for(world.applicant).post(
        f"/api/v1/dossiers/{dossier.code}/rating/", {"value": "very_satisfied"}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["code"] == "not_returned"
    assert response.json()["detail"].startswith("Hồ sơ chưa trả kết quả nên chưa thể đánh giá")
    assert not Rating.objects.exists()


def test_an_unknown_value_and_someone_else_are_refused(world):
    dossier = returned_online_dossier(world)

    bad = client_for(world.applicant).post(f"/api/v1/dossiers/{dossier.code}/rating/", {"value": "5"}, format="json")
    officer = client_for(world.counter).post(
        f"/api/v1/dossiers/{dossier.code}/rating/", {"value": "satisfied"}, format="json"
    )
    stranger = client_for(world.outsider).post(
        f"/api/v1/dossiers/{dossier.code}/rating/", {"value": "satisfied"}, format="json"
    )

    assert bad.status_code == 400
    assert bad.json()["detail"] == "Chọn một mức: rất hài lòng, hài lòng hoặc không hài lòng."
    assert officer.status_code == 403
    assert officer.json()["detail"] == "Chỉ người nộp hồ sơ mới đánh giá được hồ sơ này."
    assert stranger.status_code == 404
    assert not Rating.objects.exists()
