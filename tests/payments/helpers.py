"""Steps the payments tests share: the fee procedures, paying online and at the counter, withdrawing a
paid dossier (which requests its refunds), the platform's notifications, and a stand-in for the
platform's refund call."""

from __future__ import annotations

from dossiers import services
from dossiers.models import DossierEvent
from payments import platform
from payments.models import Refund
from tests.dossiers.api_support import client_for
from tests.factories import ProcedureFactory, at, make_process
from workflows.models import OnlineLevel

api = client_for  # an API client, signed in as the user if one is given


def deliver(client, message: dict):
    """Post one of the platform's signed notifications to the callback exactly as it was signed."""
    return client.post(
        "/api/v1/payments/callback/",
        data=message["body"],
        content_type="application/json",
        headers=message["headers"],
    )


def refund_rows(dossier) -> list[DossierEvent]:
    """The dossier's history rows about its refunds, oldest first."""
    return list(DossierEvent.objects.filter(dossier=dossier, action="payment", data__has_key="refund").order_by("seq"))


class Fees:
    """Procedures of each kind the fee rules tell apart, in the shared world's agency, and the steps that
    bring a dossier of theirs to a paid, withdrawn or refunded state."""

    def __init__(self, world, capture_on_commit):
        self.world = world
        self._capture_on_commit = capture_on_commit
        self.full = ProcedureFactory(
            competent_agency=world.agency, online_level=OnlineLevel.FULL, fee_amount=50_000, name="Cấp phiếu LLTP"
        )
        self.partial = ProcedureFactory(
            competent_agency=world.agency, online_level=OnlineLevel.PARTIAL, fee_amount=30_000
        )
        self.free = ProcedureFactory(competent_agency=world.agency, online_level=OnlineLevel.FULL, fee_amount=0)
        for procedure in (self.full, self.partial, self.free):
            make_process(procedure)

    def received_online(self, procedure):
        """Filed online by the applicant and accepted by the counter."""
        dossier = self.world.online_dossier(procedure=procedure)
        return services.receive_dossier(dossier=dossier, actor=self.world.counter, at=at(2025, 8, 12, 10))

    def pay_online(self, sim, dossier) -> dict:
        """The applicant starts a payment, pays on the platform's page, the notification arrives."""
        answer = api(self.world.applicant).post(f"/api/v1/dossiers/{dossier.code}/payments/")
        assert answer.status_code == 201, answer.json()
        status, _back = sim.press(answer.json()["pay_url"], "pay")
        assert status == 303
        (message,) = sim.outbox(answer.json()["reference"])
        assert deliver(api(), message).status_code == 200
        return answer.json()

    def collect_at_counter(self, dossier, receipt_number: str, method: str = "cash") -> dict:
        """The counter officer records the fee paid in cash or at a bank, through the API."""
        answer = api(self.world.counter).post(
            f"/api/v1/dossiers/{dossier.code}/payments/counter/", {"method": method, "receipt_number": receipt_number}
        )
        assert answer.status_code == 201, answer.json()
        return answer.json()

    def withdraw(self, dossier, *, actor=None, note: str = "Công dân xin rút", run_tasks: bool = True):
        """Withdraw the dossier and run what its commit schedules (the refund tasks among them), unless
        `run_tasks` is False: then the refunds are requested and wait for the sweep."""
        with self._capture_on_commit(execute=run_tasks):
            return services.withdraw_dossier(dossier=dossier, actor=actor or self.world.counter, note=note)

    def withdrawn_after_cash(self, receipt_number: str = "0000778"):
        """A partial-online dossier paid in cash, then withdrawn: answers it and its refund."""
        dossier = self.received_online(self.partial)
        self.collect_at_counter(dossier, receipt_number)
        dossier = self.withdraw(dossier)
        return dossier, Refund.objects.get(payment__dossier=dossier)

    def withdrawn_after_online_payment(self, sim, *, run_tasks: bool = True):
        """A full-online dossier paid online, then withdrawn by its applicant: answers it and its refund."""
        dossier = self.received_online(self.full)
        self.pay_online(sim, dossier)
        dossier = self.withdraw(dossier, actor=self.world.applicant, note="Không còn nhu cầu", run_tasks=run_tasks)
        return dossier, Refund.objects.get(payment__dossier=dossier)


class WorkerStopped(Exception):
    """The worker making a platform call stopped before it learnt the answer."""


class RefundPlatform:
    """Stands in for the platform's refund call: records each call and answers from a script, one entry
    per call: "ok" (refunded), "unreachable" (no answer), "crash" (the worker stops during the call) or
    the HTTP status it refuses with. When the script runs out, its last entry repeats. `during_call`, if
    set, runs inside each call (another worker acting meanwhile)."""

    during_call = None

    def __init__(self, monkeypatch, *answers: str | int):
        self.calls: list[dict] = []
        self.answers = list(answers) or ["ok"]
        monkeypatch.setattr(platform, "refund_payment", self)

    def __call__(self, **request):
        self.calls.append(request)
        answer = self.answers[min(len(self.calls), len(self.answers)) - 1]
        if self.during_call is not None:
            self.during_call()
        if answer == "crash":
            raise WorkerStopped
        if answer == "unreachable":
            raise platform.PlatformError("timed out")
        if answer != "ok":
            raise platform.PlatformError(f"HTTP {answer} từ Nền tảng thanh toán", status=answer)
        return {"refund_reference": request["refund_reference"], "status": "refunded", "amount": request["amount"]}
