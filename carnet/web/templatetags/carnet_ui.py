"""Template helpers shared by every page: menu items that mark the current page, breadcrumbs,
whether a page shows a form in error (for "Erreur :" in its title)."""

from django import template
from django.forms import BaseForm
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag(takes_context=True)
def nav_item(context, url_name, label, exact=False):
    """A menu link, marked `aria-current="page"` on its own page (and below it unless `exact`)."""
    url = reverse(url_name)
    path = context["request"].path if "request" in context else ""
    current = path == url or (not exact and path.startswith(url) and url != "/")
    if current:
        return format_html('<li><a href="{}" aria-current="page">{}</a></li>', url, label)
    return format_html('<li><a href="{}">{}</a></li>', url, label)


@register.simple_tag
def breadcrumbs(*trail, current=""):
    """Pairs of URL name and label, then the current page (not a link), e.g.
    `{% breadcrumbs "patient:dashboard" _("Mon espace") current=title %}`."""
    pairs = ((reverse(trail[i]), trail[i + 1]) for i in range(0, len(trail) - 1, 2))
    links = format_html_join("", '<li><a href="{}">{}</a></li>', pairs)
    return format_html(
        '<nav class="breadcrumbs" aria-label="{}"><ol>{}<li aria-current="page">{}</li></ol></nav>',
        _("Fil d'Ariane"),
        links,
        current,
    )


@register.simple_tag(takes_context=True)
def page_has_errors(context) -> bool:
    """True when any bound form on the page has errors."""
    return any(
        isinstance(value, BaseForm) and value.is_bound and value.errors
        for value in context.flatten().values()
    )
