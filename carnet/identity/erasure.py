"""What a space's destruction erases, declared by each app in its own ``erasure.py`` (found at start-up).

Every model that holds rows about a patient (a foreign key to ``identity.Patient`` or a ``patient_id``
column) is declared once, in its app's ``erasure.py``, with what destruction does to it::

    delete_rows("agenda.Event")                          # the patient's rows are deleted
    delete_rows("agenda.Reminder", by="patient_id")      # the same, through a plain id column
    erase_with("records.Document", erase_documents)      # a function of the app's own
    keep("journal.Entry", "tamper-evident; holds who, what and when, no clinical content")

``carnet/identity/tests/test_erasure.py`` lists every such model by introspection and fails when one is not
declared, so a new app's table joins the day it is written. The declarations run only from
``carnet.records.actions.destroy_space``, inside its transaction, after the policy allowed it; the
Patient row itself is reduced to what the law keeps last (``identity/erasure.py`` below).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps

from carnet.identity import codes
from carnet.identity.models import Patient, Professional, User

PATIENT = "identity.Patient"


@dataclass(frozen=True)
class Declared:
    model: str  # "app_label.ModelName"
    erase: Callable[[int], object] | None  # receives the patient's id; None: the rows are kept
    kept_because: str = ""


DECLARED: dict[str, Declared] = {}


def erase_with(model: str, erase: Callable[[int], object]) -> Declared:
    DECLARED[model] = Declared(model, erase)
    return DECLARED[model]


def delete_rows(model: str, *, by: str = "patient_id") -> Declared:
    """The patient's rows of ``model`` are deleted (their own dependants go with them by cascade)."""

    def erase(patient_id: int) -> object:
        return apps.get_model(model)._default_manager.filter(**{by: patient_id}).delete()

    return erase_with(model, erase)


def keep(model: str, because: str) -> Declared:
    """Rows the law or the service's proof needs after destruction, and why (they hold nothing clinical)."""
    DECLARED[model] = Declared(model, None, because)
    return DECLARED[model]


def erase_patient(patient_id: int) -> None:
    """Run every declaration, the Patient row last (the others' rows point at it)."""
    for declared in sorted(DECLARED.values(), key=lambda d: d.model == PATIENT):
        if declared.erase is not None:
            declared.erase(patient_id)


# --- identity's own tables ---------------------------------------------------------------------------
# What the law keeps of a past space is its Patient row reduced to the fact: a keyed hash of the NIR (so that
# the insurer's next file does not open a new space unasked, as for an opposition), the state and the dates.

ERASED_BIRTH_DATE = datetime.date.min  # the column is required; no person is born on 1 January of year 1


def _reduce_patient(patient_id: int) -> None:
    patient = Patient.objects.select_related("user").get(pk=patient_id)
    if patient.nir_hash:
        return  # already reduced
    Patient.objects.filter(pk=patient_id).update(
        nir=f"~{patient_id}",
        nir_hash=codes.keyed_hash(patient.nir),
        birth_name="",
        used_name="",
        first_names="",
        birth_date=ERASED_BIRTH_DATE,
        sex="",
        birthplace_code="",
        email="",
        phone="",
        address="",
        user=None,
        gp=None,
    )
    if patient.user is not None and not _acts_for_others(patient.user):
        patient.user.delete()  # their devices, contact changes and apps' tokens go with it


def _acts_for_others(user: User) -> bool:
    """The account also represents someone, holds a mandate, works here: it outlives this space."""
    return (
        user.is_staff
        or user.represents.exists()
        or user.mandates.exists()
        or Professional.objects.filter(user=user).exists()
        or apps.get_model("catalogue.Editor")._default_manager.filter(user=user).exists()
    )


erase_with(PATIENT, _reduce_patient)
delete_rows("identity.Mandate")
# The NIR is free again (a new file opens no space unasked: the reduced row's keyed hash says so).
delete_rows("identity.NirLookup")
delete_rows("identity.AccountLookup")
delete_rows("identity.ActivationCode")
# A representation *of* this person goes; one *by* them (``person``) is the other record's and stays,
# pointing at the reduced row.
delete_rows("identity.Representative")
