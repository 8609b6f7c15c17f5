"""Charts drawn on the server as inline SVG: no script, no style attribute, nothing from elsewhere.

The content security policy forbids inline scripts and styles, so a chart is plain SVG markup
with presentation attributes (fill, stroke, font-size); the page's CSS sizes it and gives its
text the platform's font. Each bar carries a `<title>` that browsers show as a tooltip and
screen readers read, and the figure's data table beneath it holds the same numbers.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from pubcredit.statistics.dashboard import Chart, display

WIDTH = 960
PALETTE = (
    "#14529c",  # blue
    "#e69f00",  # amber
    "#1d6b34",  # green
    "#6b4fa0",  # purple
    "#0f8a8a",  # teal
    "#8c564b",  # brown
    "#7f8894",  # grey
    "#56b4e9",  # sky
)
ALERT = "#a8151c"  # overdue and the like, in the platform's red
TEXT = "#1f2329"
MUTED = "#4a515c"
GRID = "#dde1e7"
AXIS = "#7f8894"
FONT_SIZE = 12
LEGEND_ROW = 20


def colours(chart: Chart) -> list[str]:
    """One colour per series: a series' fixed palette position, else the palette in order; red
    is kept for the series that warn."""
    out: list[str] = []
    fixed = [s.colour for s in chart.series if s.colour is not None]
    index = max(fixed) + 1 if fixed else 0
    for series in chart.series:
        if series.alert:
            out.append(ALERT)
        elif series.colour is not None:
            out.append(PALETTE[series.colour % len(PALETTE)])
        else:
            out.append(PALETTE[index % len(PALETTE)])
            index += 1
    return out


def text_width(text: str, size: int = FONT_SIZE) -> float:
    """An estimate good enough for layout: CJK characters are square, Latin and digits about half."""
    return sum(size if ord(ch) > 0x2E7F else size * 0.6 for ch in text)


def _clip(text: str, width: float) -> str:
    if text_width(text) <= width:
        return text
    while text and text_width(text + "…") > width:
        text = text[:-1]
    return text + "…"


def nice_scale(top: float, *, percent: bool = False, ticks: int = 5) -> tuple[float, float]:
    """An axis maximum and step from 1, 2, 2.5 or 5 times a power of ten (whole steps for counts)."""
    if top <= 0:
        return 1.0, 1.0
    raw = top / ticks
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    if not percent:
        step = max(step, 1.0)
    return step * math.ceil(top / step - 1e-9), step


def _fmt(value: float, percent: bool) -> str:
    if percent:
        return f"{value * 100:.0f}%"
    return f"{value:,.0f}" if value >= 1 or value == 0 else f"{value:g}"


def _legend(chart: Chart, width: float, left: float) -> tuple[list[str], float]:
    """Legend items laid out in rows across the top; returns the markup and its height."""
    parts: list[str] = []
    palette = colours(chart)
    x, y = left, 0.0
    for index, series in enumerate(chart.series):
        item = 14 + text_width(series.label) + 18
        if x + item > width and x > left:
            x, y = left, y + LEGEND_ROW
        parts.append(
            f'<g class="pc-chart__legend-item"><rect x="{x:.1f}" y="{y + 4:.1f}" width="10" height="10" '
            f'fill="{palette[index]}"/><text x="{x + 14:.1f}" y="{y + 13:.1f}" font-size="{FONT_SIZE}" '
            f'fill="{TEXT}">{escape(series.label)}</text></g>'
        )
        x += item
    height = y + LEGEND_ROW if chart.series else 0
    return parts, height


def _bar_title(chart: Chart, category: str, label: str, value: float | int | None) -> str:
    return escape(f"{category} · {label}：{display(value, percent=chart.percent)}")


def _maximum(chart: Chart) -> float:
    count = len(chart.drawn_categories)
    if chart.stacked:
        totals = [sum(s.values[i] or 0 for s in chart.series) for i in range(count)]
    else:
        totals = [v or 0 for s in chart.series for v in s.values[:count]]
    top = max(totals, default=0)
    return 1.0 if chart.percent else float(top)


def _columns(chart: Chart) -> tuple[list[str], int]:
    """Months along the x axis, stacked or side by side; returns the markup and the height."""
    left, right, plot_h = 64.0, 12.0, 240.0
    legend, legend_h = _legend(chart, WIDTH - right, left)
    top = legend_h + 12
    categories = chart.drawn_categories
    n = max(len(categories), 1)
    label_every = max(1, math.ceil(n / 12))
    rotate = n > 12
    bottom = 64 if rotate else 36
    height = int(top + plot_h + bottom)
    plot_w = WIDTH - left - right
    maximum, step = nice_scale(_maximum(chart), percent=chart.percent)
    palette = colours(chart)
    parts = [*legend]
    parts += _y_axis(left, top, plot_w, plot_h, maximum, step, chart.percent)
    band = plot_w / n
    for i, category in enumerate(categories):
        x0 = left + i * band
        if chart.stacked:
            bar_w = min(band * 0.7, 56.0)
            base = 0.0
            for index, series in enumerate(chart.series):
                value = series.values[i] or 0
                if not value:
                    continue
                h = plot_h * value / maximum
                y = top + plot_h - plot_h * (base + value) / maximum
                parts.append(
                    f'<rect x="{x0 + (band - bar_w) / 2:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                    f'fill="{palette[index]}"><title>{_bar_title(chart, category, series.label, value)}</title></rect>'
                )
                base += value
        else:
            bar_w = min(band * 0.8 / max(len(chart.series), 1), 28.0)
            group = bar_w * len(chart.series)
            for index, series in enumerate(chart.series):
                shown = series.values[i]
                h = plot_h * (shown or 0) / maximum
                x = x0 + (band - group) / 2 + index * bar_w
                parts.append(
                    f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{max(bar_w - 1, 1):.1f}" '
                    f'height="{h:.1f}" fill="{palette[index]}"><title>'
                    f"{_bar_title(chart, category, series.label, shown)}</title></rect>"
                )
        if i % label_every == 0:
            cx, cy = x0 + band / 2, top + plot_h + 16
            if rotate:
                parts.append(
                    f'<text x="{cx:.1f}" y="{cy:.1f}" font-size="{FONT_SIZE - 1}" fill="{MUTED}" text-anchor="end" '
                    f'transform="rotate(-45 {cx:.1f} {cy:.1f})">{escape(category)}</text>'
                )
            else:
                parts.append(
                    f'<text x="{cx:.1f}" y="{cy:.1f}" font-size="{FONT_SIZE - 1}" fill="{MUTED}" '
                    f'text-anchor="middle">{escape(category)}</text>'
                )
    parts.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="{AXIS}"/>')
    parts.append(
        f'<text x="{left + plot_w / 2:.1f}" y="{height - 4}" font-size="{FONT_SIZE}" fill="{MUTED}" '
        f'text-anchor="middle">{escape(chart.category_label)}</text>'
    )
    middle = top + plot_h / 2
    parts.append(
        f'<text x="14" y="{middle:.1f}" font-size="{FONT_SIZE}" fill="{MUTED}" text-anchor="middle" '
        f'transform="rotate(-90 14 {middle:.1f})">{"比率" if chart.percent else "数量"}</text>'
    )
    return parts, height


def _y_axis(
    left: float, top: float, width: float, height: float, maximum: float, step: float, percent: bool
) -> list[str]:
    parts: list[str] = []
    tick = 0.0
    while tick <= maximum + 1e-9:
        y = top + height - height * tick / maximum
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + width}" y2="{y:.1f}" stroke="{GRID}"/>')
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="{FONT_SIZE - 1}" fill="{MUTED}" '
            f'text-anchor="end">{_fmt(tick, percent)}</text>'
        )
        tick += step
    return parts


def _bars(chart: Chart) -> tuple[list[str], int]:
    """Organisations down the y axis, bars to the right, stacked or side by side."""
    categories = chart.drawn_categories
    label_w = min(max((text_width(c) for c in categories), default=60) + 12, 220)
    left, right = label_w + 8, 56.0
    legend, legend_h = _legend(chart, WIDTH - right, 8)
    top = legend_h + 10
    per_series = 1 if chart.stacked else max(len(chart.series), 1)
    row_h = 10 + 12 * per_series if not chart.stacked else 26
    plot_h = max(len(categories), 1) * row_h
    plot_w = WIDTH - left - right
    height = int(top + plot_h + 44)
    maximum, step = nice_scale(_maximum(chart), percent=chart.percent)
    palette = colours(chart)
    parts = [*legend]
    tick = 0.0
    while tick <= maximum + 1e-9:
        x = left + plot_w * tick / maximum
        parts.append(f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{top + plot_h}" stroke="{GRID}"/>')
        parts.append(
            f'<text x="{x:.1f}" y="{top + plot_h + 16}" font-size="{FONT_SIZE - 1}" fill="{MUTED}" '
            f'text-anchor="middle">{_fmt(tick, chart.percent)}</text>'
        )
        tick += step
    for i, category in enumerate(categories):
        y0 = top + i * row_h
        parts.append(
            f'<text x="{left - 8}" y="{y0 + row_h / 2 + 4:.1f}" font-size="{FONT_SIZE}" fill="{TEXT}" '
            f'text-anchor="end"><title>{escape(category)}</title>{escape(_clip(category, label_w - 12))}</text>'
        )
        if chart.stacked:
            base = 0.0
            for index, series in enumerate(chart.series):
                value = series.values[i] or 0
                if not value:
                    continue
                w = plot_w * value / maximum
                parts.append(
                    f'<rect x="{left + plot_w * base / maximum:.1f}" y="{y0 + 5:.1f}" width="{w:.1f}" '
                    f'height="{row_h - 10:.1f}" fill="{palette[index]}"><title>'
                    f"{_bar_title(chart, category, series.label, value)}</title></rect>"
                )
                base += value
        else:
            for index, series in enumerate(chart.series):
                shown = series.values[i]
                y = y0 + 5 + index * 12
                w = plot_w * (shown or 0) / maximum
                parts.append(
                    f'<rect x="{left:.1f}" y="{y:.1f}" width="{w:.1f}" height="10" fill="{palette[index]}"><title>'
                    f"{_bar_title(chart, category, series.label, shown)}</title></rect>"
                )
                if chart.percent or shown is None:
                    parts.append(
                        f'<text x="{left + w + 4:.1f}" y="{y + 9:.1f}" font-size="{FONT_SIZE - 1}" '
                        f'fill="{MUTED}">{display(shown, percent=chart.percent)}</text>'
                    )
    parts.append(f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="{AXIS}"/>')
    axis = "比率" if chart.percent else "数量"
    parts.append(
        f'<text x="{left + plot_w / 2:.1f}" y="{height - 4}" font-size="{FONT_SIZE}" fill="{MUTED}" '
        f'text-anchor="middle">{axis}</text>'
    )
    return parts, height


def _lines(chart: Chart) -> Iterator[str]:
    parts, height = _columns(chart) if chart.orientation == "columns" else _bars(chart)
    title_id = f"chart-{chart.slug}-svg-title"
    yield (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="pc-chart__svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" aria-labelledby="{title_id}" data-chart="{chart.slug}">'
    )
    yield f'<title id="{title_id}">{escape(chart.title)}</title>'
    yield from parts
    yield "</svg>"


def chart_svg(chart: Chart) -> SafeString:
    """The chart as SVG markup; every text in it is escaped."""
    return mark_safe("\n".join(_lines(chart)))  # built from escaped parts
