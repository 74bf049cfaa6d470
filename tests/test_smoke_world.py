import pytest

from dossiers.models import Status


@pytest.mark.parametrize("state", Status.values)
def test_every_state_is_reachable_through_the_services(world, state):
    dossier = world.dossier_in(state)
    dossier.refresh_from_db()
    assert dossier.status == state
    assert dossier.events.count() >= 1
