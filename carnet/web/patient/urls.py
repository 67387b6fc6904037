from django.urls import path

from carnet.web.patient import views

app_name = "patient"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("guide/", views.guide, name="guide"),
    path("documents/", views.documents, name="documents"),
    path("documents/ajouter/", views.upload, name="upload"),
    path("documents/<uuid:document_id>/", views.document, name="document"),
    path("documents/<uuid:document_id>/telecharger/", views.download, name="download"),
    path("documents/<uuid:document_id>/visibilite/", views.set_visibility, name="visibility"),
    path("documents/<uuid:document_id>/supprimer/", views.delete, name="delete"),
    path("profil/", views.health_profile, name="profile"),
    path("profil/volontes/", views.wish, name="wish"),
    path("journal/", views.journal, name="journal"),
    path("journal/<int:seq>/contester/", views.contest, name="contest"),
    path("acces/", views.access_settings, name="access"),
    path("acces/code-de-presence/", views.presence_code, name="presence-code"),
    path("acces/categories/", views.category_choice, name="category"),
    path("acces/<str:operation>/<int:professional_id>/", views.access_change, name="access-change"),
    path("applications/", views.apps, name="apps"),
    path("notifications/", views.notifications, name="notifications"),
    path("mandats/", views.mandates, name="mandates"),
    path("mandats/<int:mandate_id>/retirer/", views.revoke_mandate, name="revoke-mandate"),
    path("espaces/", views.spaces, name="spaces"),
    path("export/", views.export_page, name="export"),
    path("export/<str:kind>/", views.export_file, name="export-file"),
    path("cloture/", views.closure, name="closure"),
]
