"""The demo population's named people, created once (idempotent)."""

import datetime

from carnet import factories
from carnet.access.actor import Actor, Role
from carnet.identity.models import Profession, User
from carnet.identity.population import seed_population

DEMO_PASSWORD = "demo-carnet-2026"


def ensure_demo_people() -> dict[str, str]:
    """Create alice (patient), bob (her GP), charlie (pharmacist) and erin (operator) if missing."""
    if not User.objects.filter(username="alice").exists():
        alice = factories.make_patient("Alice Marie", "Martin", user=factories.make_user("alice"))
        bob = factories.make_professional("Bob", "Durand", user=factories.make_user("bob"))
        alice.gp = bob
        alice.save(update_fields=["gp"])
        factories.make_professional(
            "Charlie", "Petit", Profession.PHARMACIEN, user=factories.make_user("charlie")
        )
        factories.make_operator("erin")
        _demo_record(alice, bob)
        seed_population(30, seed=1, professionals=20, documents_per_patient=2)
    if not User.objects.filter(username="edith").exists():  # an editor, with one referenced app
        edith = factories.make_editor("edith")
        factories.make_referenced_app(
            "Balance connectée", owner=edith, requests=[("measurements", "read"), ("measurements", "write")]
        )
    for user in User.objects.filter(username__in=["alice", "bob", "charlie", "erin", "edith"]):
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return {"patient": "alice", "GP": "bob", "pharmacist": "charlie", "operator": "erin", "editor": "edith"}


def _demo_record(alice, bob) -> None:
    """A few documents and profile lines for alice, deposited by her GP through the real path."""
    from carnet.records.actions import DocumentMetadata, deposit_document
    from carnet.records.profile import add_profile_entry
    from carnet.records.samples import sample_pdf

    gp = Actor(role=Role.PROFESSIONAL, user=bob.user, professional=bob)
    for n, (type_code, title) in enumerate(
        [("57833-6", "Ordonnance"), ("11502-2", "Bilan sanguin"), ("60591-5", "Volet de synthèse médicale")]
    ):
        deposit_document(
            gp,
            alice,
            sample_pdf(title, ["Document de démonstration"]),
            DocumentMetadata(
                unique_id=f"urn:carnet:demo:{n}",
                type_code=type_code,
                title=title,
                care_date=datetime.date(2026, 10, n + 1),
                mime_type="application/pdf",
            ),
        )
    add_profile_entry(gp, alice, kind="allergy", label="Pénicilline", date=datetime.date(2020, 5, 1))
