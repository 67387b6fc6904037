"""The demo population's named people, created once (idempotent)."""

from carnet import factories
from carnet.identity.models import Profession, User

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
    for user in User.objects.filter(username__in=["alice", "bob", "charlie", "erin"]):
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return {"patient": "alice", "GP": "bob", "pharmacist": "charlie", "operator": "erin"}
