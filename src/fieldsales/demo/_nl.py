"""Dutch identifiers and addresses that pass the same checks real input must pass.

Every number is drawn at random and then checked with python-stdnum or phonenumbers (retrying
until it passes), rather than built by re-implementing a checksum: the demo data is only
valid if the libraries the app validates with say so.
"""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass, field

import phonenumbers
from stdnum.nl import btw, postcode

from fieldsales.demo._words import (
    BANNED_POSTCODE_PAIRS,
    BUSINESS_STREETS,
    CENTRE_STREETS,
    POSTCODE_LETTERS,
    City,
)


@dataclass(slots=True)
class Address:
    street: str
    house_number: str
    postcode: str
    city: str
    latitude: float
    longitude: float


@dataclass(slots=True)
class Registry:
    """What must be unique across the whole tenant: company names, KvK and BTW numbers, domains."""

    names: set[str] = field(default_factory=set)
    kvk: set[str] = field(default_factory=set)
    btw: set[str] = field(default_factory=set)
    domains: set[str] = field(default_factory=set)


def make_postcode(rng: random.Random, city: City) -> str:
    while True:
        digits = rng.randint(city.postcode_from, city.postcode_to)
        letters = rng.choice(POSTCODE_LETTERS) + rng.choice(POSTCODE_LETTERS)
        if letters in BANNED_POSTCODE_PAIRS:
            continue
        code = f"{digits} {letters}"
        if postcode.is_valid(code):
            return code


def make_address(rng: random.Random, city: City, *, business_park: bool) -> Address:
    streets = BUSINESS_STREETS if business_park else CENTRE_STREETS
    number = str(rng.randint(1, 80 if business_park else 180))
    roll = rng.random()
    if roll < 0.08:
        number += rng.choice("abc")
    elif roll < 0.11:
        number += f"-{rng.randint(1, 12)}"
    # Town centres are compact, industrial estates lie at the edge: spread accordingly (degrees).
    spread = 0.035 if business_park else 0.018
    return Address(
        street=rng.choice(streets),
        house_number=number,
        postcode=make_postcode(rng, city),
        city=city.name,
        latitude=round(city.lat + rng.uniform(-spread, spread), 6),
        longitude=round(city.lon + rng.uniform(-spread, spread) * 1.6, 6),
    )


def make_kvk(rng: random.Random, registry: Registry) -> str:
    """Eight digits (the KvK issues numbers without a check digit since 2016), unique."""
    while True:
        number = f"{rng.randint(10_000_000, 99_999_999)}"
        if number not in registry.kvk:
            registry.kvk.add(number)
            return number


def make_btw_id(rng: random.Random, registry: Registry) -> str:
    """``NL`` + 9 digits + ``B`` + 2 digits, valid per ``stdnum.nl.btw``, unique."""
    while True:
        suffix = "01" if rng.random() < 0.85 else f"{rng.randint(2, 4):02d}"
        number = f"NL{rng.randint(1_000_000, 999_999_999):09d}B{suffix}"
        if number not in registry.btw and btw.is_valid(number):
            registry.btw.add(number)
            return number


def _e164(national: str) -> str | None:
    parsed = phonenumbers.parse(national, "NL")
    if not phonenumbers.is_valid_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def make_landline(rng: random.Random, city: City) -> str:
    """A fixed-line number in the city's area code, in E.164 as the app stores phone numbers."""
    subscriber_digits = 9 - len(city.area_code)
    while True:
        first = rng.randint(2, 9)
        rest = rng.randint(0, 10 ** (subscriber_digits - 1) - 1)
        number = _e164(f"0{city.area_code}{first}{rest:0{subscriber_digits - 1}d}")
        if number is not None:
            return number


def make_mobile(rng: random.Random) -> str:
    while True:
        number = _e164(f"06{rng.choice('12345')}{rng.randint(0, 9_999_999):07d}")
        if number is not None:
            return number


def slug(text: str) -> str:
    """ASCII letters and digits only, for e-mail addresses and domains."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "", plain)


def company_domain(name: str, registry: Registry) -> str:
    words = [
        w
        for w in re.split(r"[\s&'-]+", name)
        if w and w.lower() not in {"bv", "b.v.", "de", "het", "t", "van", "der", "den", "bij"}
    ]
    base = slug("".join(words))[:40] or "bedrijf"
    domain = f"{base}.nl"
    counter = 1
    while domain in registry.domains:
        counter += 1
        domain = f"{base}{counter}.nl"
    registry.domains.add(domain)
    return domain


def person_email(first_name: str, last_name: str, domain: str) -> str:
    return f"{slug(first_name)[:1]}.{slug(last_name)}@{domain}"
