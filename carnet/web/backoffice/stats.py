"""Statistics that tell the truth: accounts by state, activation, documents deposited AND read."""

from django.db.models import Count

from carnet.access.models import EmergencyAccess, Grant
from carnet.access.permissions import Permission as P
from carnet.identity.models import Patient
from carnet.journal.models import Entry
from carnet.records.models import Document


def statistics() -> dict:
    states = dict(Patient.objects.values_list("state").annotate(n=Count("pk")))
    total = sum(states.values()) or 1
    activated = Patient.objects.filter(activated_at__isnull=False).count()
    reads = Entry.objects.filter(action=P.RECORD_DOCUMENT_READ, allowed=True)
    return {
        "states": states,
        "activation_rate": round(100 * activated / total, 1),
        "documents_deposited": Document.objects.count(),
        "documents_read": reads.values("resource_id").distinct().count(),
        "grants_by_mode": dict(Grant.objects.values_list("mode").annotate(n=Count("pk"))),
        "emergencies_by_outcome": dict(
            EmergencyAccess.objects.values_list("outcome").annotate(n=Count("pk"))
        ),
    }
