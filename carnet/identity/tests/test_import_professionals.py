"""carnet import-professionals: the directory, matched on RPPS, with per-line errors."""

import pytest

from carnet.factories import rpps_for
from carnet.identity.imports import import_professionals
from carnet.identity.models import ImportBatch, Professional

pytestmark = pytest.mark.django_db

HEADER = "rpps,adeli,family_name,given_name,profession,specialty,organisation,finess\n"


def test_professionals_are_created_then_updated_in_place():
    rpps = rpps_for(42)
    text = (
        HEADER
        + f"{rpps},,Durand,Bob,medecin,medecine-generale,Cabinet A,\n"
        + ",751234567,Petit,Charlie,pharmacien,,Pharmacie B,\n"
    )
    first = import_professionals(text)
    assert (first.created, first.errors) == (2, [])
    second = import_professionals(text.replace("Cabinet A", "Maison de santé C"))
    assert (second.created, second.updated) == (0, 2)
    assert Professional.objects.get(rpps=rpps).organisation == "Maison de santé C"


@pytest.mark.parametrize(
    ("line", "column"),
    [
        ("10000000016,,Durand,Bob,medecin,,,", "rpps"),  # wrong Luhn key
        (",,Durand,Bob,medecin,,,", "rpps"),  # no identifier
        (f"{rpps_for(7)},,Durand,Bob,sorcier,,,", "profession"),
        (f"{rpps_for(8)},,,Bob,medecin,,,", "family_name"),
        (f"{rpps_for(9)},12,Durand,Bob,medecin,,,", "adeli"),
    ],
)
def test_bad_lines_are_refused_with_their_column(line, column):
    report = import_professionals(HEADER + line + "\n")
    assert report.errors[0]["line"] == 2
    assert report.errors[0]["column"] == column
    assert Professional.objects.count() == 0
    assert ImportBatch.objects.get().kind == "professionals"
