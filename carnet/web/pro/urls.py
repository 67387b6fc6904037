from django.urls import path

from carnet.web.pro import views

app_name = "pro"
urlpatterns = [
    path("", views.home, name="home"),
    path("patients/<str:patient_ref>/", views.patient, name="patient"),
    path("patients/<str:patient_ref>/acces/<str:how>/", views.get_access, name="access"),
    path("patients/<str:patient_ref>/deposer/", views.deposit, name="deposit"),
    path("patients/<str:patient_ref>/profil/", views.add_profile_entry, name="profile"),
    path("documents/<uuid:document_id>/", views.download, name="download"),
    path("documents/<uuid:document_id>/retirer/", views.withdraw, name="withdraw"),
    path("documents/<uuid:document_id>/remplacer/", views.replace, name="replace"),
]
