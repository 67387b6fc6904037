"""carnet import-beneficiaries: idempotent, invitations sent, and a bad line means nothing is imported."""

import pytest
from django.core.management import CommandError, call_command

from carnet.identity.actions import record_opposition
from carnet.identity.imports import import_beneficiaries
from carnet.identity.models import ActivationCode, ImportBatch, Patient
from carnet.identity.nir import make_nir
from carnet.notify.models import OutboxMessage

pytestmark = pytest.mark.django_db

HEADER = "nir;birth_name;used_name;first_names;birth_date;sex;birthplace_code;email;phone;address\n"
ALICE_NIR = make_nir(2, 1985, 3, "75", 56, 12)
PAUL_NIR = make_nir(1, 1950, 7, "2A", 4, 3)


def beneficiary_file(*lines: str) -> str:
    return HEADER + "".join(line + "\n" for line in lines)


GOOD = beneficiary_file(
    f"{ALICE_NIR};Martin;;Alice Marie;1985-03-14;F;75056;alice@example.org;;",
    f"{PAUL_NIR};Santoni;;Paul;1950-07-02;M;2A004;;;3 rue du Port 20000 Ajaccio",
)


def test_new_beneficiaries_get_a_pending_space_and_an_invitation():
    report = import_beneficiaries(GOOD, "b.csv")
    assert (report.created, report.errors) == (2, [])
    assert set(Patient.objects.values_list("state", flat=True)) == {Patient.State.PENDING}
    assert ActivationCode.objects.count() == 2
    channels = sorted(OutboxMessage.objects.values_list("channel", flat=True))
    assert channels == ["email", "letter"]  # Paul has no e-mail: a postal letter


def test_import_is_idempotent_and_updates_contact_data():
    import_beneficiaries(GOOD)
    again = import_beneficiaries(GOOD.replace(";;3 rue du Port", ";0612345678;3 rue du Port"))
    assert (again.created, again.updated, again.skipped) == (0, 1, 1)
    assert Patient.objects.count() == 2
    assert Patient.objects.get(nir=PAUL_NIR).phone == "0612345678"
    assert ActivationCode.objects.count() == 2  # no second invitation


def test_a_bad_line_imports_nothing_and_names_line_and_column():
    bad_key = ALICE_NIR[:13] + f"{(int(ALICE_NIR[13:]) % 97) + 1:02d}"
    text = beneficiary_file(
        f"{PAUL_NIR};Santoni;;Paul;1950-07-02;M;2A004;;;Ajaccio",
        f"{bad_key};Martin;;Alice;1985-03-14;F;75056;;;",
        f"{ALICE_NIR};Martin;;Alice;14/03/1985;X;75056;;;",
    )
    report = import_beneficiaries(text, "bad.csv")
    assert Patient.objects.count() == 0
    assert {(e["line"], e["column"]) for e in report.errors} == {(3, "nir"), (4, "birth_date"), (4, "sex")}
    assert "clé" in report.errors[0]["error"]
    assert ImportBatch.objects.get().errors == report.errors


def test_missing_columns_are_reported():
    report = import_beneficiaries("nir;birth_name\n1;2\n")
    assert report.errors[0]["error"] == "missing columns"
    assert Patient.objects.count() == 0


def test_duplicate_nir_in_the_file_is_an_error():
    line = f"{ALICE_NIR};Martin;;Alice;1985-03-14;F;75056;;;"
    report = import_beneficiaries(beneficiary_file(line, line))
    assert report.errors == [{"line": 3, "column": "nir", "error": "NIR en double dans le fichier"}]


def test_an_opposed_person_is_not_recreated_by_a_later_import():
    import_beneficiaries(GOOD)
    record_opposition(patient=Patient.objects.get(nir=ALICE_NIR), channel="paper")
    report = import_beneficiaries(GOOD)
    assert report.skipped == 2
    assert not Patient.objects.filter(nir=ALICE_NIR).exists()


def test_the_command_prints_a_report_and_fails_on_bad_lines(tmp_path, capsys):
    good = tmp_path / "good.csv"
    good.write_text(GOOD)
    call_command("import_beneficiaries", str(good))
    assert "2 created" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text(beneficiary_file("123;Martin;;Alice;1985-03-14;F;75056;;;"))
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_beneficiaries", str(bad))
    assert "line 2, column nir" in capsys.readouterr().err
