"""The record's tables in the form Citus needs for colocated distribution by patient (PostgreSQL only):
composite primary keys, composite foreign keys between them, uniques that carry the patient. The journal
is distributed by its chain. See ``carnet.ops.shardkeys``."""

from django.db import migrations

from carnet.ops.shardkeys import ShardKeys, Table

COLOCATED = [
    "access_accesscontest",
    "access_block",
    "access_emergencyaccess",
    "access_emergencycard",
    "access_grant",
    "access_patientaccesssettings",
    "access_presencecode",
    "agenda_calendarfeed",
    "agenda_event",
    "agenda_preventionproposal",
    "agenda_reminder",
    "catalogue_measurement",
    "fhir_folder",
    "fhir_folder_documents",
    "fhir_storedresource",
    "fhir_submissionset",
    "fhir_submissionset_documents",
    "identity_activationcode",
    "identity_mandate",
    "identity_representative",
    "indexing_mention",
    "indexing_review",
    "messaging_attachment",
    "messaging_conversation",
    "messaging_message",
    "messaging_outgoingmail",
    "messaging_paperslip",
    "messaging_participation",
    "notify_notificationpreference",
    "notify_pendingnotification",
    "records_document",
    "records_documentversion",
    "records_profileentry",
    "records_wish",
    "research_inclusion",
    "research_researchchoice",
    "research_studyconsent",
    "vault_datakey",
]
# Tables whose key is their document's (one row per document).
PER_DOCUMENT = ["indexing_indexeddocument", "records_documenttext", "stats_documentreading"]

FOREIGN_KEYS = [
    ("agenda_preventionproposal", "event_id", "agenda_event"),
    ("agenda_reminder", "event_id", "agenda_event"),
    ("fhir_folder_documents", "folder_id", "fhir_folder"),
    ("fhir_folder_documents", "document_id", "records_document"),
    ("fhir_storedresource", "document_id", "records_document"),
    ("fhir_storedresource", "profile_entry_id", "records_profileentry"),
    ("fhir_submissionset_documents", "submissionset_id", "fhir_submissionset"),
    ("fhir_submissionset_documents", "document_id", "records_document"),
    ("indexing_indexeddocument", "document_id", "records_document"),
    ("indexing_mention", "document_id", "records_document"),
    ("indexing_review", "document_id", "records_document"),
    ("indexing_review", "profile_entry_id", "records_profileentry"),
    ("messaging_attachment", "message_id", "messaging_message"),
    ("messaging_attachment", "document_id", "records_document"),
    ("messaging_message", "conversation_id", "messaging_conversation"),
    ("messaging_outgoingmail", "message_id", "messaging_message"),
    ("messaging_paperslip", "conversation_id", "messaging_conversation"),
    ("messaging_participation", "conversation_id", "messaging_conversation"),
    ("records_document", "replaces_id", "records_document"),
    ("records_documenttext", "document_id", "records_document"),
    ("records_documentversion", "document_id", "records_document"),
    ("stats_documentreading", "document_id", "records_document"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("access", "0005_card_token_not_unique"),
        ("agenda", "0002_tokens_not_unique"),
        ("catalogue", "0001_initial"),
        ("fhir", "0008_folder_documents_patient"),
        ("identity", "0008_activation_code_not_unique"),
        ("indexing", "0001_initial"),
        ("journal", "0008_append_one_entry"),
        ("messaging", "0004_slip_code_grouped"),
        ("notify", "0004_letter_sealed_body"),
        ("records", "0008_documentversion_patient"),
        ("research", "0001_initial"),
        ("stats", "0002_documentreading_patient_id"),
        ("vault", "0002_kek_id_index"),
    ]

    operations = [
        ShardKeys(
            tables=[Table(name) for name in COLOCATED]
            + [Table(name, key="document_id") for name in PER_DOCUMENT]
            + [Table("journal_entry", shard="chain")],
            foreign_keys=FOREIGN_KEYS,
            uniques=[
                ("fhir_storedresource", "document_id"),
                ("fhir_storedresource", "profile_entry_id"),
                ("messaging_outgoingmail", "message_id"),
                ("journal_entry", "seq"),
            ],
            dropped=[("identity_representative", "person_id")],
        ),
    ]
