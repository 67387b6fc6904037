"""Index rows written as the pipeline writes them, for the tests of what reads them (policy, pages)."""

from carnet.indexing import sealing
from carnet.indexing.models import IndexedDocument, Mention


def mention(document, kind, code, sentence="", **qualifiers) -> Mention:
    IndexedDocument.objects.get_or_create(
        document=document, defaults={"patient": document.patient, "pipeline_version": "test"}
    )
    sentence = sentence or f"Phrase citant {code}."
    return Mention.objects.create(
        patient=document.patient,
        document=document,
        kind=kind,
        code=code,
        sealed_sentence=sealing.seal(document.patient, sentence, code),
        sentence_end=len(sentence),
        pipeline_version="test",
        **qualifiers,
    )
