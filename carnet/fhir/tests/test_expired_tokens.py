"""The apps' expired tokens and spent codes are deleted every day; what a live connection needs stays.
The tokens come from a real patient app's connection (consent, code with PKCE, exchange)."""

import datetime
import json

import pytest
from django.utils import timezone
from oauth2_provider.models import AccessToken, RefreshToken
from oauth2_provider.models import Grant as AuthorizationCode

from carnet.access.decision import AccessDenied
from carnet.access.permissions import Permission as P
from carnet.access.tests import world
from carnet.fhir import actions
from carnet.fhir.models import RedeemedCode
from carnet.fhir.tests.conftest import Fhir
from carnet.fhir.tests.test_code_replay import app, consented_code, exchange, refresh  # noqa: F401 - fixture
from carnet.journal.models import Entry
from carnet.schedule.registry import SCHEDULES

pytestmark = pytest.mark.django_db


def a_while_ago() -> datetime.datetime:
    return timezone.now() - datetime.timedelta(hours=1)


def test_a_live_connection_keeps_its_tokens_and_its_code(client, app, alice):  # noqa: F811
    code, verifier = consented_code(client, app, alice)
    tokens = exchange(app, code, verifier).json()
    assert actions.clear_expired_tokens() == 0
    assert RedeemedCode.objects.count() == 1 and RefreshToken.objects.count() == 1
    assert Fhir(tokens["access_token"]).get("DocumentReference").status_code == 200
    # Its access token expires: the refresh token still renews it, so both stay, and the code's record too.
    AccessToken.objects.update(expires=a_while_ago())
    assert actions.clear_expired_tokens() == 0
    assert AccessToken.objects.count() == 1 and RedeemedCode.objects.count() == 1
    renewed = refresh(app, tokens["refresh_token"])
    assert renewed.status_code == 200, renewed.content
    # The rotated refresh token is revoked but its family lives: kept (reuse detection), and the code's too.
    assert actions.clear_expired_tokens() == 0
    assert RefreshToken.objects.filter(revoked__isnull=False).count() == 1
    assert RedeemedCode.objects.count() == 1
    assert refresh(app, tokens["refresh_token"]).status_code == 400  # the old one replayed: refused
    # and the code replayed after the clean-up still revokes what it obtained
    assert exchange(app, code, verifier).status_code == 400
    assert not RefreshToken.objects.filter(revoked__isnull=True).exists()
    entry = Entry.objects.filter(action=P.ACCOUNT_EXPIRED_CLEAR).last()
    assert entry.allowed and json.loads(entry.detail)["what"] == "app tokens"


def test_a_revoked_app_leaves_no_spent_code_behind(client, app, alice):  # noqa: F811
    code, verifier = consented_code(client, app, alice)
    exchange(app, code, verifier)
    answer = client.post("/patient/applications/", {"application": app.pk})  # Alice disconnects the app
    assert answer.status_code == 302 and not AccessToken.objects.exists()
    assert actions.clear_expired_tokens() == 1
    assert not RedeemedCode.objects.exists() and not RefreshToken.objects.exists()


def test_the_revoked_refresh_tokens_of_a_family_go_with_it(client, app, alice):  # noqa: F811
    code, verifier = consented_code(client, app, alice)
    tokens = exchange(app, code, verifier).json()
    for _ in range(3):  # the app renews its token three times: three revoked, one live
        tokens = refresh(app, tokens["refresh_token"]).json()
    assert RefreshToken.objects.filter(revoked__isnull=False).count() == 3
    assert actions.clear_expired_tokens() == 0 and RefreshToken.objects.count() == 4
    RefreshToken.objects.filter(revoked__isnull=True).update(revoked=timezone.now())  # the family is revoked
    actions.clear_expired_tokens()
    assert not RefreshToken.objects.exists()


def test_a_code_never_exchanged_goes_once_expired(client, app, alice):  # noqa: F811
    consented_code(client, app, alice)
    assert actions.clear_expired_tokens() == 0 and AuthorizationCode.objects.count() == 1
    AuthorizationCode.objects.update(expires=a_while_ago())  # its minute has passed
    declared = SCHEDULES["clear-expired-tokens"]
    assert declared.period_setting == "CARNET_DAILY_PERIOD"
    declared.run()
    assert not AuthorizationCode.objects.exists()


def test_an_expired_token_without_refresh_goes(client, app, alice):  # noqa: F811
    code, verifier = consented_code(client, app, alice)
    exchange(app, code, verifier)
    RefreshToken.objects.all().delete()  # an app that asked for no refresh token
    AccessToken.objects.update(expires=a_while_ago())
    assert actions.clear_expired_tokens() == 1  # the code's record went with its token
    assert not AccessToken.objects.exists()


@pytest.mark.parametrize("who", world.NOT_THE_SERVICE)
def test_nobody_but_the_service_clears_tokens(client, app, alice, bob, erin, who):  # noqa: F811
    actor = world.not_the_service(who, alice, bob, erin)
    consented_code(client, app, alice)
    AuthorizationCode.objects.update(expires=a_while_ago())
    with pytest.raises(AccessDenied):
        actions.clear_expired_tokens(actor)
    assert AuthorizationCode.objects.count() == 1
    assert Entry.objects.filter(action=P.ACCOUNT_EXPIRED_CLEAR, allowed=False).exists()
