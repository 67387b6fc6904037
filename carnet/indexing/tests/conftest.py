import pytest

from carnet.fhir.tests.conftest import as_app, software  # noqa: F401 - FHIR clients with OAuth tokens


@pytest.fixture
def indexing(settings):
    """The NLP indexing on, as in production (the suite turns it off elsewhere: its pipeline is heavy)."""
    settings.CARNET_INDEXING = True
