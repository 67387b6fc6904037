"""The index dies with the record: the space's destruction (records.actions.destroy_space) calls this."""

from carnet.indexing.models import IndexedDocument, Mention, Review


def erase_patient(patient_id: int) -> None:
    for model in (Mention, IndexedDocument, Review):
        model.objects.filter(patient_id=patient_id).delete()
