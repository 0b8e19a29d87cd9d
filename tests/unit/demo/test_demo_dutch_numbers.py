"""Addresses and numbers pass the same checks real input must pass, checked with the libraries
directly (python-stdnum, phonenumbers) and stored in the app's canonical form."""

from __future__ import annotations

import re
from collections import Counter

import phonenumbers
from stdnum.nl import btw, postcode

from fieldsales.demo import DemoData
from fieldsales.demo._words import REGIONS
from fieldsales.domain import validation

POSTCODE = re.compile(r"^[1-9][0-9]{3} [A-Z]{2}$")
BTW_ID = re.compile(r"^NL[0-9]{9}B[0-9]{2}$")


def _is_dutch_phone(number: str) -> bool:
    parsed = phonenumbers.parse(number, None)  # E.164: no default region needed
    return (
        phonenumbers.is_valid_number(parsed)
        and phonenumbers.region_code_for_number(parsed) == "NL"
        and phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164) == number
    )


def test_postcodes_are_valid_and_formatted(demo: DemoData) -> None:
    for customer in demo.customers:
        assert POSTCODE.match(customer.postcode), customer.postcode
        assert postcode.is_valid(customer.postcode)
        assert validation.normalize_postcode(customer.postcode) == customer.postcode
        assert customer.country == "NL"
        assert all((customer.street, customer.house_number, customer.city))


def test_kvk_numbers_have_eight_digits_and_are_unique(demo: DemoData) -> None:
    numbers = [c.kvk_number for c in demo.customers]
    assert all(n is not None and re.fullmatch(r"[0-9]{8}", n) for n in numbers)
    assert len(set(numbers)) == len(numbers)
    assert all(validation.normalize_kvk(n) == n for n in numbers if n)


def test_btw_ids_are_valid_and_unique(demo: DemoData) -> None:
    ids = [c.btw_id for c in demo.customers if c.btw_id]
    assert len(ids) > 0.8 * len(demo.customers)
    for value in ids:
        assert BTW_ID.match(value), value
        assert btw.is_valid(value), value
        assert validation.normalize_btw_id(value) == value
    assert len(set(ids)) == len(ids)


def test_phone_numbers_are_valid_dutch_numbers(demo: DemoData) -> None:
    numbers = [c.phone for c in demo.customers]
    numbers += [n for c in demo.contacts for n in (c.phone, c.mobile) if n]
    numbers += [u.phone for u in demo.users if u.phone]
    assert len(numbers) > 2000
    for number in numbers:
        assert number is not None
        assert _is_dutch_phone(number), number
    assert all(c.phone or c.mobile for c in demo.contacts)
    mobile_types = Counter(
        phonenumbers.number_type(phonenumbers.parse(c.mobile)) for c in demo.contacts if c.mobile
    )
    assert set(mobile_types) == {phonenumbers.PhoneNumberType.MOBILE}


def test_customers_lie_near_their_city_in_the_netherlands(demo: DemoData) -> None:
    cities = {city.name: city for region in REGIONS for city in region.cities}
    for customer in demo.customers:
        assert customer.latitude is not None
        assert customer.longitude is not None
        assert 50.7 < customer.latitude < 53.6
        assert 3.3 < customer.longitude < 7.3
        city = cities[customer.city]
        assert abs(customer.latitude - city.lat) < 0.06
        assert abs(customer.longitude - city.lon) < 0.1
        assert city.postcode_from <= int(customer.postcode[:4]) <= city.postcode_to


def test_each_salesperson_works_one_region(demo: DemoData) -> None:
    region_of = {city.name: region.name for region in REGIONS for city in region.cities}
    for seller in demo.salespeople:
        regions = {region_of[c.city] for c in demo.customers if c.owner_id == seller.id}
        assert len(regions) == 1


def test_names_and_e_mail_addresses(demo: DemoData) -> None:
    names = [c.name for c in demo.customers]
    assert len(set(names)) == len(names)
    for customer in demo.customers:
        assert customer.email is not None
        assert validation.normalize_email(customer.email) == customer.email
    for contact in demo.contacts:
        assert all((contact.first_name, contact.last_name, contact.job_title))
        assert contact.email is not None
        assert validation.normalize_email(contact.email) == contact.email
