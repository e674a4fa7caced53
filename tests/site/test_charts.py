"""SVG charts: text alternatives, escaping, scales, determinism."""

from __future__ import annotations

import itertools
import math
import re
import xml.etree.ElementTree as ET
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from auditor.site.charts import (
    Y_TICKS,
    Chart,
    SeriesData,
    axis_ticks,
    diverging_bars,
    line,
    sparkline,
    stacked_area,
    stacked_bars,
)

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> Any:
    """Our own SVG, parsed to check its structure (not untrusted input)."""
    return ET.fromstring(svg)  # noqa: S314


def chart(labels: tuple[str, ...] = ("2024-W01", "2024-W02", "2024-W03")) -> Chart:
    n = len(labels)
    return Chart(
        chart_id="c-x",
        title='Open <findings> & "more"',
        labels=labels,
        series=(
            SeriesData(name="a<b>", css="s-critical", values=tuple(float(i) for i in range(n))),
            SeriesData(name="c", css="s-low", values=tuple(float(2 * i + 1) for i in range(n))),
        ),
    )


def test_every_kind_is_well_formed_svg_with_title_and_desc() -> None:
    """Each chart parses as XML, is labelled by its title and description, and escapes text."""
    for draw in (stacked_area, stacked_bars, line):
        svg = str(draw(chart()))
        root = parse(svg)
        assert "img" == root.get("role")
        assert "c-x-t c-x-d" == root.get("aria-labelledby")
        assert 'Open <findings> & "more"' == root.find(f"{SVG}title").text
        desc = root.find(f"{SVG}desc").text or ""
        assert "from 2024-W01 to 2024-W03" in desc
        assert "a<b>: 0 first, 2 last, 2 at most" in desc
        assert "style=" not in svg
    diverging = str(diverging_bars(chart()))
    assert parse(diverging).find(f"{SVG}desc") is not None


def test_stacked_area_tops_at_the_total() -> None:
    """The upper series' polygon reaches the sum of both series."""
    svg = str(stacked_area(chart()))
    assert svg.count("<polygon") == 2
    assert "s-critical" in svg


def test_a_single_point_and_no_data_still_render() -> None:
    """One week draws bars; no week draws an empty, labelled chart."""
    one = str(stacked_area(chart(("2024-W01",))))
    assert "<rect" in one
    empty = parse(str(line(chart(()))))
    assert 'Open <findings> & "more": no data.' == empty.find(f"{SVG}desc").text


def test_output_is_byte_stable_and_rounded() -> None:
    """The same data gives the same bytes; coordinates carry at most one decimal."""
    assert str(stacked_bars(chart())) == str(stacked_bars(chart()))
    numbers = re.findall(r'(?:x|y|width|height)="(-?[0-9.]+)"', str(stacked_bars(chart())))
    assert numbers
    assert all(len(n.split(".")[1]) <= 1 for n in numbers if "." in n)


def test_axis_ticks_examples() -> None:
    """Round ticks that include zero: the new/resolved chart of a week with 2 new and 5
    resolved findings no longer reads -5, -3.6, -2.2, -0.8, 0.6, 2."""
    assert (-6, -4, -2, 0, 2) == axis_ticks(-5, 2, min_step=1)
    assert (0, 1) == axis_ticks(0, 0)
    assert (0, 1, 2) == axis_ticks(0, 2, min_step=1)
    assert (0, 50, 100, 150, 200) == axis_ticks(0, 185)
    assert (0, 0.1, 0.2, 0.3, 0.4, 0.5) == axis_ticks(0, 0.5)
    assert (-1, 0) == axis_ticks(-0.4, 0, min_step=1)


def test_diverging_chart_labels_its_round_ticks() -> None:
    """The drawn axis of the new/resolved chart carries exactly the round tick labels."""
    flow = Chart(
        chart_id="c-flow",
        title="New and resolved",
        labels=("2024-W01", "2024-W02"),
        series=(
            SeriesData(name="new", css="s-new", values=(2.0, 0.0)),
            SeriesData(name="resolved", css="s-resolved", values=(0.0, 5.0)),
        ),
    )
    labels = re.findall(r'text-anchor="end">(-?[0-9.]+)</text>', str(diverging_bars(flow)))
    assert ["-6", "-4", "-2", "0", "2"] == labels


finite = st.floats(min_value=-1e7, max_value=1e7, allow_nan=False, allow_infinity=False)


@given(low=finite, high=finite, counts=st.booleans())
def test_axis_ticks_properties(low: float, high: float, counts: bool) -> None:
    """For any data range: zero is a tick; the ticks cover the data; they are equally spaced
    by a round step (1, 2, 2.5 or 5 times a power of ten, whole for counts); at most
    ``Y_TICKS`` intervals."""
    low, high = min(low, high), max(low, high)
    ticks = axis_ticks(low, high, min_step=1.0 if counts else 0.0)
    assert 0 in ticks
    assert 2 <= len(ticks) <= Y_TICKS + 1
    step = ticks[1] - ticks[0]
    assert all(math.isclose(b - a, step) for a, b in itertools.pairwise(ticks))
    # the ticks cover the data (up to a billionth of a step: binary noise)
    assert ticks[0] <= min(low, 0) + step * 1e-9
    assert ticks[-1] >= max(high, 0) - step * 1e-9
    mantissa = step / 10 ** math.floor(math.log10(step) + 1e-9)  # 1 <= mantissa < 10
    assert any(math.isclose(mantissa, m) for m in (1, 2, 2.5, 5))
    if counts:
        assert step >= 1
        assert float(step).is_integer()


def test_sparkline_has_a_label() -> None:
    """The index's sparkline carries an escaped aria-label; a flat line sits mid-height."""
    svg = str(sparkline([3, 3, 3], label="risk <x>"))
    assert 'aria-label="risk &lt;x&gt;"' in svg
    assert "2,12 48,12 94,12" in svg
    assert "" == str(sparkline([], label="x"))
