import inspect
from enum import StrEnum

import pytest

from fieldsales.domain import enums
from fieldsales.domain.enums import ActionStatus, PlanStatus, QuoteStatus, VatRate, VisitStatus
from fieldsales.domain.labels import choices, has_label, label

ALL_ENUMS = [
    cls
    for _, cls in inspect.getmembers(enums, inspect.isclass)
    if issubclass(cls, StrEnum) and cls is not StrEnum and cls.__module__ == enums.__name__
]


def test_enums_are_found() -> None:
    assert len(ALL_ENUMS) >= 17
    assert PlanStatus in ALL_ENUMS


@pytest.mark.parametrize("enum", ALL_ENUMS, ids=lambda e: e.__name__)
def test_every_member_has_a_dutch_and_an_english_label(enum: type[StrEnum]) -> None:
    for member in enum:
        assert has_label(member), f"{enum.__name__}.{member.name} has no label"
        nl, en = label(member, "nl"), label(member, "en")
        assert nl.strip()
        assert en.strip()
        assert nl != member.value  # a label, not the wire identifier
    dutch = [label(m) for m in enum]
    assert len(set(dutch)) == len(dutch), f"two members of {enum.__name__} read the same"


def test_known_labels_and_same_value_in_different_enums() -> None:
    assert [label(s) for s in PlanStatus] == ["Concept", "Ingediend", "Goedgekeurd", "Afgekeurd"]
    assert label(PlanStatus.APPROVED, "en") == "Approved"
    # "rejected" and "cancelled" mean different things per enum
    assert label(PlanStatus.REJECTED) == "Afgekeurd"
    assert label(QuoteStatus.REJECTED) == "Afgewezen"
    assert label(ActionStatus.CANCELLED) == "Vervallen"
    assert label(VisitStatus.CANCELLED) == "Geannuleerd"
    assert label(VatRate.HIGH) == "21 % (hoog)"
    assert label(PlanStatus.DRAFT, "fr") == "Concept"  # unknown language: Dutch


def test_choices() -> None:
    assert choices(VatRate) == [("high", "21 % (hoog)"), ("low", "9 % (laag)"), ("zero", "0 %")]
    assert choices(VatRate, "en")[0] == ("high", "21 % (standard)")


def test_unknown_member_falls_back_to_value() -> None:
    class Temp(StrEnum):
        NEW = "new_thing"

    assert not has_label(Temp.NEW)
    assert label(Temp.NEW) == "new_thing"
