"""The dashboard's charts, drawn on the server as SVG (no script, nothing fetched at run time): the monthly
trend of dossiers received and resolved with the on-time rate, and groups ranked by one indicator with
their targets beside."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

RECEIVED, RESOLVED, RATE, TARGET, BAR = "#2f6db5", "#8fb3e0", "#b3261e", "#1f2933", "#2f6db5"


def _number(value: float) -> str:
    return f"{value:,.0f}".replace(",", ".")


def _nice_top(value: float) -> float:
    if value <= 0:
        return 1
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def trend(months: list[dict], *, title: str) -> SafeString:
    """Bars of dossiers received and resolved per month, and the on-time rate as a line (right axis)."""
    width, height, left, right, top, bottom = 760, 260, 56, 44, 28, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = _nice_top(max([max(m["received"], m["resolved"]) for m in months] + [0]))
    slot = plot_w / max(len(months), 1)
    bar = max(2.0, min(18.0, slot / 3))
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    ]
    for i in range(5):
        y = top + plot_h * i / 4
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#e3e7ec"/>')
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" fill="#5f6b7a">'
            f"{_number(peak * (4 - i) / 4)}</text>"
        )
        parts.append(
            f'<text x="{width - right + 6}" y="{y + 4:.1f}" font-size="11" fill="{RATE}">{100 * (4 - i) // 4}%</text>'
        )
    points = []
    for i, month in enumerate(months):
        x = left + slot * i + slot / 2
        for offset, value, colour, name in (
            (-bar, month["received"], RECEIVED, _("tiếp nhận")),
            (0, month["resolved"], RESOLVED, _("giải quyết")),
        ):
            h = plot_h * value / peak
            parts.append(
                f'<rect x="{x + offset:.1f}" y="{top + plot_h - h:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                f'fill="{colour}"><title>{escape(month["label"])}: {_number(value)} {escape(name)}</title></rect>'
            )
        parts.append(
            f'<text x="{x:.1f}" y="{height - bottom + 16}" text-anchor="middle" font-size="11" fill="#5f6b7a">'
            f"{escape(month['short'])}</text>"
        )
        if month["on_time_rate"] is not None:
            points.append((x, top + plot_h * (1 - month["on_time_rate"] / 100), month))
    if points:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _m in points)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{RATE}" stroke-width="2"/>')
        for x, y, month in points:
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{RATE}"><title>{escape(month["label"])}: '
                f"{month['on_time_rate']:.2f}% {escape(_('đúng hạn'))}</title></circle>"
            )
    legend = (
        (RECEIVED, _("Tiếp nhận")),
        (RESOLVED, _("Đã giải quyết")),
        (RATE, _("Tỷ lệ đúng hạn (trục phải)")),
    )
    x = left
    for colour, label in legend:
        parts.append(f'<rect x="{x}" y="8" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{x + 16}" y="18" font-size="12" fill="#1f2933">{escape(label)}</text>')
        x += 24 + 7 * len(str(label))
    parts.append("</svg>")
    return mark_safe("".join(parts))


def ranking(items: list[dict], *, title: str, unit: str = "%") -> SafeString:
    """Horizontal bars, best first: each item's `value` (None: no figure) and its `target` as a mark."""
    row, left, right, top = 24, 300, 70, 8
    width = 760
    height = top + row * max(len(items), 1) + 8
    plot_w = width - left - right
    peak = 100.0 if unit == "%" else _nice_top(max([i["value"] or 0 for i in items] + [0]))
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    ]
    for n, item in enumerate(items):
        y = top + row * n
        name = item["name"] if len(item["name"]) <= 44 else item["name"][:43] + "…"
        parts.append(
            f'<text x="{left - 8}" y="{y + 15}" text-anchor="end" font-size="12" fill="#1f2933">{escape(name)}</text>'
        )
        value = item["value"]
        if value is None:
            parts.append(f'<text x="{left + 4}" y="{y + 15}" font-size="12" fill="#5f6b7a">—</text>')
        else:
            w = plot_w * min(value, peak) / peak
            parts.append(
                f'<rect x="{left}" y="{y + 4}" width="{w:.1f}" height="{row - 8}" fill="{BAR}">'
                f"<title>{escape(item['name'])}: {value:.2f}{escape(unit)}</title></rect>"
            )
            parts.append(
                f'<text x="{left + w + 4:.1f}" y="{y + 15}" font-size="12" fill="#1f2933">'
                f"{value:.2f}{escape(unit)}</text>"
            )
        target = item.get("target")
        if target is not None:
            x = left + plot_w * min(target, peak) / peak
            parts.append(
                f'<line x1="{x:.1f}" y1="{y + 1}" x2="{x:.1f}" y2="{y + row - 1}" stroke="{TARGET}" stroke-width="3">'
                f"<title>{escape(_('Chỉ tiêu'))}: {target:.2f}{escape(unit)}</title></line>"
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))
