"""The sign-in and enrolment decisions of professionals, every role against each (the policy table's
format): who may invite, who may use an enrolment link, whose sign-in by a provider is recorded."""

import pytest

from carnet.access.permissions import Permission as P
from carnet.access.policy import decide
from carnet.access.tests import world

pytestmark = pytest.mark.django_db

ON_A_PROFESSIONAL = {
    P.ACCOUNT_PROFESSIONAL_INVITE: {"operator", "system"},
    P.ACCOUNT_PROFESSIONAL_ENROL: {"anonymous"},
}


@pytest.mark.parametrize("action", list(ON_A_PROFESSIONAL))
def test_invitations_and_enrolment(action):
    patient, pros, actors, document = world.build_world()
    wrong = [
        f"{role}: {decide(actors[role], action, pros['doctor-no-grant']).rule}"
        for role in world.ROLES
        if decide(actors[role], action, pros["doctor-no-grant"]).allowed
        != (role in ON_A_PROFESSIONAL[action])
    ]
    assert not wrong, "\n".join(wrong)


def test_a_sign_in_by_provider_is_the_visitors_step_or_the_persons_own():
    patient, pros, actors, document = world.build_world()
    user = pros["doctor-no-grant"].user
    allowed = {role for role in world.ROLES if decide(actors[role], P.ACCOUNT_SIGN_IN_PROVIDER, user).allowed}
    assert allowed == {"anonymous", "doctor-no-grant"}
