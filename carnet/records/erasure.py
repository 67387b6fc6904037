"""What a space's destruction erases of the record (declared for ``carnet.identity.erasure``)."""

from carnet.identity.erasure import delete_rows, erase_with
from carnet.records import search
from carnet.records.models import Document


def _erase_documents(patient_id: int) -> None:
    """Every document row goes (type, sensitive category, author, dates, title): a replacement protects the
    version it replaced, so the chain is cut first. Their API copies, submission links and reading counters
    go with them by cascade; the search index is dropped."""
    documents = Document.objects.filter(patient_id=patient_id)
    documents.exclude(replaces=None).update(replaces=None)
    documents.delete()
    search.drop_patient_index(patient_id)


erase_with("records.Document", _erase_documents)
delete_rows("records.DocumentText")
delete_rows("records.DocumentVersion")
delete_rows("records.ProfileEntry")
delete_rows("records.Wish")
