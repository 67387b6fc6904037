from carnet.identity.imports import import_professionals
from carnet.identity.management.commands._importing import ImportCommand


class Command(ImportCommand):
    help = "Import the professional directory (RPPS/ADELI; idempotent; a bad line means nothing is imported)."
    importer = staticmethod(import_professionals)
    noun = "professionals"
