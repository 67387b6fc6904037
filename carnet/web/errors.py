"""Turn the domain's refusals into clear messages on the page (nothing half-done: actions are atomic)."""

from contextlib import contextmanager

from django.contrib import messages
from django.core.exceptions import ValidationError

from carnet.access.actions import AccessError
from carnet.access.decision import AccessDenied
from carnet.errors import Refused
from carnet.identity.errors import IdentityError
from carnet.records.content import ContentRefused
from carnet.records.errors import RecordError

REFUSAL_TEXT = {
    "blocked": "Le patient a bloqué votre accès.",
    "no-grant": "Le patient ne vous a pas donné accès à son dossier.",
    "masked": "Le patient a masqué ce document aux professionnels.",
    "private": "Ce document est privé.",
    "professional-document": "Un document déposé par un professionnel ne se supprime pas : masquez-le.",
    "emergency-refused": "Le patient a refusé l'accès en urgence.",
    "samu-refused": "Le patient a refusé l'accès du SAMU.",
    "space-not-open": "Cet espace n'est pas ouvert.",
}


@contextmanager
def refusals(request, form=None):
    try:
        yield
    except AccessDenied as denied:
        text = REFUSAL_TEXT.get(denied.decision.rule, "Cette action ne vous est pas permise.")
        _report(request, form, f"{text} ({denied.decision.rule})")
    except (AccessError, ContentRefused, RecordError, IdentityError) as error:
        _report(request, form, error.message)
    except ValidationError as error:
        _report(request, form, " ".join(error.messages))
    except Refused as refused:
        _report(request, form, refused.message)


def _report(request, form, text: str) -> None:
    if form is not None:
        form.add_error(None, text)
    else:
        messages.error(request, text)
