from datetime import UTC, datetime, timedelta, timezone

import pytest

from fieldsales.domain.icalendar import (
    CRLF,
    CalendarEvent,
    escape_text,
    fold,
    format_utc,
    to_ical,
)

AMSTERDAM_WINTER = timezone(timedelta(hours=1))
STAMP = datetime(2026, 11, 20, 7, 30, tzinfo=UTC)


def unfold(text: str) -> list[str]:
    """Undo RFC 5545 folding and split into content lines (the file must end in CRLF)."""
    assert text.endswith(CRLF)
    return text[: -len(CRLF)].replace(CRLF + " ", "").split(CRLF)


def unescape(value: str) -> str:
    out, i = [], 0
    while i < len(value):
        if value[i] == "\\":
            nxt = value[i + 1]
            out.append("\n" if nxt in "nN" else nxt)
            i += 2
        else:
            out.append(value[i])
            i += 1
    return "".join(out)


def parse(text: str) -> list[dict[str, str]]:
    """The VEVENTs as dicts of property → unescaped value."""
    events: list[dict[str, str]] = []
    current: dict[str, str] | None = None
    for line in unfold(text):
        name, _, value = line.partition(":")
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            assert current is not None
            events.append(current)
            current = None
        elif current is not None:
            current[name] = unescape(value)
    return events


def test_escape_text() -> None:
    assert escape_text("a,b;c\\d") == "a\\,b\\;c\\\\d"
    assert escape_text("regel 1\nregel 2\r\nregel 3\rregel 4") == (
        "regel 1\\nregel 2\\nregel 3\\nregel 4"
    )


def test_format_utc() -> None:
    assert format_utc(datetime(2026, 11, 28, 10, 0, tzinfo=AMSTERDAM_WINTER)) == "20261128T090000Z"
    with pytest.raises(ValueError, match="timezone-aware"):
        format_utc(datetime(2026, 11, 28, 10, 0))


def test_fold_respects_75_octets_and_utf8() -> None:
    line = "DESCRIPTION:" + "é€" * 60  # 2- and 3-byte characters
    folded = fold(line)
    parts = folded.split(CRLF)
    assert len(parts) > 1
    assert all(len(p.encode("utf-8")) <= 75 for p in parts)
    assert all(p.startswith(" ") for p in parts[1:])
    assert folded.replace(CRLF + " ", "") == line
    for p in parts:
        p.encode("utf-8").decode("utf-8")  # no character split across lines
    assert fold("SUMMARY:kort") == "SUMMARY:kort"
    exact = "X" * 75
    assert fold(exact) == exact
    assert fold(exact + "Y") == exact + CRLF + " Y"


def test_calendar_export() -> None:
    events = [
        CalendarEvent(
            uid="0190f0a0-0000-7000-8000-000000000001",
            summary="Bezoek: Bakkerij De Vries, Utrecht; koffie",
            start=datetime(2026, 11, 28, 10, 0, tzinfo=AMSTERDAM_WINTER),
            end=datetime(2026, 11, 28, 11, 0, tzinfo=AMSTERDAM_WINTER),
            location="Domplein 29, 3512 JE Utrecht",
            description="Bespreken:\n- nieuwe broodlijn\n- klacht levering C:\\pad " + "x" * 120,
            url="https://www.google.com/maps/dir/?api=1&destination=52.090700,5.121400",
        ),
        CalendarEvent(
            uid="visit-2@example.nl",
            summary="Bezoek Jansen",
            start=datetime(2026, 11, 28, 13, 0, tzinfo=UTC),
            end=datetime(2026, 11, 28, 13, 30, tzinfo=UTC),
            status="CANCELLED",
        ),
    ]
    text = to_ical(events, calendar_name="Bezoeken, Anna", dtstamp=STAMP)
    # every line ends in CRLF, no bare LF or CR, no physical line over 75 octets
    assert "\n" not in text.replace(CRLF, "")
    assert "\r" not in text.replace(CRLF, "")
    assert all(len(p.encode()) <= 75 for p in text.split(CRLF))
    lines = unfold(text)
    assert lines[:5] == [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//fieldsales//fieldsales 1.0//NL",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ]
    assert lines[5] == "X-WR-CALNAME:Bezoeken\\, Anna"
    assert lines[-1] == "END:VCALENDAR"
    assert lines.count("BEGIN:VEVENT") == lines.count("END:VEVENT") == 2
    first, second = parse(text)
    assert first == {
        "UID": "0190f0a0-0000-7000-8000-000000000001@fieldsales",
        "DTSTAMP": "20261120T073000Z",
        "DTSTART": "20261128T090000Z",
        "DTEND": "20261128T100000Z",
        "SUMMARY": "Bezoek: Bakkerij De Vries, Utrecht; koffie",
        "LOCATION": "Domplein 29, 3512 JE Utrecht",
        "DESCRIPTION": events[0].description,
        "URL": events[0].url,
        "STATUS": "CONFIRMED",
    }
    assert "SUMMARY:Bezoek: Bakkerij De Vries\\, Utrecht\\; koffie" in lines
    assert second["UID"] == "visit-2@example.nl"  # already has a domain part
    assert second["STATUS"] == "CANCELLED"
    assert "LOCATION" not in second
    assert "DESCRIPTION" not in second


def test_empty_calendar_and_invalid_events() -> None:
    text = to_ical([], dtstamp=STAMP)
    assert unfold(text) == [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//fieldsales//fieldsales 1.0//NL",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "END:VCALENDAR",
    ]
    start = datetime(2026, 11, 28, 10, tzinfo=UTC)
    with pytest.raises(ValueError, match="ends before"):
        to_ical([CalendarEvent("x", "x", start, start)], dtstamp=STAMP)
    with pytest.raises(ValueError, match="timezone-aware"):
        to_ical([CalendarEvent("x", "x", start.replace(tzinfo=None), start + timedelta(hours=1))])
