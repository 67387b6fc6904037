from django.urls import path

from carnet.web.patient.views import access, account, contact, documents, gp, home, journal, minor, profile

app_name = "patient"
urlpatterns = [
    path("", home.dashboard, name="dashboard"),
    path("guide/", home.guide, name="guide"),
    path("documents/", documents.documents, name="documents"),
    path("documents/ajouter/", documents.upload, name="upload"),
    path("documents/<uuid:document_id>/", documents.document, name="document"),
    path("documents/<uuid:document_id>/telecharger/", documents.download, name="download"),
    path("documents/<uuid:document_id>/visibilite/", documents.set_visibility, name="visibility"),
    path("documents/<uuid:document_id>/supprimer/", documents.delete, name="delete"),
    path("profil/", profile.health_profile, name="profile"),
    path("profil/volontes/", profile.wish, name="wish"),
    path("journal/", journal.journal, name="journal"),
    path("journal/<int:seq>/contester/", journal.contest, name="contest"),
    path("acces/", access.access_settings, name="access"),
    path("acces/code-de-presence/", access.presence_code, name="presence-code"),
    path("acces/categories/", access.category_choice, name="category"),
    path("acces/<str:operation>/<int:professional_id>/", access.access_change, name="access-change"),
    path("applications/", access.apps, name="apps"),
    path("notifications/", account.notifications, name="notifications"),
    path("mandats/", access.mandates, name="mandates"),
    path("mandats/<int:mandate_id>/retirer/", access.revoke_mandate, name="revoke-mandate"),
    path("espaces/", home.spaces, name="spaces"),
    path("espaces/ouvrir/", minor.open_space, name="open-minor-space"),
    path("export/", documents.export_page, name="export"),
    path("export/<str:kind>/", documents.export_file, name="export-file"),
    path("cloture/", account.closure, name="closure"),
    path("medecin-traitant/", gp.gp, name="gp"),
    path("medecin-traitant/choisir/", gp.choose, name="gp-choose"),
    path("coordonnees/", contact.contact, name="contact"),
]
