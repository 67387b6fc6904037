from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("operateurs/admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("carnet.web.urls")),
    path("", include("carnet.web.auth.urls")),
    path("patient/", include("carnet.web.patient.urls")),
    path("pro/", include("carnet.web.pro.urls")),
    path("operateurs/", include("carnet.web.backoffice.urls")),
]
