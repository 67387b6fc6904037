"""The iCalendar feed at a secret, revocable address and the .ics of one event, read back by a real parser."""

import icalendar
import pytest

from carnet.agenda import actions
from carnet.agenda.models import CalendarFeed
from carnet.agenda.tests.test_events import at, me, pro
from carnet.web.tests.test_journeys import signed_in

pytestmark = pytest.mark.django_db


def test_feed_round_trips_through_icalendar_and_stops_once_revoked(client, alice, bob):
    mine = actions.create_event(me(alice), alice, actions.EventData("Kiné", at(2), at(2, 11), "Cabinet Nord"))
    theirs = actions.create_event(pro(bob), alice, actions.EventData("Consultation", at(5)))
    actions.cancel_event(pro(bob), theirs)
    token = actions.open_calendar_feed(me(alice), alice)
    response = client.get(f"/patient/agenda/flux/{token}.ics")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    events = {str(e["summary"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {"Kiné", "Consultation"}
    assert events["Kiné"].decoded("dtstart") == mine.starts_at
    assert events["Kiné"].decoded("dtend") == mine.ends_at
    assert str(events["Kiné"]["location"]) == "Cabinet Nord"
    assert str(events["Kiné"]["uid"]) == f"{mine.uid}@carnet"
    assert str(events["Consultation"]["status"]) == "CANCELLED"
    actions.revoke_calendar_feed(me(alice), alice)
    assert client.get(f"/patient/agenda/flux/{token}.ics").status_code == 404


def test_a_new_address_revokes_the_previous_one(client, alice):
    first = actions.open_calendar_feed(me(alice), alice)
    second = actions.open_calendar_feed(me(alice), alice)
    assert client.get(f"/patient/agenda/flux/{first}.ics").status_code == 404
    assert client.get(f"/patient/agenda/flux/{second}.ics").status_code == 200
    assert CalendarFeed.objects.filter(patient=alice, revoked_at__isnull=True).count() == 1
    assert not CalendarFeed.objects.filter(token_hash=second).exists()  # only the hash is kept


def test_a_guessed_address_is_not_found(client, alice):
    actions.open_calendar_feed(me(alice), alice)
    assert client.get("/patient/agenda/flux/not-the-secret.ics").status_code == 404


def test_feed_page_shows_the_address_once_then_revokes(client, alice):
    signed_in(client, alice.user)
    client.post("/patient/agenda/flux/", {"action": "open"})
    page = client.get("/patient/agenda/").content.decode()
    url = page.split("<code>")[1].split("</code>")[0]
    assert client.get(url.replace("http://testserver", "")).status_code == 200
    assert "<code>" not in client.get("/patient/agenda/").content.decode()
    client.post("/patient/agenda/flux/", {"action": "revoke"})
    assert client.get(url.replace("http://testserver", "")).status_code == 404


def test_one_event_as_ics_and_not_for_a_stranger(client, alice, bob):
    from carnet import factories

    event = actions.create_event(me(alice), alice, actions.EventData("Kiné", at(2)))
    signed_in(client, alice.user)
    response = client.get(f"/patient/agenda/{event.uid}/evenement.ics")
    (vevent,) = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert str(vevent["summary"]) == "Kiné"
    other = factories.make_patient("Zoé", "Autre")
    client.logout()
    signed_in(client, other.user)
    assert client.get(f"/patient/agenda/{event.uid}/evenement.ics").status_code == 404
