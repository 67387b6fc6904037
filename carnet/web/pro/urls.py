from django.urls import path

from carnet.web.pro import index, views

app_name = "pro"
urlpatterns = [
    path("", views.home, name="home"),
    path("carte/<str:token>/", views.card, name="card"),
    path("patients/<str:patient_ref>/", views.patient, name="patient"),
    path("patients/<str:patient_ref>/acces/declare/", views.declare, name="access-declare"),
    path("patients/<str:patient_ref>/acces/request/", views.request_access, name="access-request"),
    path("patients/<str:patient_ref>/acces/code/", views.redeem_code, name="access-code"),
    path("patients/<str:patient_ref>/acces/glass/", views.break_glass, name="access-glass"),
    path("patients/<str:patient_ref>/deposer/", views.deposit, name="deposit"),
    path("patients/<str:patient_ref>/profil/", views.add_profile_entry, name="profile"),
    path("patients/<str:patient_ref>/maladies-traitements/", index.search, name="index-search"),
    path("documents/<uuid:document_id>/", views.download, name="download"),
    path("documents/<uuid:document_id>/retirer/", views.withdraw, name="withdraw"),
    path("documents/<uuid:document_id>/liberer/", views.release, name="release"),
    path("documents/<uuid:document_id>/remplacer/", views.replace, name="replace"),
]
