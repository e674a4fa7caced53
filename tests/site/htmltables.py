"""Reading the generated pages back: tables (by id), links and text, with the standard
library's HTML parser, so that the tests check what a reader sees, not our own values."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path


@dataclass
class Table:
    id: str | None
    head: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)

    def column(self, name: str) -> list[str]:
        index = self.head.index(name)
        return [row[index] for row in self.rows]

    def records(self) -> list[dict[str, str]]:
        return [dict(zip(self.head, row, strict=True)) for row in self.rows]


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[Table] = []
        self.links: list[str] = []
        self._stack: list[Table] = []
        self._cell: list[str] | None = None
        self._row: list[str] | None = None
        self._in_head = False
        self._skip = 0  # inside <details> of a cell, or <caption>
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.links.append(str(values["href"]))
        if tag == "table":
            self._stack.append(Table(id=values.get("id")))
        elif tag == "thead":
            self._in_head = True
        elif tag == "tr" and self._stack:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag in ("details", "caption") and self._stack:
            self._skip += 1
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag == "table" and self._stack:
            self.tables.append(self._stack.pop())
        elif tag == "thead":
            self._in_head = False
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join(" ".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None and self._stack:
            table = self._stack[-1]
            if self._in_head:
                table.head = self._row
            else:
                table.rows.append(self._row)
            self._row = None
        elif tag in ("details", "caption") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        self.text.append(data + " ")
        if self._cell is not None and not self._skip:
            self._cell.append(data)


@dataclass
class Page:
    tables: list[Table]
    links: list[str]
    text: str

    def table(self, table_id: str) -> Table:
        return next(t for t in self.tables if t.id == table_id)


def read_page(path: Path) -> Page:
    parser = _Parser()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return Page(
        tables=parser.tables, links=parser.links, text=" ".join("".join(parser.text).split())
    )
