"""Calendar arithmetic the domain needs (retention periods, ages) without crashing on 29 February."""

import datetime
from typing import TypeVar

When = TypeVar("When", datetime.date, datetime.datetime)


def years_after(when: When, years: int) -> When:
    """The same day ``years`` later (or earlier, when negative); 29 February becomes 28 February in a
    year that has none, so a period never ends later than the same number of whole years."""
    try:
        return when.replace(year=when.year + years)
    except ValueError:  # 29 February of a leap year, into a common year
        return when.replace(year=when.year + years, day=28)
