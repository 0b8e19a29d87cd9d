"""iCalendar (RFC 5545) export of planned visits, so they show up in the phone's own calendar.

Written by hand because the format is small and the rules that break imports are few: CRLF line
ends (3.1), lines folded at 75 octets without splitting a UTF-8 character (3.1), TEXT values with
backslash, semicolon, comma and newlines escaped (3.3.11), and times in UTC with a ``Z`` (3.3.5)
so no VTIMEZONE block is needed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

CRLF = "\r\n"
MAX_OCTETS = 75
DEFAULT_PRODID = "-//fieldsales//fieldsales 1.0//NL"


@dataclass(frozen=True, slots=True)
class CalendarEvent:
    """A planned visit as a calendar entry; times must be timezone-aware."""

    uid: str
    summary: str
    start: datetime
    end: datetime
    location: str = ""
    description: str = ""
    url: str = ""
    status: Literal["TENTATIVE", "CONFIRMED", "CANCELLED"] = "CONFIRMED"


def escape_text(value: str) -> str:
    """Escape a TEXT value: ``\\`` ``;`` ``,`` and every kind of newline as ``\\n``."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def format_utc(moment: datetime) -> str:
    """``20261128T090000Z``; naive datetimes are refused, a guessed zone would move visits."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("calendar times must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def fold(line: str) -> str:
    """One content line folded into chunks of at most 75 octets, joined by CRLF + space."""
    chunks: list[str] = []
    current = ""
    size = 0
    limit = MAX_OCTETS
    for ch in line:
        width = len(ch.encode("utf-8"))
        if size + width > limit:
            chunks.append(current)
            current, size = "", 0
            limit = MAX_OCTETS - 1  # continuation lines start with a space, which counts
        current += ch
        size += width
    chunks.append(current)
    return (CRLF + " ").join(chunks)


def _uid(uid: str) -> str:
    return uid if "@" in uid else f"{uid}@fieldsales"


def to_ical(
    events: Sequence[CalendarEvent],
    *,
    calendar_name: str | None = None,
    dtstamp: datetime | None = None,
    prodid: str = DEFAULT_PRODID,
) -> str:
    """A VCALENDAR with one VEVENT per event, CRLF-terminated.

    UIDs get ``@fieldsales`` appended unless they already have a domain part, so re-exporting the
    same visit updates the calendar entry instead of duplicating it. ``dtstamp`` defaults to now.
    """
    stamp = format_utc(dtstamp or datetime.now(UTC))
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{prodid}", "CALSCALE:GREGORIAN"]
    lines.append("METHOD:PUBLISH")
    if calendar_name:
        lines.append(f"X-WR-CALNAME:{escape_text(calendar_name)}")
    for event in events:
        start, end = format_utc(event.start), format_utc(event.end)
        if event.end <= event.start:
            raise ValueError(f"event {event.uid} ends before it starts")
        lines += [
            "BEGIN:VEVENT",
            f"UID:{escape_text(_uid(event.uid))}",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{start}",
            f"DTEND:{end}",
            f"SUMMARY:{escape_text(event.summary)}",
        ]
        if event.location:
            lines.append(f"LOCATION:{escape_text(event.location)}")
        if event.description:
            lines.append(f"DESCRIPTION:{escape_text(event.description)}")
        if event.url:
            lines.append(f"URL:{event.url}")
        lines += [f"STATUS:{event.status}", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + CRLF for line in lines)
