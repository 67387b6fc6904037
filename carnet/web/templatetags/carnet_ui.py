"""Template helpers shared by every page: menu items that mark the current page, breadcrumbs,
whether a page shows a form in error (for "Erreur :" in its title)."""

from django import template
from django.forms import BaseForm
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from carnet.access.decision import DEFAULT_TEXT, RULE_TEXT

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


@register.simple_tag
def timeline_svg(timeline, title_id="timeline-title"):
    """The accesses of the last days as a picture: one row per person, one dot per day with accesses (its
    size grows with their number). Plain SVG attributes only (no style: strict CSP); the table under it
    carries the same figures for screen readers."""
    rows = timeline.rows[:12]
    days = len(timeline.days)
    left, cell, height = 0, 18, 44
    width = left + days * cell + 10
    total_height = 24 + len(rows) * height
    parts = [
        format_html(
            '<svg class="timeline" viewBox="0 0 {} {}" role="img" aria-labelledby="{}" '
            'xmlns="http://www.w3.org/2000/svg">',
            width,
            total_height,
            title_id,
        )
    ]
    ticks = sorted({0, days - 1} | {i for i in range(0, days - 4, 7)})
    for index in ticks:
        anchor = "start" if index == 0 else "end" if index == days - 1 else "middle"
        x = left + index * cell + (0 if index == 0 else cell if index == days - 1 else cell // 2)
        parts.append(
            format_html(
                '<text x="{}" y="16" font-size="16" text-anchor="{}" fill="#3a3a3a">{}</text>',
                x,
                anchor,
                timeline.days[index].strftime("%d/%m"),
            )
        )
    for row, (who, _profession, counts, *_rest) in enumerate(rows):
        y = 24 + row * height + 32
        parts.append(
            format_html(
                '<text x="0" y="{}" font-size="16" fill="#1b1b1b">{}</text>'
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#c8c8c8" stroke-width="1"/>',
                y - 12,
                who.split(" (")[0][:24],
                left,
                y,
                width - 10,
                y,
            )
        )
        for index, count in enumerate(counts):
            if count:
                radius = min(cell // 2, 3 + count)
                x = left + index * cell + cell // 2
                parts.append(format_html('<circle cx="{}" cy="{}" r="{}" fill="#0a4fa6"/>', x, y, radius))
    parts.append(mark_safe("</svg>"))  # a constant closing tag
    return format_html_join("", "{}", ((part,) for part in parts))


@register.filter
def refusal_text(decision) -> str:
    """What a person is told about a refusal, in plain words (the rule code stays in the journal)."""
    return gettext(str(RULE_TEXT.get(getattr(decision, "rule", ""), DEFAULT_TEXT)))
