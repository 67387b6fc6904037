"""ITI-67 as FHIR clients use it: lenient on unknown parameters (strict when asked), every declared
DocumentReference parameter filters, _sort, _include, _summary=count, paging both ways that keeps repeated
parameters and never carries a NIR, POST _search, and a patient app confined to its own patient."""

from urllib.parse import parse_qs, urlparse

import pytest

from carnet.fhir.tests.conftest import Fhir, document_bundle
from carnet.records.samples import sample_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def five(as_pro, alice, bob):
    """Five documents of alice by bob: consultation reports (even) and prescriptions (odd)."""
    api = as_pro(bob)
    docs = [(f"urn:oid:9.{n}", "57833-6" if n % 2 else "11488-4", sample_pdf(f"doc {n}")) for n in range(5)]
    bundle = document_bundle(alice, *docs)
    for n, entry in enumerate(
        e for e in bundle["entry"] if e["resource"]["resourceType"] == "DocumentReference"
    ):
        entry["resource"]["content"][0]["attachment"]["creation"] = f"2026-11-0{n + 1}T10:00:00+01:00"
        entry["resource"]["context"]["facilityType"] = {
            "coding": [{"system": "http://snomed.info/sct", "code": f"F{n % 2}"}]
        }
        entry["resource"]["context"]["event"] = [{"coding": [{"code": "E1" if n == 0 else "E2"}]}]
        entry["resource"]["context"]["related"] = [{"identifier": {"value": f"R{n}"}}]
        entry["resource"]["securityLabel"] = (
            [{"coding": [{"system": "urn:example:other", "code": "OTHER"}]}] if n == 1 else []
        )
    assert api.post("", bundle).status_code == 200
    return api


def total(api, **params):
    response = api.get("DocumentReference", **params)
    assert response.status_code == 200, response.content
    return response.json()["total"]


def test_unknown_parameters_are_ignored_unless_strict(five, alice):
    assert (
        total(five, patient=alice.pk, colour="blue", _elements="id", _total="accurate", _format="json") == 5
    )
    strict = five.client.get(
        "/fhir/DocumentReference",
        {"patient": alice.pk, "colour": "blue"},
        HTTP_PREFER="handling=strict",
        **five.headers,
    )
    assert strict.status_code == 400 and "colour" in strict.json()["issue"][0]["diagnostics"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"type": "http://loinc.org|57833-6"}, 2),
        ({"category": "42"}, 2),
        ({"status": "current"}, 5),
        ({"status": "superseded"}, 0),
        ({"author.family": "Durand"}, 5),
        ({"author.given": "Bob"}, 5),
        ({"author.given": "Nobody"}, 0),
        ({"creation": "ge2026-11-04"}, 2),
        ({"creation": "lt2026-11-02"}, 1),
        ({"creation": "2026-11-03"}, 1),
        ({"period": "ge2026-11-20"}, 5),
        ({"period": "lt2026-11-20"}, 0),
        ({"date": "ge2026-01-01"}, 5),
        ({"date": "lt2026-01-01"}, 0),
        ({"format": "urn:ihe:iti:xds:2017:mimeTypeSufficient"}, 5),
        ({"format": "urn:other"}, 0),
        ({"facility": "F1"}, 2),
        ({"event": "E1"}, 1),
        ({"related": "R3"}, 1),
        ({"security-label": "N"}, 5),
        ({"security-label": "MASQUE_PS"}, 0),
        ({"security-label": "OTHER"}, 1),
        ({"setting": "x"}, 0),
        ({"identifier": "urn:oid:9.2"}, 1),
    ],
)
def test_every_declared_parameter_filters(five, alice, params, expected):
    assert total(five, patient=alice.pk, **params) == expected


def test_author_and_id(five, alice, bob):
    assert total(five, patient=alice.pk, author=f"Practitioner/{bob.pk}") == 5
    one = five.get("DocumentReference", patient=alice.pk).json()["entry"][0]["resource"]["id"]
    assert total(five, patient=alice.pk, _id=one) == 1


def test_paging_both_ways_keeps_repeated_dates_and_never_a_nir(five, alice):
    identifier = f"urn:oid:1.2.250.1.213.1.4.8|{alice.nir}"
    params = {"patient.identifier": identifier, "date": ["ge2026-01-01", "le2030-01-01"], "_count": 2}
    page = five.client.get("/fhir/DocumentReference", params, **five.headers).json()
    links = {link["relation"]: link["url"] for link in page["link"]}
    assert set(links) >= {"self", "first", "next", "last"} and "previous" not in links
    assert all(alice.nir not in url and "patient.identifier" not in url for url in links.values())
    query = parse_qs(urlparse(links["next"]).query)
    assert query["date"] == ["ge2026-01-01", "le2030-01-01"] and query["patient"] == [str(alice.pk)]
    second = five.client.get(links["next"], **five.headers).json()
    assert second["total"] == 5 and len(second["entry"]) == 2
    back = {link["relation"]: link["url"] for link in second["link"]}["previous"]
    assert [e["resource"]["id"] for e in five.client.get(back, **five.headers).json()["entry"]] == [
        e["resource"]["id"] for e in page["entry"]
    ]


def test_sort_summary_count_and_count_zero(five, alice):
    ascending = five.get("DocumentReference", patient=alice.pk, _sort="type").json()["entry"]
    assert [e["resource"]["type"]["coding"][0]["code"] for e in ascending][0] == "11488-4"
    descending = five.get("DocumentReference", patient=alice.pk, _sort="-type").json()["entry"]
    assert descending[0]["resource"]["type"]["coding"][0]["code"] == "57833-6"
    for params in ({"_summary": "count"}, {"_count": "0"}):
        counted = five.get("DocumentReference", patient=alice.pk, **params).json()
        assert counted["total"] == 5 and "entry" not in counted


def test_include_subject_and_author(five, alice, bob):
    found = five.client.get(
        "/fhir/DocumentReference",
        {"patient": alice.pk, "_include": ["DocumentReference:subject", "DocumentReference:author"]},
        **five.headers,
    ).json()
    included = {
        (e["resource"]["resourceType"], e["resource"]["id"])
        for e in found["entry"]
        if e["search"]["mode"] == "include"
    }
    assert included == {("Patient", str(alice.pk)), ("Practitioner", str(bob.pk))}


def test_post_search_with_parameters_in_url_and_body(five, alice):
    response = five.client.post(
        f"/fhir/DocumentReference/_search?patient={alice.pk}",
        {"type": "http://loinc.org|57833-6", "_count": "1"},
        **five.headers,
    )
    assert response.status_code == 200 and response.json()["total"] == 2
    next_link = {link["relation"]: link["url"] for link in response.json()["link"]}["next"]
    assert "_search" not in next_link
    assert five.client.get(next_link, **five.headers).json()["entry"]


def test_a_patient_app_naming_another_patient_is_refused(as_app, alice, dave, five):
    from carnet import factories

    other = factories.make_patient("Zoé", "Autre")
    app = as_app(alice, ["patient/DocumentReference.rs"])
    assert app.get("DocumentReference").json()["total"] == 5
    assert app.get("DocumentReference", patient=alice.pk).json()["total"] == 5
    for params in (
        {"patient": other.pk},
        {"patient": 999999},
        {"patient.identifier": f"urn:oid:1.2.250.1.213.1.4.8|{other.nir}"},
    ):
        response = app.get("DocumentReference", **params)
        assert response.status_code == 403 and response.json()["resourceType"] == "OperationOutcome"


def test_audit_events_are_paged(as_app, alice, five):
    app = as_app(alice, ["patient/AuditEvent.rs"])
    page = app.get("AuditEvent", _count=2).json()
    assert len(page["entry"]) == 2 and page["total"] > 2
    assert any(link["relation"] == "next" for link in page["link"])


def test_practitioner_read_and_search_by_rpps_and_idnps(as_pro, bob, charlie):
    api = as_pro(bob)
    for identifier in (bob.rpps, f"8{bob.rpps}", f"urn:oid:1.2.250.1.71.4.2.1|8{bob.rpps}"):
        found = api.get("Practitioner", identifier=identifier).json()
        assert found["total"] == 1 and found["entry"][0]["resource"]["id"] == str(bob.pk)
    read = api.get(f"Practitioner/{charlie.pk}").json()
    assert read["identifier"][0]["value"] == f"8{charlie.rpps}"
    assert api.get("Practitioner/999999").status_code == 404
    assert Fhir().get(f"Practitioner/{bob.pk}").status_code == 401


def test_patient_read_follows_the_subject_reference_only_for_who_reaches_the_record(
    as_pro, alice, bob, dave, five
):
    reference = five.get("DocumentReference", patient=alice.pk).json()["entry"][0]["resource"]["subject"][
        "reference"
    ]
    patient = five.get(reference).json()
    assert patient["identifier"][0]["type"]["coding"][0]["code"] == "INS-NIR"
    assert patient["extension"][0]["url"].endswith("fr-core-identity-reliability")
    assert as_pro(dave).get(reference).status_code == 404  # ids cannot be enumerated
