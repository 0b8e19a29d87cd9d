"""A text sheet on A4: a title, a few lines under it, then sections of lines or tables, over as
many pages as it takes. For documents that are read rather than calculated: the visit
preparation printed before a visit, the Resultaten report a manager files.

The caller decides the words (the app's screens have them, in Dutch, with their labels); this
module only lays them out, so what is printed is what the screen shows.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from fieldsales.documents.pdf import A4_WIDTH, BOLD, Document, Page, text_width, wrap

LEFT = 50.0
RIGHT = A4_WIDTH - 50.0
TOP = 60.0
BOTTOM = 785.0
LINE = 13.0
INDENT = 12.0


#: A cell that holds a figure (``1234,56``, ``-12,5``, ``3``): right-aligned, with thousands dots.
_FIGURE = re.compile(r"^-?\d+(,\d+)?$")
TABLE_SIZE = 8.5


@dataclass(frozen=True, slots=True)
class Grid:
    header: Sequence[str]
    rows: Sequence[Sequence[str]]


@dataclass(frozen=True, slots=True)
class Section:
    title: str
    lines: Sequence[str] = ()
    empty: str = ""  # shown when there are no lines (or rows)
    grid: Grid | None = None


def figure_text(cell: str) -> str:
    """``1234567,5`` as ``1.234.567,5``: a figure as a Dutch reader reads it."""
    if not _FIGURE.match(cell):
        return cell
    sign, body = ("-", cell[1:]) if cell.startswith("-") else ("", cell)
    whole, comma, fraction = body.partition(",")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return sign + ".".join(groups) + comma + fraction


@dataclass(frozen=True, slots=True)
class Sheet:
    title: str
    created: datetime
    intro: Sequence[str] = ()
    sections: Sequence[Section] = field(default_factory=tuple)
    footer: str = ""


class _Writer:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.page: Page = doc.new_page()
        self.y = TOP

    def room(self, height: float) -> None:
        if self.y + height > BOTTOM:
            self.page = self.doc.new_page()
            self.y = TOP

    def lines(self, text: str, *, size: float = 10, font: str = "F1", indent: float = 0) -> None:
        for row in wrap(text, RIGHT - LEFT - indent, size, font):
            self.room(LINE)
            self.page.text(LEFT + indent, self.y, row, size=size, font=font)
            self.y += LINE * size / 10


def render_sheet(sheet: Sheet) -> bytes:
    doc = Document(title=sheet.title, created=sheet.created)
    w = _Writer(doc)
    w.lines(sheet.title, size=18, font=BOLD)
    w.y += 6
    for text in sheet.intro:
        w.lines(text)
    for section in sheet.sections:
        w.y += 10
        w.room(LINE * 3)  # a heading never ends a page on its own
        w.page.line(LEFT, w.y - 10, RIGHT, w.y - 10, width=0.3)
        w.lines(section.title, size=12, font=BOLD)
        w.y += 2
        if section.grid is not None:
            if section.grid.rows:
                _grid(w, section.grid)
            else:
                w.lines(section.empty, size=9.5, indent=INDENT)
            continue
        if not section.lines:
            w.lines(section.empty, size=9.5, indent=INDENT)
        for text in section.lines:
            rows = wrap(text, RIGHT - LEFT - INDENT, 9.5)
            w.room(LINE * min(len(rows), 2))
            w.page.text(LEFT, w.y, "•", size=9.5)
            w.lines(text, size=9.5, indent=INDENT)
    for number, page in enumerate(doc.pages, start=1):
        if sheet.footer:
            page.text(LEFT, 810, sheet.footer, size=8)
        page.text(RIGHT, 810, f"Pagina {number} van {len(doc.pages)}", size=8, align="right")
    return doc.to_bytes()


def _grid(w: _Writer, grid: Grid) -> None:
    """A table: the first column takes the room the figures leave, and wraps; the header is
    shaded and repeated on a new page."""
    rows = [[figure_text(c) for c in row] for row in grid.rows]
    columns = len(grid.header)
    widths = [0.0] * columns
    for i in range(1, columns):
        cells = [grid.header[i], *(row[i] for row in rows if i < len(row))]
        widths[i] = max(text_width(c, TABLE_SIZE, BOLD) for c in cells) + 12
    widths[0] = max(120.0, RIGHT - LEFT - sum(widths[1:]))
    scale = min(1.0, (RIGHT - LEFT) / sum(widths))
    widths = [width * scale for width in widths]
    numeric = [
        i > 0 and all(_FIGURE.match(c.replace(".", "")) or not c for c in (r[i] for r in rows))
        for i in range(columns)
    ]

    def header() -> None:
        w.page.shade(LEFT - 3, w.y - 9, RIGHT - LEFT + 6, 13)
        _row(w, grid.header, widths, numeric, font=BOLD)

    w.room(LINE * 3)
    header()
    for row in rows:
        first = wrap(row[0] if row else "", widths[0] - 6, TABLE_SIZE)
        if w.y + LINE * len(first) > BOTTOM:
            w.room(BOTTOM)  # a new page
            header()
        _row(w, [*first[:1], *row[1:]], widths, numeric)
        for more in first[1:]:
            w.page.text(LEFT, w.y, more, size=TABLE_SIZE)
            w.y += LINE * 0.9
    w.y += 2


def _row(
    w: _Writer, cells: Sequence[str], widths: list[float], numeric: list[bool], font: str = "F1"
) -> None:
    x = LEFT
    for i, cell in enumerate(cells):
        if numeric[i]:
            w.page.text(x + widths[i] - 4, w.y, cell, size=TABLE_SIZE, font=font, align="right")
        elif cell:
            shown = wrap(cell, widths[i] - 6, TABLE_SIZE, font)[0]
            w.page.text(x, w.y, shown, size=TABLE_SIZE, font=font)
        x += widths[i]
    w.y += LINE * 0.9
