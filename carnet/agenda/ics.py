"""iCalendar (RFC 5545) output of the agenda (the ``icalendar`` library): a feed, and one file per event."""

import datetime

from django.conf import settings
from icalendar import Calendar
from icalendar import Event as VEvent

from carnet.agenda.models import Event

PRODID = "-//carnet//agenda//FR"


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    return calendar


def _vevent(event: Event) -> VEvent:
    vevent = VEvent()
    vevent.add("uid", f"{event.uid}@carnet")
    vevent.add("dtstamp", event.updated_at)
    vevent.add("dtstart", event.starts_at)
    vevent.add("dtend", event.ends_at or event.starts_at + datetime.timedelta(minutes=30))
    vevent.add("summary", event.title)
    if event.location:
        vevent.add("location", event.location)
    vevent.add("status", "CANCELLED" if event.status == Event.Status.CANCELLED else "CONFIRMED")
    vevent.add("url", f"{settings.SITE_URL}/patient/agenda/{event.uid}/")
    return vevent


def feed(name: str, events) -> bytes:
    calendar = _calendar(name)
    for event in events:
        calendar.add_component(_vevent(event))
    return calendar.to_ical()


def single(event: Event) -> bytes:
    calendar = _calendar(event.title)
    calendar.add_component(_vevent(event))
    return calendar.to_ical()
