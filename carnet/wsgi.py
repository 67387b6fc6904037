import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carnet.settings")
application = get_wsgi_application()

from carnet.vault.checks import key_problem  # noqa: E402  (needs the apps loaded above)

if (problem := key_problem()) is not None:  # a missing or replaced key file: no worker boots
    raise ImproperlyConfigured(f"carnet cannot start: {problem}")
