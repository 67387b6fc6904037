"""Only authorize, token, revoke and introspect of the OAuth provider are served: a signed-in patient can no
longer register an application (the review registered "Mon Espace Santé (officiel)" with an outside redirect),
list tokens or use the device flow."""

import pytest
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
