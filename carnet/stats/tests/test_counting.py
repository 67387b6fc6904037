"""What the statistics count, through the services people use: deposits, reads, emergencies, and the
public tables built from them. "Read" never counts the author, and the patient's reads are apart."""

import datetime
from collections import Counter

import pytest
from django.core.management import call_command
from django.http import Http404
from django.utils import timezone

from carnet import factories
from carnet.access import actions as access
from carnet.access.actions import EMERGENCY_REASONS
from carnet.access.actor import SYSTEM, Actor, Role
from carnet.access.decision import AccessDenied
from carnet.messaging import actions as messaging
from carnet.records import actions as records
from carnet.records import queries as records_queries
from carnet.records.samples import sample_pdf
from carnet.records.tests.helpers import me, meta, pro
from carnet.stats import actions as stats_actions
from carnet.stats import grouped, queries
from carnet.stats.actions import rebuild_statistics, refresh_statistics
from carnet.stats.models import Cell, DocumentReading

pytestmark = pytest.mark.django_db
PDF = sample_pdf("Compte rendu", ["Tension 12/8"])
REASON = sorted(EMERGENCY_REASONS)[0]


@pytest.fixture(autouse=True)
def _no_lag(settings):
    """Count what was just done (in production a run stops 5 minutes before now)."""
    settings.CARNET_STATS_LAG_SECONDS = 0


def total(metric, **fields):
    return sum(Cell.objects.filter(metric=metric, **fields).values_list("value", flat=True))


def counters():
    return sorted(Cell.objects.values_list("metric", "month", "department", "age_band", "dimension", "value"))


def deposit(author, patient, n=1, type_code="11488-4"):
    return [records.deposit_document(pro(author), patient, PDF, meta(type_code=type_code)) for _ in range(n)]


def test_a_read_by_the_author_is_not_a_read_and_the_patients_is_counted_apart(alice, bob, dave):
    documents = deposit(bob, alice, 3)
    access.declare_consent(pro(dave), alice)
    for document in documents:
        records_queries.get_document(pro(bob), document.pk)  # the author rereads his own report
    records_queries.get_document(me(alice), documents[0].pk)
    records_queries.get_document(pro(dave), documents[1].pk)
    records_queries.get_document(pro(dave), documents[1].pk)  # twice: one document read
    refresh_statistics()
    assert total("documents_deposited") == 3
    assert total("documents_read_by_professional") == 1
    assert total("documents_read_by_patient") == 1
    assert total("documents_read_within_30") == 2
    assert total("first_professional_read_delay", dimension="0") == 1


def test_a_refused_read_is_not_a_read(alice, bob, dave):
    (document,) = deposit(bob, alice)
    with pytest.raises(Http404):
        records_queries.get_document(pro(dave), document.pk)
    refresh_statistics()
    assert total("documents_read_by_professional") == 0


def test_runs_are_incremental_and_a_rebuild_gives_the_same_counts(alice, bob, dave):
    deposit(bob, alice, 2)
    refresh_statistics()
    refresh_statistics()
    assert total("documents_deposited") == 2, "a second run adds nothing already counted"
    deposit(bob, alice, 1)
    refresh_statistics()
    assert total("documents_deposited") == 3
    before = sorted(
        Cell.objects.values_list("metric", "month", "department", "age_band", "dimension", "value")
    )
    rebuild_statistics()
    after = sorted(
        Cell.objects.values_list("metric", "month", "department", "age_band", "dimension", "value")
    )
    assert after == before


def test_what_is_newer_than_the_lag_waits_for_the_next_run(alice, bob, settings):
    settings.CARNET_STATS_LAG_SECONDS = 300
    deposit(bob, alice)
    refresh_statistics()
    assert total("documents_deposited") == 0
    refresh_statistics(now=timezone.now() + datetime.timedelta(seconds=301))
    assert total("documents_deposited") == 1


def test_counts_carry_the_department_and_age_band_of_the_patient(alice, bob):
    type(alice).objects.filter(pk=alice.pk).update(address="3 rue des Lilas 69003 Lyon")
    deposit(bob, alice)
    refresh_statistics()
    cell = Cell.objects.get(metric="documents_deposited")
    assert cell.department == "69"
    assert cell.age_band


def test_emergency_accesses_and_their_review_are_counted(alice, bob, dave, erin):
    emergency = access.break_glass(pro(dave), alice, REASON, "inconscient aux urgences")
    operator = Actor(role=Role.OPERATOR, user=erin)
    access.review_emergency_access(operator, emergency, "justified", "")
    refresh_statistics()
    assert total("emergency_accesses", dimension="emergency") == 1
    assert total("emergency_reviews", dimension="justified") == 1


def test_destroying_a_document_row_leaves_no_reading_behind(alice, bob):
    (document,) = deposit(bob, alice)
    refresh_statistics()
    assert DocumentReading.objects.filter(document=document).exists()
    type(document).objects.filter(pk=document.pk).delete()
    assert not DocumentReading.objects.exists()


def test_published_tables_hide_small_counts_and_show_the_rest(alice, bob, dave):
    documents = deposit(bob, alice, 12)
    access.declare_consent(pro(dave), alice)
    for document in documents[:4]:
        records_queries.get_document(pro(dave), document.pk)
    refresh_statistics()
    deposited = queries.show("documents-deposes-par-classe")
    month_row = deposited.rows[-1]
    assert "12" in month_row[1], "12 consultation reports this month: published"
    read = queries.show("documents-lus-par-un-professionnel")
    assert read.rows[-1][1] == ["< 11"], "4 documents read: under the threshold"
    csv_text = queries.as_csv("documents-lus-par-un-professionnel")
    assert ",inferieur-11" in csv_text and ",4," not in csv_text


def test_the_command_refreshes_and_lists_the_tables(alice, bob, capsys):
    call_command("stats", "refresh")
    assert "statistics refresh" in capsys.readouterr().out
    call_command("stats", "show")
    assert "documents-lus-par-un-professionnel" in capsys.readouterr().out


def test_only_the_service_and_operators_refresh(alice, bob, erin):
    for refused in (me(alice), pro(bob)):
        with pytest.raises(AccessDenied):
            refresh_statistics(refused)
    assert refresh_statistics(Actor(role=Role.OPERATOR, user=erin)).until is not None
    assert refresh_statistics(SYSTEM).until is not None


def test_messages_are_counted_by_side_and_by_channel(alice, bob):
    mailbox = messaging.personal_mailbox(bob)
    hello = messaging.Draft(body="Bonjour Alice, vos résultats sont normaux.")
    conversation = messaging.start_conversation(pro(bob), alice, mailbox, "Résultats", hello)
    messaging.send_message(me(alice), conversation, messaging.Draft(body="Merci docteur"))
    refresh_statistics()
    assert total("messages_exchanged", dimension="professional") == 1
    assert total("messages_exchanged", dimension="patient") == 1
    assert total("messages_by_channel", dimension="web") == 2
    table = queries.table("messages-echanges")
    assert table is not None


@pytest.mark.skipif(not grouped.available(), reason="the database grouping is PostgreSQL's path")
def test_the_database_grouping_counts_what_the_row_by_row_path_counts(alice, bob):
    """Spaces and deposits of several people (departments, ages, a birthday on the deposit's month edge),
    counted both ways over the same window: the same counters, and one reading row per document."""
    type(alice).objects.filter(pk=alice.pk).update(address="3 rue des Lilas 69003 Lyon")
    born = [datetime.date(2008, 12, 31), datetime.date(1950, 2, 28), datetime.date(1990, 6, 1)]
    people = [
        factories.make_patient("Jean", f"Essai{i}", birth_date=birth, address=address)
        for i, (birth, address) in enumerate(
            zip(born, ["1 place 13001 Marseille", "BP 12 97200 Fort", ""], strict=True)
        )
    ]
    for patient in [alice, *people]:
        deposit(bob, patient, 2)
    records.deposit_document(me(alice), alice, PDF, meta(type_code="DOCPAT01"))
    until = timezone.now()
    by_rows: Counter = Counter()
    stats_actions._count_spaces(by_rows, None, until)
    stats_actions._count_deposits(by_rows, None, until)
    rows_readings = sorted(DocumentReading.objects.values_list("document_id", "department", "age_band"))
    DocumentReading.objects.all().delete()
    by_database: Counter = Counter()
    grouped.count_window(by_database, None, until)
    assert by_database == by_rows
    assert (
        sorted(DocumentReading.objects.values_list("document_id", "department", "age_band")) == rows_readings
    )
    assert {key[2] for key in by_rows} >= {"69", "13", "972"}
