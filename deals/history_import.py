"""Importing historical deals from a CRM (CSV): the row form, `import_historical_deal` and the import spec.

History is recorded, not replayed: a row becomes a registration directly in its final state (won, lost,
approved or expired) WITHOUT the rules of engagement matching, commission entries, MDF accruals or domain
events (no notifications or webhooks for deals closed years ago). The customer account is still normalised
and found through deals.matching (same identity as the account import: normalised domain, else normalised
name in the country), an audit row is written, and the partner is marked dirty for the analytics rollup.

Idempotent re-import: a row with an external id is skipped when a deal with that `external_id` exists;
without one, a deal of the same partner, customer domain (or name), submitted date and amount is the same deal.
"""

import re
from collections.abc import Callable
from datetime import datetime, time
from decimal import Decimal, InvalidOperation

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from accounts import access
from deals import matching, validation
from deals.customers import create_account
from deals.models import Account, DealRegistration, DealSource, DealStatus, DealType
from deals.registration import decision as engine
from partners.imports import choice_lookup, country_cell, lazy_format
from partners.models import Partner
from policy.selectors import policy_at
from prm import inputs
from prm.audit import record_audit
from prm.imports import CREATED, SKIPPED, Column, ImportRowForm, ImportSpec, register_import
from prm.money import to_money, validate_currency

# Who hears that a partner's history changed, inside the import's transaction (analytics marks the partner for
# its next rollup: analytics/deal_import_handlers.py). History records no domain events, so apps above deals
# register a listener here at start-up.
_imported_listeners: list[Callable[[int], None]] = []


def on_history_imported(listener: Callable[[int], None]) -> Callable[[int], None]:
    """Register `listener(partner_id)`, called for each historical deal imported."""
    _imported_listeners.append(listener)
    return listener


HISTORY_STATUSES = (DealStatus.WON, DealStatus.LOST, DealStatus.APPROVED, DealStatus.EXPIRED)
THOUSANDS = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$")
DATE_ERROR = {"invalid": gettext_lazy("Write the date as YYYY-MM-DD, e.g. 2024-03-31.")}


class DealHistoryRowForm(ImportRowForm):
    partner = forms.CharField()
    customer_name = forms.CharField(max_length=200)
    customer_domain = forms.CharField(max_length=253, required=False)
    country = forms.CharField()
    amount = forms.CharField()
    currency = forms.CharField(required=False)
    status = forms.CharField()
    deal_type = forms.CharField(required=False)
    product = forms.CharField(max_length=200, required=False)
    submitted_date = inputs.DateField(input_formats=["%Y-%m-%d"], error_messages=DATE_ERROR)
    close_date = inputs.DateField(required=False, input_formats=["%Y-%m-%d"], error_messages=DATE_ERROR)
    external_id = forms.CharField(max_length=100, required=False)

    def clean_partner(self):
        value = self.cleaned_data["partner"]
        partner = self.context["partners"].find(value)
        if partner is None:
            raise ValidationError(_("No partner has the CRM id or id %(value)r.") % {"value": value})
        return partner

    def clean_customer_domain(self):
        value = self.cleaned_data["customer_domain"]
        validation.validate_customer_domain(value)  # the registration's own rule
        return matching.normalise_domain(value)

    def clean_country(self):
        return country_cell(self.cleaned_data["country"])

    def clean_amount(self):
        value = self.cleaned_data["amount"].replace(" ", "")
        if THOUSANDS.match(value):
            value = value.replace(",", "")
        try:
            amount = to_money(value)
        except (TypeError, ValueError, InvalidOperation):
            raise ValidationError(_("Enter an amount such as 1250.00 (a dot before the cents).")) from None
        if amount < 0:
            raise ValidationError(_("The amount cannot be negative."))
        if amount >= Decimal("1e12"):
            raise ValidationError(_("The amount is too large."))
        return amount

    def clean_currency(self):
        code = (self.cleaned_data["currency"] or settings.DEFAULT_CURRENCY).strip().upper()
        validate_currency(code)  # one ISO 4217 list (prm/money.py)
        return code

    def clean_status(self):
        value = self.cleaned_data["status"].lower()
        if value not in HISTORY_STATUSES:
            raise ValidationError(
                _("Unknown status %(value)r. Use one of: %(values)s.")
                % {"value": value, "values": ", ".join(HISTORY_STATUSES)}
            )
        return value

    def clean_deal_type(self):
        value = self.cleaned_data["deal_type"]
        if not value:
            return DealType.NEW_BUSINESS
        found = choice_lookup(DealType.choices).get(value.lower())
        if found is None:
            raise ValidationError(
                _("Unknown deal type %(value)r. Use one of: %(values)s.")
                % {"value": value, "values": ", ".join(DealType.values)}
            )
        return found

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        submitted, closed = data.get("submitted_date"), data.get("close_date")
        if submitted and submitted > today:
            self.add_error("submitted_date", _("The submitted date cannot be in the future."))
        if data.get("status") in (DealStatus.WON, DealStatus.LOST) and "close_date" not in self.errors:
            if closed is None:
                self.add_error("close_date", _("Required for won and lost deals."))
        if closed and closed > today:
            self.add_error("close_date", _("A closed deal's close date cannot be in the future."))
        elif closed and submitted and closed < submitted:
            self.add_error("close_date", _("The close date is before the submitted date."))
        return data


class PartnerFinder:
    """Partners by external CRM id or by id, each looked up once per import."""

    def __init__(self):
        self.cache: dict[str, Partner | None] = {}

    def find(self, value: str) -> Partner | None:
        if value not in self.cache:
            partner = Partner.objects.select_related("tier").filter(external_crm_id=value).order_by("pk").first()
            if partner is None and value.isdigit():
                partner = Partner.objects.select_related("tier").filter(pk=int(value)).first()
            self.cache[value] = partner
        return self.cache[value]


def _account_for(*, name: str, domain: str, country: str) -> Account:
    """The customer account, normalised as deals.matching does; created when none has this identity."""
    normalised = matching.normalise_company_name(name).value
    existing = (
        Account.objects.filter(domain=domain).order_by("id").first()
        if domain
        else Account.objects.filter(country=country, normalised_name=normalised[:200]).order_by("id").first()
    )
    return existing or create_account(name=name, domain=domain, country=country)


def _start_of(day):
    return timezone.make_aware(datetime.combine(day, time.min))


def _already_imported(*, partner, external_id, submitted_at, amount, domain, customer_name):
    """The deal a re-import of this row finds: by external id, else by partner, day, amount and customer."""
    if external_id:
        existing = DealRegistration.objects.filter(external_id=external_id).first()
        if existing is not None and existing.partner_id != partner.pk:
            raise ValidationError({"external_id": _("Another partner's deal already has this external id.")})
        return existing
    same = DealRegistration.objects.filter(partner=partner, submitted_at=submitted_at, amount=amount)
    same = same.filter(customer_domain=domain) if domain else same.filter(customer_name=customer_name)
    return same.order_by("pk").first()


def _protection(policy, partner, account, submitted_on):
    """An approved deal holds its customer (rule 2): only while protection lasts, and only one holder."""
    protected_until = engine.approval_protected_until(policy, partner.tier_id, submitted_on)
    if protected_until < timezone.localdate():
        raise ValidationError(
            {
                "status": _("Its protection would have ended on %(date)s; import it as expired.")
                % {"date": f"{protected_until:%Y-%m-%d}"}
            }
        )
    if DealRegistration.objects.holding().filter(account=account).exists():
        raise ValidationError({"customer_name": _("Another active registration already holds this customer.")})
    return protected_until


def import_historical_deal(
    *,
    actor,
    partner: Partner,
    customer_name: str,
    country: str,
    amount: Decimal,
    status: str,
    submitted_on,
    customer_domain: str = "",
    currency: str = "",
    deal_type: str = DealType.NEW_BUSINESS,
    product: str = "",
    close_date=None,
    external_id: str = "",
) -> tuple[DealRegistration, str]:
    """Record one historical deal in its final state; returns it and "created" or "skipped" (already in).

    No rules of engagement, commissions, MDF accruals or events (it is history); an audit row, and the
    partner is marked dirty so the analytics rollup counts it.
    """
    access.require(actor, "deals.import_history")
    if status not in HISTORY_STATUSES:
        raise ValidationError({"status": _("Use one of: %(values)s.") % {"values": ", ".join(HISTORY_STATUSES)}})
    if status in (DealStatus.WON, DealStatus.LOST) and close_date is None:
        raise ValidationError({"close_date": _("Required for won and lost deals.")})
    domain = matching.normalise_domain(customer_domain)
    submitted_at = _start_of(submitted_on)
    with transaction.atomic():
        existing = _already_imported(
            partner=partner,
            external_id=external_id,
            submitted_at=submitted_at,
            amount=amount,
            domain=domain,
            customer_name=customer_name,
        )
        if existing is not None:
            return existing, SKIPPED

        account = _account_for(name=customer_name, domain=domain, country=country)
        # The rules-of-engagement version in force when the deal was registered (docs/policy.md).
        policy = policy_at(submitted_at)
        protected_until = _protection(policy, partner, account, submitted_on) if status == DealStatus.APPROVED else None
        deal = DealRegistration.objects.create(
            partner=partner,
            source=DealSource.PARTNER,
            account=account,
            registered_by=None,
            customer_name=customer_name[:200],
            customer_domain=domain,
            customer_country=country,
            product=product[:200],
            deal_type=deal_type,
            amount=amount,
            currency=currency or settings.DEFAULT_CURRENCY,
            close_date=close_date,
            status=status,
            protected_until=protected_until,
            policy_version=policy,
            submitted_at=submitted_at,
            decided_at=submitted_at,
            decided_by=None,
            decision_note="Imported from CRM history.",
            created_at=submitted_at,
            external_id=external_id or None,
        )
        record_audit(
            actor=actor,
            obj=deal,
            action="imported",
            to_state=status,
            reason="Historical deal imported from CSV",
            changes={"external_id": external_id} if external_id else None,
        )
        for listener in _imported_listeners:
            listener(partner.pk)
    return deal, CREATED


class DealHistoryImportSpec(ImportSpec):
    def prepare(self, *, job):
        return {"partners": PartnerFinder()}

    def import_row(self, *, actor, data, context, row):
        _deal, result = import_historical_deal(
            actor=actor,
            partner=data["partner"],
            customer_name=data["customer_name"],
            customer_domain=data["customer_domain"],
            country=data["country"],
            amount=data["amount"],
            currency=data["currency"],
            status=data["status"],
            deal_type=data["deal_type"],
            product=data["product"],
            submitted_on=data["submitted_date"],
            close_date=data["close_date"],
            external_id=data["external_id"],
        )
        return result


DEAL_HISTORY_IMPORT = register_import(
    DealHistoryImportSpec(
        kind="deal_history",
        title=gettext_lazy("Historical deals"),
        permission="deals.import_history",
        require=access.require,
        row_form=DealHistoryRowForm,
        columns=(
            Column(
                "partner",
                gettext_lazy("The partner's external CRM id, or its id in the portal."),
                ("partner_id", "partner_crm_id"),
                True,
            ),
            Column(
                "customer_name",
                gettext_lazy("The customer company."),
                ("customer", "account", "account_name", "company"),
                True,
            ),
            Column(
                "customer_domain", gettext_lazy("The customer's web domain, e.g. example.com."), ("domain", "website")
            ),
            Column(
                "country",
                gettext_lazy("The customer's country: ISO code (DE) or English name."),
                ("customer_country",),
                True,
            ),
            Column("amount", gettext_lazy("e.g. 12500.00"), ("value", "deal_amount"), True),
            Column(
                "currency",
                lazy_format(gettext_noop("ISO 4217 code; blank: %(currency)s."), currency=settings.DEFAULT_CURRENCY),
                ("currency_code",),
            ),
            Column(
                "status",
                lazy_format(gettext_noop("One of %(values)s."), values=", ".join(HISTORY_STATUSES)),
                ("stage", "deal_status"),
                True,
            ),
            Column(
                "deal_type",
                lazy_format(gettext_noop("One of %(values)s; blank: new_business."), values=", ".join(DealType.values)),
                ("type",),
            ),
            Column("product", "", ("products",)),
            Column(
                "submitted_date",
                gettext_lazy("YYYY-MM-DD: when the partner registered it."),
                ("submitted", "registered", "created_date"),
                True,
            ),
            Column(
                "close_date", gettext_lazy("YYYY-MM-DD; required for won and lost deals."), ("closed", "closed_date")
            ),
            Column(
                "external_id",
                gettext_lazy("The deal's id in your CRM; re-imports skip deals already in."),
                ("deal_id", "crm_id", "opportunity_id"),
            ),
        ),
        sample_rows=[
            {
                "partner": "CRM-1001",
                "customer_name": "Initech Ltd",
                "customer_domain": "initech.example",
                "country": "GB",
                "amount": "48000.00",
                "currency": "GBP",
                "status": "won",
                "deal_type": "new_business",
                "product": "Platform",
                "submitted_date": "2024-02-12",
                "close_date": "2024-05-30",
                "external_id": "OPP-7781",
            },
            {
                "partner": "CRM-1002",
                "customer_name": "Umbrella AG",
                "customer_domain": "umbrella.example",
                "country": "DE",
                "amount": "15000.00",
                "currency": "EUR",
                "status": "lost",
                "submitted_date": "2024-06-03",
                "close_date": "2024-09-01",
                "external_id": "OPP-7790",
            },
        ],
    )
)
