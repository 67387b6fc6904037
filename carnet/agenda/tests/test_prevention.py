"""The prevention calendar on dated examples: the official schedule (fixtures/prevention.json) from age,
sex and the vaccinations already recorded; proposals the patient accepts or dismisses."""

import datetime

import pytest

from carnet import factories
from carnet.agenda import actions, prevention, queries
from carnet.agenda.models import Event, PreventionProposal
from carnet.agenda.tests.test_events import me
from carnet.errors import Conflict
from carnet.records.models import ProfileEntry

DAY = datetime.date(2026, 12, 1)


def ids(found):
    return {item.rule["id"] for item in found}


def test_a_46_year_old_woman():
    found = prevention.due(datetime.date(1980, 6, 15), "F", DAY)
    assert ids(found) == {"bilan-prevention-45-50", "vaccin-dtp-45", "depistage-col-30-65"}
    cervical = next(item for item in found if item.rule["id"] == "depistage-col-30-65")
    assert (cervical.due_from, cervical.due_until) == (datetime.date(2025, 6, 15), datetime.date(2030, 6, 14))


def test_a_65_year_old_man_with_a_recorded_dtp_booster():
    booster = prevention.Vaccination(datetime.date(2026, 4, 2), "Rappel dTP (Revaxis)")
    found = prevention.due(datetime.date(1961, 3, 10), "M", DAY, [booster])
    assert ids(found) == {
        "bilan-prevention-60-65",
        "depistage-colorectal",
        "vaccin-grippe",
        "vaccin-covid",
        "vaccin-zona",
        "vaccin-pneumocoque",
    }
    without = prevention.due(datetime.date(1961, 3, 10), "M", DAY)
    assert "vaccin-dtp-65" in ids(without)  # the booster is what took it out


def test_an_old_booster_does_not_count_and_sex_matters():
    old = prevention.Vaccination(datetime.date(2006, 4, 2), "DTP")
    assert "vaccin-dtp-65" in ids(prevention.due(datetime.date(1961, 3, 10), "M", DAY, [old]))
    assert "depistage-sein" in ids(prevention.due(datetime.date(1961, 3, 10), "F", DAY))
    assert "depistage-sein" not in ids(prevention.due(datetime.date(1961, 3, 10), "M", DAY))


def test_every_rule_cites_its_source():
    assert all(rule["source"].strip() for rule in prevention.schedule()["rules"])


@pytest.mark.django_db
def test_proposals_use_the_health_profile_and_are_answered_once():
    patient = factories.make_patient("Paul", "Roux", birth_date=datetime.date(1961, 3, 10), sex="M")
    ProfileEntry.objects.create(
        patient=patient, kind="vaccination", label="Revaxis", date=datetime.date(2026, 4, 2), source="patient"
    )
    created = actions.propose_prevention(me(patient), patient, today=DAY)
    assert "vaccin-dtp-65" not in {p.rule_id for p in created} and len(created) == 6
    assert actions.propose_prevention(me(patient), patient, today=DAY) == []  # each window once
    flu = PreventionProposal.objects.get(patient=patient, rule_id="vaccin-grippe")
    actions.answer_proposal(me(patient), flu, accept=True)
    event = Event.objects.get(patient=patient, kind=Event.Kind.PREVENTION)
    assert event.prevention_rule == "vaccin-grippe" and event.title == prevention.rule_title("vaccin-grippe")
    with pytest.raises(Conflict):
        actions.answer_proposal(me(patient), flu, accept=False)
    zona = PreventionProposal.objects.get(patient=patient, rule_id="vaccin-zona")
    actions.answer_proposal(me(patient), zona, accept=False)
    assert {p.rule_id for p in queries.proposals(me(patient), patient)} == {
        "bilan-prevention-60-65",
        "depistage-colorectal",
        "vaccin-covid",
        "vaccin-pneumocoque",
    }


@pytest.mark.django_db
def test_a_professional_does_not_answer_for_the_patient(alice, bob):
    from carnet.access.decision import AccessDenied
    from carnet.agenda.tests.test_events import pro

    with pytest.raises(AccessDenied):
        actions.propose_prevention(pro(bob), alice, today=DAY)
