"""The full-text index: FTS5 on SQLite, PostgreSQL full-text (French) elsewhere."""

import unicodedata

from django.db import connection

from carnet.records.models import DocumentText


def fold(text: str) -> str:
    """Lower case without accents, so "hemoglobine" finds "Hémoglobine" on every database."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def index_document(document, body: str, *, new: bool = False) -> None:
    """Index (or re-index) a document's title and text; ``new`` skips looking for an existing row."""
    text = fold(f"{document.title}\n{body}")
    if new:
        DocumentText.objects.create(document=document, patient_id=document.patient_id, body=text)
    else:
        DocumentText.objects.update_or_create(
            document=document, defaults={"patient_id": document.patient_id, "body": text}
        )
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM records_fts WHERE document_id = %s", [str(document.pk)])
            cursor.execute(
                "INSERT INTO records_fts (document_id, patient_id, body) VALUES (%s, %s, %s)",
                [str(document.pk), document.patient_id, text],
            )


def drop_patient_index(patient_id: int) -> None:
    DocumentText.objects.filter(patient_id=patient_id).delete()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM records_fts WHERE patient_id = %s", [patient_id])


def _fts5_query(text: str) -> str:
    """Each word as a quoted prefix term: user input never reaches FTS5's query syntax."""
    words = [word.replace('"', "") for word in text.split() if word.replace('"', "")]
    return " ".join(f'"{word}"*' for word in words)


def matching_document_ids(patient_id: int, text: str) -> list[str]:
    text = fold(text)
    if not text.strip():
        return []
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            query = _fts5_query(text)
            if not query:
                return []
            cursor.execute(
                "SELECT document_id FROM records_fts WHERE records_fts MATCH %s AND patient_id = %s",
                [query, patient_id],
            )
        else:
            cursor.execute(
                "SELECT document_id FROM records_documenttext WHERE patient_id = %s "
                "AND to_tsvector('french', body) @@ plainto_tsquery('french', %s)",
                [patient_id, text],
            )
        return [str(row[0]) for row in cursor.fetchall()]
