"""Factories with named presets for tests and demos: alice the patient, bob her GP, charlie a
pharmacist, dave a stranger, erin an operator."""

import datetime
import itertools

from django.utils import timezone
from oauth2_provider.models import Application
from stdnum import luhn

from carnet.catalogue.models import ApplicationFile, DataRequest, Editor
from carnet.identity.models import Patient, Profession, Professional, Specialty, User
from carnet.identity.nir import make_nir

_counter = itertools.count(1)


def rpps_for(n: int) -> str:
    """A valid 11-digit RPPS (Luhn) built from a sequence number."""

    body = f"1{n:09d}"
    return body + luhn.calc_check_digit(body)


def make_user(username: str | None = None, **fields) -> User:
    n = next(_counter)
    username = username or f"user{n}"
    fields.setdefault("email", f"{username}@example.org")
    user = User(username=username, **fields)
    user.set_password(fields.pop("password", None) or "correct horse battery staple")
    user.save()
    return user


def make_patient(
    first_names: str = "Alice Marie", birth_name: str = "Martin", *, user=True, **fields
) -> Patient:
    n = next(_counter)
    fields.setdefault("sex", Patient.Sex.FEMALE)
    fields.setdefault("birth_date", datetime.date(1985, 3, 14))
    sex_digit = 2 if fields["sex"] == Patient.Sex.FEMALE else 1
    birth = fields["birth_date"]
    fields.setdefault("nir", make_nir(sex_digit, birth.year, birth.month, "75", 56, n % 1000))
    fields.setdefault("birthplace_code", "75056")
    fields.setdefault("state", Patient.State.OPEN)
    fields.setdefault("email", f"{first_names.split()[0].lower()}{n}@example.org")
    if user is True:
        user = make_user(
            f"{first_names.split()[0].lower()}{n}", first_name=first_names.split()[0], last_name=birth_name
        )
    return Patient.objects.create(first_names=first_names, birth_name=birth_name, user=user or None, **fields)


def make_professional(
    given_name: str = "Bob",
    family_name: str = "Durand",
    profession: str = Profession.MEDECIN,
    specialty: str = Specialty.GENERALE,
    *,
    user=True,
    **fields,
) -> Professional:
    n = next(_counter)
    fields.setdefault("rpps", rpps_for(n))
    fields.setdefault("organisation", "Cabinet de la Place")
    if profession != Profession.MEDECIN and specialty == Specialty.GENERALE:
        specialty = Specialty.NONE
    if user is True:
        user = make_user(f"{given_name.lower()}{n}", first_name=given_name, last_name=family_name)
    return Professional.objects.create(
        given_name=given_name,
        family_name=family_name,
        profession=profession,
        specialty=specialty,
        user=user or None,
        **fields,
    )


def make_operator(username: str = "erin") -> User:
    return make_user(username, first_name="Erin", last_name="Opératrice", is_staff=True)


def in_days(days: float) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=days)


def make_editor(username: str = "edith", organisation: str = "Santé Connectée SAS") -> User:
    """An editor's account (the person who files applications for the catalogue)."""

    user = make_user(username, first_name="Edith", last_name="Éditrice")
    Editor.objects.create(user=user, organisation=organisation)
    return user


def make_referenced_app(
    name: str = "Suivi tension",
    redirect_uris: str = "https://app.example/callback",
    requests=(("documents", "read"),),
    *,
    state: str = "referenced",
    owner=None,
):
    """An application file referenced in the catalogue (with its OAuth2 application), for a year."""

    application = Application.objects.create(
        name=name,
        client_type=Application.CLIENT_PUBLIC,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=redirect_uris,
        skip_authorization=False,
    )
    file = ApplicationFile.objects.create(
        owner=owner or make_editor(f"editor{next(_counter)}"),
        name=name,
        editor_name="Santé Connectée SAS",
        purpose="Suivre sa tension et son poids entre deux consultations.",
        theme="measures",
        retention="2 ans après la dernière utilisation",
        hds_reference="HDS-2025-0042",
        dpia_reference="AIPD-2025-07",
        privacy_notice_url="https://app.example/confidentialite",
        redirect_uris=redirect_uris,
        state=state,
        referenced_until=timezone.localdate() + datetime.timedelta(days=365),
        application=application,
    )
    for category, mode in requests:
        DataRequest.objects.create(file=file, category=category, mode=mode, reason="nécessaire au suivi")
    return file
