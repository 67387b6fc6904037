"""Health profile and wishes: the patient declares, professionals record, each with source and date."""

import datetime

import pytest

from carnet.access.decision import AccessDenied
from carnet.records import profile, queries
from carnet.records.models import ProfileEntry
from carnet.records.tests.helpers import me, pro

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 10, 1)


def test_patient_and_gp_write_the_profile_with_their_source(alice, bob):
    mine = profile.add_profile_entry(me(alice), alice, kind="allergy", label="Pénicilline", date=DAY)
    gps = profile.add_profile_entry(
        pro(bob), alice, kind="measurement", label="Tension", value="12/8", unit="cmHg", date=DAY
    )
    assert (mine.source, mine.author) == ("patient", None)
    assert (gps.source, gps.author) == ("professional", bob)
    assert set(queries.health_profile(pro(bob), alice)) == {mine, gps}


def test_a_stranger_neither_reads_nor_writes_the_profile(alice, dave):
    with pytest.raises(AccessDenied):
        profile.add_profile_entry(pro(dave), alice, kind="allergy", label="x", date=DAY)
    with pytest.raises(AccessDenied):
        queries.health_profile(pro(dave), alice)
    assert ProfileEntry.objects.count() == 0


def test_patient_removes_own_entries_not_a_professionals(alice, bob):
    mine = profile.add_profile_entry(me(alice), alice, kind="condition", label="Asthme", date=DAY)
    gps = profile.add_profile_entry(pro(bob), alice, kind="treatment", label="Ventoline", date=DAY)
    profile.remove_profile_entry(me(alice), mine)
    with pytest.raises(AccessDenied):
        profile.remove_profile_entry(me(alice), gps)
    assert list(queries.health_profile(me(alice), alice)) == [gps]


def test_wishes_are_the_patients_own(alice, bob):
    profile.set_wish(me(alice), alice, kind="organ-donation", organ_donation="oui")
    profile.set_wish(me(alice), alice, kind="organ-donation", organ_donation="non")
    profile.set_wish(me(alice), alice, kind="emergency-contact", name="Paul Martin", phone="0600000000")
    profile.set_wish(me(alice), alice, kind="emergency-contact", name="Léa Martin", phone="0611111111")
    wishes = list(queries.patient_wishes(pro(bob), alice))
    assert [w.organ_donation for w in wishes if w.kind == "organ-donation"] == ["non"]
    assert len([w for w in wishes if w.kind == "emergency-contact"]) == 2
    with pytest.raises(AccessDenied):
        profile.set_wish(pro(bob), alice, kind="advance-directives", text="...")
