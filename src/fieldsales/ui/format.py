"""How the app writes times, dates, addresses and links (Dutch conventions).

Plain functions over plain values, so they are tested without a page.
"""

from __future__ import annotations

from datetime import date, datetime, time
from urllib.parse import quote, urlencode

from fieldsales.domain.errors import ValidationError
from fieldsales.domain.money import format_date, parse_date
from fieldsales.domain.validation import format_phone_nl

WEEKDAYS_NL = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
MONTHS_NL = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)


def local(dt: datetime) -> datetime:
    """An instant in the device's time zone (records keep UTC)."""
    return dt.astimezone()


def hm(dt: datetime) -> str:
    """``09:30`` in local time."""
    return local(dt).strftime("%H:%M")


def day_title(d: date) -> str:
    """``vrijdag 28 november``: how people say which day it is."""
    return f"{WEEKDAYS_NL[d.weekday()]} {d.day} {MONTHS_NL[d.month - 1]}"


def short_date(d: date | datetime) -> str:
    """``28-11-2026``."""
    return format_date(local(d).date() if isinstance(d, datetime) else d)


def day_at(dt: datetime) -> str:
    """``01-12-2026 om 14:30``: when a visit is, in a sentence."""
    return f"{short_date(dt)} om {hm(dt)}"


def parse_date_field(text: str, *, field: str) -> date | None:
    """An optional date typed in a field: empty is None, else Dutch ``dd-mm-jjjj``.

    Raises the domain's ValidationError with a Dutch message the form shows at the field.
    """
    if not text.strip():
        return None
    return parse_date(text, field=field)


def parse_time_field(text: str, *, field: str) -> time | None:
    """An optional clock time ``9:30``/``09.30``; empty is None."""
    cleaned = text.strip().replace(".", ":")
    if not cleaned:
        return None
    hours, _, minutes = cleaned.partition(":")
    if hours.isdigit() and (minutes.isdigit() or minutes == "") and len(minutes) in (0, 2):
        h, m = int(hours), int(minutes or 0)
        if 0 <= h <= 23 and 0 <= m <= 59:
            return time(h, m)
    raise ValidationError(
        f"'{text}' is geen geldige tijd. Gebruik uren:minuten, bijvoorbeeld 09:30.",
        field=field,
        code="invalid_time",
    )


def address_line(street: str, house_number: str, postcode: str, city: str) -> str:
    """``Dorpsstraat 1, 1234 AB Amsterdam``, leaving out what is unknown."""
    first = " ".join(p for p in (street.strip(), house_number.strip()) if p)
    second = " ".join(p for p in (postcode.strip(), city.strip()) if p)
    return ", ".join(p for p in (first, second) if p)


def phone_display(e164: str | None) -> str:
    if not e164:
        return ""
    try:
        return format_phone_nl(e164)
    except Exception:  # a number synced from elsewhere that our parser does not know
        return e164


def tel_url(e164: str) -> str:
    """``tel:+31201234567``: the phone's dialler opens with the number filled in."""
    return "tel:" + "".join(ch for ch in e164 if ch.isdigit() or ch == "+")


def navigation_url(
    *,
    address: str,
    latitude: float | None = None,
    longitude: float | None = None,
    platform: str | None = None,
) -> str:
    """A link that opens the phone's maps app with the destination filled in.

    Android handles ``geo:`` URIs with whatever maps app the user chose; iOS opens Apple Maps
    for ``maps.apple.com`` links; desktops and browsers get Google Maps' route planner.
    Coordinates win over the address when known (a new industrial estate is not always found).
    """
    where = f"{latitude},{longitude}" if latitude is not None and longitude is not None else ""
    if platform == "android":
        query = where or address
        return f"geo:{where or '0,0'}?q={quote(query)}"
    if platform == "ios":
        return "https://maps.apple.com/?" + urlencode({"daddr": where or address})
    return "https://www.google.com/maps/dir/?" + urlencode(
        {"api": "1", "destination": where or address}
    )
