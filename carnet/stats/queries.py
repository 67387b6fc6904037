"""Reads of the published tables, for anyone: already aggregated and protected, so nothing here can reveal
a person. The pages and downloads call these functions only."""

import csv
import datetime
import io
import json
from dataclasses import dataclass, field

from django.utils import formats
from django.utils.translation import gettext as _

from carnet.errors import NotFound
from carnet.stats import charts, texts
from carnet.stats.models import Cursor, PublishedTable
from carnet.stats.suppression import COMPLEMENTARY, PRIMARY

SECRET_MARKS = {PRIMARY: "< 11", COMPLEMENTARY: "secret"}
OVERVIEW = (
    "espaces-actives-par-region",
    "documents-deposes-par-classe",
    "documents-lus-par-un-professionnel",
    "documents-jamais-lus",
    "acces-en-urgence",
    "examens-des-acces-en-urgence",
)


@dataclass
class Shown:
    """A published table ready for a page: labels, displayed values, its chart and a text summary."""

    slug: str
    title: str
    description: str
    generated_at: datetime.datetime
    headers: list[str]
    rows: list[tuple[str, list[str], str | None]]
    totals: list[str] | None
    grand: str | None
    chart: str
    summary: str
    row_header: str = ""
    extra: dict = field(default_factory=dict)


def slugs() -> list[str]:
    return list(texts.TITLES)


def table(slug: str) -> PublishedTable:
    if slug not in texts.TITLES:
        raise NotFound("unknown-table", _("Ce tableau n'existe pas."))
    found = PublishedTable.objects.filter(slug=slug).first()
    if found is None:
        raise NotFound("not-yet-published", _("Ce tableau n'a pas encore été calculé."))
    return found


def show(slug: str) -> Shown:
    published = table(slug)
    data = published.data
    across = data["across"]
    headers = [texts.label(slug, across, code) for code in data["columns"]]
    if across == "department":
        headers = [str(texts.TITLES[slug]).split(",")[0]]
    row_labels = [_row_label(data, row) for row in data["rows"]]
    rows = [
        (
            row_labels[i],
            [_display(v, s) for v, s in zip(data["cells"][i], data["status"][i], strict=True)],
            _display(data["row_totals"][i], data["row_status"][i]) if data["row_totals"] else None,
        )
        for i in range(len(data["rows"]))
    ]
    totals = None
    if data["column_totals"]:
        totals = [_display(v, s) for v, s in zip(data["column_totals"], data["column_status"], strict=True)]
    series = _series(data)
    title = str(texts.TITLES[slug])
    summary = _summary(row_labels, series)
    shown = Shown(
        slug,
        title,
        str(texts.DESCRIPTIONS.get(slug, "")),
        published.generated_at,
        headers,
        rows,
        totals,
        _display(data["grand"], data["grand_status"]),
        "",
        summary,
    )
    if across == "department":
        secret = {code for code, status in zip(data["rows"], data["status"], strict=True) if status[0]}
        values = {code: line[0] for code, line in zip(data["rows"], data["cells"], strict=True)}
        shown.chart = charts.tile_map(f"chart-{slug}", title, summary, values, secret)
    else:
        short = [f"{row[5:7]}/{row[2:4]}" for row in data["rows"]]
        shown.chart = charts.bar_chart(f"chart-{slug}", title, summary, short, series)
    shown.row_header = _("Département") if across == "department" else _("Mois")
    if slug == "documents-jamais-lus":
        shown.extra["shares"] = _never_read_shares(data, row_labels)
    return shown


def overview() -> list[Shown]:
    found = set(PublishedTable.objects.filter(slug__in=OVERVIEW).values_list("slug", flat=True))
    return [show(slug) for slug in OVERVIEW if slug in found]


def last_run() -> Cursor | None:
    return Cursor.objects.filter(name="main").first()


def as_csv(slug: str) -> str:
    """Long format, one line per cell: month (or department), group, value, secrecy."""
    data = table(slug).data
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["ligne", "groupe", "valeur", "secret"])
    for i, row in enumerate(data["rows"]):
        for j, column in enumerate(data["columns"]):
            status = data["status"][i][j]
            writer.writerow([row, column, "" if status else data["cells"][i][j], _secrecy(status)])
        if data["row_totals"]:
            status = data["row_status"][i]
            writer.writerow([row, "total", "" if status else data["row_totals"][i], _secrecy(status)])
    return out.getvalue()


def as_json(slug: str) -> str:
    published = table(slug)
    body = {
        "table": slug,
        "title": str(texts.TITLES[slug]),
        "generated_at": published.generated_at.isoformat(),
    }
    return json.dumps(body | published.data, ensure_ascii=False, indent=1)


def dictionary() -> list[dict]:
    """The data dictionary: every file, its columns and what their values mean."""
    columns = [
        {
            "name": "ligne",
            "meaning": _("le mois (AAAA-MM-JJ, premier jour du mois) ou le code du département"),
        },
        {
            "name": "groupe",
            "meaning": _("le code de la colonne : région (code INSEE), tranche d'âge, classe…"),
        },
        {"name": "valeur", "meaning": _("le nombre ; vide quand il est couvert par le secret")},
        {
            "name": "secret",
            "meaning": _(
                "« inferieur-11 » : moins de 11 ; « complementaire » : caché pour "
                "qu'une autre case ne puisse être retrouvée par soustraction"
            ),
        },
    ]
    return [
        {
            "table": slug,
            "title": str(title),
            "description": str(texts.DESCRIPTIONS.get(slug, "")),
            "csv": f"{slug}.csv",
            "json": f"{slug}.json",
            "columns": columns,
        }
        for slug, title in texts.TITLES.items()
    ]


def _display(value, status) -> str:
    if status:
        return SECRET_MARKS[status]
    return formats.number_format(value, force_grouping=True) if value is not None else "–"


def _secrecy(status) -> str:
    return {PRIMARY: "inferieur-11", COMPLEMENTARY: "complementaire"}.get(status, "")


def _row_label(data: dict, row: str) -> str:
    if data["across"] == "department":
        return texts.label("", "department", row)
    return formats.date_format(datetime.date.fromisoformat(row), "YEAR_MONTH_FORMAT")


def _series(data: dict) -> list:
    if data["row_totals"]:
        return [None if s else v for v, s in zip(data["row_totals"], data["row_status"], strict=True)]
    return [None if line[0] else cells[0] for cells, line in zip(data["cells"], data["status"], strict=True)]


def _summary(labels: list[str], series: list) -> str:
    known = [(value, label) for value, label in zip(series, labels, strict=True) if value is not None]
    if not known:
        return _("Aucune valeur publiable pour l'instant (toutes sont sous le seuil de 11).")
    high, when = max(known)
    return _("De %(first)s à %(last)s ; valeur la plus haute : %(high)s (%(when)s).") % {
        "first": labels[0],
        "last": labels[-1],
        "high": high,
        "when": when,
    }


def _never_read_shares(data: dict, labels: list[str]) -> list[tuple[str, str, str]]:
    """Share never read after 30 and 90 days, where its parts are published."""
    shares = []
    for i, label in enumerate(labels):
        deposited, within30, within90 = data["cells"][i]
        shares.append(
            (
                label,
                _share(deposited, within30),
                _share(deposited, within90) if data["ninety_ready"][i] else _("pas encore"),
            )
        )
    return shares


def _share(deposited, read) -> str:
    if deposited is None or read is None or not deposited:
        return "secret" if deposited is None or read is None else "–"
    return formats.number_format(round(100 * (deposited - read) / deposited, 1)) + " %"
