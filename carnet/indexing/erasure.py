"""What a space's destruction erases of the index (declared for ``carnet.identity.erasure``): the
conditions and drugs found in the documents, and the patient's answers on them."""

from carnet.identity.erasure import delete_rows

delete_rows("indexing.Mention")
delete_rows("indexing.IndexedDocument")
delete_rows("indexing.Review")
