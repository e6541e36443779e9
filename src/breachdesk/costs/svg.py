"""Draw the response charts as SVG on the server, for the PDF (WeasyPrint renders SVG natively).

The data comes from ``costs.charts``, the same JSON Chart.js draws on the web. Text is escaped; nothing here reads
the database.
"""

from __future__ import annotations

import math
from typing import Any
from xml.sax.saxutils import escape

W, H = 360, 220
LEFT, RIGHT, TOP, BOTTOM = 40, 8, 30, 40
FONT = "Noto Sans CJK JP, sans-serif"


def _nice_max(value: float) -> float:
    """Return a round axis maximum above ``value`` that splits into four round ticks."""
    if value <= 0:
        return 1
    value *= 1.08  # headroom for the value labels above the bars
    exponent = math.floor(math.log10(value))
    for step in (1, 1.2, 1.6, 2, 2.4, 3, 4, 5, 6, 8, 10):
        candidate = step * 10**exponent
        if candidate >= value:
            return float(candidate)
    return float(10 ** (exponent + 1))


def _fmt(value: float) -> str:
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,.1f}"


def _text(x: float, y: float, text: str, *, size: int = 9, anchor: str = "start", fill: str = "#1d2430") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{fill}" '
        f'font-family="{FONT}">{escape(text)}</text>'
    )


def _frame(title: str, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" width="{W}" height="{H}" role="img">'
        f'<rect x="0" y="0" width="{W}" height="{H}" fill="#ffffff"/>'
        + _text(4, 15, title, size=12)
        + "".join(body)
        + "</svg>"
    )


def _y_axis(maximum: float, plot_h: float) -> list[str]:
    parts = []
    for n in range(5):
        value = maximum * n / 4
        y = TOP + plot_h - plot_h * n / 4
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{W - RIGHT}" y2="{y:.1f}" stroke="#d8dde5" stroke-width="0.6"/>'
        )
        parts.append(_text(LEFT - 4, y + 3, _fmt(value), size=9, anchor="end", fill="#5b6575"))
    return parts


def _legend(datasets: list[dict[str, Any]], y: float) -> list[str]:
    parts: list[str] = []
    x = float(LEFT)
    for dataset in datasets:
        parts.append(f'<rect x="{x:.1f}" y="{y - 8:.1f}" width="9" height="9" fill="{dataset["colour"]}"/>')
        label = str(dataset["label"])
        parts.append(_text(x + 12, y, label, size=9))
        x += 20 + (5.2 if label.isascii() else 9.5) * len(label)
    return parts


def _x_labels(labels: list[str], step_w: float, plot_h: float) -> list[str]:
    parts = []
    every = max(1, math.ceil(len(labels) / 7))
    for n, label in enumerate(labels):
        if n % every:
            continue
        x = LEFT + step_w * (n + 0.5)
        parts.append(_text(x, TOP + plot_h + 11, label[5:] if len(label) == 10 else label, size=9, anchor="middle"))
    return parts


def _short(label: str, width: float = 19) -> str:
    """Return ``label`` cut to about ``width`` Latin characters (a Japanese character counts as two)."""
    out, used = "", 0.0
    for char in label:
        used += 1 if char.isascii() else 2
        if used > width:
            return out + "…"
        out += char
    return out


def stacked_bars(chart: dict[str, Any], title: str) -> str:
    """Return a stacked vertical bar chart (one bar per label, one segment per dataset)."""
    labels: list[str] = chart["labels"]
    datasets: list[dict[str, Any]] = chart["datasets"]
    totals = [sum(d["data"][n] for d in datasets) for n in range(len(labels))]
    maximum = _nice_max(max(totals, default=0))
    plot_w, plot_h = W - LEFT - RIGHT, H - TOP - BOTTOM
    step_w = plot_w / max(len(labels), 1)
    bar_w = step_w * 0.7
    parts = _y_axis(maximum, plot_h)
    for n in range(len(labels)):
        base = 0.0
        for dataset in datasets:
            value = dataset["data"][n]
            if not value:
                continue
            h = plot_h * value / maximum
            y = TOP + plot_h - plot_h * base / maximum - h
            x = LEFT + step_w * n + (step_w - bar_w) / 2
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" fill="{dataset["colour"]}"/>'
            )
            base += value
        if len(labels) <= 12 and totals[n]:
            x = LEFT + step_w * (n + 0.5)
            y = TOP + plot_h - plot_h * totals[n] / maximum - 2
            parts.append(_text(x, y, _fmt(totals[n]), size=8, anchor="middle", fill="#5b6575"))
    parts += _x_labels(labels, step_w, plot_h)
    if len(datasets) > 1:
        parts += _legend(datasets, H - 6)
    return _frame(title, parts)


def lines(chart: dict[str, Any], title: str) -> str:
    """Return a line chart with one polyline per dataset."""
    labels: list[str] = chart["labels"]
    datasets: list[dict[str, Any]] = chart["datasets"]
    maximum = _nice_max(max((v for d in datasets for v in d["data"]), default=0))
    plot_w, plot_h = W - LEFT - RIGHT, H - TOP - BOTTOM
    step_w = plot_w / max(len(labels), 1)
    parts = _y_axis(maximum, plot_h)
    for dataset in datasets:
        points = [
            (LEFT + step_w * (n + 0.5), TOP + plot_h - plot_h * value / maximum)
            for n, value in enumerate(dataset["data"])
        ]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{dataset["colour"]}" stroke-width="1.8"/>')
        for x, y in points if len(points) <= 31 else []:
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="1.8" fill="{dataset["colour"]}"/>')
    parts += _x_labels(labels, step_w, plot_h)
    parts += _legend(datasets, H - 6)
    return _frame(title, parts)


def deadline_bars(chart: dict[str, Any], title: str, *, now_label: str, unit: str) -> str:
    """Return horizontal bars from awareness (day 0) to each deadline, with a line at "now"."""
    labels: list[str] = chart["labels"]
    ranges: list[list[float]] = chart["ranges"]
    now = float(chart["now"])
    maximum = _nice_max(max([r[1] for r in ranges] + [now, 1]))
    left = 118
    plot_w, plot_h = W - left - RIGHT - 6, H - TOP - BOTTOM
    row_h = plot_h / max(len(labels), 1)
    parts = []
    for n in range(5):
        value = maximum * n / 4
        x = left + plot_w * value / maximum
        parts.append(
            f'<line x1="{x:.1f}" y1="{TOP}" x2="{x:.1f}" y2="{TOP + plot_h}" stroke="#d8dde5" stroke-width="0.6"/>'
        )
        parts.append(_text(x, TOP + plot_h + 11, _fmt(value), size=9, anchor="middle", fill="#5b6575"))
    parts.append(_text(left + plot_w / 2, TOP + plot_h + 24, unit, size=9, anchor="middle", fill="#5b6575"))
    for n, label in enumerate(labels):
        start, end = ranges[n]
        y = TOP + row_h * n + row_h * 0.2
        x0 = left + plot_w * start / maximum
        x1 = left + plot_w * end / maximum
        colour = chart["colours"][n]
        parts.append(
            f'<rect x="{x0:.1f}" y="{y:.1f}" width="{max(x1 - x0, 1):.1f}" height="{row_h * 0.6:.1f}" '
            f'fill="{colour}" fill-opacity="0.8"/>'
        )
        parts.append(_text(left - 6, y + row_h * 0.38, _short(label), anchor="end"))
        parts.append(_text(x1 + 3, y + row_h * 0.38, chart["due"][n][5:10], size=9, fill="#5b6575"))
    x_now = left + plot_w * min(max(now, 0), maximum) / maximum
    parts.append(
        f'<line x1="{x_now:.1f}" y1="{TOP - 4}" x2="{x_now:.1f}" y2="{TOP + plot_h}" stroke="#b3261e" '
        f'stroke-width="1.4" stroke-dasharray="4 2"/>'
    )
    parts.append(_text(x_now, TOP - 6, now_label, size=9, anchor="middle", fill="#b3261e"))
    return _frame(title, parts)
