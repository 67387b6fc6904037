"""Pictures drawn on the server as SVG (no JavaScript): a bar chart of a monthly series and a tile map of
France by department. Each picture has a title and a description for screen readers; the page puts the
data table beside it. Colours come from one palette with enough contrast on white."""

from django.utils.html import escape
from django.utils.translation import gettext as _

from carnet.stats.geography import DEPARTMENTS, tiles

BAR = "#1f5fa8"
SECRET = "#9aa5b1"
# From light to dark, readable on white at the map's sizes (sequential blues).
SCALE = ("#dbe9f6", "#a7c8e8", "#6ea6d8", "#3a7fc1", "#1f5fa8", "#0f3d75")


def bar_chart(chart_id: str, title: str, summary: str, labels: list[str], values: list) -> str:
    """Vertical bars, one per month (short labels such as 11/26); a secret value is a grey stub."""
    width, height, left, bottom = 640, 220, 48, 28
    known = [v for v in values if v is not None] or [0]
    top = max(known) or 1
    step = (width - left - 8) / max(len(values), 1)
    parts = [_axis(left, width, height, bottom, top)]
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        x = left + i * step + step * 0.15
        w = step * 0.7
        if value is None:
            parts.append(_rect(x, height - bottom - 6, w, 6, SECRET, f"{label} : {_('secret')}"))
        else:
            h = (height - bottom - 12) * value / top
            parts.append(_rect(x, height - bottom - h, w, h, BAR, f"{label} : {value}"))
        if len(values) <= 12 or i % 3 == 0:
            parts.append(_text(x + w / 2, height - 10, label, "middle"))
    return _svg(chart_id, title, summary, width, height, "".join(parts))


def tile_map(chart_id: str, title: str, summary: str, values: dict, secret: set) -> str:
    """Metropolitan departments as squares placed near their prefecture; overseas ones in a row below."""
    size, gap = 34, 3
    placed = tiles()
    columns = max(x for x, _y in placed.values()) + 1
    rows = max(y for _x, y in placed.values()) + 1
    overseas = [code for code in DEPARTMENTS if len(code) == 3]
    width = columns * (size + gap) + 10
    height = (rows + 2) * (size + gap) + 40
    known = [v for code, v in values.items() if code not in secret and v is not None] or [0]
    top = max(known) or 1
    parts = []
    positions = dict(placed)
    for i, code in enumerate(overseas):
        positions[code] = (i * 2, rows + 1)
    for code, (x, y) in positions.items():
        px, py = 5 + x * (size + gap), 5 + y * (size + gap)
        value = values.get(code)
        if code in secret or value is None:
            colour, shown = SECRET, _("< 11 ou secret")
        else:
            colour, shown = SCALE[min(len(SCALE) - 1, int(len(SCALE) * value / (top + 1)))], str(value)
        name = DEPARTMENTS[code][0]
        parts.append(_rect(px, py, size, size, colour, f"{name} ({code}) : {shown}"))
        ink = "#ffffff" if colour in SCALE[3:] else "#1b1b1b"
        parts.append(
            f'<text x="{px + size / 2:.1f}" y="{py + size / 2 + 4:.1f}" font-size="11" text-anchor="middle"'
            f' fill="{ink}" aria-hidden="true">{escape(code)}</text>'
        )
    parts.append(_legend(5, height - 26, top))
    return _svg(chart_id, title, summary, width, height, "".join(parts))


def _legend(x: float, y: float, top: int) -> str:
    parts = []
    for i, colour in enumerate(SCALE if top > 1 else ()):
        low = int(top * i / len(SCALE))
        parts.append(_rect(x + i * 70, y, 18, 14, colour, ""))
        parts.append(_text(x + i * 70 + 22, y + 11, f"≥ {low}", "start"))
    shift = len(SCALE) * 70 if top > 1 else 0
    parts.append(_rect(x + shift, y, 18, 14, SECRET, ""))
    parts.append(_text(x + shift + 22, y + 11, _("< 11 ou secret"), "start"))
    return "".join(parts)


def _axis(left, width, height, bottom, top) -> str:
    base = height - bottom
    return (
        f'<line x1="{left}" y1="{base}" x2="{width - 4}" y2="{base}" stroke="#1b1b1b" stroke-width="1"/>'
        + _text(left - 6, 14, str(top), "end")
        + _text(left - 6, base, "0", "end")
    )


def _rect(x, y, w, h, colour, label) -> str:
    tip = f"<title>{escape(label)}</title>" if label else ""
    return f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" fill="{colour}">{tip}</rect>'


def _text(x, y, text, anchor) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="11" text-anchor="{anchor}" fill="#1b1b1b"'
        f' aria-hidden="true">{escape(text)}</text>'
    )


def _svg(chart_id, title, summary, width, height, body) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" class="chart" role="img"'
        f' aria-labelledby="{chart_id}-title {chart_id}-desc">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(summary)}</desc>'
        f"{body}</svg>"
    )
