"""A chart of measurements over time, drawn on the server as SVG (the data table sits beside it)."""

from dataclasses import dataclass

WIDTH, HEIGHT, PAD = 600, 240, 40


@dataclass(frozen=True)
class Chart:
    points: str
    dots: list[tuple[float, float]]
    low: str
    high: str
    first: str
    last: str
    width: int = WIDTH
    height: int = HEIGHT
    pad: int = PAD


def chart(rows) -> Chart | None:
    """Scale (time, value) onto the drawing; None with fewer than two measurements."""
    rows = list(rows)
    if len(rows) < 2:
        return None
    t0, t1 = rows[0].effective_at.timestamp(), rows[-1].effective_at.timestamp()
    values = [float(r.value) for r in rows]
    low, high = min(values), max(values)
    span_t, span_v = (t1 - t0) or 1.0, (high - low) or 1.0
    dots = [
        (
            round(PAD + (r.effective_at.timestamp() - t0) / span_t * (WIDTH - 2 * PAD), 1),
            round(HEIGHT - PAD - (float(r.value) - low) / span_v * (HEIGHT - 2 * PAD), 1),
        )
        for r in rows
    ]
    return Chart(
        points=" ".join(f"{x},{y}" for x, y in dots),
        dots=dots,
        low=f"{low:g}",
        high=f"{high:g}",
        first=f"{rows[0].effective_at:%d/%m/%Y}",
        last=f"{rows[-1].effective_at:%d/%m/%Y}",
    )
