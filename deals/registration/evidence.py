"""What a registration decision looks at (docs/policy.md): the customer's matching accounts under the
version in force, who holds them, which are direct accounts, and which a partner won lately."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from deals import matching, selectors
from deals.models import Account, DealRegistration, DealStatus
from deals.registration import decision as engine
from deals.registration.protection import expire_stale_holders


@dataclass(frozen=True)
class Customer:
    """The customer as registered, normalised the way accounts are matched and locked."""

    name: matching.NormalisedName
    domain: str
    country: str
    keys: list[str]


def customer(*, name: str, domain: str, country: str) -> Customer:
    normalised = matching.normalise_company_name(name)
    domain = matching.normalise_domain(domain)
    keys = matching.blocking_keys(normalised_name=normalised.value, domain=domain, country=country)
    return Customer(normalised, domain, country, keys)


def matches(customer: Customer, policy) -> list:
    """The candidate accounts scored under the version's thresholds (MatchEvidence, best first)."""
    return engine.classify(
        name=customer.name,
        domain=customer.domain,
        country=customer.country,
        candidates=selectors.candidate_accounts(customer.keys),
        policy=policy,
    )


def holder(reg: DealRegistration) -> engine.Holder:
    return engine.Holder(
        deal_id=reg.pk,
        partner_id=reg.partner_id,
        account_id=reg.account_id,
        tier_id=reg.partner.tier_id,
        protected_until=reg.protected_until,
    )


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


@dataclass
class Evidence:
    matches: list  # MatchEvidence of the candidate accounts, best first
    accounts: dict = field(default_factory=dict)  # {account_id: Account}
    holders: dict = field(default_factory=dict)  # {account_id: engine.Holder}
    direct_ids: set = field(default_factory=set)
    wins: dict = field(default_factory=dict)  # {account_id: [engine.Win]}


def gather(customer: Customer, policy, *, today: date) -> Evidence:
    """The evidence on `today`, after the holders whose protection ended stop blocking (call under the lock)."""
    found = matches(customer, policy)
    ids = [e.account_id for e in found]
    expire_stale_holders(ids, today)
    accounts = Account.objects.in_bulk(ids)
    holding = DealRegistration.objects.holding().filter(account_id__in=ids).select_related("partner")
    return Evidence(
        matches=found,
        accounts=accounts,
        holders={reg.account_id: holder(reg) for reg in holding},
        direct_ids={pk for pk, account in accounts.items() if account.is_direct},
        wins=recent_wins(ids, policy=policy, today=today),
    )


def decide(evidence: Evidence, *, policy, partner_id: int, today: date) -> engine.Decision:
    return engine.decide(
        evidence=evidence.matches,
        holders=evidence.holders,
        direct_account_ids=evidence.direct_ids,
        policy=policy,
        partner_id=partner_id,
        today=today,
        wins=evidence.wins,
    )
