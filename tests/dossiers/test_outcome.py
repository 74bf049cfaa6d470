"""What a dossier's state says of how it ended."""

import pytest

from dossiers.models import Dossier, Status

ENDED_WITHOUT_RESULT = {Status.REJECTED, Status.WITHDRAWN, Status.STOPPED}


@pytest.mark.parametrize("status", Status.values)
def test_only_a_refused_withdrawn_or_stopped_dossier_ended_without_a_result(status):
    assert Dossier(status=status).ended_without_result is (status in ENDED_WITHOUT_RESULT)
