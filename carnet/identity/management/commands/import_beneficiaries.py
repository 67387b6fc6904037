from carnet.identity.imports import import_beneficiaries
from carnet.identity.management.commands._importing import ImportCommand


class Command(ImportCommand):
    help = "Import the insurer's beneficiary file (idempotent; a bad line means nothing is imported)."
    importer = staticmethod(import_beneficiaries)
    noun = "beneficiaries"
