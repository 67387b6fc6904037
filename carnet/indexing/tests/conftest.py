import pytest


@pytest.fixture
def indexing(settings):
    """The NLP indexing on, as in production (the suite turns it off elsewhere: its pipeline is heavy)."""
    settings.CARNET_INDEXING = True
