"""The public statistics: open to anyone, no sign-in, served from the published tables only."""

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from carnet.errors import NotFound
from carnet.stats import queries


def overview(request):
    context = {"tables": queries.overview(), "all": queries.dictionary(), "run": queries.last_run()}
    try:
        context["map"] = queries.show("carte-espaces-actives")
    except NotFound:
        context["map"] = None
    return render(request, "web/stats/overview.html", context)


def table(request, slug):
    return render(request, "web/stats/table.html", {"table": queries.show(slug)})


def download(request, slug, extension):
    """A refusal (unknown table or format) is answered as a 404 page by the one refusal handler."""
    if extension == "csv":
        body, kind = queries.as_csv(slug), "text/csv; charset=utf-8"
    elif extension == "json":
        body, kind = queries.as_json(slug), "application/json"
    else:
        raise NotFound("unknown-format", _("Les tableaux se téléchargent en CSV ou en JSON."))
    response = HttpResponse(body, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="{slug}.{extension}"'
    return response


def dictionary(request):
    return render(request, "web/stats/dictionary.html", {"all": queries.dictionary()})
