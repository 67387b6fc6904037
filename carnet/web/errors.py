"""Turn the domain's refusals into clear messages on the page (nothing half-done: actions are atomic).

A refusal raised inside ``refusals`` is shown on the page (beside its form field when it names one); one
raised elsewhere reaches ``carnet.web.middleware.RefusedMiddleware``, which renders it as a page."""

from contextlib import contextmanager

from django.contrib import messages
from django.core.exceptions import ValidationError

from carnet.errors import Refused


@contextmanager
def refusals(request, form=None):
    try:
        yield
    except Refused as refused:
        if getattr(refused, "hide", False) or refused.status == 404:
            raise  # the middleware answers 404: nothing of it exists for this person
        _report(request, form, refused.message, refused.field)
    except ValidationError as error:
        _report(request, form, " ".join(error.messages))


def _report(request, form, text: str, field: str = "") -> None:
    if form is not None:
        form.add_error(field if field and field in form.fields else None, text)
    else:
        messages.error(request, text)
