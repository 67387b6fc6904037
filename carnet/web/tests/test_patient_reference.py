"""A professional reaches a patient only by INS lookup (journaled), under a reference valid in their own
session: the review enumerated `/pro/patients/<id>/` and read names, birth dates and NIR prefixes, even
as a professional the patient had blocked. The NIR travels in no URL (the search is a POST)."""

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver

from carnet.access.models import Block
from carnet.journal.models import Entry
from carnet.web.tests.test_journeys import found, signed_in

pytestmark = pytest.mark.django_db


def test_the_lookup_by_ins_opens_the_page_and_is_journaled(client, alice, dave):
    doctor = signed_in(client, dave.user)
    page = doctor.get(found(doctor, alice))
    assert page.status_code == 200 and "Martin" in page.content.decode()
    entry = Entry.objects.get(action="access:patient:lookup")
    assert (entry.patient_id, entry.actor_professional_id, entry.allowed) == (alice.pk, dave.pk, True)


def _routes(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern)


# Every professional's page about a patient, read from the URL configuration: a new one is checked too.
PATIENT_PAGES = sorted(
    route for route in _routes(get_resolver().url_patterns) if "<str:patient_ref>" in route
)


def test_every_professional_page_about_a_patient_takes_the_session_reference():
    assert len(PATIENT_PAGES) >= 8 and all(route.startswith("pro/") for route in PATIENT_PAGES)
    assert not [r for r in _routes(get_resolver().url_patterns) if r.startswith("pro/") and "patient_id" in r]


@pytest.mark.parametrize("route", PATIENT_PAGES)
def test_a_patients_number_in_the_url_opens_nothing(client, alice, bob, route):
    gp = signed_in(client, bob.user)  # even her GP: the number is not a way in
    url = "/" + route.replace("<str:patient_ref>", str(alice.pk))
    for response in (gp.get(url), gp.post(url)):
        assert response.status_code in {404, 405}, url
        assert "Martin" not in response.content.decode()


def test_another_professionals_reference_opens_nothing(alice, bob, dave):
    gp = signed_in(Client(), bob.user)
    reference = found(gp, alice)
    assert signed_in(Client(), dave.user).get(reference).status_code == 404


def test_a_blocked_professional_learns_nothing(client, alice, dave):
    Block.objects.create(patient=alice, professional=dave)
    doctor = signed_in(client, dave.user)
    response = doctor.post("/pro/", {"nir": alice.nir, "birth_date": alice.birth_date.isoformat()})
    text = response.content.decode()
    assert response.status_code == 200 and "Aucun patient ne correspond" in text
    assert "Martin" not in text and "Alice" not in text
    assert Entry.objects.get(action="access:patient:lookup").allowed is False


def test_the_search_is_a_post_and_a_nir_in_the_query_string_finds_nobody(client, alice, dave):
    doctor = signed_in(client, dave.user)
    page = doctor.get("/pro/", {"nir": alice.nir, "birth_date": alice.birth_date.isoformat()})
    assert page.status_code == 200 and '<form method="post"' in page.content.decode()
    assert not Entry.objects.filter(action="access:patient:lookup").exists()


def full_width(text: str) -> str:
    return "".join(chr(0xFF10 + int(ch)) if ch.isdigit() else ch for ch in text)


def test_full_width_digits_in_the_ins_find_nobody(client, alice, dave):
    """The review's look-alike: U+FF10..U+FF19 digits resolved to the patient; only ASCII digits do."""
    doctor = signed_in(client, dave.user)
    response = doctor.post(
        "/pro/", {"nir": full_width(alice.nir), "birth_date": alice.birth_date.isoformat()}
    )
    assert response.status_code == 200 and "Martin" not in response.content.decode()
    assert not Entry.objects.filter(action="access:patient:lookup", allowed=True).exists()
    assert doctor.get(found(doctor, alice)).status_code == 200  # the same INS in ASCII digits
    spaced = "\u00a0".join((alice.nir[0], alice.nir[1:3], alice.nir[3:5], alice.nir[5:]))  # pasted, NBSP
    assert (
        doctor.post("/pro/", {"nir": spaced, "birth_date": alice.birth_date.isoformat()}).status_code == 302
    )
