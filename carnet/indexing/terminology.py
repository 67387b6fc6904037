"""Codes and their names: CIM-10 and ATC as edsnlp ships them, CIM-10 chapters and sensitive code lists as
carnet's data files (``data/``). Codes are kept without dots (``E119``), as edsnlp gives them."""

import csv
import gzip
import json
import re
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
CONDITION, DRUG = "condition", "drug"


def plain(code: str) -> str:
    return code.replace(".", "").replace(" ", "").upper()


def _edsnlp_resource(name: str) -> Path:
    import edsnlp  # noqa: PLC0415 - only where names are shown

    return Path(edsnlp.BASE_DIR) / "resources" / name


@cache
def cim10_names() -> dict[str, str]:
    with gzip.open(_edsnlp_resource("cim10.csv.gz"), "rt", encoding="utf-8") as rows:
        return {row["code"]: row["long"] for row in csv.DictReader(rows)}


@cache
def synonyms() -> dict[str, dict[str, list[str]]]:
    """carnet's names and abbreviations of common conditions by CIM-10 category (``data/synonyms.json``)."""
    rows = json.loads((DATA / "synonyms.json").read_text(encoding="utf-8"))
    return {"terms": rows["terms"], "abbreviations": rows["abbreviations"]}


UNSPECIFIED = re.compile(r"^(?P<name>.+?),? sans précision$")
NOT_DIAGNOSES = ("R", "V", "W", "X", "Y", "Z")  # symptoms and signs, external causes, reasons for contact


def cim10_short_terms() -> dict[str, list[str]]:
    """CIM-10's own names without their ", sans précision" (``Hypothyroïdie, sans précision``: E03), the
    way letters write them; a name that two categories share, of fewer than 4 letters, or of a symptom, an
    external cause or a reason for contact ("Douleur, sans précision": R52) is left out."""
    categories: dict[str, set[str]] = {}
    for code, name in cim10_names().items():
        found = UNSPECIFIED.match(name)
        if found and len(found["name"]) >= 4 and not code.startswith(NOT_DIAGNOSES):
            categories.setdefault(found["name"], set()).add(code[:3])
    return _by_code({name: codes for name, codes in categories.items() if len(codes) == 1})


def _by_code(categories: dict[str, set[str]]) -> dict[str, list[str]]:
    terms: dict[str, list[str]] = {}
    for name, codes in sorted(categories.items()):
        terms.setdefault(next(iter(codes)), []).append(name)
    return terms


@cache
def atc_names() -> dict[str, list[str]]:
    return json.loads(_edsnlp_resource("drugs.json").read_text(encoding="utf-8"))


def molecule(atc: str) -> str:
    """The molecule (INN, written in lower case in edsnlp's list) of an ATC code, else its first name."""
    names = atc_names().get(atc, [])
    inn = [name for name in names if name == name.lower()]
    return (inn or names or [""])[0]


def name_of(kind: str, code: str) -> str:
    if kind == CONDITION:
        return cim10_names().get(code, "") or cim10_names().get(code[:3], "")
    return molecule(code)


@cache
def chapters() -> dict[str, tuple[str, str, str]]:
    rows = json.loads((DATA / "chapters.json").read_text(encoding="utf-8"))
    return {key: tuple(value) for key, value in rows.items() if not key.startswith("_")}


def chapter_of(code: str) -> str:
    category = plain(code)[:3]
    for number, (first, last, _name) in chapters().items():
        if first <= category <= last:
            return number
    return ""


@cache
def disorders() -> dict:
    return json.loads((DATA / "disorders.json").read_text(encoding="utf-8"))


@cache
def sensitive_lists() -> dict[str, dict[str, tuple[str, ...]]]:
    rows = json.loads((DATA / "sensitive.json").read_text(encoding="utf-8"))
    return {
        category: {CONDITION: tuple(map(plain, lists["cim10"])), DRUG: tuple(map(plain, lists["atc"]))}
        for category, lists in rows.items()
        if not category.startswith("_")
    }


def sensitive_category(kind: str, code: str) -> str:
    """The first sensitive category whose list holds a prefix of ``code``, else ''."""
    for category, lists in sensitive_lists().items():
        if plain(code).startswith(lists[kind]):
            return category
    return ""
