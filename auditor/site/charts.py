"""Charts as inline SVG, drawn in Python: no JavaScript, nothing loaded.

Each chart is an ``<svg role="img">`` labelled by its own ``<title>`` and ``<desc>`` (the
description states the first, last and highest values of each series), and the page puts a
table of the same numbers under it. Colours come from the page's CSS classes (``s-*``), so
print and high-contrast styles apply; shapes use presentation attributes only (no ``style``
attribute), which the page's Content-Security-Policy allows. Coordinates are rounded to one
decimal so the output is byte-stable. The value axis has round ticks (1, 2, 2.5 or 5 times a
power of ten apart) that always include zero (``axis_ticks``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH, HEIGHT = 640, 250
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 12, 30
X_LABELS = 5
Y_TICKS = 5  # at most this many intervals between the value axis' ticks
_STEPS = (1.0, 2.0, 2.5, 5.0)
RESOLUTION = 1e-6  # the finest tick step: chart values are counts, scores and years


@dataclass(frozen=True, kw_only=True)
class SeriesData:
    name: str
    css: str  # the CSS class that colours it, e.g. "s-critical"
    values: tuple[float, ...]


@dataclass(frozen=True, kw_only=True)
class Chart:
    """One chart's data: x labels (weeks or dates) and one or more series."""

    chart_id: str
    title: str
    labels: tuple[str, ...]
    series: tuple[SeriesData, ...]
    unit: str = ""

    def describe(self) -> str:
        if not self.labels:
            return f"{self.title}: no data."
        span = (
            f"from {self.labels[0]} to {self.labels[-1]}"
            if len(self.labels) > 1
            else f"for {self.labels[0]}"
        )
        parts = [
            f"{s.name}: {fmt(s.values[0])} first, {fmt(s.values[-1])} last, "
            f"{fmt(max(s.values))} at most"
            for s in self.series
            if s.values
        ]
        return f"{self.title} {span}. " + "; ".join(parts) + "."


def fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def nice_step(raw: float) -> float:
    """The smallest round step (1, 2, 2.5 or 5 times a power of ten) at or above ``raw``."""
    if raw <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(raw))
    for step in _STEPS:
        if raw <= step * power * (1 + 1e-9):
            return step * power
    return 10 * power


def _next_step(step: float) -> float:
    power = 10.0 ** math.floor(math.log10(step) + 1e-9)
    for candidate in _STEPS:
        if candidate * power > step * (1 + 1e-9):
            return candidate * power
    return 10 * power


def axis_ticks(
    low: float, high: float, *, most: int = Y_TICKS, min_step: float = 0.0
) -> tuple[float, ...]:
    """Round ticks covering ``low``..``high`` and zero: equally spaced by a round step (at
    least ``min_step``, e.g. 1 for counts), at most ``most`` intervals, the first at or below
    the smallest value and the last at or above the largest."""
    low, high = min(low, 0.0), max(high, 0.0)
    if not (math.isfinite(low) and math.isfinite(high)):
        raise ValueError("axis values must be finite")
    if high == low:  # all zero: an axis from 0 to 1
        return (0.0, max(1.0, nice_step(min_step)))
    step = nice_step(max((high - low) / max(1, most), min_step, RESOLUTION))
    while True:
        first = math.floor(low / step + 1e-9)
        last = math.ceil(high / step - 1e-9)
        if last - first <= max(1, most):
            break
        step = _next_step(step)
    if first == last:  # values within binary noise of zero: one step on their side
        first, last = (0, 1) if high > -low else (-1, 0)
    return tuple(_clean(k * step) for k in range(first, last + 1))


def _clean(value: float) -> float:
    """A multiple of a round step without binary noise (0.30000000000000004 → 0.3)."""
    return float(round(value, 9)) + 0.0  # + 0.0 turns -0.0 into 0.0


def fmt_tick(value: float) -> str:
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.6f}".rstrip("0").rstrip(".")


def _r(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


class _Frame:
    """Maps values to the plot area; draws the axes, grid and labels."""

    def __init__(
        self, chart: Chart, top: float, bottom: float = 0.0, *, counts: bool = True
    ) -> None:
        self.chart = chart
        self.ticks = axis_ticks(bottom, top, min_step=1.0 if counts else 0.0)
        self.top, self.bottom = self.ticks[-1], self.ticks[0]
        self.n = max(1, len(chart.labels))
        self.plot_w = WIDTH - LEFT - RIGHT
        self.plot_h = HEIGHT - TOP - BOTTOM

    def x(self, index: float) -> float:
        """The centre of slot ``index`` (a chart of one point puts it in the middle)."""
        return LEFT + (index + 0.5) * self.plot_w / self.n

    def slot(self) -> float:
        return self.plot_w / self.n

    def y(self, value: float) -> float:
        span = self.top - self.bottom
        return TOP + (self.top - value) * self.plot_h / span

    def axes(self) -> list[str]:
        out = []
        for value in self.ticks:
            y = self.y(value)
            out.append(
                f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{_r(y)}" y2="{_r(y)}"/>'
            )
            out.append(
                f'<text class="tick" x="{LEFT - 6}" y="{_r(y + 4)}" text-anchor="end">'
                f"{escape(fmt_tick(value))}</text>"
            )
        zero = self.y(0)
        out.append(
            f'<line class="axis" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{_r(zero)}" y2="{_r(zero)}"/>'
        )
        indexes = _label_indexes(len(self.chart.labels))
        for index in indexes:
            # the outer labels lean inwards, so that they are never cut at the edges
            anchor = "middle"
            if len(indexes) > 1 and index == indexes[0]:
                anchor = "start"
            elif len(indexes) > 1 and index == indexes[-1]:
                anchor = "end"
            x = LEFT if anchor == "start" else WIDTH - RIGHT if anchor == "end" else self.x(index)
            out.append(
                f'<text class="tick" x="{_r(x)}" y="{HEIGHT - 10}" '
                f'text-anchor="{anchor}">{escape(self.chart.labels[index])}</text>'
            )
        return out


def _label_indexes(count: int) -> list[int]:
    if count <= X_LABELS:
        return list(range(count))
    step = (count - 1) / (X_LABELS - 1)
    return sorted({round(i * step) for i in range(X_LABELS)})


def _svg(chart: Chart, body: list[str]) -> Markup:
    cid = escape(chart.chart_id)
    head = (
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{cid}-t {cid}-d" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{cid}-t">{escape(chart.title)}</title>'
        f'<desc id="{cid}-d">{escape(chart.describe())}</desc>'
    )
    return Markup(head + "".join(body) + "</svg>")  # noqa: S704 - every text part escaped


def _empty(chart: Chart) -> bool:
    return not chart.labels or not any(chart.series)


def stacked_area(chart: Chart) -> Markup:
    """Series stacked on each other (e.g. direct + transitive = all packages)."""
    if _empty(chart):
        return _svg(chart, [])
    totals = [sum(s.values[i] for s in chart.series) for i in range(len(chart.labels))]
    frame = _Frame(chart, max(totals, default=0))
    body = frame.axes()
    base = [0.0] * len(chart.labels)
    for series in chart.series:
        upper = [b + v for b, v in zip(base, series.values, strict=True)]
        if len(chart.labels) == 1:  # one point: a bar is clearer than an invisible area
            x, w = frame.x(0) - frame.slot() / 4, frame.slot() / 2
            body.append(
                f'<rect class="{series.css}" x="{_r(x)}" y="{_r(frame.y(upper[0]))}" '
                f'width="{_r(w)}" height="{_r(frame.y(base[0]) - frame.y(upper[0]))}"/>'
            )
        else:
            top = [f"{_r(frame.x(i))},{_r(frame.y(v))}" for i, v in enumerate(upper)]
            bottom = [
                f"{_r(frame.x(i))},{_r(frame.y(v))}" for i, v in reversed(list(enumerate(base)))
            ]
            body.append(f'<polygon class="{series.css}" points="{" ".join(top + bottom)}"/>')
        base = upper
    return _svg(chart, body)


def stacked_bars(chart: Chart) -> Markup:
    """One bar per label, its series stacked (e.g. churn per week)."""
    if _empty(chart):
        return _svg(chart, [])
    totals = [sum(s.values[i] for s in chart.series) for i in range(len(chart.labels))]
    frame = _Frame(chart, max(totals, default=0))
    body = frame.axes()
    width = max(1.0, frame.slot() * 0.7)
    for index in range(len(chart.labels)):
        level = 0.0
        for series in chart.series:
            value = series.values[index]
            if value <= 0:
                continue
            y_top, y_bottom = frame.y(level + value), frame.y(level)
            body.append(
                f'<rect class="{series.css}" x="{_r(frame.x(index) - width / 2)}" '
                f'y="{_r(y_top)}" width="{_r(width)}" height="{_r(y_bottom - y_top)}"/>'
            )
            level += value
    return _svg(chart, body)


def diverging_bars(chart: Chart) -> Markup:
    """Two series: the first drawn up from zero, the second down (new vs resolved)."""
    if _empty(chart) or len(chart.series) != 2:
        return _svg(chart, [])
    up, down = chart.series
    frame = _Frame(chart, max(up.values, default=0), -max(down.values, default=0))
    body = frame.axes()
    width = max(1.0, frame.slot() * 0.7)
    zero = frame.y(0)
    for index in range(len(chart.labels)):
        x = _r(frame.x(index) - width / 2)
        if up.values[index] > 0:
            y = frame.y(up.values[index])
            body.append(
                f'<rect class="{up.css}" x="{x}" y="{_r(y)}" width="{_r(width)}" '
                f'height="{_r(zero - y)}"/>'
            )
        if down.values[index] > 0:
            y = frame.y(-down.values[index])
            body.append(
                f'<rect class="{down.css}" x="{x}" y="{_r(zero)}" width="{_r(width)}" '
                f'height="{_r(y - zero)}"/>'
            )
    return _svg(chart, body)


def line(chart: Chart) -> Markup:
    """Each series as a line with a dot on each value (risk score, libyears)."""
    if _empty(chart):
        return _svg(chart, [])
    values = [v for s in chart.series for v in s.values]
    frame = _Frame(chart, max(values, default=0), min(values, default=0), counts=False)
    body = frame.axes()
    for series in chart.series:
        points = [f"{_r(frame.x(i))},{_r(frame.y(v))}" for i, v in enumerate(series.values)]
        if len(points) > 1:
            body.append(f'<polyline class="{series.css} line" points="{" ".join(points)}"/>')
        if len(points) <= 60:
            for point in points:
                x, y = point.split(",")
                body.append(f'<circle class="{series.css}" cx="{x}" cy="{y}" r="3"/>')
    return _svg(chart, body)


def sparkline(values: Sequence[float], *, label: str, css: str = "s-risk") -> Markup:
    """A small trend line for tables (the index), with its own text alternative."""
    width, height, pad = 96, 24, 2
    if not values:
        return Markup("")
    low, high = min(values), max(values)
    span = (high - low) or 1.0  # a flat line sits in the middle
    n = len(values)
    step = (width - 2 * pad) / max(1, n - 1)

    def level(value: float) -> float:
        return 0.5 if high == low else (value - low) / span

    points = " ".join(
        f"{_r(pad + i * step)},{_r(height - pad - level(v) * (height - 2 * pad))}"
        for i, v in enumerate(values)
    )
    return Markup(  # noqa: S704 - label escaped, the rest are numbers
        f'<svg class="spark" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">'
        f'<polyline class="{css} line" points="{points}"/></svg>'
    )
