"""Factories of deal registration; valid with no arguments."""

from datetime import date, timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from deals import matching
from deals.models import Account, AccountKind, DealRegistration, DealSource, DealStatus
from deals.services import write_account_keys
from tests.factories import PartnerFactory, UserFactory


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Account
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Customer {n} Inc")
    normalised_name = factory.LazyAttribute(lambda o: matching.normalise_company_name(o.name).value)
    domain = factory.Sequence(lambda n: f"customer{n}.example")
    country = "US"
    kind = AccountKind.PROSPECT

    @factory.post_generation
    def keys(obj, create, extracted, **kwargs):
        if create:
            write_account_keys(obj)


class DirectAccountFactory(AccountFactory):
    kind = AccountKind.DIRECT_CUSTOMER


class DealFactory(factory.django.DjangoModelFactory):
    """An approved registration of a fresh customer."""

    class Meta:
        model = DealRegistration

    partner = factory.SubFactory(PartnerFactory)
    source = DealSource.PARTNER
    account = factory.SubFactory(AccountFactory)
    registered_by = factory.LazyAttribute(lambda o: UserFactory(partner=o.partner))
    customer_name = factory.LazyAttribute(lambda o: o.account.name)
    customer_domain = factory.LazyAttribute(lambda o: o.account.domain)
    customer_country = factory.LazyAttribute(lambda o: o.account.country)
    amount = Decimal("25000.00")
    currency = "USD"
    status = DealStatus.APPROVED
    submitted_at = factory.LazyFunction(timezone.now)
    protected_until = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=90))


def registration(**overrides) -> dict:
    data = {
        "customer_name": "Initech Corporation",
        "customer_domain": "https://www.initech.example/about",
        "customer_country": "US",
        "contact_name": "Bill Lumbergh",
        "contact_email": "bill@initech.example",
        "product": "Platform",
        "amount": "12500.00",
        "currency": "USD",
        "expected_close_date": (timezone.localdate() + timedelta(days=60)).isoformat(),
        "deal_type": "new_business",
    }
    data.update(overrides)
    return data


def registration_kwargs(**overrides) -> dict:
    """register_deal's keyword arguments: `registration()`'s body as the form and the serializer convert it."""
    data = registration(**overrides)
    data["amount"] = Decimal(str(data["amount"]))
    if isinstance(data.get("expected_close_date"), str):
        data["expected_close_date"] = date.fromisoformat(data["expected_close_date"])
    return data
