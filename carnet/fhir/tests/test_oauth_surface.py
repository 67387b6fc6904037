"""Only authorize, token, revoke and introspect of the OAuth provider are served: a signed-in patient can no
longer register an application (the review registered "Mon Espace Santé (officiel)" with an outside redirect),
list tokens or use the device flow."""

import pytest
from oauth2_provider import urls as toolkit_urls
from oauth2_provider.models import Application

from carnet.web.tests.test_journeys import signed_in

pytestmark = pytest.mark.django_db
GONE = [
    "/oauth/applications/",
    "/oauth/applications/register/",
    "/oauth/authorized_tokens/",
    "/oauth/device-authorization/",
    "/oauth/device/",
    "/oauth/.well-known/openid-configuration/",
]


@pytest.mark.parametrize("path", GONE)
def test_registration_token_list_and_device_pages_are_not_served(client, alice, path):
    signed_in(client, alice.user)
    assert client.get(path).status_code == 404
    response = client.post(
        path,
        {
            "name": "Mon Espace Santé (officiel)",
            "client_type": "public",
            "authorization_grant_type": "authorization-code",
            "redirect_uris": "https://attacker.example/cb",
        },
    )
    assert response.status_code == 404
    assert not Application.objects.exists()


@pytest.mark.parametrize("path", ["/oauth/authorize/", "/oauth/revoke_token/", "/oauth/introspect/"])
def test_the_endpoints_apps_need_are_served(client, alice, path):
    signed_in(client, alice.user)
    assert client.get(path).status_code != 404


SERVED = {"authorize/", "token/", "revoke_token/", "introspect/"}
# Every other route django-oauth-toolkit defines (management, OpenID Connect, dynamic client registration
# (RFC 7591), server metadata), read from its URL list so that a new version's additions are checked too.
TOOLKIT_ROUTES = sorted(
    str(pattern.pattern).lstrip("^").rstrip("$")
    for pattern in toolkit_urls.urlpatterns
    if str(pattern.pattern) not in SERVED
)


@pytest.mark.parametrize("route", TOOLKIT_ROUTES)
def test_no_other_route_of_the_toolkit_is_served(client, alice, route):
    signed_in(client, alice.user)
    path = route.replace("<slug:pk>", "1").replace("<str:client_id>", "x").replace("<path:issuer_path>", "x")
    for prefix in ("/oauth/", "/"):
        if prefix == "/" and not path.startswith(".well-known"):
            continue
        body = {
            "client_name": "Mon Espace Santé (officiel)",
            "redirect_uris": ["https://attacker.example/cb"],
        }
        assert client.get(prefix + path).status_code == 404, prefix + path
        assert client.post(prefix + path, body, content_type="application/json").status_code == 404
    assert not Application.objects.exists()
