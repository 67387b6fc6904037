"""A journal line as an AuditEvent of IHE Basic Audit Log Patterns (BALP): the pattern by what was done
(read, query, create, update, delete, or another operation), the user, the software client and carnet as
agents, the patient and the resource as entities, and the outcome (success, or a refusal as a minor
failure). Identifiers only where they are public (a professional's RPPS), never a NIR."""

BALP = "https://profiles.ihe.net/ITI/BALP/StructureDefinition/IHE.BasicAudit."
DCM = "http://dicom.nema.org/resources/ontology/DCM"
EVENT_TYPE = "http://terminology.hl7.org/CodeSystem/audit-event-type"
INTERACTION = "http://hl7.org/fhir/restful-interaction"
PARTICIPATION = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"
ENTITY_TYPE = "http://terminology.hl7.org/CodeSystem/audit-entity-type"
OBJECT_ROLE = "http://terminology.hl7.org/CodeSystem/object-role"
SOURCE_TYPE = "http://terminology.hl7.org/CodeSystem/security-source-type"
RPPS_SYSTEM = "urn:oid:1.2.250.1.71.4.2.1"  # the national identifier of health professionals (IDNPS/RPPS)

# The last part of a permission (``record:document:read``) -> BALP pattern, action, REST interaction.
VERBS = {
    "read": ("PatientRead", "R", "read"),
    "index": ("PatientRead", "R", "read"),
    "search": ("PatientQuery", "E", "search-type"),
    "lookup": ("PatientQuery", "E", "search-type"),
    "deposit": ("PatientCreate", "C", "create"),
    "write": ("PatientCreate", "C", "create"),
    "create": ("PatientCreate", "C", "create"),
    "replace": ("PatientUpdate", "U", "update"),
    "set-visibility": ("PatientUpdate", "U", "patch"),
    "hide": ("PatientUpdate", "U", "patch"),
    "release-due": ("PatientUpdate", "U", "patch"),
    "delete": ("PatientDelete", "D", "delete"),
}
OTHER = ("", "E", "operation")
# Who sends and who receives the data, by pattern (BALP's client and server agent types).
FLOW = {
    "PatientRead": ("110152", "110153"),
    "PatientQuery": ("110153", "110152"),
    "PatientCreate": ("110153", "110152"),
    "PatientUpdate": ("110153", "110152"),
    "PatientDelete": ("110150", "110152"),
    "": ("110150", "110152"),
}
ROLE_NAMES = {"110150": "Application", "110152": "Destination Role ID", "110153": "Source Role ID"}
RESOURCES = {"Document": "DocumentReference"}
QUERIES = {"record:document:search": "DocumentReference", "access:patient:lookup": "Patient"}


def pattern_of(action: str) -> tuple[str, str, str]:
    return VERBS.get(action.rpartition(":")[2], OTHER)


def audit_event(line, patient, rpps: dict) -> dict:
    """``line``: a journal line (``carnet.journal.queries.Line``); ``rpps``: professional id -> RPPS."""
    pattern, action, interaction = pattern_of(line.action)
    client, server = FLOW[pattern]
    event = {
        "resourceType": "AuditEvent",
        "id": str(line.seq),
        "type": {"system": EVENT_TYPE, "code": "rest", "display": "Restful Operation"},
        "subtype": [{"system": INTERACTION, "code": interaction}],
        "action": action,
        "recorded": line.at.isoformat(),
        "outcome": "0" if line.allowed else "4",
        "outcomeDesc": line.what,
        "agent": [
            _user(line, action, rpps),
            _agent(client, {"display": line.how}, requestor=False),
            _agent(server, {"display": "carnet"}, requestor=False),
        ],
        "source": {
            "observer": {"display": "carnet"},
            "type": [{"system": SOURCE_TYPE, "code": "4", "display": "Application Server"}],
        },
        "entity": _entities(line, patient, pattern),
    }
    if pattern:
        event["meta"] = {"profile": [BALP + pattern]}
    return event


def _user(line, action: str, rpps: dict) -> dict:
    who = {"display": line.who}
    if line.actor_professional_id in rpps:
        who["identifier"] = {"system": RPPS_SYSTEM, "value": rpps[line.actor_professional_id]}
    code = "IRCP" if action in ("R", "E") else "AUT"
    user = {
        "type": {"coding": [{"system": PARTICIPATION, "code": code}]},
        "who": who,
        "name": line.who,
        "requestor": True,
    }
    if line.profession:
        user["role"] = [{"text": line.profession}]
    return user


def _agent(code: str, who: dict, *, requestor: bool) -> dict:
    return {
        "type": {"coding": [{"system": DCM, "code": code, "display": ROLE_NAMES[code]}]},
        "who": who,
        "requestor": requestor,
    }


def _entities(line, patient, pattern: str) -> list[dict[str, object]]:
    entities: list[dict[str, object]] = [
        {
            "type": {"system": ENTITY_TYPE, "code": "1", "display": "Person"},
            "role": {"system": OBJECT_ROLE, "code": "1", "display": "Patient"},
            "what": {"reference": f"Patient/{patient.pk}"},
        }
    ]
    kind = RESOURCES.get(line.resource_type)
    if pattern == "PatientQuery":
        entities.append(
            {
                "type": {"system": ENTITY_TYPE, "code": "2", "display": "System Object"},
                "role": {"system": OBJECT_ROLE, "code": "24", "display": "Query"},
                "description": f"{QUERIES.get(line.action, 'search')} of the patient",
            }
        )
    elif kind and line.resource_id:
        entities.append(
            {
                "type": {"system": ENTITY_TYPE, "code": "2", "display": "System Object"},
                "role": {"system": OBJECT_ROLE, "code": "4", "display": "Domain Resource"},
                "what": {"reference": f"{kind}/{line.resource_id}"},
            }
        )
    return entities
