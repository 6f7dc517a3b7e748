"""Factories of commissions; valid with no arguments."""

from datetime import date, timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from commissions.models import CommissionEntry, CommissionPlan, CommissionRule, EntryKind, RuleKind, Spiff, SpiffKind
from deals.models import DealStatus
from tests.deals.factories import DealFactory
from tests.factories import PartnerFactory


class WonDealFactory(DealFactory):
    status = DealStatus.WON
    product = "Platform"
    close_date = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=1))


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommissionPlan
        django_get_or_create = ("partner_type",)

    name = "Systems integrator plan"
    partner_type = "systems_integrator"


class RuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommissionRule

    plan = factory.SubFactory(PlanFactory)
    name = factory.Sequence(lambda n: f"Rule {n}")
    kind = RuleKind.FIRST_YEAR
    rate = Decimal("0.1000")
    currency = "USD"
    valid_from = date(2020, 1, 1)


class SpiffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Spiff

    name = factory.Sequence(lambda n: f"Spiff {n}")
    kind = SpiffKind.EXTRA_RATE
    rate = Decimal("0.0200")
    currency = "USD"
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))


class EntryFactory(factory.django.DjangoModelFactory):
    """A finance adjustment (no rule needed); pass status/batch for other states."""

    class Meta:
        model = CommissionEntry

    partner = factory.SubFactory(PartnerFactory)
    kind = EntryKind.ADJUSTMENT
    earned_on = factory.LazyFunction(timezone.localdate)
    base_amount = Decimal("100.00")
    amount = Decimal("100.00")
    currency = "USD"
    reason = "Test adjustment"
