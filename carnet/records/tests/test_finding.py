"""Finding things: filters, the three views, and full-text search, always through the policy."""

import datetime

import pytest

from carnet.records import actions, queries
from carnet.records.samples import sample_pdf
from carnet.records.tests.helpers import me, meta, pro

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(alice, bob):
    docs = {
        "consultation": actions.deposit_document(
            pro(bob),
            alice,
            sample_pdf("Consultation", ["Souffle cardiaque discret"]),
            meta("11488-4", "Consultation cardiologie", care_date=datetime.date(2026, 3, 1)),
        ),
        "lab": actions.deposit_document(
            pro(bob),
            alice,
            "Hémoglobine glyquée 6,1 %".encode(),
            meta("11502-2", "Bilan sanguin", care_date=datetime.date(2026, 6, 1)),
        ),
        "remb": actions.deposit_document(
            pro(bob),
            alice,
            b"Certificat",
            meta("89601-9", "Certificat de sport", care_date=datetime.date(2025, 9, 1)),
        ),
        "own": actions.deposit_document(me(alice), alice, b"Mes notes de sommeil", meta("DOCPAT02", "Notes")),
    }
    return docs


def ids(documents):
    return {d.pk for d in documents}


def test_filters(alice, record):
    actor = me(alice)
    assert ids(queries.list_documents(actor, alice, type_code="11502-2")) == {record["lab"].pk}
    assert ids(
        queries.list_documents(
            actor, alice, date_from=datetime.date(2026, 1, 1), date_to=datetime.date(2026, 12, 31)
        )
    ) >= {record["lab"].pk, record["consultation"].pk}
    assert record["remb"].pk not in ids(
        queries.list_documents(actor, alice, date_from=datetime.date(2026, 1, 1))
    )
    assert ids(queries.list_documents(actor, alice, author_id=alice.gp_id)) == ids(
        [record["consultation"], record["lab"], record["remb"]]
    )
    assert ids(queries.list_documents(actor, alice, specialty="medecine-generale")) == ids(
        [record["consultation"], record["lab"], record["remb"]]
    )


def test_medical_view_leaves_out_patient_and_administrative_documents(alice, record):
    medical = ids(queries.list_documents(me(alice), alice, view="medical"))
    assert record["own"].pk not in medical and record["lab"].pk in medical
    assert record["own"].pk in ids(queries.list_documents(me(alice), alice, view="documents"))


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("souffle", {"consultation"}),  # from the PDF text
        ("hémoglobine", {"lab"}),  # from plain text, with an accent
        ("hemoglobine", {"lab"}),  # and without
        ("certificat sport", {"remb"}),  # from the title
        ("introuvable", set()),
        ('" OR 1', set()),  # search syntax in user input is just words
    ],
)
def test_full_text_search(alice, record, words, expected):
    found = ids(queries.list_documents(me(alice), alice, text=words))
    assert found == {record[name].pk for name in expected}


def test_search_obeys_the_policy(alice, record, charlie):
    from carnet.access.actions import declare_consent

    declare_consent(pro(charlie), alice)
    assert ids(queries.list_documents(pro(charlie), alice, text="hémoglobine")) == {record["lab"].pk}
    assert (
        ids(queries.list_documents(pro(charlie), alice, text="souffle")) == set()
    )  # matrix: not for pharmacists
    actions.set_document_visibility(me(alice), record["lab"], "private")
    assert ids(queries.list_documents(pro(charlie), alice, text="hémoglobine")) == set()


def test_reading_the_text_for_the_index_is_journaled_and_refused_to_anyone_else(alice, record, bob):
    """The worker decrypts a document to index its text: that read is in the patient's journal, as the
    service's; the same action by a person is refused (and journaled as refused)."""
    from carnet.access.decision import AccessDenied
    from carnet.access.gate import authorize
    from carnet.access.permissions import Permission as P
    from carnet.journal.models import Entry

    reads = Entry.objects.filter(action=P.RECORD_DOCUMENT_INDEX, patient_id=alice.pk)
    assert set(reads.values_list("actor_role", "resource_id", "allowed", "rule")) == {
        ("system", str(document.pk), True, "search-indexing") for document in record.values()
    }
    for actor in (me(alice), pro(bob)):
        with pytest.raises(AccessDenied):
            authorize(actor, P.RECORD_DOCUMENT_INDEX, record["lab"])
    assert reads.filter(allowed=False).count() == 2


def test_the_policy_filter_holds_inside_a_subquery(alice, record, charlie, bob):
    """The filter must not depend on the alias a query gives the document table (subqueries alias it)."""
    from django.db.models import Exists

    from carnet.access.actions import declare_consent
    from carnet.records.models import Document

    declare_consent(pro(charlie), alice)
    actions.set_document_visibility(me(alice), record["consultation"], "masked")
    for actor in (pro(charlie), pro(bob), me(alice)):
        direct = ids(queries.visible_documents(actor, alice))
        nested = ids(Document.objects.filter(pk__in=queries.visible_documents(actor, alice).values("pk")))
        assert nested == direct
    assert ids(queries.visible_documents(pro(charlie), alice)) == {record["lab"].pk}
    # "does Alice have a document Charlie may read?" asked from every document row: yes on each of them,
    # whatever the outer row is (a filter naming the outer table would answer from the outer row instead)
    asked = Document.objects.annotate(readable=Exists(queries.visible_documents(pro(charlie), alice)))
    assert set(asked.values_list("readable", flat=True)) == {True}
