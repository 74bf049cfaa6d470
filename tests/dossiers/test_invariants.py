"""Random sequences of actions by random people (officers of the competent agency and of another one, the
applicant), with time passing between them, and the invariants checked after every step: a dossier's code never
changes; its history is complete and ordered (seq 1..n, times never going back, each row starting where the one
before ended, the last ending in the dossier's state); time stopped by a pause is never counted; a terminal state
is final; every history row the portal must hear of has exactly one outbox row; every dossier's history seals
hold (each row's hash chained to the one before, the last one kept on the dossier). A refusal (DossierError) is an
answer; any other exception fails the test."""

import datetime as dt
import inspect

import pytest
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from dossiers import services
from dossiers.models import Dossier, DossierEvent, Status
from dossiers.services import DossierError, remaining_working_seconds
from dossiers.verification import broken_histories
from portal.mapping import active_mapping
from portal.models import OutboxMessage
from tests.factories import at

TERMINAL = {Status.RETURNED, Status.REJECTED, Status.WITHDRAWN, Status.STOPPED}
ARGUMENTS = {
    "note": "Lý do ghi trong hồ sơ",
    "reason": "verification",
    "missing_documents": ["Bản sao giấy khai sinh"],
    "result": "approved",
}


def _kwargs(action, dossier, now) -> dict:
    """What a person fills in for this action: its required fields and a note."""
    kwargs = {}
    for name, parameter in inspect.signature(services.ACTION_SERVICES[action]).parameters.items():
        if name in ARGUMENTS and (parameter.default is inspect.Parameter.empty or name == "note"):
            kwargs[name] = ARGUMENTS[name]
        elif name == "new_appointment":
            after = dossier.appointment_at or now
            kwargs[name] = (after + dt.timedelta(days=3)).date()
    return kwargs


@pytest.mark.django_db
def test_random_actions_by_random_people_keep_the_invariants(world):
    people = [world.counter, world.specialist, world.leader, world.outsider, world.applicant, world.centre_counter]

    class Office(RuleBasedStateMachine):
        dossiers = Bundle("dossiers")

        def __init__(self):
            super().__init__()
            self.now = at(2025, 8, 12, 9)
            self.known = {}  # pk -> {"code", "terminal": (status, events) or None, "paused_with": seconds}

        @rule(target=dossiers, online=st.booleans())
        def file(self, online):
            made = world.online_dossier(when=self.now) if online else world.counter_dossier(when=self.now)
            self.known[made.pk] = {"code": made.code, "terminal": None, "paused_with": None}
            return made.pk

        @rule(hours=st.sampled_from([0.5, 3, 20, 70]))
        def wait(self, hours):
            self.now += dt.timedelta(hours=hours)

        @rule(pk=dossiers, action=st.sampled_from(sorted(services.ACTION_SERVICES)), who=st.integers(0, 5))
        def act(self, pk, action, who):
            dossier = Dossier.objects.get(pk=pk)
            before = remaining_working_seconds(dossier, self.now)
            self.now += dt.timedelta(minutes=5)
            try:
                changed = services.ACTION_SERVICES[action](
                    dossier=dossier, actor=people[who], at=self.now, **_kwargs(action, dossier, self.now)
                )
            except DossierError:
                event("refused")
                return
            event(f"{action}: {dossier.status} -> {changed.status}")
            known = self.known[pk]
            if changed.status == Status.PAUSED and dossier.status != Status.PAUSED:
                known["paused_with"] = before
            elif dossier.status == Status.PAUSED and changed.status == Status.PROCESSING:
                # The working time the pause lasted is not counted: what was left when it began is left now.
                assert remaining_working_seconds(changed, self.now) == pytest.approx(known["paused_with"], abs=1)
                known["paused_with"] = None

        @invariant()
        def codes_never_change_and_history_is_complete_and_ordered(self):
            silent = active_mapping().is_silent
            for pk, known in self.known.items():
                dossier = Dossier.objects.get(pk=pk)
                assert dossier.code == known["code"]
                events = list(DossierEvent.objects.filter(dossier_id=pk).order_by("seq"))
                assert [e.seq for e in events] == list(range(1, len(events) + 1))
                assert all(a.at <= b.at for a, b in zip(events, events[1:], strict=False))
                for earlier, later in zip(events, events[1:], strict=False):
                    assert later.from_status == earlier.to_status, (earlier.action, later.action)
                assert events[-1].to_status == dossier.status
                outbox = list(OutboxMessage.objects.filter(dossier_id=pk).order_by("seq").values_list("seq", flat=True))
                assert outbox == [e.seq for e in events if not silent(e.action)]  # one row per history row
                if known["terminal"] is not None:
                    assert (dossier.status, len(events)) == known["terminal"]  # nothing happens after the end
                elif dossier.status in TERMINAL:
                    known["terminal"] = (dossier.status, len(events))
                if dossier.status in (Status.PAUSED, Status.SUPPLEMENT):  # stopped time is not counted
                    later = self.now + dt.timedelta(days=9)
                    assert remaining_working_seconds(dossier, later) == remaining_working_seconds(dossier, self.now)

        @invariant()
        def every_history_keeps_its_seals(self):
            codes = [known["code"] for known in self.known.values()]
            assert list(broken_histories(codes=codes)) == []

    run_state_machine_as_test(
        Office,
        settings=settings(
            max_examples=20,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
