"""The sign-in code page shows the last code from the outbox in demo mode only."""

import re

import pytest
from django.core.cache import cache

from carnet.notify.models import OutboxMessage

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


def code_page(client, user) -> tuple[str, str]:
    cache.clear()
    client.post("/connexion/", {"login": user.username, "password": PASSWORD})
    sent = OutboxMessage.objects.filter(recipient=user.email).order_by("-pk").first()
    return re.search(r"\b(\d{6})\b", sent.body).group(1), client.get("/connexion/code/").content.decode()


def test_demo_mode_shows_the_code(client, alice, monkeypatch):
    monkeypatch.setenv("CARNET_DEMO", "1")
    code, page = code_page(client, alice.user)
    assert code in page


def test_outside_demo_mode_the_code_is_never_shown(client, alice, monkeypatch):
    monkeypatch.delenv("CARNET_DEMO", raising=False)
    code, page = code_page(client, alice.user)
    assert code not in page
