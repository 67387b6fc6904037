"""Professional software acts only for the structures (FINESS) and professionals it was declared for, with
assertions of 5 minutes at most, each usable once in every process and after a restart (the review got
tokens for 9 of 9 professionals from one client, used a 10-year assertion and replayed one per process)."""

import time
import uuid

import jwt
import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.test import Client

from carnet import factories
from carnet.fhir.models import AssertionUse, TokenContext
from carnet.fhir.tests.conftest import TOKEN_URL

pytestmark = pytest.mark.django_db
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


def signed(software, rpps, **changes):
    """An assertion as the software would sign it, without declaring anything on its behalf."""
    app, key = software
    now = int(time.time())
    claims = {"iss": app.client_id, "sub": app.client_id, "aud": TOKEN_URL, "iat": now, "exp": now + 60}
    claims |= {"jti": str(uuid.uuid4()), "rpps": rpps} | changes
    return jwt.encode({k: v for k, v in claims.items() if v is not None}, key, algorithm="ES256")


def ask(jwt_assertion):
    body = {"grant_type": "client_credentials", "client_assertion": jwt_assertion}
    return Client().post("/oauth/token/", body | {"client_assertion_type": ASSERTION_TYPE})


@pytest.fixture
def cabinet(software, bob, dave):
    """The software is declared for bob's structure; dave works elsewhere."""
    type(bob).objects.filter(pk=bob.pk).update(finess="750000001")
    bob.refresh_from_db()
    call_command("software", "bind", software[0].client_id, "--finess", "750000001")
    return software


def test_the_software_acts_for_a_professional_of_its_structure(cabinet, bob):
    response = ask(signed(cabinet, bob.rpps))
    assert response.status_code == 200
    assert TokenContext.objects.get().structure == "750000001"


def test_the_software_cannot_act_for_a_professional_it_does_not_serve(cabinet, dave):
    response = ask(signed(cabinet, dave.rpps))
    assert response.status_code == 401 and "not declared" in response.json()["error_description"]
    assert not TokenContext.objects.exists()


def test_one_professional_declared_by_rpps(cabinet, dave):
    call_command("software", "bind", cabinet[0].client_id, "--rpps", dave.rpps)
    assert ask(signed(cabinet, dave.rpps)).status_code == 200


def test_a_structure_named_freely_is_refused(cabinet, bob):
    assert ask(signed(cabinet, bob.rpps, structure="Clinique imaginaire")).status_code == 401
    assert ask(signed(cabinet, bob.rpps, structure="750000001")).status_code == 200


@pytest.mark.parametrize(
    "change",
    [
        {"exp": int(time.time()) + 10 * 365 * 86400},  # ten years
        {"iat": int(time.time()) - 3600, "exp": int(time.time()) + 60},  # an hour-long life
        {"exp": int(time.time()) + 600, "iat": int(time.time()) + 290},  # short life, far expiry
        {"iat": None},  # no issue time: its life cannot be told
    ],
)
def test_assertions_living_longer_than_5_minutes_are_refused(cabinet, bob, change):
    assert ask(signed(cabinet, bob.rpps, **change)).status_code == 401


def test_a_replay_fails_after_a_restart_and_in_another_process(cabinet, bob):
    once = signed(cabinet, bob.rpps)
    assert ask(once).status_code == 200
    cache.clear()  # a restart, or another worker process: their memory caches hold nothing
    assert ask(once).status_code == 401
    assert AssertionUse.objects.count() == 1


def test_the_command_refuses_unknown_professionals_and_bad_finess(cabinet, capsys):
    with pytest.raises(CommandError):
        call_command("software", "bind", cabinet[0].client_id, "--rpps", factories.rpps_for(99999))
    with pytest.raises(CommandError):
        call_command("software", "bind", cabinet[0].client_id, "--finess", "not-finess")
    call_command("software", "list")
    assert "750000001" in capsys.readouterr().out
