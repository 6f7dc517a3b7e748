"""Selectors of the exact keys of accounts, for the private availability check (docs/private-check.md).

An account's exact keys are `d:<domain>` and `n:<COUNTRY>:<normalised name>` (deals.normalisation.check_keys):
a registration whose normalised domain, or country and normalised name, equals an account's scores 100 and is
a match (deals.matching.score). Internal reads: the availability app turns them into PSI setups, never into an
answer a partner can read.
"""

from datetime import date, timedelta

from deals.models import DIRECT_KINDS, Account, DealRegistration
from policy.selectors import current_policy


def account_keys(domain: str, country: str, normalised_name: str) -> list[str]:
    keys = []
    if domain:
        keys.append(f"d:{domain}"[:200])
    if normalised_name and country:
        keys.append(f"n:{country.upper()}:{normalised_name}"[:200])
    return keys


def direct_keys(batch: int = 5000):
    """The exact keys of vendor direct accounts (direct customers and open direct opportunities); nothing when
    the rules of engagement treat direct accounts like any other (docs/policy.md, rule 3)."""
    if current_policy().direct_account_handling == "allow":
        return
    rows = Account.objects.filter(kind__in=DIRECT_KINDS).values_list("domain", "country", "normalised_name")
    for domain, country, name in rows.iterator(chunk_size=batch):
        yield from account_keys(domain, country, name)


def protected_keys(*, today: date, batch: int = 5000):
    """(key, protection end, partner id) of each account a registration holds; a registration waiting for a
    decision ends where it would if approved today (deals.registration.decision.protection_end)."""
    policy = current_policy()
    rows = (
        DealRegistration.objects.holding()
        .values_list(
            "account__domain",
            "account__country",
            "account__normalised_name",
            "protected_until",
            "partner_id",
            "partner__tier_id",
        )
        .order_by("id")
    )
    for domain, country, name, until, partner_id, tier_id in rows.iterator(chunk_size=batch):
        end = until or today + timedelta(days=policy.protection_days_for(tier_id))
        for key in account_keys(domain, country, name):
            yield key, end, partner_id


def partner_protected_keys(partner_id: int) -> list[str]:
    """The exact keys of the accounts one partner's registrations hold (its "already yours" answers)."""
    rows = DealRegistration.objects.holding().filter(partner_id=partner_id)
    keys = set()
    for domain, country, name in rows.values_list("account__domain", "account__country", "account__normalised_name"):
        keys.update(account_keys(domain, country, name))
    return sorted(keys)
