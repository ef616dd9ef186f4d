"""Model validation rejects nonsense with a message an editor understands."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from initiatives.models import Figure, Initiative, Milestone

from .factories import (
    FigureFactory,
    InitiativeFactory,
    MilestoneFactory,
    MineralFactory,
    SectorFactory,
    arranged,
)

pytestmark = pytest.mark.django_db


def messages_for(item, field):
    with pytest.raises(ValidationError) as error:
        item.full_clean()
    return error.value.message_dict[field]


def test_a_percentage_above_100_is_rejected():
    figure = FigureFactory.build(value=Decimal("100.5"), unit=Figure.Unit.PERCENT, initiative=None)
    assert messages_for(figure, "value") == ["A percentage cannot be above 100."]


def test_a_percentage_of_100_is_accepted():
    figure = FigureFactory(value=Decimal("100"), unit=Figure.Unit.PERCENT)
    figure.full_clean()


@pytest.mark.parametrize("unit", [Figure.Unit.INR, Figure.Unit.USD, Figure.Unit.COUNT])
def test_a_negative_amount_is_rejected(unit):
    figure = FigureFactory.build(value=Decimal("-5"), unit=unit, initiative=None)
    assert messages_for(figure, "value") == ["A figure cannot be negative."]


def test_a_fractional_rank_is_rejected():
    figure = FigureFactory.build(value=Decimal("2.5"), unit=Figure.Unit.RANK, initiative=None)
    assert messages_for(figure, "value") == ["A rank or a count is a whole number."]


def test_a_part_larger_than_its_total_is_rejected():
    total = FigureFactory(value=Decimal("100"), unit=Figure.Unit.INR)
    part = FigureFactory.build(
        value=Decimal("150"), unit=Figure.Unit.INR, part_of=total, initiative=None
    )
    assert messages_for(part, "value") == ["A part cannot be larger than its total."]


def test_a_day_precision_date_without_a_day_is_rejected():
    milestone = MilestoneFactory.build(
        year=2024, month=3, day=None, precision=Milestone.Precision.DAY, initiative=None
    )
    assert messages_for(milestone, "day") == ["A day-precision date needs a day."]


def test_a_year_precision_date_with_a_month_is_rejected():
    milestone = MilestoneFactory.build(
        year=2024, month=3, precision=Milestone.Precision.YEAR, initiative=None
    )
    assert "has no month" in messages_for(milestone, "month")[0]


def test_a_day_that_does_not_exist_is_rejected():
    milestone = MilestoneFactory.build(
        year=2023, month=2, day=29, precision=Milestone.Precision.DAY, initiative=None
    )
    assert messages_for(milestone, "day") == ["February 2023 has 28 days."]


def test_a_duplicate_slug_is_rejected():
    SectorFactory(slug="energy", name="Energy")
    duplicate = SectorFactory.build(slug="energy", name="Energy again")
    assert messages_for(duplicate, "slug") == ["Sector with this Slug already exists."]


def test_a_made_up_chemical_symbol_is_rejected():
    mineral = MineralFactory.build(symbol="nd1")
    assert "chemical symbol" in messages_for(mineral, "symbol")[0]


def test_an_existing_cycle_of_parents_elsewhere_does_not_hang_the_check():
    first = InitiativeFactory(slug="first-in-cycle")
    second = InitiativeFactory(slug="second-in-cycle", parent=first)
    with arranged():
        Initiative.objects.filter(pk=first.pk).update(parent=second)
    newcomer = InitiativeFactory.build(slug="newcomer", parent=Initiative.objects.get(pk=second.pk))

    assert "cannot be part of itself" in messages_for(newcomer, "parent")[0]
