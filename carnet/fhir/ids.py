"""Resource ids in URLs and parameters: carnet's own are ASCII decimal numbers."""


def number(text: str) -> int | None:
    """The number an id names, or None. ASCII digits only: ``str.isdigit`` also accepts "²" or "٣", which
    ``int`` then refuses or reads as another number."""
    return int(text) if text.isascii() and text.isdigit() else None


def numbers(values) -> list[int]:
    """The numbers among ``values`` (the rest names nothing carnet serves)."""
    return [n for n in (number(v) for v in values) if n is not None]
