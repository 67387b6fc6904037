from django.urls import path

from carnet.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("accessibilite/", views.page("accessibility"), name="accessibility"),
    path("mentions-legales/", views.page("legal"), name="legal"),
    path("donnees-personnelles/", views.page("privacy"), name="privacy"),
    path("cookies/", views.page("cookies"), name="cookies"),
    path("plan-du-site/", views.page("sitemap"), name="sitemap"),
    path("aide/", views.page("help"), name="help"),
]
