from django.urls import include, path

from carnet.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("", include("carnet.web.auth.urls")),
    path("patient/", include("carnet.web.patient.urls")),
    path("pro/", include("carnet.web.pro.urls")),
    path("operateurs/", include("carnet.web.backoffice.urls")),
]
