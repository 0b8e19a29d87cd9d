"""The demo's fast record construction gives records that behave like constructed ones: in a
SQLite session, in ``to_wire`` and in validation."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from demo_testkit import TODAY
from sqlmodel import Session, create_engine, select

from fieldsales.demo import generate
from fieldsales.demo._common import make, put
from fieldsales.demo._ids import IdFactory
from fieldsales.domain.enums import VatRate
from fieldsales.records import ALL_RECORDS, Attachment, DeviationCause, OrderLine, store_registry

NOW = datetime(2026, 1, 2, 9, tzinfo=UTC)


def _line(**extra: object) -> OrderLine:
    return make(
        OrderLine,
        id="line-1",
        created_at=NOW,
        updated_at=NOW,
        order_id="o",
        customer_id="c",
        product_id="p",
        quantity=Decimal(3),
        unit_price_cents=250,
        vat_rate=VatRate.LOW,
        net_cents=750,
        vat_cents=68,
        **extra,
    )


def test_made_record_equals_a_constructed_one() -> None:
    made = _line()
    built = OrderLine(
        id="line-1",
        created_at=NOW,
        updated_at=NOW,
        order_id="o",
        customer_id="c",
        product_id="p",
        quantity=Decimal(3),
        unit_price_cents=250,
        vat_rate=VatRate.LOW,
        net_cents=750,
        vat_cents=68,
    )
    assert made.model_dump() == built.model_dump()
    assert made.to_wire() == built.to_wire()
    assert made.model_fields_set == built.model_fields_set
    assert made.discount_percent == Decimal(0)  # defaults filled in
    assert made.version is None
    assert made.deleted is False


def test_make_refuses_what_the_constructor_would_hide() -> None:
    with pytest.raises(TypeError, match="unknown"):
        _line(net_amount=5)
    with pytest.raises(TypeError, match="id"):
        make(
            OrderLine, created_at=NOW, updated_at=NOW, order_id="o", customer_id="c", product_id="p"
        )
    with pytest.raises(TypeError, match="required"):
        make(OrderLine, id="x", created_at=NOW, updated_at=NOW, order_id="o", customer_id="c")
    with pytest.raises(TypeError, match="unknown"):
        put(_line(), colour="red")


def test_demo_records_round_trip_through_sqlite() -> None:
    data = generate(seed=4, today=TODAY, salespeople=1, customers_per_salesperson=15,
                    prospects_per_salesperson=4)  # fmt: skip
    records = list(data.records())
    last = records[-1]
    assert isinstance(last, DeviationCause)
    put(last, note="changed before insert")  # put() on an unsaved record is what inserts
    last_id = last.id
    expected = {cls: {r.id: r.to_wire() for r in records if type(r) is cls} for cls in ALL_RECORDS}
    engine = create_engine("sqlite://")
    store_registry.metadata.create_all(engine)
    with Session(engine) as session:
        session.add_all(records)
        session.commit()
    with Session(engine) as session:
        for cls in ALL_RECORDS:
            stored = {r.id: r.to_wire() for r in session.exec(select(cls)).all()}
            assert stored == expected[cls], cls.__name__
    assert expected[DeviationCause][last_id]["note"] == "changed before insert"
    assert {type(r) for r in records} == set(ALL_RECORDS) - {Attachment}


def test_assignment_after_make_is_tracked_by_a_session() -> None:
    line = _line()
    engine = create_engine("sqlite://")
    store_registry.metadata.create_all(engine)
    with Session(engine) as session:
        session.add(line)
        session.commit()
        line.net_cents = 800
        session.commit()
    with Session(engine) as session:
        stored = session.get(OrderLine, "line-1")
        assert stored is not None
        assert stored.net_cents == 800


def test_id_streams_are_sorted_and_distinct() -> None:
    first, second = IdFactory(1, 0), IdFactory(1, 1)
    a = [first() for _ in range(100)]
    assert a == sorted(a)
    assert not set(a) & {second() for _ in range(100)}
    assert a == [IdFactory(1, 0)() for _ in range(1)] + a[1:]
