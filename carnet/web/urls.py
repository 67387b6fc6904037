from django.urls import path

from carnet.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("etat/pret/", views.ready, name="ready"),
]
