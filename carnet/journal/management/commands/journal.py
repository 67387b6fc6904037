"""carnet journal verify|verify-download|checkpoint|export-key|bench."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from carnet.journal import signing
from carnet.journal.actions import make_checkpoint
from carnet.journal.proof import verify_download
from carnet.journal.verification import checkpoint_dict, verify_chain


class Command(BaseCommand):
    help = (
        "The tamper-evident journal: verify the chain, sign a checkpoint, export the public key, benchmark."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="operation", required=True)
        verify = sub.add_parser("verify", help="recompute the chain and check signed checkpoints")
        verify.add_argument("--from-checkpoint", help="an exported checkpoint file (JSON) to check against")
        verify.add_argument(
            "--public-key", help="PEM file of the signing public key (default: this server's)"
        )
        download = sub.add_parser(
            "verify-download", help="check a patient's journal download (its entries and proof) offline"
        )
        download.add_argument("file", help="the JSON file downloaded from « Qui a consulté mon dossier »")
        download.add_argument("--public-key", help="PEM file of the signing public key (default: the file's)")
        checkpoint = sub.add_parser("checkpoint", help="sign the current head; optionally write it to a file")
        checkpoint.add_argument("--out", help="write the signed checkpoint (JSON) there")
        sub.add_parser("export-key", help="print the public key (PEM) that verifies checkpoints")
        bench = sub.add_parser("bench", help="append and verification speed")
        bench.add_argument("--entries", type=int, default=20000)

    def handle(self, *args, operation, **options):
        getattr(self, operation.replace("-", "_"))(**options)

    def verify(self, from_checkpoint=None, public_key=None, **options):
        exported = json.loads(Path(from_checkpoint).read_text()) if from_checkpoint else None
        pem = Path(public_key).read_text() if public_key else None
        result = verify_chain(checkpoint=exported, public_pem=pem)
        if not result.ok:
            raise CommandError(f"journal NOT intact: {result.problem}")
        self.stdout.write(
            f"journal intact: {result.checked} entries verified in {result.seconds:.3f} s "
            f"({result.rate:,.0f} entries/s)"
        )

    def verify_download(self, file, public_key=None, **options):
        data = json.loads(Path(file).read_text())
        ok, problem = verify_download(data, Path(public_key).read_text() if public_key else None)
        if not ok:
            raise CommandError(f"download NOT intact: {problem}")
        checkpoint = data["checkpoint"] or {}
        self.stdout.write(
            f"download intact: {len(data['entries'])} entries, chained up to the checkpoint signed at "
            f"{checkpoint.get('at', '-')} (entry #{checkpoint.get('head_seq', '-')})"
        )

    def checkpoint(self, out=None, **options):
        checkpoint = make_checkpoint()
        if checkpoint is None:
            raise CommandError("the journal is empty")
        data = json.dumps(checkpoint_dict(checkpoint), indent=1)
        if out:
            Path(out).write_text(data)
        self.stdout.write(data)

    def export_key(self, **options):
        self.stdout.write(signing.public_pem())

    def bench(self, entries, **options):
        from carnet.journal.bench import run_journal_bench

        result = run_journal_bench(entries)
        for key, value in result.items():
            self.stdout.write(f"{key:>22}: {value}")
