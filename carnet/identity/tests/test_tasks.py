"""The lifecycle tasks run their action (ImmediateBackend in tests)."""

import pytest

from carnet import factories
from carnet.identity import tasks
from carnet.identity.models import Patient

pytestmark = pytest.mark.django_db
State = Patient.State


def test_tasks_run_and_report_how_many_spaces_moved():
    factories.make_patient("Léa", "Roux", user=None, state=State.PENDING)
    assert tasks.open_unactivated_spaces.enqueue().return_value == 0
    assert tasks.close_expired_suspensions.enqueue().return_value == 0
    assert tasks.hand_over_at_majority.enqueue().return_value == 0
