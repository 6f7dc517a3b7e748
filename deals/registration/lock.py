"""Serialising everything that changes who holds a customer (rule 7): registrations, lead acceptance and a
dispute's reversal take the same locks, so two of them never decide the same customer at once."""

from django.db import connection

from deals import matching
from deals.models import Account, AccountKey


def lock_customer_keys(keys: list[str]) -> None:
    """A row that does not exist yet cannot be locked, so lock the customer's blocking keys, in sorted order
    so two registrations never deadlock. SQLite has a single writer and needs nothing."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for lock in sorted({matching.lock_id(key) for key in keys}):
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock])


def lock_account(account_id: int) -> None:
    """The blocking keys registrations lock, then the account row (for other reversals)."""
    keys = list(AccountKey.objects.filter(account_id=account_id).values_list("key", flat=True))
    lock_customer_keys(keys)
    list(Account.objects.select_for_update(no_key=True).filter(pk=account_id).values_list("pk", flat=True))
