"""One dossier taken through the API from counter receipt to the returned result: every step, a supplement
round and a pause, all under one unchanged code, and every change in its history."""

from dossiers.models import Dossier
from tests.dossiers.api_support import action_url, client_for, create_body, pdf_file


def test_from_counter_receipt_to_returned_result(world):
    counter, specialist, leader = client_for(world.counter), client_for(world.specialist), client_for(world.leader)
    seen_codes = set()

    def act(client, action, body=None, *, multipart=False, status=200):
        response = client.post(
            action_url(code, action),
            body or {},
            format="multipart" if multipart else "json",
            HTTP_IF_MATCH=f'"{version()}"',
        )
        assert response.status_code == status, (action, response.json())
        seen_codes.add(response.json()["code"])
        return response.json()

    def version():
        return Dossier.objects.get(code=code).version

    created = counter.post("/api/v1/dossiers/", create_body(world), format="json")
    assert created.status_code == 201
    code = created.json()["code"]
    assert created.json()["status"] == "received"
    assert counter.get(f"/api/v1/dossiers/{code}/receipt.pdf").status_code == 200

    body = act(counter, "start", {"assignee": "canbo.motcua"})
    assert (body["status"], body["current_step"]["name"]) == ("processing", "Tiếp nhận")

    body = act(counter, "complete-step", {"assignee": "chuyenvien", "note": "Chuyển thẩm định"})
    assert body["current_step"]["name"] == "Thẩm định"
    assert body["current_step"]["assignee"] == "chuyenvien"

    body = act(specialist, "request-supplement", {"missing_documents": ["Bản sao giấy chứng sinh"]})
    assert (body["status"], body["clock_running"]) == ("supplement", False)

    body = act(
        counter,
        "submit-supplement",
        {"documents[giay-chung-sinh]": pdf_file("giay-chung-sinh.pdf"), "note": "Đã nộp bổ sung"},
        multipart=True,
    )
    assert (body["status"], body["clock_running"]) == ("processing", True)
    assert "giay-chung-sinh" in {d["component"] for d in body["documents"]}

    body = act(specialist, "complete-step", {"assignee": "lanhdao"})
    assert body["current_step"]["name"] == "Phê duyệt"

    body = act(leader, "pause", {"reason": "inter_agency", "note": "Xin ý kiến Sở Xây dựng"})
    assert (body["status"], body["clock_running"]) == ("paused", False)
    body = act(leader, "resume", {"note": "Đã có ý kiến"})
    assert body["status"] == "processing"

    body = act(leader, "send-back", {"note": "Thẩm định lại hồ sơ"})
    assert body["current_step"]["name"] == "Thẩm định"
    assert body["current_step"]["assignee"] == "chuyenvien"
    body = act(specialist, "complete-step", {"assignee": "lanhdao"})
    body = act(leader, "complete-step", {"assignee": "lanhdao"})
    assert body["current_step"]["name"] == "Ký"

    body = act(leader, "complete-step", {"result": "approved", "note": "Đồng ý cấp"})
    assert (body["status"], body["result"]) == ("resolved", "approved")
    assert body["current_step"] is None

    upload = counter.post(
        f"/api/v1/dossiers/{code}/documents/",
        {"component": "ket-qua", "name": "Trích lục khai sinh", "file": pdf_file("ket-qua.pdf"), "is_result": "true"},
        format="multipart",
    )
    assert upload.status_code == 201

    body = act(counter, "return-result", {"channel": "counter"})
    assert body["status"] == "returned"
    assert body["allowed_actions"] == []
    assert body["verdict"] in ("early", "on_time", "late")

    assert seen_codes == {code}
    history = counter.get(f"/api/v1/dossiers/{code}/history/").json()
    assert [e["seq"] for e in history] == list(range(1, len(history) + 1))
    assert [e["action"] for e in history] == [
        "receive",
        "start",
        "complete-step",
        "request-supplement",
        "submit-supplement",
        "complete-step",
        "pause",
        "resume",
        "send-back",
        "complete-step",
        "complete-step",
        "complete-step",
        "add-document",
        "return-result",
    ]
    steps_done = [e["step"] for e in history if e["action"] == "complete-step"]
    assert steps_done == ["Tiếp nhận", "Thẩm định", "Thẩm định", "Phê duyệt", "Ký"]
    assert history[-1]["to_status"] == "returned"
    detail = counter.get(f"/api/v1/dossiers/{code}/").json()
    assert [s["name"] for s in detail["steps"]] == [
        "Tiếp nhận",
        "Thẩm định",
        "Phê duyệt",
        "Thẩm định",
        "Phê duyệt",
        "Ký",
    ]
    tracking = client_for().get(f"/api/v1/track/{code}/").json()
    assert tracking["status"] == "returned"
    # The public timeline is the history less the moves between steps (send-back, assign) and notes.
    internal = {"send-back", "assign", "note"}
    assert [e["action"] for e in tracking["timeline"]] == [e["action"] for e in history if e["action"] not in internal]
    assert "send-back" in {e["action"] for e in history}
