"""Concurrent changes on real PostgreSQL: the dossier row lock lets exactly one of two conflicting
actions win, and concurrent receipts never share a code (DOMAIN §3)."""

import pytest

from dossiers import services
from dossiers.models import Dossier, DossierEvent, Status
from dossiers.services import ChangedUnderYou, DossierError, TransitionNotAllowed
from tests.concurrency import race
from tests.factories import at

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def one_winner(outcomes, *loser_types):
    winners = [o for o in outcomes if isinstance(o, Dossier)]
    losers = [o for o in outcomes if isinstance(o, DossierError)]
    assert len(winners) == 1, outcomes
    assert len(losers) == len(outcomes) - 1, outcomes
    for loser in losers:
        assert isinstance(loser, loser_types), loser
        assert loser.status == 409
    return winners[0]


@pytest.mark.parametrize("round_", range(3))
def test_two_officers_completing_the_same_step_one_wins(world, round_):
    dossier = world.dossier_in(Status.PROCESSING)
    dossier.refresh_from_db()
    seen, events = dossier.version, dossier.events.count()
    when = at(2025, 8, 12, 14)
    outcomes = race(
        lambda: services.complete_step(dossier=dossier.code, actor=world.counter, expected_version=seen, at=when),
        lambda: services.complete_step(dossier=dossier.code, actor=world.admin, expected_version=seen, at=when),
    )
    one_winner(outcomes, ChangedUnderYou, TransitionNotAllowed)
    dossier.refresh_from_db()
    assert dossier.events.count() == events + 1
    assert dossier.version == seen + 1
    assert dossier.current_step.name == "Thẩm định"
    assert dossier.steps.count() == 2


@pytest.mark.parametrize("round_", range(3))
def test_pause_against_resolve_one_wins(world, round_):
    dossier = world.dossier_in(Status.PROCESSING)
    events = dossier.events.count()
    when = at(2025, 8, 12, 14)
    outcomes = race(
        lambda: services.pause_dossier(dossier=dossier.code, actor=world.counter, reason="verification", at=when),
        lambda: services.resolve_dossier(dossier=dossier.code, actor=world.leader, result="approved", at=when),
    )
    winner = one_winner(outcomes, TransitionNotAllowed)
    dossier.refresh_from_db()
    assert dossier.status == winner.status
    assert dossier.status in (Status.PAUSED, Status.RESOLVED)
    assert dossier.events.count() == events + 1
    assert dossier.clock_running is False


def test_twenty_parallel_receipts_get_twenty_distinct_codes(world):
    when = at(2025, 8, 12, 9)
    world.counter_dossier(when=at(2025, 8, 11, 9))  # a day earlier: its own sequence
    outcomes = race(*[lambda: world.counter_dossier(when=when) for _ in range(20)])
    assert all(isinstance(o, Dossier) for o in outcomes), outcomes
    codes = sorted(o.code for o in outcomes)
    assert codes == [f"000.00.12.H52-250812-{n:04d}" for n in range(1, 21)]
    assert Dossier.objects.filter(code__contains="-250812-").count() == 20
    assert DossierEvent.objects.filter(action="receive").count() == 21
