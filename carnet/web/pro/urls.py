from django.urls import path

from carnet.web.pro import views

app_name = "pro"
urlpatterns = [
    path("", views.home, name="home"),
    path("patients/<int:patient_id>/", views.patient, name="patient"),
    path("patients/<int:patient_id>/acces/declare/", views.declare, name="access-declare"),
    path("patients/<int:patient_id>/acces/request/", views.request_access, name="access-request"),
    path("patients/<int:patient_id>/acces/code/", views.redeem_code, name="access-code"),
    path("patients/<int:patient_id>/acces/glass/", views.break_glass, name="access-glass"),
    path("patients/<int:patient_id>/deposer/", views.deposit, name="deposit"),
    path("patients/<int:patient_id>/profil/", views.add_profile_entry, name="profile"),
    path("documents/<uuid:document_id>/", views.download, name="download"),
    path("documents/<uuid:document_id>/retirer/", views.withdraw, name="withdraw"),
    path("documents/<uuid:document_id>/remplacer/", views.replace, name="replace"),
]
