"""The FHIR clients of the API suite (a patient app's token, professional software), reused here."""

from carnet.fhir.tests.conftest import _fresh_cache, as_app, as_pro, software  # noqa: F401
