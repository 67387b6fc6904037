"""carnet seed --patients N --seed S: a synthetic French population, deterministic for a seed."""

from django.core.management.base import BaseCommand
from tqdm import tqdm

from carnet.bench.fixtures import database_size
from carnet.identity.population import seed_population


class Command(BaseCommand):
    help = "Create a synthetic population: patients, professionals, médecins traitants, and documents."

    def add_arguments(self, parser):
        parser.add_argument("--patients", type=int, default=1000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--professionals", type=int, default=None)
        parser.add_argument(
            "--documents-per-patient",
            type=int,
            default=0,
            help="real encrypted deposits (slow path: use for small populations)",
        )
        parser.add_argument(
            "--metadata-documents",
            type=int,
            default=0,
            help="metadata-only documents per patient, without content (bulk path: national scale)",
        )

    def handle(
        self, *args, patients, seed, professionals, documents_per_patient, metadata_documents, **options
    ):
        with tqdm(total=patients, unit=" patients", disable=None) as bar:
            result = seed_population(
                patients,
                seed,
                professionals=professionals,
                documents_per_patient=documents_per_patient,
                metadata_documents=metadata_documents,
                progress=bar,
            )
        self.stdout.write(
            f"{result['patients']} patients, {result['professionals']} professionals, "
            f"{result['documents']} documents in {result['seconds']} s; database size {database_size()}"
        )
