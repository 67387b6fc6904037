from django.urls import path

from carnet.catalogue import views

app_name = "catalogue"
urlpatterns = [
    path("patient/applications/", views.apps, name="apps"),
    path("patient/applications/catalogue/", views.browse, name="browse"),
    path("patient/applications/catalogue/<int:file_id>/", views.app_page, name="app"),
    path("patient/applications/mesures/", views.measurements, name="measurements"),
    path("pro/mesures/<str:patient_ref>/", views.pro_measurements, name="pro-measurements"),
    path("editeurs/", views.editor_home, name="editor-home"),
    path("editeurs/<int:file_id>/", views.editor_file, name="editor-file"),
    path("operateurs/catalogue/", views.review_list, name="review-list"),
    path("operateurs/catalogue/<int:file_id>/", views.review, name="review"),
]
