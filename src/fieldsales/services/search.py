"""Global search: one box that finds customers, contacts, visits and quotes while typing.

Customers come from the store's full-text index (every word a prefix; case and accents ignored;
the postcode with or without its space). Contacts, visits and quotes have no index and are
scanned; a salesperson's few thousand visits take a few milliseconds that way, so the search can
answer every key stroke (measured on a demo store of 500 customers, 1,241 contacts and 5,643
visits: the whole search 15-45 ms on a busy 2-core machine).

Case and accents are ignored there too, in plain SQL (no function registered on the
connection): ``LIKE`` ignores the case of ASCII letters, and a text with other characters in it
is also tried with a ``GLOB`` pattern that spells each letter as the class of its forms, so
"cafe" finds "Café" and "hygiene" finds "Hygiëne". The conditions are SQL text: built as
SQLAlchemy expressions they cost more per key stroke than running them.

Phone numbers are stored as E.164 (``+31612345678``) and typed as ``06-12345678`` or
``06 1234 5678``: input made of digits and phone punctuation is also looked up, as its national
digits, in the phone numbers of customers and contacts.

Scope follows the customer file a result opens: a salesperson finds what belongs to the customers
in their own portfolio, a manager the whole team's.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from sqlalchemy import func, or_, text
from sqlmodel import Session, col, select

from fieldsales.domain.enums import Role
from fieldsales.domain.plan_workflow import Actor
from fieldsales.records import Contact, Customer, Quote, Visit
from fieldsales.store import Store
from fieldsales.store.queries import search_customers, search_words

#: Shorter input finds too much to be useful (and one letter is every record).
MIN_CHARS = 2
#: A phone number needs this many digits (after its trunk prefix) before it is looked up as one,
#: so a postcode or a year is not.
MIN_PHONE_DIGITS = 6
_PHONE_INPUT = re.compile(r"\+?[\d\s\-().\/]+")


@dataclass(frozen=True, slots=True)
class SearchResults:
    customers: list[Customer] = field(default_factory=list)
    contacts: list[tuple[Contact, Customer]] = field(default_factory=list)
    visits: list[tuple[Visit, Customer]] = field(default_factory=list)
    quotes: list[tuple[Quote, Customer]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.customers or self.contacts or self.visits or self.quotes)


def searchable(text: str) -> bool:
    """Whether ``text`` is enough to search for (``global_search`` answers nothing otherwise)."""
    return len("".join(search_words(text))) >= MIN_CHARS


def global_search(store: Store, *, actor: Actor, text: str, limit: int = 10) -> SearchResults:
    """Customers by name, place, postcode, number or phone; contacts by name, function, e-mail
    or phone; visits by their topics, report and agreements; quotes by number. Every word must
    match (each in any of the fields); case and accents are ignored. Within the actor's scope,
    at most ``limit`` of each kind: customers best match first, visits and quotes newest first."""
    if not searchable(text):
        return SearchResults()
    words = search_words(text)
    owner = actor.user_id if actor.role is Role.SALESPERSON else None
    phone = phone_digits(text)
    with store.read() as session:
        customers = search_customers(session, text, limit=limit, owner_id=owner)
        if phone is not None:
            customers = _with_phone_matches(session, customers, phone, owner, limit)
        return SearchResults(
            customers=customers,
            contacts=_contacts(session, words, phone, owner, limit),
            visits=_visits(session, words, owner, limit),
            quotes=_quotes(session, words, owner, limit),
        )


# --- folding -------------------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    """One character without accents, lower case; one character in, one out (so a folded text's
    positions are the original's)."""
    base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
    for candidate in (base.lower(), ch.lower()):
        if len(candidate) == 1:
            return candidate
    return ch


def fold(value: str) -> str:
    """``Café HYGIËNE`` -> ``cafe hygiene``: what search compares, position by position."""
    return "".join(_fold_char(ch) for ch in value)


def _letter_forms(code_points: Sequence[int]) -> dict[str, str]:
    """For each ASCII letter, its accented forms (both cases) among ``code_points``."""
    forms: dict[str, str] = {}
    for cp in code_points:
        ch = chr(cp)
        folded = _fold_char(ch)
        if folded.isascii() and folded.isalpha():
            forms[folded] = forms.get(folded, "") + ch
    return forms


_ACCENTED = _letter_forms(range(0xC0, 0x250))  # Latin-1 and Latin Extended-A and B
_ACCENTED_LATIN1 = _letter_forms(range(0xC0, 0x100))  # those of Dutch, French, German text


def _pattern(word: str, accented: dict[str, str], *, any_case: bool) -> str:
    parts = []
    for ch in fold(word):
        if ch in accented:
            parts.append(f"[{ch}{ch.upper() if any_case else ''}{accented[ch]}]")
        elif ch.isalpha() and (any_case or not ch.isascii()) and len(ch.upper()) == 1:
            parts.append(f"[{ch}{ch.upper()}]" if ch.upper() != ch else ch)
        else:
            parts.append(ch)
    return "*" + "".join(parts) + "*"


def glob_pattern(word: str) -> str:
    """A GLOB pattern that finds ``word`` anywhere, ignoring case and accents:
    ``cafe`` -> ``*[cCÇçĆć…][aAÀÁ…][fF][eEÈÉ…]*``.

    ``word`` comes from ``search_words``: letters and digits only, so it holds none of GLOB's
    special characters (``*?[]``) and needs no escaping.
    """
    return _pattern(word, _ACCENTED, any_case=True)


def _latin1_glob(word: str) -> str:
    """The pattern for a lower-cased long text: ``cafe`` -> ``*[cÇç][aÀÁ…]f[eÈÉ…]*``."""
    return _pattern(word, _ACCENTED_LATIN1, any_case=False)


def _loose_like(word: str) -> str:
    """A LIKE pattern that every Latin-1 spelling of ``word`` matches (and more): the letters
    that may carry such an accent, and anything not ASCII, as ``_``: ``cafe`` -> ``%__f_%``."""
    loose = ("_" if ch in _ACCENTED_LATIN1 or not ch.isascii() else ch for ch in fold(word))
    return "%" + "".join(loose) + "%"


def _words_match(
    columns: Sequence[str], words: list[str], *, long_text: bool = False, prefix: str = "w"
) -> tuple[str, dict[str, str]]:
    """SQL that holds when every word is in one of ``columns``, and its parameters.

    A column matches a word when ``LIKE`` finds it (case of ASCII letters ignored); a text with
    other characters in it (its length in bytes differs from its length in characters) is also
    tried with the GLOB pattern. GLOB with a character class after its ``*`` tries every
    position, which over long texts costs more than the rest of the search together, so for
    ``long_text`` (visit reports) a loose LIKE goes first and the GLOB runs on the lower-cased
    text with Latin-1's accents only: a Turkish ``ş`` is found by ``s`` in a contact's name,
    not in a report.
    """
    params: dict[str, str] = {}
    all_words = []
    for i, word in enumerate(words):
        name = f"{prefix}{i}"
        params[name] = f"%{fold(word)}%"
        if long_text:
            params[f"{name}_loose"] = _loose_like(word)
            params[f"{name}_glob"] = _latin1_glob(word)
        else:
            params[f"{name}_glob"] = glob_pattern(word)
        any_column = []
        for c in columns:
            non_ascii = f"length(CAST({c} AS BLOB)) != length({c})"
            if long_text:
                accented = (
                    f"{c} LIKE :{name}_loose AND {non_ascii} AND lower({c}) GLOB :{name}_glob"
                )
            else:
                accented = f"{non_ascii} AND {c} GLOB :{name}_glob"
            any_column.append(f"{c} LIKE :{name} OR ({accented})")
        all_words.append("(" + " OR ".join(any_column) + ")")
    return "(" + " AND ".join(all_words) + ")", params


def _columns(table: str, *names: str) -> list[str]:
    return [f"{table}.{name}" for name in names]


# --- phone numbers ------------------------------------------------------------------------------


def phone_digits(value: str) -> str | None:
    """The digits to look for in stored phone numbers when ``value`` looks like one, else None.

    ``06-12345678``, ``+31 6 12345678`` and ``0031 (0)6 1234 5678`` all give ``612345678``: the
    national number, which an E.164 number (``+31612345678``) contains. A foreign number keeps
    its country code (``0032 2 555 12 12`` gives ``3225551212``).
    """
    stripped = value.strip()
    if not _PHONE_INPUT.fullmatch(stripped):
        return None
    digits = "".join(ch for ch in stripped if ch.isdigit())
    if stripped.startswith("+") or digits.startswith("00"):
        digits = digits.removeprefix("00")
        if digits.startswith("31"):
            digits = digits[2:]
    digits = digits.removeprefix("0")  # the trunk prefix: ``06``, the ``(0)`` in ``+31 (0)6``
    return digits if len(digits) >= MIN_PHONE_DIGITS else None


def _phone_matches(column: Any, digits: str) -> Any:
    """The stored number, spaces, dashes and brackets taken out, contains ``digits``."""
    bare = column
    for ch in (" ", "-", "(", ")", "."):
        bare = func.replace(bare, ch, "")
    return bare.like(f"%{digits}%")


# --- showing a hit -------------------------------------------------------------------------------


def snippet(value: str, words: Sequence[str], *, width: int = 80) -> str:
    """The part of ``value`` around the first of ``words`` it contains (case and accents
    ignored), on one line, with ``…`` where it was cut; its start when no word is in it."""
    flat = " ".join(value.split())
    if len(flat) <= width:
        return flat
    folded = fold(flat)
    hits = [i for i in (folded.find(fold(w)) for w in words if w) if i >= 0]
    at = min(hits) if hits else 0
    start = max(0, min(at - width // 3, len(flat) - width))
    if start > 0:  # begin at a word
        space = flat.find(" ", start, at) if at > start else -1
        start = space + 1 if space >= 0 else start
    end = min(len(flat), start + width)
    if end < len(flat):
        space = flat.rfind(" ", start + width // 2, end)
        end = space if space > 0 else end
    return ("…" if start > 0 else "") + flat[start:end].strip() + ("…" if end < len(flat) else "")


def visit_snippet(visit: Visit, text: str, *, width: int = 80) -> str:
    """What to show of a visit found by ``text``: the part of its report, topics or agreements
    (the first that holds one of the words) around the word."""
    words = search_words(text)
    texts = [t for t in (visit.report, visit.topics, visit.agreements) if t]
    folded_words = [fold(w) for w in words]
    found_in = next(
        (t for t in texts if any(w in fold(t) for w in folded_words)), texts[0] if texts else ""
    )
    return snippet(found_in, words, width=width)


# --- queries ------------------------------------------------------------------------------------


def _in_scope(query: Any, owner: str | None) -> Any:
    """Only live customers, and for a salesperson only their own."""
    query = query.where(col(Customer.deleted).is_(False))
    if owner is not None:
        query = query.where(col(Customer.owner_id) == owner)
    return query


def _with_phone_matches(
    session: Session, found: list[Customer], digits: str, owner: str | None, limit: int
) -> list[Customer]:
    """Customers whose phone number contains ``digits`` first, then the index's matches."""
    query = _in_scope(select(Customer), owner).where(_phone_matches(col(Customer.phone), digits))
    by_phone = list(session.exec(query.order_by(col(Customer.name)).limit(limit)).all())
    seen = {c.id for c in by_phone}
    return [*by_phone, *(c for c in found if c.id not in seen)][:limit]


def _contacts(
    session: Session, words: list[str], phone: str | None, owner: str | None, limit: int
) -> list[tuple[Contact, Customer]]:
    sql, params = _words_match(
        _columns(Contact.__tablename__, "first_name", "last_name", "job_title", "email"), words
    )
    matches: Any = text(sql).bindparams(**params)
    if phone is not None:
        matches = or_(
            matches,
            _phone_matches(col(Contact.phone), phone),
            _phone_matches(col(Contact.mobile), phone),
        )
    query = (
        select(Contact, Customer)
        .join(Customer, col(Customer.id) == col(Contact.customer_id))
        .where(col(Contact.deleted).is_(False))
        .where(matches)
    )
    query = _in_scope(query, owner).order_by(
        col(Contact.last_name), col(Contact.first_name), col(Contact.id)
    )
    rows = session.exec(query.limit(limit)).all()
    return [(contact, customer) for contact, customer in rows]


def _visits(
    session: Session, words: list[str], owner: str | None, limit: int
) -> list[tuple[Visit, Customer]]:
    sql, params = _words_match(
        _columns(Visit.__tablename__, "topics", "report", "agreements"), words, long_text=True
    )
    query = (
        select(Visit, Customer)
        .join(Customer, col(Customer.id) == col(Visit.customer_id))
        .where(col(Visit.deleted).is_(False))
        .where(text(sql).bindparams(**params))
    )
    query = _in_scope(query, owner).order_by(col(Visit.planned_start).desc(), col(Visit.id))
    rows = session.exec(query.limit(limit)).all()
    return [(visit, customer) for visit, customer in rows]


def _quotes(
    session: Session, words: list[str], owner: str | None, limit: int
) -> list[tuple[Quote, Customer]]:
    """By number: every word in it (``2026 12``), or all typed together (``OFF202612``)."""
    sql, params = _words_match(_columns(Quote.__tablename__, "quote_number"), words)
    bare_number = func.replace(func.replace(col(Quote.quote_number), "-", ""), " ", "")
    query = (
        select(Quote, Customer)
        .join(Customer, col(Customer.id) == col(Quote.customer_id))
        .where(col(Quote.deleted).is_(False))
        .where(
            or_(
                text(sql).bindparams(**params),
                bare_number.like(f"%{fold(''.join(words))}%"),
            )
        )
    )
    query = _in_scope(query, owner).order_by(col(Quote.quote_date).desc(), col(Quote.id))
    rows = session.exec(query.limit(limit)).all()
    return [(quote, customer) for quote, customer in rows]
