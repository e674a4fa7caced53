"""SVG charts: text alternatives, escaping, scales, determinism."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

from auditor.site.charts import (
    Chart,
    SeriesData,
    diverging_bars,
    line,
    nice_max,
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


def test_nice_max() -> None:
    """Axis tops are round numbers at or above the data."""
    assert [1, 1, 2, 2.5, 5, 10, 200, 250] == [
        nice_max(v) for v in (0, 1, 1.5, 2.2, 4, 7, 185, 201)
    ]


def test_sparkline_has_a_label() -> None:
    """The index's sparkline carries an escaped aria-label; a flat line sits mid-height."""
    svg = str(sparkline([3, 3, 3], label="risk <x>"))
    assert 'aria-label="risk &lt;x&gt;"' in svg
    assert "2,12 48,12 94,12" in svg
    assert "" == str(sparkline([], label="x"))
