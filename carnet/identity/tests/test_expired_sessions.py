"""Expired sessions are deleted every day (a national service opens millions a day); a live one stays.
The session is made by the real sign-in (password, then the e-mailed code)."""

import datetime

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.utils import timezone

from carnet.access.actor import Role
from carnet.access.decision import AccessDenied
from carnet.access.permissions import Permission as P
from carnet.access.tests import world
from carnet.identity import actions
from carnet.identity.tests.test_sign_in import last_code, password_step
from carnet.journal.models import Entry
from carnet.schedule.registry import SCHEDULES

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


def signed_in_through_the_pages(client, patient):
    password_step(client, patient.user.username)
    client.post("/connexion/code/", {"code": last_code(patient.user)})
    assert client.get("/patient/").status_code == 200
    return client


def after_expiry() -> datetime.datetime:
    return timezone.now() + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE + 1)


def test_a_live_session_stays_and_an_expired_one_goes(client, alice):
    signed_in_through_the_pages(client, alice)
    assert actions.clear_expired_sessions() == 0
    assert client.get("/patient/").status_code == 200  # still signed in
    open_sessions = Session.objects.count()
    assert open_sessions >= 1
    assert actions.clear_expired_sessions(now=after_expiry()) == open_sessions
    assert not Session.objects.exists()
    assert client.get("/patient/").status_code == 302  # back to the sign-in page
    entry = Entry.objects.filter(action=P.ACCOUNT_EXPIRED_CLEAR).last()
    assert entry.allowed and entry.actor_role == Role.SYSTEM


def test_the_daily_schedule_clears_expired_sessions(client, alice):
    signed_in_through_the_pages(client, alice)
    Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))  # time has passed
    declared = SCHEDULES["clear-expired-sessions"]
    assert declared.period_setting == "CARNET_DAILY_PERIOD"
    assert declared.run() == 1 and not Session.objects.exists()


@pytest.mark.parametrize("who", world.NOT_THE_SERVICE)
def test_nobody_but_the_service_clears_sessions(client, alice, bob, erin, who):
    actor = world.not_the_service(who, alice, bob, erin)
    signed_in_through_the_pages(client, alice)
    with pytest.raises(AccessDenied):
        actions.clear_expired_sessions(actor, now=after_expiry())
    assert Session.objects.count() == 1
    assert Entry.objects.filter(action=P.ACCOUNT_EXPIRED_CLEAR, allowed=False).exists()
