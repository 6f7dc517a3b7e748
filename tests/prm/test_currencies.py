"""One ISO 4217 list for every app (prm/money.py, docs/hardening.md): models, forms, serializers and services
refuse a code that is not a currency (NAN, XYZ) with a field error, never store it."""

from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps
from django.conf import settings
from django.core.checks import run_checks
from django.core.exceptions import ValidationError
from django.db import models
from django.test import override_settings
from django.urls import reverse

from commissions.models import CommissionEntry
from deals.models import DealRegistration
from fx.models import ExchangeRate
from mdf.models import MdfRequest
from prm.money import CURRENCY_CHOICES, CURRENCY_CODES, is_currency, validate_currency
from tests.deals.factories import DealFactory
from tests.mdf.factories import ActivityTypeFactory, allocate

NOT_CURRENCIES = ["NAN", "XYZ"]
PROJECT_APPS = {
    app.label
    for app in apps.get_app_configs()
    if str(app.path).startswith(str(settings.BASE_DIR)) and ".venv" not in str(app.path)
}


def test_the_list_comes_from_iso_4217_without_the_codes_that_are_not_money():
    assert {"USD", "EUR", "GBP", "JPY", "CHF", "XOF"} <= CURRENCY_CODES
    for code in ["NAN", "XYZ", "XXX", "XTS", "XAU", "usd", "US", "", None, "USDX"]:
        assert not is_currency(code), code
        with pytest.raises(ValidationError):
            validate_currency(code)
    assert dict(CURRENCY_CHOICES)["EUR"].startswith("EUR – ")


def test_every_currency_field_of_every_model_has_the_shared_validator():
    fields = [
        (model._meta.label, field.name)
        for model in apps.get_models()
        if model._meta.app_label in PROJECT_APPS
        for field in model._meta.get_fields()
        # Text fields: a count such as KpiSnapshot.other_currency_records is not a code.
        if "currency" in field.name and isinstance(field, models.CharField)
    ]
    assert len(fields) >= 10, fields  # deals, mdf, commissions, partners, analytics, fx
    missing = [
        f"{label}.{name}"
        for label, name in fields
        if validate_currency not in apps.get_model(label)._meta.get_field(name).validators
    ]
    assert not missing, f"currency fields without prm.money.validate_currency: {missing}"


def test_a_model_refuses_a_code_that_is_not_a_currency_on_full_clean():
    with pytest.raises(ValidationError) as error:
        ExchangeRate(currency="NAN").clean_fields(exclude=["rate", "effective_from", "created_by", "note"])
    assert "currency" in error.value.message_dict


def test_default_currency_must_be_a_currency():
    ids = [message.id for message in run_checks()]
    assert "prm.E001" not in ids
    with override_settings(DEFAULT_CURRENCY="NAN"):
        assert "prm.E001" in [message.id for message in run_checks()]


# --- the API: a 400 naming the field, nothing saved --------------------------------------------------


def _deal_body(currency):
    return {
        "customer_name": "Initrode Systems",
        "customer_domain": "initrode.example",
        "customer_country": "US",
        "amount": "25000.00",
        "currency": currency,
        "deal_type": "new_business",
    }


@pytest.mark.django_db
@pytest.mark.parametrize("code", NOT_CURRENCIES)
def test_api_writes_refuse_a_code_that_is_not_a_currency(
    code, api_for, partner, partner_admin, finance_user, program_admin
):
    activity = ActivityTypeFactory()
    allocate(partner, Decimal("5000"))
    deal = DealFactory(partner=partner)
    cases = [
        (partner_admin, reverse("deal-list"), _deal_body(code), DealRegistration),
        (
            partner_admin,
            reverse("deal-won", args=[deal.pk]),
            {"amount": "10", "close_date": "2026-01-15", "currency": code},
            None,
        ),
        (
            partner_admin,
            reverse("mdf-request-list"),
            {
                "activity_type": activity.pk,
                "title": "Webinar",
                "start_date": "2026-12-01",
                "end_date": "2026-12-31",
                "total_cost": "1000.00",
                "requested_amount": "500.00",
                "currency": code,
            },
            MdfRequest,
        ),
        (
            program_admin,
            reverse("mdf-fund-allocate"),
            {"partner": partner.pk, "amount": "100.00", "reason": "Launch", "currency": code},
            None,
        ),
        (
            finance_user,
            reverse("commission-entry-adjustments"),
            {"partner": partner.pk, "amount": "10.00", "currency": code, "reason": "Fix"},
            CommissionEntry,
        ),
        (finance_user, reverse("commission-payout-list"), {"partner": partner.pk, "currency": code}, None),
        (
            finance_user,
            reverse("fx-rate-list"),
            {"currency": code, "rate": "1.1", "effective_from": "2026-01-01"},
            ExchangeRate,
        ),
    ]
    for user, url, body, model in cases:
        before = model.objects.count() if model else None
        response = api_for(user).post(url, body, format="json")
        assert response.status_code == 400, (url, response.status_code, response.content)
        assert "currency" in response.json(), (url, response.json())
        if model:
            assert model.objects.count() == before, url
    deal.refresh_from_db()
    assert deal.currency != code


@pytest.mark.django_db
def test_a_valid_code_typed_in_lower_case_is_accepted(api_for, partner_admin):
    response = api_for(partner_admin).post(reverse("deal-list"), _deal_body("eur"), format="json")
    assert response.status_code == 201, response.content
    assert DealRegistration.objects.get().currency == "EUR"


# --- pages and services ------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("code", NOT_CURRENCIES)
def test_pages_show_a_field_message(code, client_for, partner, finance_user):
    response = client_for(finance_user).post(
        reverse("commissions:adjustment"), {"partner": partner.pk, "amount": "10.00", "currency": code, "reason": "x"}
    )
    assert response.status_code in (200, 400)
    assert "ISO 4217" in response.content.decode()
    assert not CommissionEntry.objects.exists()


@pytest.mark.django_db
def test_mdf_and_commission_services_refuse_it_too(partner, partner_admin, finance_user):
    from commissions.services import add_adjustment
    from mdf.services import submit_request

    activity = ActivityTypeFactory()
    with pytest.raises(ValidationError) as error:
        submit_request(
            user=partner_admin,
            activity_type=activity,
            title="Webinar",
            start_date=date(2026, 12, 1),
            end_date=date(2026, 12, 31),
            total_cost=Decimal("1000"),
            requested_amount=Decimal("500"),
            currency="XYZ",
        )
    assert "currency" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        add_adjustment(actor=finance_user, partner=partner, amount="10", reason="Fix", currency="NAN")
    assert "currency" in error.value.message_dict
