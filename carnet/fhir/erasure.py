"""What a space's destruction erases of the API's own tables (declared for ``carnet.identity.erasure``);
the stored FHIR resources go with their documents and profile lines."""

from carnet.identity.erasure import delete_rows

delete_rows("fhir.Folder")
delete_rows("fhir.FolderDocument")
delete_rows("fhir.SubmissionSet")
delete_rows("fhir.SubmissionSetDocument")
delete_rows("fhir.StoredResource")
