from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils.translation import get_language

from carnet.web.context import service as service_context


def home(request):
    return render(request, "web/home.html")


def page(name: str):
    """The service's information pages (footer): plain templates, same for everyone."""

    def view(request):
        return render(request, f"web/pages/{name}.html")

    view.__name__ = f"page_{name}"
    return view


def server_error(request):
    """The 500 page, translated, with the help line; rendered without the request's context processors
    (they may be what failed)."""
    context = {"service": service_context(request)["service"], "LANGUAGE_CODE": get_language()}
    return HttpResponseServerError(loader.get_template("500.html").render(context))
