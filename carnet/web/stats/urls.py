from django.urls import path

from carnet.web.stats import views

app_name = "stats"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("dictionnaire/", views.dictionary, name="dictionary"),
    path("tableaux/<slug:slug>/", views.table, name="table"),
    path("tableaux/<slug:slug>.<str:extension>", views.download, name="download"),
]
