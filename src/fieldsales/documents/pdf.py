"""A small PDF writer: A4 pages of text, lines and shaded boxes in the standard Helvetica fonts.

Why our own: a quote (and later a report for the manager) is text in a table, and the app must
make it offline on a phone, where every dependency has to exist on Flet's mobile package index.
The PDF standard's 14 built-in fonts need no embedding, so a valid file is a few objects, a
compressed content stream per page (``zlib``, in the standard library) and a cross-reference
table. Text is encoded as WinAnsi (cp1252), which holds the euro sign and Dutch accented letters;
a character outside it is written as ``?`` rather than failing the document.

Coordinates are in points from the top left (the PDF's own origin is bottom left; ``Page``
converts), so layout code reads top to bottom like the document.

Right-aligned amounts need text widths: ``text_width`` knows Helvetica's widths for the
characters amounts and dates are made of, and estimates other text from an average width (used
only to wrap descriptions, where a little slack is harmless).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from datetime import datetime

A4_WIDTH = 595.28
A4_HEIGHT = 841.89

REGULAR = "F1"
BOLD = "F2"
_FONTS = {REGULAR: "Helvetica", BOLD: "Helvetica-Bold"}

#: Widths (1/1000 em) of Helvetica and Helvetica-Bold glyphs that figures are made of; both
#: faces share them. From the fonts' published metrics (Adobe's AFM files).
_FIGURE_WIDTHS = {
    **dict.fromkeys("0123456789", 556),
    "€": 556,
    ".": 278,
    ",": 278,
    " ": 278,
    "\u00a0": 278,
    "-": 333,
    "%": 889,
    "+": 584,
    ":": 278,
    "/": 278,
}
#: Average lowercase-heavy text width (1/1000 em), bold a little wider: for wrapping only.
_AVERAGE = {REGULAR: 520, BOLD: 570}


def text_width(text: str, size: float, font: str = REGULAR) -> float:
    """Width in points of ``text`` set at ``size``: exact for figures, estimated otherwise."""
    units = sum(_FIGURE_WIDTHS.get(ch, _AVERAGE[font]) for ch in text)
    return units * size / 1000


def wrap(text: str, width: float, size: float, font: str = REGULAR) -> list[str]:
    """Break ``text`` into lines that fit ``width`` (at word boundaries; a word too long for a
    line of its own is cut). Explicit newlines are kept."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}" if line else word
            if text_width(candidate, size, font) <= width:
                line = candidate
                continue
            if line:
                lines.append(line)
            while text_width(word, size, font) > width and len(word) > 1:
                cut = max(1, int(len(word) * width / text_width(word, size, font)))
                lines.append(word[:cut])
                word = word[cut:]
            line = word
        lines.append(line)
    return lines


def _escape(text: str) -> bytes:
    encoded = text.encode("cp1252", errors="replace")
    return encoded.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def _number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") or "0"


@dataclass
class Page:
    """One A4 page being drawn; ``y`` grows downwards from the top edge."""

    ops: list[bytes] = field(default_factory=list)

    def text(
        self,
        x: float,
        y: float,
        text: str,
        *,
        size: float = 10,
        font: str = REGULAR,
        align: str = "left",
    ) -> None:
        """Text with its baseline at ``y``; ``align="right"`` ends it at ``x``."""
        if align == "right":
            x -= text_width(text, size, font)
        baseline = A4_HEIGHT - y
        self.ops.append(
            b"BT /%s %s Tf %s %s Td (%s) Tj ET"
            % (
                font.encode(),
                _number(size).encode(),
                _number(x).encode(),
                _number(baseline).encode(),
                _escape(text),
            )
        )

    def line(self, x1: float, y1: float, x2: float, y2: float, *, width: float = 0.5) -> None:
        self.ops.append(
            b"%s w %s %s m %s %s l S"
            % tuple(_number(v).encode() for v in (width, x1, A4_HEIGHT - y1, x2, A4_HEIGHT - y2))
        )

    def shade(self, x: float, y: float, width: float, height: float, *, grey: float = 0.93) -> None:
        """A filled box (a table header's background), ``y`` its top edge."""
        self.ops.append(
            b"q %s g %s %s %s %s re f Q"
            % tuple(_number(v).encode() for v in (grey, x, A4_HEIGHT - y - height, width, height))
        )


@dataclass
class Document:
    title: str
    created: datetime
    pages: list[Page] = field(default_factory=list)

    def new_page(self) -> Page:
        page = Page()
        self.pages.append(page)
        return page

    def to_bytes(self) -> bytes:
        """The whole file. Deterministic for the same content and ``created``."""
        pages = self.pages or [Page()]
        # Objects: 1 catalog, 2 page tree, 3-4 fonts, 5 info, then a page and its stream each.
        objects: list[bytes] = []
        first_page = 6
        kids = b" ".join(b"%d 0 R" % (first_page + 2 * i) for i in range(len(pages)))
        objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
        objects.append(b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(pages)))
        for name in (REGULAR, BOLD):
            objects.append(
                b"<< /Type /Font /Subtype /Type1 /BaseFont /%s /Encoding /WinAnsiEncoding >>"
                % _FONTS[name].encode()
            )
        stamp = self.created.strftime("D:%Y%m%d%H%M%S").encode()
        objects.append(
            b"<< /Title (%s) /Producer (fieldsales) /CreationDate (%s) >>"
            % (_escape(self.title), stamp)
        )
        for i, page in enumerate(pages):
            stream = zlib.compress(b"\n".join(page.ops), 6)
            objects.append(
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %s %s] "
                b"/Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents %d 0 R >>"
                % (_number(A4_WIDTH).encode(), _number(A4_HEIGHT).encode(), first_page + 2 * i + 1)
            )
            objects.append(
                b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream"
                % (len(stream), stream)
            )
        out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        offsets = []
        for number, body in enumerate(objects, start=1):
            offsets.append(len(out))
            out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
        xref = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
        for offset in offsets:
            out += b"%010d 00000 n \n" % offset
        out += b"trailer\n<< /Size %d /Root 1 0 R /Info 5 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
            len(objects) + 1,
            xref,
        )
        return bytes(out)
