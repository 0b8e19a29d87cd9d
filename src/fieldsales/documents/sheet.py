"""A text sheet on A4: a title, a few lines under it, then sections of lines, over as many pages
as it takes. For documents that are read rather than calculated: the visit preparation printed
or shared before a visit.

The caller decides the words (the app's screens have them, in Dutch, with their labels); this
module only lays them out, so what is printed is what the screen shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from fieldsales.documents.pdf import A4_WIDTH, BOLD, Document, Page, wrap

LEFT = 50.0
RIGHT = A4_WIDTH - 50.0
TOP = 60.0
BOTTOM = 785.0
LINE = 13.0
INDENT = 12.0


@dataclass(frozen=True, slots=True)
class Section:
    title: str
    lines: Sequence[str]
    empty: str = ""  # shown when there are no lines


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
