"""Customer accounts and their blocking keys (the index registrations are matched and locked by)."""

from deals import matching
from deals.models import Account, AccountKey, AccountKind


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
