"""Every write of deal registration (DESIGN.md: rules of engagement). One transaction each; the
permission and state checks, the audit row and the event live here, so pages, API, tasks and the
demo all obey the same rules."""

import logging
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries

from accounts.models import PARTNER_ROLES, Role, User
from deals import matching, selectors
from deals.models import (
    DEAL_WORKFLOW,
    DIRECT_KINDS,
    LEAD_WORKFLOW,
    Account,
    AccountImport,
    AccountKey,
    AccountKind,
    DealReason,
    DealRegistration,
    DealReminder,
    DealSource,
    DealStatus,
    DealType,
    ExtensionStatus,
    Influence,
    InfluenceKind,
    Lead,
    LeadReturn,
    LeadStatus,
)
from policy import engine
from policy.selectors import policy_at
from prm import inputs
from prm.audit import record_audit
from prm.events import record_event
from prm.exceptions import Conflict, TransitionNotAllowed
from prm.guards import require_role, require_standing
from prm.imports import unreadable_cells
from prm.money import is_currency, to_money

log = logging.getLogger(__name__)

MANAGER_ROLES = frozenset({Role.CHANNEL_MANAGER})
IMPORT_ROLES = frozenset({Role.CHANNEL_MANAGER, Role.PROGRAM_ADMIN})
REGISTER_FIELDS = ["reason", "duplicate_of", "conflict_with", "protected_until", "submitted_at", "policy_version"]


# --- checks ----------------------------------------------------------------------------------------


def require_may_mark_won(actor, deal) -> None:
    require_standing(actor)  # a suspended or terminated partner's users are read-only (docs/partner-status.md)
    if not (actor.role in MANAGER_ROLES or (actor.role in PARTNER_ROLES and actor.partner_id == deal.partner_id)):
        raise PermissionDenied(_("Only the partner's users or a channel manager may mark a deal won."))


def require_partner_member(user, deal_or_lead, what: str) -> None:
    require_standing(user)  # a suspended or terminated partner's users are read-only (docs/partner-status.md)
    if user.role not in PARTNER_ROLES or user.partner_id != deal_or_lead.partner_id:
        raise PermissionDenied(_("Only the partner's own users may %(what)s.") % {"what": what})


def _money(value, field: str, errors: dict):
    if value in (None, ""):
        errors[field] = [_("This field is required.")]
        return None
    try:
        amount = to_money(value if not isinstance(value, float) else str(value))
    except (TypeError, ValueError, InvalidOperation):
        errors[field] = [_("Enter an amount, e.g. 1250.00.")]
        return None
    if amount < 0:
        errors[field] = [_("The amount cannot be negative.")]
    elif amount >= Decimal("1e12"):
        errors[field] = [_("The amount is too large.")]
    return amount


def _date(value, field: str, errors: dict):
    """A bounded date (2000-01-01 to today + 10 years) or a field error: one rule for every date input
    (docs/inputs.md)."""
    return inputs.clean_date(value, field, errors)


def _currency(value, errors: dict, field: str = "currency") -> str:
    code = (value or settings.DEFAULT_CURRENCY).strip().upper() if isinstance(value, str | None) else ""
    if not is_currency(code):
        errors[field] = [_("Use a three-letter ISO 4217 currency code, e.g. USD.")]
    return code


def _country(value, errors: dict, field: str) -> str:
    code = str(value or "").strip().upper()
    if not code:
        errors[field] = [_("This field is required.")]
    elif code not in dict(countries):
        errors[field] = [_("Use a two-letter ISO 3166 country code, e.g. US.")]
    return code


def _text(data, field: str, errors: dict, *, required=False, max_length=200) -> str:
    value = data.get(field)
    value = "" if value is None else str(value).strip()
    if required and not value:
        errors[field] = [_("This field is required.")]
    elif len(value) > max_length:
        errors[field] = [_("At most %(count)s characters.") % {"count": max_length}]
    return value


def clean_registration(data) -> dict:
    """Validate a registration's input; every problem becomes a field error (HTTP 400)."""
    errors: dict[str, list[str]] = {}
    cleaned = {
        "customer_name": _text(data, "customer_name", errors, required=True),
        "customer_domain": _text(data, "customer_domain", errors, max_length=253),
        "contact_name": _text(data, "contact_name", errors),
        "contact_email": _text(data, "contact_email", errors, max_length=254),
        "product": _text(data, "product", errors),
    }
    cleaned["customer_country"] = _country(data.get("customer_country"), errors, "customer_country")
    cleaned["amount"] = _money(data.get("amount"), "amount", errors)
    cleaned["currency"] = _currency(data.get("currency"), errors)
    cleaned["expected_close_date"] = _date(data.get("expected_close_date"), "expected_close_date", errors)
    if cleaned["expected_close_date"] and cleaned["expected_close_date"] < timezone.localdate():
        errors["expected_close_date"] = [_("The expected close date cannot be in the past.")]
    deal_type = data.get("deal_type") or DealType.NEW_BUSINESS
    if deal_type not in DealType.values:
        errors["deal_type"] = [_("Choose one of: %(choices)s.") % {"choices": ", ".join(DealType.values)}]
    cleaned["deal_type"] = deal_type
    if cleaned["contact_email"]:
        try:
            validate_email(cleaned["contact_email"])
        except ValidationError:
            errors["contact_email"] = [_("Enter a valid e-mail address.")]
    if cleaned["customer_domain"] and not matching.normalise_domain(cleaned["customer_domain"]):
        domain = cleaned["customer_domain"].lower()
        if domain.split("@")[-1].removeprefix("www.") not in matching.free_mail_domains():
            errors["customer_domain"] = [_("Enter the customer's web domain, e.g. example.com.")]
    if errors:
        raise ValidationError(errors)
    return cleaned


def sourcing_mdf_request(partner, value):
    """The partner's approved or completed MDF activity that sourced the deal (optional), so the program
    can measure pipeline and bookings per MDF dollar (issue on MDF)."""
    if value in (None, ""):
        return None
    from mdf.models import MdfRequest, RequestStatus

    request_id = getattr(value, "pk", value)
    try:
        request_id = int(request_id)
    except (TypeError, ValueError):
        request_id = None
    found = MdfRequest.objects.filter(
        pk=request_id, partner=partner, status__in=[RequestStatus.APPROVED, RequestStatus.COMPLETED]
    ).first()
    if found is None:
        raise ValidationError({"mdf_request": [_("Choose one of your organisation's approved MDF activities.")]})
    return found


# --- accounts and locking ---------------------------------------------------------------------------


def lock_customer_keys(keys: list[str]) -> None:
    """Serialise registrations of the same customer (rule 7): a row that does not exist yet cannot be
    locked, so lock its blocking keys, in sorted order so two registrations never deadlock. SQLite
    has a single writer and needs nothing."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for lock in sorted({matching.lock_id(key) for key in keys}):
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock])


def create_account(*, name, domain, country, kind=AccountKind.PROSPECT, direct_owner=None) -> Account:
    normalised = matching.normalise_company_name(name).value
    domain = matching.normalise_domain(domain)
    account = Account.objects.create(
        name=name[:200],
        normalised_name=normalised[:200],
        domain=domain,
        country=country.upper(),
        kind=kind,
        direct_owner=direct_owner,
    )
    write_account_keys(account)
    return account


def write_account_keys(account: Account) -> None:
    keys = matching.blocking_keys(
        normalised_name=account.normalised_name, domain=account.domain, country=account.country
    )
    AccountKey.objects.filter(account=account).exclude(key__in=keys).delete()
    AccountKey.objects.bulk_create([AccountKey(account=account, key=k) for k in keys], ignore_conflicts=True)


def _expire_stale_holders(account_ids, today: date) -> None:
    """Approved holders whose protection ended but that beat has not expired yet stop blocking now."""
    for deal in DealRegistration.objects.filter(
        account_id__in=account_ids, status=DealStatus.APPROVED, protected_until__lt=today
    ).select_related("partner"):
        _expire(deal)


# --- registration (rules 1-5, 7) --------------------------------------------------------------------


def recent_wins(account_ids, *, policy, today: date) -> dict:
    """{account_id: [engine.Win]}: partner registrations of the accounts won (close date) within the
    version's incumbency days before `today` (docs/policy.md, "Incumbency")."""
    days = policy.incumbency_days if policy else 0
    if not days or not account_ids:
        return {}
    wins: dict[int, list] = {}
    rows = DealRegistration.objects.filter(
        account_id__in=list(account_ids),
        status=DealStatus.WON,
        partner__isnull=False,
        close_date__gte=today - timedelta(days=days),
        close_date__lte=today,
    ).values_list("pk", "partner_id", "account_id", "close_date")
    for pk, partner_id, account_id, close_date in rows:
        wins.setdefault(account_id, []).append(
            engine.Win(deal_id=pk, partner_id=partner_id, account_id=account_id, won_on=close_date)
        )
    return wins


def approval_sla_days(deal: DealRegistration) -> int:
    """The approval SLA (business days) of the version the registration was decided under."""
    policy = deal.policy_version if deal.policy_version_id else policy_at(deal.submitted_at or timezone.now())
    return policy.approval_sla_business_days if policy else settings.DEAL_APPROVAL_SLA_BUSINESS_DAYS


def outcome_message(deal: DealRegistration) -> str:
    """The sentence a partner reads about its registration: what happened and what happens next."""
    status, reason = deal.status, deal.reason
    if status == DealStatus.SUBMITTED:
        return _(
            "Your registration is submitted. A channel manager reviews it within %(sla)s business days, "
            "and you will be notified when it is approved."
        ) % {"sla": approval_sla_days(deal)}
    if status == DealStatus.PENDING_REVIEW and reason == DealReason.DIRECT_ACCOUNT:
        return _(
            "This customer is already an account of %(vendor)s's direct sales team. A channel manager "
            "will review your registration and approve it, accept it as influence, or reject it; you will be notified."
        ) % {"vendor": settings.VENDOR_NAME}
    if status == DealStatus.PENDING_REVIEW and reason == DealReason.INCUMBENT:
        return _(
            "An existing customer relationship is being checked. A channel manager will review your registration "
            "within %(sla)s business days and approve or reject it; you will be notified."
        ) % {"sla": approval_sla_days(deal)}
    if status == DealStatus.PENDING_REVIEW:
        return _(
            "This customer may be one that is already registered. A channel manager will compare the two and "
            "decide; you will be notified."
        )
    if status == DealStatus.REJECTED and reason == DealReason.CONFLICT:
        until = deal.protected_until.isoformat() if deal.protected_until else _("a later date")
        return _(
            "This customer is already registered and protected until %(until)s. Your registration is recorded "
            "as a conflict; you can register the customer again once that protection ends."
        ) % {"until": until}
    if status == DealStatus.REJECTED and reason == DealReason.DUPLICATE:
        return _("You have already registered this customer as deal #%(deal)s; nothing else to do.") % {
            "deal": deal.duplicate_of_id
        }
    if status == DealStatus.REJECTED and reason == DealReason.DIRECT_ACCOUNT:
        return _(
            "This customer is already an account of %(vendor)s's direct sales team, and the rules of engagement "
            "do not protect direct accounts for partners. Ask your channel manager about working the deal together."
        ) % {"vendor": settings.VENDOR_NAME}
    if status == DealStatus.REJECTED and reason == DealReason.INFLUENCE_ONLY:
        return _("Accepted as influence: your part in the direct sale is recorded, without deal protection.")
    if status == DealStatus.REJECTED and reason == DealReason.DISPUTE_REVERSED:
        return _(
            "After a dispute, an earlier registration of this customer was found to have priority: your "
            "registration no longer holds the customer."
        )
    if status == DealStatus.REJECTED:
        if deal.decision_note:
            return _("Your channel manager rejected this registration: %(note)s") % {"note": deal.decision_note}
        return _("Your channel manager rejected this registration.")
    if status == DealStatus.APPROVED:
        return _("Approved: the customer is protected for you until %(until)s.") % {"until": deal.protected_until}
    if status == DealStatus.WON:
        return _("Won on %(date)s for %(amount)s %(currency)s.") % {
            "date": deal.close_date,
            "amount": deal.amount,
            "currency": deal.currency,
        }
    if status == DealStatus.LOST:
        return _("Marked lost.")
    if status == DealStatus.EXPIRED:
        return _("The protection ended before the deal was won.")
    return ""


def deal_payload(deal: DealRegistration, **extra) -> dict:
    """The payload of every deal.* event (webhooks, notifications, receipts); disputes send it too."""
    partner = deal.partner
    return {
        "deal_id": deal.pk,
        "partner_id": deal.partner_id,
        "customer_name": deal.customer_name,
        "status": deal.status,
        "reason": deal.reason or None,
        "amount": str(deal.amount),
        "currency": deal.currency,
        "protected_until": deal.protected_until.isoformat() if deal.protected_until else None,
        "registered_by_id": deal.registered_by_id,
        "channel_manager_id": partner.channel_manager_id if partner else None,
        **extra,
    }


def register_deal(*, user, data) -> DealRegistration:
    """Register a customer for the user's partner; the outcome is one of docs/api.md's registration outcomes."""
    require_role(user, PARTNER_ROLES, gettext_lazy("register deals"))
    if not user.partner_id:
        raise PermissionDenied(_("You do not belong to a partner."))
    cleaned = clean_registration(data)
    partner = user.partner
    cleaned["mdf_request"] = sourcing_mdf_request(partner, data.get("mdf_request"))
    today = timezone.localdate()
    with transaction.atomic():
        name = matching.normalise_company_name(cleaned["customer_name"])
        domain = matching.normalise_domain(cleaned["customer_domain"])
        country = cleaned["customer_country"]
        keys = matching.blocking_keys(normalised_name=name.value, domain=domain, country=country)
        lock_customer_keys(keys)
        policy = policy_at(timezone.now())
        evidence = engine.classify(
            name=name, domain=domain, country=country, candidates=selectors.candidate_accounts(keys), policy=policy
        )
        ids = [e.account_id for e in evidence]
        _expire_stale_holders(ids, today)
        accounts = Account.objects.in_bulk(ids)
        holders = {
            reg.account_id: engine.Holder(
                deal_id=reg.pk,
                partner_id=reg.partner_id,
                account_id=reg.account_id,
                tier_id=reg.partner.tier_id,
                protected_until=reg.protected_until,
            )
            for reg in DealRegistration.objects.holding().filter(account_id__in=ids).select_related("partner")
        }
        decision = engine.decide(
            evidence=evidence,
            holders=holders,
            direct_account_ids={pk for pk, account in accounts.items() if account.is_direct},
            policy=policy,
            partner_id=partner.pk,
            today=today,
            wins=recent_wins(ids, policy=policy, today=today),
        )
        fields = {
            "status": decision.status,
            "reason": decision.reason,
            "duplicate_of_id": decision.duplicate_of_id,
            "conflict_with_id": decision.conflict_with_id,
            "protected_until": decision.protected_until,
            "policy_version": policy,
        }
        kept_evidence = decision.evidence
        account = accounts.get(decision.account_id) if decision.account_id else None
        if account is None:
            account = create_account(name=cleaned["customer_name"], domain=cleaned["customer_domain"], country=country)

        deal = DealRegistration.objects.create(
            partner=partner,
            source=DealSource.PARTNER,
            account=account,
            registered_by=user,
            match_evidence=[e.as_dict() for e in kept_evidence],
            **cleaned,
        )
        status = fields.pop("status")
        for key, value in fields.items():
            setattr(deal, key, value)
        deal.submitted_at = timezone.now()
        try:
            with transaction.atomic():
                DEAL_WORKFLOW.apply(
                    deal,
                    status,
                    actor=user,
                    action="register",
                    reason=deal.reason,
                    extra_fields=REGISTER_FIELDS,
                )
        except IntegrityError:
            # The constraint behind the lock (rule 7): someone else became the holder first.
            holder = DealRegistration.objects.holding().select_related("partner").get(account=account)
            deal.status = DealStatus.DRAFT
            if holder.partner_id == partner.pk:
                deal.reason, deal.duplicate_of = DealReason.DUPLICATE, holder
            else:
                deal.reason, deal.conflict_with = DealReason.CONFLICT, holder
                deal.protected_until = engine.protection_end(
                    engine.Holder(
                        deal_id=holder.pk,
                        partner_id=holder.partner_id,
                        account_id=holder.account_id,
                        tier_id=holder.partner.tier_id,
                        protected_until=holder.protected_until,
                    ),
                    policy,
                    today,
                )
            DEAL_WORKFLOW.apply(
                deal,
                DealStatus.REJECTED,
                actor=user,
                action="register",
                reason=deal.reason,
                extra_fields=REGISTER_FIELDS,
            )
        message = outcome_message(deal)
        record_event(
            "deal.submitted",
            actor=user,
            partner=partner,
            subject=deal,
            payload=deal_payload(deal, partner_name=partner.name, message=message),
        )
        if deal.status == DealStatus.REJECTED:
            record_event(
                "deal.rejected", actor=user, partner=partner, subject=deal, payload=deal_payload(deal, message=message)
            )
    return deal


# --- review (rules 3, 5) ---------------------------------------------------------------------------


def approve_deal(*, deal: DealRegistration, actor, note: str = "") -> DealRegistration:
    """Approve a registration: protected from today for the protection days the rules-of-engagement version
    in force gives the partner's tier; the registration records that version."""
    require_role(actor, MANAGER_ROLES, gettext_lazy("approve deals"))
    with transaction.atomic():
        deal = DealRegistration.objects.select_for_update().get(pk=deal.pk)
        DEAL_WORKFLOW.check(deal, DealStatus.APPROVED)
        now = timezone.now()
        policy = policy_at(now)
        deal.protected_until = engine.approval_protected_until(policy, deal.partner.tier_id, timezone.localdate(now))
        deal.decided_at, deal.decided_by, deal.decision_note = now, actor, note or ""
        deal.policy_version = policy
        DEAL_WORKFLOW.apply(
            deal,
            DealStatus.APPROVED,
            actor=actor,
            action="approve",
            reason=note,
            extra_fields=["protected_until", "decided_at", "decided_by", "decision_note", "policy_version"],
        )
        record_event("deal.approved", actor=actor, partner=deal.partner, subject=deal, payload=deal_payload(deal))
    return deal


def reject_deal(*, deal: DealRegistration, actor, reason: str) -> DealRegistration:
    require_role(actor, MANAGER_ROLES, gettext_lazy("reject deals"))
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Say why the registration is rejected.")]})
    with transaction.atomic():
        deal = DealRegistration.objects.select_for_update().get(pk=deal.pk)
        DEAL_WORKFLOW.check(deal, DealStatus.REJECTED)
        deal.reason, deal.decision_note = DealReason.REVIEW_REJECTED, reason.strip()
        deal.decided_at, deal.decided_by = timezone.now(), actor
        deal.policy_version = policy_at(deal.decided_at)
        DEAL_WORKFLOW.apply(
            deal,
            DealStatus.REJECTED,
            actor=actor,
            action="reject",
            reason=reason,
            extra_fields=["reason", "decision_note", "decided_at", "decided_by", "policy_version"],
        )
        record_event(
            "deal.rejected",
            actor=actor,
            partner=deal.partner,
            subject=deal,
            payload=deal_payload(deal, message=outcome_message(deal)),
        )
    return deal


def direct_deal_for(account: Account, *, template: DealRegistration, actor) -> DealRegistration:
    """The open direct deal on an account, created from a registration's figures if there is none."""
    existing = (
        DealRegistration.objects.filter(account=account, source=DealSource.DIRECT, status=DealStatus.APPROVED)
        .order_by("id")
        .first()
    )
    if existing:
        return existing
    deal = DealRegistration.objects.create(
        partner=None,
        source=DealSource.DIRECT,
        account=account,
        registered_by=actor,
        customer_name=account.name,
        customer_domain=account.domain,
        customer_country=account.country,
        product=template.product,
        deal_type=template.deal_type,
        amount=template.amount,
        currency=template.currency,
        expected_close_date=template.expected_close_date,
    )
    DEAL_WORKFLOW.apply(deal, DealStatus.APPROVED, actor=actor, action="open_direct_deal")
    return deal


def accept_as_influence(*, deal: DealRegistration, actor, note: str = "") -> DealRegistration:
    """Rule 3: a direct account's registration closed without protection; the partner's part is
    recorded as influence (active in sale) on the account's direct deal."""
    require_role(actor, MANAGER_ROLES, gettext_lazy("decide registrations"))
    with transaction.atomic():
        deal = DealRegistration.objects.select_for_update().get(pk=deal.pk)
        DEAL_WORKFLOW.check(deal, DealStatus.REJECTED)
        deal.reason, deal.decision_note = DealReason.INFLUENCE_ONLY, note or ""
        deal.decided_at, deal.decided_by = timezone.now(), actor
        deal.policy_version = policy_at(deal.decided_at)
        DEAL_WORKFLOW.apply(
            deal,
            DealStatus.REJECTED,
            actor=actor,
            action="accept_as_influence",
            reason=note,
            extra_fields=["reason", "decision_note", "decided_at", "decided_by", "policy_version"],
        )
        direct = direct_deal_for(deal.account, template=deal, actor=actor)
        _add_influence(deal=direct, partner=deal.partner, kind=InfluenceKind.ACTIVE_IN_SALE, actor=actor, note=note)
        record_event(
            "deal.rejected",
            actor=actor,
            partner=deal.partner,
            subject=deal,
            payload=deal_payload(deal, message=outcome_message(deal), influence_deal_id=direct.pk),
        )
    return deal


def bulk_approve(*, deal_ids, actor) -> int:
    """Approve the clean registrations among `deal_ids` (submitted, no conflict or match to review)."""
    require_role(actor, MANAGER_ROLES, gettext_lazy("approve deals"))
    approved = 0
    clean = DealRegistration.objects.visible_to(actor).filter(
        pk__in=list(deal_ids), status=DealStatus.SUBMITTED, reason=""
    )
    for deal in clean.select_related("partner__tier"):
        try:
            approve_deal(deal=deal, actor=actor)
        except TransitionNotAllowed:
            continue  # decided by someone else meanwhile
        approved += 1
    return approved


# --- lifecycle (rule 6) ------------------------------------------------------------------------------


def registered_on(deal: DealRegistration):
    """The day the deal was registered: submitted for approval, or created when it never was (direct deals)."""
    return timezone.localdate(deal.submitted_at or deal.created_at)


def mark_won(
    *, deal: DealRegistration, actor, amount, close_date, currency=None, close_date_reason: str = ""
) -> DealRegistration:
    """Won: amount (2 places, not negative), currency and a close date between the registration and today;
    only a channel manager sets an earlier one, with a reason that is audited (docs/commissions-rules.md:
    spiffs, contests, plan versions and bookings key on the close date). Emits deal.won."""
    require_may_mark_won(actor, deal)
    errors: dict = {}
    amount = _money(amount, "amount", errors)
    when = _date(close_date, "close_date", errors)
    reason = (close_date_reason or "").strip()
    if len(reason) > 2000:
        errors["close_date_reason"] = [_("Keep the reason under 2000 characters.")]
    earliest = registered_on(deal)
    if "close_date" not in errors:
        if when is None:
            errors["close_date"] = [_("This field is required.")]
        elif when > timezone.localdate():
            errors["close_date"] = [_("A won deal's close date cannot be in the future.")]
        elif when < earliest and actor.role not in MANAGER_ROLES:
            errors["close_date"] = [
                _("A won deal's close date cannot be before its registration (%(date)s).")
                % {"date": earliest.isoformat()}
            ]
        elif when < earliest and not reason:
            errors["close_date_reason"] = [
                _("Say why the deal closed before its registration (%(date)s).") % {"date": earliest.isoformat()}
            ]
    code = _currency(currency or deal.currency, errors)
    if errors:
        raise ValidationError(errors)
    backdated = when < earliest
    with transaction.atomic():
        deal = DealRegistration.objects.select_for_update().get(pk=deal.pk)
        DEAL_WORKFLOW.check(deal, DealStatus.WON)
        deal.amount, deal.close_date, deal.currency = amount, when, code
        DEAL_WORKFLOW.apply(
            deal,
            DealStatus.WON,
            actor=actor,
            action="mark_won",
            reason=reason if backdated else "",
            extra_fields=["amount", "close_date", "currency"],
        )
        if backdated:
            record_audit(
                actor=actor,
                obj=deal,
                action="close_date_before_registration",
                reason=reason,
                changes={"close_date": when.isoformat(), "registered_on": earliest.isoformat()},
            )
        record_event(
            "deal.won",
            actor=actor,
            partner=deal.partner,
            subject=deal,
            payload=deal_payload(
                deal,
                close_date=when.isoformat(),
                source=deal.source,
                account_id=deal.account_id,
                deal_type=deal.deal_type,
            ),
        )
    return deal


def mark_lost(*, deal: DealRegistration, actor, reason: str) -> DealRegistration:
    require_partner_member(actor, deal, "mark a deal lost")
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Say why the deal was lost.")]})
    with transaction.atomic():
        deal = DealRegistration.objects.select_for_update().get(pk=deal.pk)
        deal.lost_reason = reason.strip()
        DEAL_WORKFLOW.apply(
            deal, DealStatus.LOST, actor=actor, action="mark_lost", reason=reason, extra_fields=["lost_reason"]
        )
        record_event(
            "deal.lost", actor=actor, partner=deal.partner, subject=deal, payload=deal_payload(deal, reason=reason)
        )
    return deal


def reopen_deal(*, deal: DealRegistration, actor, reason: str) -> DealRegistration:
    """A won deal back to approved. Commissions and MDF subscribe to deal.reopened to reverse their entries."""
    require_role(actor, MANAGER_ROLES, gettext_lazy("reopen deals"))
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Say why the deal is reopened.")]})
    with transaction.atomic():
        deal = DealRegistration.objects.select_for_update().get(pk=deal.pk)
        DEAL_WORKFLOW.check(deal, DealStatus.APPROVED)
        previous_close = deal.close_date
        deal.close_date = None
        DEAL_WORKFLOW.apply(
            deal, DealStatus.APPROVED, actor=actor, action="reopen", reason=reason, extra_fields=["close_date"]
        )
        record_event(
            "deal.reopened",
            actor=actor,
            partner=deal.partner,
            subject=deal,
            payload=deal_payload(
                deal,
                reason=reason,
                close_date=previous_close.isoformat() if previous_close else None,
                source=deal.source,
            ),
        )
    return deal


def request_extension(*, deal: DealRegistration, actor) -> DealRegistration:
    """Ask for the one extension of protection; a channel manager decides (the days are the version's in force
    at that decision, policy.RoePolicy.extension_days)."""
    require_partner_member(actor, deal, "ask for an extension")
    with transaction.atomic():
        deal = DealRegistration.objects.select_for_update().get(pk=deal.pk)
        if deal.status != DealStatus.APPROVED:
            raise TransitionNotAllowed(
                _("Only an approved deal's protection can be extended."), code="extension_not_approved"
            )
        if deal.extension_status != ExtensionStatus.NONE:
            raise TransitionNotAllowed(
                _("This deal's one extension was already requested."), code="extension_already_requested"
            )
        deal.extension_status = ExtensionStatus.REQUESTED
        deal.save(update_fields=["extension_status", "updated_at"])
        record_audit(actor=actor, obj=deal, action="request_extension")
        record_event(
            "deal.extension_requested", actor=actor, partner=deal.partner, subject=deal, payload=deal_payload(deal)
        )
    return deal


def decide_extension(*, deal: DealRegistration, actor, approve: bool, reason: str = "") -> DealRegistration:
    require_role(actor, MANAGER_ROLES, gettext_lazy("decide extensions"))
    with transaction.atomic():
        deal = DealRegistration.objects.select_for_update().get(pk=deal.pk)
        if deal.extension_status != ExtensionStatus.REQUESTED or deal.status != DealStatus.APPROVED:
            raise TransitionNotAllowed(_("No extension request is waiting on this deal."), code="no_extension_request")
        deal.extension_status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REJECTED
        policy = policy_at(timezone.now())
        if approve:
            deal.protected_until = deal.protected_until + timedelta(days=policy.extension_days)
        deal.policy_version = policy
        deal.save(update_fields=["extension_status", "protected_until", "policy_version", "updated_at"])
        record_audit(
            actor=actor,
            obj=deal,
            action="approve_extension" if approve else "decline_extension",
            reason=reason,
            changes={"protected_until": deal.protected_until.isoformat(), "policy_version": policy.version},
        )
        record_event(
            "deal.extension_decided",
            actor=actor,
            partner=deal.partner,
            subject=deal,
            payload=deal_payload(deal, approved=approve),
        )
    return deal


def _expire(deal: DealRegistration) -> None:
    """Protection ended. Not a new policy decision: the end date was decided at approval (and extension)
    under the version recorded on the deal, which therefore stays."""
    DEAL_WORKFLOW.apply(deal, DealStatus.EXPIRED, actor=None, action="expire", reason="Protection ended.")
    record_event("deal.expired", partner=deal.partner, subject=deal, payload=deal_payload(deal))


def expire_deal(*, deal_id: int, today: date | None = None) -> bool:
    """Expire one approved deal whose protection has ended; False when there is nothing to do."""
    today = today or timezone.localdate()
    with transaction.atomic():
        deal = (
            DealRegistration.objects.select_for_update(of=("self",))
            .filter(pk=deal_id, status=DealStatus.APPROVED, protected_until__lt=today, partner__isnull=False)
            .select_related("partner")
            .first()
        )
        if deal is None:
            return False
        _expire(deal)
    return True


def end_protection_of_partner(*, partner_id: int, reason: str = "") -> int:
    """A terminated partner's open registrations stop protecting their customers (docs/partner-status.md):
    approved ones expire, submitted and pending ones are rejected, each with its audit row and event, so
    another partner's registration of the customer is no longer a conflict. Safe to run twice."""
    from partners.models import PartnerStatus

    reason = reason or "Partner terminated: protection ended."
    ended = 0
    with transaction.atomic():
        deals = list(
            DealRegistration.objects.select_for_update(of=("self",))
            .holding()
            .filter(partner_id=partner_id, partner__status=PartnerStatus.TERMINATED)
            .select_related("partner")
            .order_by("pk")
        )
        for deal in deals:
            if deal.status == DealStatus.APPROVED:
                DEAL_WORKFLOW.apply(deal, DealStatus.EXPIRED, actor=None, action="partner_terminated", reason=reason)
                record_event("deal.expired", partner=deal.partner, subject=deal, payload=deal_payload(deal))
            else:
                DEAL_WORKFLOW.apply(deal, DealStatus.REJECTED, actor=None, action="partner_terminated", reason=reason)
                record_event("deal.rejected", partner=deal.partner, subject=deal, payload=deal_payload(deal))
            ended += 1
    return ended


def due_for_expiry(today: date | None = None):
    today = today or timezone.localdate()
    return DealRegistration.objects.filter(
        status=DealStatus.APPROVED, protected_until__lt=today, partner__isnull=False
    ).values_list("pk", flat=True)


def send_expiry_reminder(*, deal_id: int, today: date | None = None) -> int | None:
    """The tightest reminder due for one deal (14 or 3 days before), sent once per deal, kind and end date."""
    today = today or timezone.localdate()
    with transaction.atomic():
        deal = (
            DealRegistration.objects.select_for_update(of=("self",))
            .filter(pk=deal_id, status=DealStatus.APPROVED, protected_until__gte=today)
            .select_related("partner")
            .first()
        )
        if deal is None:
            return None
        left = (deal.protected_until - today).days
        due = sorted(d for d in settings.DEAL_REMINDER_DAYS if left <= d)
        if not due:
            return None
        sent = set(
            DealReminder.objects.filter(deal=deal, protected_until=deal.protected_until).values_list(
                "days_before", flat=True
            )
        )
        if due[0] in sent:
            return None
        DealReminder.objects.bulk_create(
            [
                DealReminder(deal=deal, days_before=d, protected_until=deal.protected_until)
                for d in due
                if d not in sent
            ],
            ignore_conflicts=True,
        )
        record_event(
            "deal.expiry_reminder", partner=deal.partner, subject=deal, payload=deal_payload(deal, days_before=left)
        )
        return due[0]


def due_for_reminder(today: date | None = None):
    today = today or timezone.localdate()
    horizon = today + timedelta(days=max(settings.DEAL_REMINDER_DAYS))
    return DealRegistration.objects.filter(
        status=DealStatus.APPROVED, partner__isnull=False, protected_until__gte=today, protected_until__lte=horizon
    ).values_list("pk", flat=True)


# --- influence ---------------------------------------------------------------------------------------


def _add_influence(*, deal, partner, kind, actor, note="") -> Influence:
    influence, created = Influence.objects.get_or_create(
        deal=deal, partner=partner, kind=kind, defaults={"created_by": actor, "note": note or ""}
    )
    if created:
        record_audit(
            actor=actor,
            obj=deal,
            action="record_influence",
            changes={"partner": partner.pk, "kind": kind},
            partner_id=deal.partner_id,
        )
        record_event(
            "deal.influence_recorded",
            actor=actor,
            partner=partner,
            subject=influence,
            payload={"deal_id": deal.pk, "partner_id": partner.pk, "kind": kind, "source": deal.source},
        )
    return influence


def add_influence(*, deal: DealRegistration, actor, partner, kind: str, note: str = "") -> Influence:
    """Record that a partner influenced a deal (endorsement, integration requirement, active in sale)."""
    require_role(actor, MANAGER_ROLES, gettext_lazy("record influence"))
    if kind not in InfluenceKind.values:
        raise ValidationError(
            {"kind": [_("Choose one of: %(choices)s.") % {"choices": ", ".join(InfluenceKind.values)}]}
        )
    with transaction.atomic():
        return _add_influence(deal=deal, partner=partner, kind=kind, actor=actor, note=note)


# --- leads (rule: accepted within the SLA or returned) ----------------------------------------------


def clean_lead(data) -> dict:
    errors: dict = {}
    cleaned = {
        "customer_name": _text(data, "customer_name", errors, required=True),
        "customer_domain": _text(data, "customer_domain", errors, max_length=253),
        "contact_name": _text(data, "contact_name", errors),
        "contact_email": _text(data, "contact_email", errors, max_length=254),
        "product": _text(data, "product", errors),
        "notes": _text(data, "notes", errors, max_length=5000),
    }
    cleaned["customer_country"] = _country(data.get("customer_country"), errors, "customer_country")
    amount = data.get("amount")
    cleaned["amount"] = _money(amount if amount not in (None, "") else "0", "amount", errors)
    cleaned["currency"] = _currency(data.get("currency"), errors)
    if errors:
        raise ValidationError(errors)
    return cleaned


def _lead_keys(lead: Lead):
    name = matching.normalise_company_name(lead.customer_name)
    domain = matching.normalise_domain(lead.customer_domain)
    return (
        name,
        domain,
        matching.blocking_keys(normalised_name=name.value, domain=domain, country=lead.customer_country),
    )


def _lead_matches(lead: Lead, policy) -> list:
    """The accounts matching the lead's customer under `policy` (MatchEvidence, best first)."""
    name, domain, keys = _lead_keys(lead)
    return [
        e
        for e in engine.classify(
            name=name,
            domain=domain,
            country=lead.customer_country,
            candidates=selectors.candidate_accounts(keys),
            policy=policy,
        )
        if e.verdict == "match"
    ]


def lead_customer_holder(lead: Lead) -> DealRegistration | None:
    """The partner registration that protects the lead's customer right now (submitted, in review, or
    approved and not past its protection), or None. While there is one, no partner can accept the lead
    (`accept_lead` refuses it): docs/policy.md, "Leads for protected customers"."""
    evidence = _lead_matches(lead, policy_at(timezone.now()))
    if not evidence:
        return None
    today = timezone.localdate()
    return (
        DealRegistration.objects.holding()
        .filter(account_id__in=[e.account_id for e in evidence])
        .exclude(status=DealStatus.APPROVED, protected_until__lt=today)
        .select_related("partner")
        .order_by("pk")
        .first()
    )


def lead_warnings(lead: Lead, holder: DealRegistration | None) -> list[str]:
    """What the channel manager is told when creating or assigning a lead whose customer is protected."""
    if holder is None:
        return []
    until = holder.protected_until or engine.approval_protected_until(
        policy_at(timezone.now()), holder.partner.tier_id, timezone.localdate()
    )
    return [
        _(
            "%(customer)s is protected for partner %(partner)s (deal #%(deal)s) until %(until)s: no partner can "
            "accept this lead until then. If the lead lapses meanwhile, it does not count against the partner."
        )
        % {"customer": lead.customer_name, "partner": holder.partner.name, "deal": holder.pk, "until": until}
    ]


def create_lead(*, actor, data, partner=None) -> Lead:
    """Create a lead (and assign it when `partner` is given). `lead.warnings` lists what the manager must know,
    e.g. that another partner protects the customer (docs/policy.md)."""
    require_role(actor, MANAGER_ROLES, gettext_lazy("create leads"))
    cleaned = clean_lead(data)
    with transaction.atomic():
        lead = Lead.objects.create(created_by=actor, **cleaned)
        record_audit(actor=actor, obj=lead, action="create", to_state=lead.status)
        if partner is not None:
            lead = assign_lead(lead=lead, actor=actor, partner=partner)
        else:
            lead.warnings = lead_warnings(lead, lead_customer_holder(lead))
    return lead


def assign_lead(*, lead: Lead, actor, partner) -> Lead:
    """Pass the lead to a partner. When a partner's registration protects the customer, the lead is marked
    `customer_protected` and `lead.warnings` says so: the manager is warned, the partner is not blamed."""
    require_role(actor, MANAGER_ROLES, gettext_lazy("assign leads"))
    with transaction.atomic():
        lead = Lead.objects.select_for_update().get(pk=lead.pk)
        holder = lead_customer_holder(lead)
        lead.partner = partner
        lead.assigned_at = timezone.now()
        lead.accept_by = lead.assigned_at + timedelta(hours=settings.LEAD_ACCEPT_SLA_HOURS)
        lead.decline_reason = ""
        lead.customer_protected, lead.lapse_excused = holder is not None, False
        LEAD_WORKFLOW.apply(
            lead,
            LeadStatus.ASSIGNED,
            actor=actor,
            action="assign",
            reason="Customer protected by another registration." if holder is not None else "",
            extra_fields=[
                "partner",
                "assigned_at",
                "accept_by",
                "decline_reason",
                "customer_protected",
                "lapse_excused",
            ],
        )
        lead.warnings = lead_warnings(lead, holder)
        record_event(
            "lead.assigned",
            actor=actor,
            partner=partner,
            subject=lead,
            payload={"lead_id": lead.pk, "customer_name": lead.customer_name, "accept_by": lead.accept_by.isoformat()},
        )
    return lead


def accept_lead(*, lead: Lead, actor) -> DealRegistration:
    """The partner accepts: the lead becomes an approved registration at once (protected from today)."""
    require_partner_member(actor, lead, "accept this lead")
    with transaction.atomic():
        lead = Lead.objects.select_for_update(of=("self",)).select_related("partner__tier").get(pk=lead.pk)
        LEAD_WORKFLOW.check(lead, LeadStatus.ACCEPTED)
        if lead.accept_by and lead.accept_by < timezone.now():
            raise TransitionNotAllowed(
                _("This lead was not accepted in time and goes back to the vendor."), code="lead_overdue"
            )
        lock_customer_keys(_lead_keys(lead)[2])
        policy = policy_at(timezone.now())
        evidence = _lead_matches(lead, policy)
        ids = [e.account_id for e in evidence]
        _expire_stale_holders(ids, timezone.localdate())
        if DealRegistration.objects.holding().filter(account_id__in=ids).exists():
            raise Conflict(
                _("This customer is already registered, so the lead cannot be accepted; ask your channel manager."),
                code="customer_already_registered",
            )
        account = (
            Account.objects.get(pk=ids[0])
            if ids
            else create_account(name=lead.customer_name, domain=lead.customer_domain, country=lead.customer_country)
        )
        partner = lead.partner
        deal = DealRegistration.objects.create(
            partner=partner,
            account=account,
            registered_by=actor,
            customer_name=lead.customer_name,
            customer_domain=lead.customer_domain,
            customer_country=lead.customer_country,
            contact_name=lead.contact_name,
            contact_email=lead.contact_email,
            product=lead.product,
            amount=lead.amount,
            currency=lead.currency,
            reason=DealReason.LEAD,
            match_evidence=[e.as_dict() for e in evidence],
            submitted_at=timezone.now(),
            decided_at=timezone.now(),
            protected_until=engine.approval_protected_until(policy, partner.tier_id, timezone.localdate()),
            policy_version=policy,
        )
        DEAL_WORKFLOW.apply(deal, DealStatus.APPROVED, actor=actor, action="accept_lead", reason=f"Lead {lead.pk}")
        lead.deal = deal
        LEAD_WORKFLOW.apply(lead, LeadStatus.ACCEPTED, actor=actor, action="accept", extra_fields=["deal"])
        record_event(
            "deal.approved", actor=actor, partner=partner, subject=deal, payload=deal_payload(deal, lead_id=lead.pk)
        )
        record_event(
            "lead.accepted",
            actor=actor,
            partner=partner,
            subject=lead,
            payload={
                "lead_id": lead.pk,
                "deal_id": deal.pk,
                "customer_name": lead.customer_name,
                "created_by_id": lead.created_by_id,
            },
        )
    return deal


def decline_lead(*, lead: Lead, actor, reason: str) -> Lead:
    require_partner_member(actor, lead, "decline this lead")
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Say why you decline the lead.")]})
    with transaction.atomic():
        lead = Lead.objects.select_for_update().get(pk=lead.pk)
        lead.decline_reason = reason.strip()
        LEAD_WORKFLOW.apply(
            lead, LeadStatus.DECLINED, actor=actor, action="decline", reason=reason, extra_fields=["decline_reason"]
        )
        record_event(
            "lead.declined",
            actor=actor,
            partner=lead.partner,
            subject=lead,
            payload={
                "lead_id": lead.pk,
                "customer_name": lead.customer_name,
                "reason": reason,
                "created_by_id": lead.created_by_id,
            },
        )
    return lead


def return_lead_if_overdue(*, lead_id: int, now: datetime | None = None) -> bool:
    """Return one assigned lead whose SLA passed to its channel manager; False when nothing to do."""
    now = now or timezone.now()
    with transaction.atomic():
        lead = (
            Lead.objects.select_for_update().filter(pk=lead_id, status=LeadStatus.ASSIGNED, accept_by__lt=now).first()
        )
        if lead is None:
            return False
        # A partner cannot accept a lead for a customer a registration protects (accept_lead): such a lapse is
        # recorded but never counted against it (docs/policy.md, "Leads for protected customers").
        excused = lead.customer_protected or lead_customer_holder(lead) is not None
        lead.lapse_excused = excused
        LEAD_WORKFLOW.apply(
            lead,
            LeadStatus.RETURNED,
            actor=None,
            action="return",
            reason="Not accepted within the SLA; the customer was protected."
            if excused
            else "Not accepted within the SLA.",
            extra_fields=["lapse_excused"],
        )
        # The miss stays with this partner when the lead is assigned to another one (responsiveness).
        LeadReturn.objects.get_or_create(
            lead=lead,
            assigned_at=lead.assigned_at,
            defaults={"partner_id": lead.partner_id, "returned_at": now, "excused": excused},
        )
        record_event(
            "lead.returned",
            partner=lead.partner,
            subject=lead,
            payload={"lead_id": lead.pk, "customer_name": lead.customer_name, "created_by_id": lead.created_by_id},
        )
    return True


def overdue_leads(now: datetime | None = None):
    now = now or timezone.now()
    return Lead.objects.filter(status=LeadStatus.ASSIGNED, accept_by__lt=now).values_list("pk", flat=True)


# --- account import ----------------------------------------------------------------------------------

IMPORT_COLUMNS = ("name", "domain", "country", "kind", "owner_email")
IMPORT_CHUNK = 500


def parse_import(content: str):
    """Rows of the CSV as dicts (tablib reads it; headers are matched case-insensitively)."""
    import tablib

    text = content.lstrip("\ufeff")
    if not text.strip():
        raise ValidationError({"file": [_("The file is empty.")]})
    try:
        dataset = tablib.Dataset().load(text, format="csv")
    except Exception as error:  # tablib raises several kinds for malformed CSV
        raise ValidationError({"file": [_("Not a readable CSV file: %(error)s") % {"error": error}]}) from None
    headers = [str(h or "").strip().lower() for h in (dataset.headers or [])]
    missing = [c for c in ("name", "country", "kind") if c not in headers]
    if missing:
        raise ValidationError(
            {
                "file": [
                    _("Missing column(s): %(missing)s. Expected %(expected)s.")
                    % {"missing": ", ".join(missing), "expected": ", ".join(IMPORT_COLUMNS)}
                ]
            }
        )
    return [dict(zip(headers, (str(v or "").strip() for v in row), strict=False)) for row in dataset]


def start_account_import(*, actor, content: str, file_name: str = "", dry_run: bool = False) -> AccountImport:
    require_role(actor, IMPORT_ROLES, gettext_lazy("import accounts"))
    rows = parse_import(content)
    return AccountImport.objects.create(
        uploaded_by=actor, content=content, file_name=file_name[:255], dry_run=dry_run, total_rows=len(rows)
    )


def run_account_import(*, import_id: int) -> AccountImport:
    """Create or update direct accounts row by row, in chunks so progress shows; a dry run writes nothing
    but the report. Safe to run twice: a finished import is left alone, and rows upsert by domain or name."""
    job = AccountImport.objects.get(pk=import_id)
    if job.status == AccountImport.Status.DONE:
        return job
    AccountImport.objects.filter(pk=job.pk).update(status=AccountImport.Status.RUNNING, processed_rows=0)
    rows = parse_import(job.content)
    owners = {
        u.email.lower(): u
        for u in User.objects.filter(is_active=True, role__in=list(MANAGER_ROLES | {Role.PROGRAM_ADMIN}))
    }
    created = updated = 0
    errors: list[dict] = []
    seen: dict[str, str] = {}
    for start in range(0, len(rows), IMPORT_CHUNK):
        with transaction.atomic():
            for number, row in enumerate(rows[start : start + IMPORT_CHUNK], start=start + 2):
                result = _import_row(row, number, owners, errors, seen, write=not job.dry_run)
                created += result == "created"
                updated += result == "updated"
        AccountImport.objects.filter(pk=job.pk).update(processed_rows=min(start + IMPORT_CHUNK, len(rows)))
    AccountImport.objects.filter(pk=job.pk).update(
        status=AccountImport.Status.DONE,
        created=created,
        updated=updated,
        errors=errors,
        processed_rows=len(rows),
        finished_at=timezone.now(),
    )
    job.refresh_from_db()
    if not job.dry_run:
        record_audit(
            actor=job.uploaded_by, obj=job, action="import_accounts", changes={"created": created, "updated": updated}
        )
    return job


def _import_row(row, number, owners, errors, seen, *, write: bool) -> str | None:
    row_errors = [(field, message) for field, messages in unreadable_cells(row).items() for message in messages]
    if row_errors:  # a NUL byte in a cell (prm.imports): nothing of the row reaches the database
        errors.extend({"row": number, "field": f, "message": m} for f, m in row_errors)
        return None
    name = row.get("name", "")
    if not name:
        row_errors.append(("name", _("The name is required.")))
    elif len(name) > 200:
        row_errors.append(("name", _("At most 200 characters.")))
    country = row.get("country", "").upper()
    if country not in dict(countries):
        row_errors.append(("country", _("Use a two-letter ISO 3166 country code, e.g. US.")))
    kind = row.get("kind", "").lower()
    if kind not in DIRECT_KINDS and kind not in ("customer", "opportunity"):
        row_errors.append(("kind", _("Use direct_customer or direct_opportunity.")))
    kind = {"customer": AccountKind.DIRECT_CUSTOMER, "opportunity": AccountKind.DIRECT_OPPORTUNITY}.get(kind, kind)
    raw_domain = row.get("domain", "")
    domain = matching.normalise_domain(raw_domain)
    if raw_domain and not domain and raw_domain.lower().split("@")[-1] not in matching.free_mail_domains():
        row_errors.append(("domain", _("Not a web domain.")))
    owner_email = row.get("owner_email", "").lower()
    owner = owners.get(owner_email) if owner_email else None
    if owner_email and owner is None:
        row_errors.append(("owner_email", _("No channel manager or program admin has this e-mail.")))
    if row_errors:
        errors.extend({"row": number, "field": f, "message": m} for f, m in row_errors)
        return None
    normalised = matching.normalise_company_name(name).value
    identity = f"d:{domain}" if domain else f"n:{country}:{normalised}"
    if identity in seen:
        return "updated"
    existing = (
        Account.objects.filter(domain=domain).order_by("id").first()
        if domain
        else Account.objects.filter(country=country, normalised_name=normalised).order_by("id").first()
    )
    seen[identity] = "updated" if existing else "created"
    if not write:
        return seen[identity]
    if existing:
        existing.name, existing.normalised_name, existing.country = name, normalised, country
        existing.kind, existing.direct_owner = kind, owner or existing.direct_owner
        if domain:
            existing.domain = domain
        existing.save()
        write_account_keys(existing)
        return "updated"
    create_account(name=name, domain=domain, country=country, kind=kind, direct_owner=owner)
    return "created"
