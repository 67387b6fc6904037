"""Messaging pages: /patient/messages/, /pro/messages/ and the operators' paper replies (included once)."""

from django.urls import include, path

from carnet.messaging import views

patient_patterns = [
    path("", views.patient_inbox, name="inbox"),
    path("nouveau/", views.patient_compose, name="compose"),
    path("<uuid:conversation_id>/", views.patient_conversation, name="conversation"),
    path("<uuid:conversation_id>/repondre/", views.patient_reply, name="reply"),
    path("<uuid:conversation_id>/ranger/", views.patient_archive, name="archive"),
    path("pieces/<uuid:attachment_id>/", views.patient_download, name="download"),
    path("pieces/<uuid:attachment_id>/classer/", views.patient_file, name="file"),
]
pro_patterns = [
    path("", views.pro_inbox, name="inbox"),
    path("reglages/", views.pro_settings, name="settings"),
    path("nouveau/<str:patient_ref>/", views.pro_compose, name="compose"),
    path("<uuid:conversation_id>/", views.pro_conversation, name="conversation"),
    path("<uuid:conversation_id>/repondre/", views.pro_reply, name="reply"),
    path("<uuid:conversation_id>/clore/", views.pro_close, name="close"),
    path("pieces/<uuid:attachment_id>/", views.pro_download, name="download"),
]
operator_patterns = [path("reponse-papier/", views.paper_reply, name="paper-reply")]

urlpatterns = [
    path("patient/messages/", include((patient_patterns, "patient-messages"))),
    path("pro/messages/", include((pro_patterns, "pro-messages"))),
    path("operateurs/messagerie/", include((operator_patterns, "ops-messages"))),
]
