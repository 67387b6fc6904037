from django.contrib import admin
from django.urls import include, path
from oauth2_provider import views as oauth

from carnet.catalogue.consent import ConsentView
from carnet.fhir.api import api as fhir_api
from carnet.fhir.oauth_views import fhir_root, token
from carnet.fhir.smart import root_configuration
from carnet.ops import health, scrape

# Only the endpoints apps need: no application registration, token list or device pages (applications
# come from the catalogue's referencing).
OAUTH_ENDPOINTS = [
    path("authorize/", oauth.AuthorizationView.as_view(), name="authorize"),
    path("token/", oauth.TokenView.as_view(), name="token"),
    path("revoke_token/", oauth.RevokeTokenView.as_view(), name="revoke-token"),
    path("introspect/", oauth.IntrospectTokenView.as_view(), name="introspect"),
]
urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", scrape.metrics, name="metrics"),
    path("fhir", fhir_root),
    path("fhir/", fhir_api.urls),
    path(".well-known/smart-configuration", root_configuration),
    path("oauth/token/", token, name="oauth-token"),
    path("oauth/authorize/", ConsentView.as_view(), name="oauth-authorize"),  # catalogue's consent screen
    path("oauth/", include((OAUTH_ENDPOINTS, "oauth2_provider"), namespace="oauth2_provider")),
    path("operateurs/admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("carnet.web.urls")),
    path("", include("carnet.agenda.urls")),
    path("", include("carnet.catalogue.urls")),
    path("", include("carnet.web.auth.urls")),
    path("patient/", include("carnet.web.patient.urls")),
    path("pro/", include("carnet.web.pro.urls")),
    path("operateurs/", include("carnet.web.backoffice.urls")),
    path("", include("carnet.messaging.urls")),
    path("statistiques/", include("carnet.web.stats.urls")),
]

handler500 = "carnet.web.views.server_error"
