"""Connecting an app: only referenced ones, through SMART App Launch (PKCE S256), with a consent screen on
which the patient leaves out categories; the token's scopes narrow accordingly."""

import pytest
from oauth2_provider.models import AccessToken

from carnet import factories
from carnet.fhir.tests.test_smart import REDIRECT, authorize, pkce
from carnet.journal.models import Entry
from carnet.web.tests.test_journeys import signed_in

pytestmark = pytest.mark.django_db
BOTH = " ".join(
    [
        "launch/patient",
        "patient/Observation.rs",
        "patient/Observation.c",
        "patient/Appointment.rs",
        "patient/Appointment.cu",
    ]
)


def consent(client, app, scope=BOTH, omit=()):
    verifier, challenge = pkce()
    page = authorize(client, app, challenge, scope=scope)
    if page.status_code != 200:
        return page, None
    form = {key: value for key, value in page.context["form"].initial.items() if value is not None}
    answer = client.post("/oauth/authorize/", {**form, "allow": "Authorize", "omit": list(omit)})
    return page, answer


@pytest.fixture
def scale(db):
    return factories.make_referenced_app(
        "Balance", REDIRECT, [("measurements", "read"), ("measurements", "write"), ("agenda", "write")]
    )


def test_the_consent_screen_says_what_why_and_lets_leave_out(client, alice, scale):
    signed_in(client, alice.user)
    page, answer = consent(client, scale.application, omit=["agenda"])
    text = page.content.decode()
    assert "Balance" in text and "nécessaire au suivi" in text and 'name="omit" value="agenda"' in text
    assert answer.status_code == 302 and "code=" in answer["Location"]
    grant = scale.application.grant_set.get()
    assert set(grant.scope.split()) == {"launch/patient", "patient/Observation.rs", "patient/Observation.c"}
    assert Entry.objects.filter(action="catalogue:app:connect", allowed=True, patient_id=alice.pk).exists()


def test_scopes_beyond_the_referenced_file_are_never_granted(client, alice, scale):
    signed_in(client, alice.user)
    _page, _answer = consent(
        client, scale.application, scope="launch/patient patient/DocumentReference.rs patient/Observation.c"
    )
    assert set(scale.application.grant_set.get().scope.split()) == {"launch/patient", "patient/Observation.c"}


def test_an_unreferenced_app_is_refused(client, alice):
    from oauth2_provider.models import Application

    app = Application.objects.create(
        name="Inconnue",
        client_type="public",
        authorization_grant_type="authorization-code",
        redirect_uris=REDIRECT,
    )
    signed_in(client, alice.user)
    page, _answer = consent(client, app)
    assert page.status_code == 403 and "pas référencée" in page.content.decode()


def test_a_suspended_app_is_refused(client, alice):
    file = factories.make_referenced_app(
        "Suspendue", REDIRECT, [("measurements", "write")], state="suspended"
    )
    signed_in(client, alice.user)
    page, _answer = consent(client, file.application)
    assert page.status_code == 403
    assert not AccessToken.objects.exists()


def test_patients_browse_by_category_and_search(client, alice, scale):
    factories.make_referenced_app("Agenda santé", "https://b.example/cb", [("agenda", "read")])
    factories.make_referenced_app("Retirée", "https://c.example/cb", state="withdrawn")
    signed_in(client, alice.user)
    page = client.get("/patient/applications/catalogue/").content.decode()
    assert "Balance" in page and "Agenda santé" in page and "Retirée" not in page
    page = client.get("/patient/applications/catalogue/", {"q": "balance"}).content.decode()
    assert "Balance" in page and "Agenda santé" not in page
    page = client.get(f"/patient/applications/catalogue/{scale.pk}/").content.decode()
    assert "ne revend pas" in page and "HDS-2025-0042" in page and "2 ans" in page and "écrire" in page


def test_connected_apps_page_lists_what_each_did_and_revokes(client, alice, scale, as_app):
    api = as_app(alice, ["patient/Observation.c"])
    from carnet.catalogue.tests.test_measurements import weight

    assert api.post("Observation", weight(alice, 72.5)).status_code == 201
    signed_in(client, alice.user)
    page = client.get("/patient/applications/").content.decode()
    assert "Appli de suivi" in page and "a écrit une mesure" in page
    application = AccessToken.objects.get().application
    client.post("/patient/applications/", {"application": application.pk})
    assert api.post("Observation", weight(alice, 73)).status_code == 401
