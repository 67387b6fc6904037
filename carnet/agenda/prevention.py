"""The prevention calendar: which vaccinations and prevention appointments are due for a person, from age,
sex and the vaccinations already recorded. The rules are data (``fixtures/prevention.json``, each citing
its source); this module only reads them."""

import datetime
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.translation import get_language

SCHEDULE_FILE = Path(__file__).parent / "fixtures" / "prevention.json"


@dataclass(frozen=True)
class Vaccination:
    """A vaccination of the health profile, as the rules need it."""

    date: datetime.date
    label: str
    code: str = ""


@dataclass(frozen=True)
class Due:
    rule: dict
    due_from: datetime.date
    due_until: datetime.date


@cache
def schedule() -> dict:
    return json.loads(SCHEDULE_FILE.read_text(encoding="utf-8"))


def rule(rule_id: str) -> dict | None:
    return next((r for r in schedule()["rules"] if r["id"] == rule_id), None)


def rule_title(rule_id: str) -> str:
    found = rule(rule_id)
    if found is None:
        return rule_id
    return found["title"].get((get_language() or "fr")[:2], found["title"]["fr"])


def _birthday(birth: datetime.date, age: int) -> datetime.date:
    try:
        return birth.replace(year=birth.year + age)
    except ValueError:  # born on 29 February
        return birth.replace(year=birth.year + age, day=28)


def _age(birth: datetime.date, day: datetime.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _window(r: dict, birth: datetime.date, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The window the rule is due in today: the whole age range, or the current cycle of a periodic one."""
    start = _birthday(birth, r["age_from"])
    end = _birthday(birth, r["age_until"] + 1) - datetime.timedelta(days=1)
    every = r.get("every_years")
    if every:
        cycles = (_age(birth, today) - r["age_from"]) // every
        start = _birthday(birth, r["age_from"] + cycles * every)
        end = min(end, _birthday(birth, r["age_from"] + (cycles + 1) * every) - datetime.timedelta(days=1))
    return start, end


def _matches(vaccine: str, vaccination: Vaccination) -> bool:
    known = schedule()["vaccines"][vaccine]
    label = vaccination.label.lower()
    return vaccination.code in known["codes"] or any(word in label for word in known["words"])


def _already_done(r: dict, birth: datetime.date, today: datetime.date, vaccinations) -> bool:
    vaccine = r.get("vaccine")
    if not vaccine:
        return False
    since = datetime.date.min
    if "done_if_recorded_since_age" in r:
        since = _birthday(birth, r["done_if_recorded_since_age"])
    if "done_if_recorded_within_months" in r:
        since = max(since, today - datetime.timedelta(days=30 * r["done_if_recorded_within_months"]))
    return any(v.date >= since and _matches(vaccine, v) for v in vaccinations)


def due(birth: datetime.date, sex: str, today: datetime.date, vaccinations=()) -> list[Due]:
    """The rules due today for a person of this birth date and sex, minus vaccinations already recorded."""
    age = _age(birth, today)
    found = []
    for r in schedule()["rules"]:
        if r["sex"] not in (None, sex) or not r["age_from"] <= age <= r["age_until"]:
            continue
        if _already_done(r, birth, today, vaccinations):
            continue
        found.append(Due(r, *_window(r, birth, today)))
    return found
