import pytest
from django.core.cache import cache

from carnet.fhir.tests.conftest import as_app, as_pro, software  # noqa: F401  (the API's clients)
from carnet.identity.tests.oidc_fixtures import ProviderProcess


@pytest.fixture(scope="session")
def psc_process(tmp_path_factory):
    """A real OpenID Connect provider process (private_key_jwt client), shared by the sign-in tests."""
    process = ProviderProcess(tmp_path_factory.mktemp("psc"))
    yield process
    process.stop()


@pytest.fixture
def psc(psc_process, settings):
    """carnet configured with Pro Santé Connect pointing at the provider process, behaving normally."""
    cache.clear()
    psc_process.control(mode="normal", claims={"sub": "person-1"})
    settings.CARNET_OIDC = {**settings.CARNET_OIDC, "psc": psc_process.settings_for()}
    return psc_process


@pytest.fixture(scope="session")
def fc_process(tmp_path_factory):
    """A second provider process, for FranceConnect (client secret authentication)."""
    process = ProviderProcess(tmp_path_factory.mktemp("fc"), client_id="carnet-fc", secret="fc-client-secret")
    yield process
    process.stop()


@pytest.fixture
def franceconnect(fc_process, settings):
    cache.clear()
    fc_process.control(mode="normal", claims={"sub": "person-1"})
    scopes = "openid given_name family_name birthdate gender birthplace"
    settings.CARNET_OIDC = {
        **settings.CARNET_OIDC,
        "franceconnect": fc_process.settings_for(scopes=scopes, id_claim="", id_prefix=""),
    }
    return fc_process
