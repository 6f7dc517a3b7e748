"""One seeded demo database for every test in tests/demo/seeded.

`seed_demo` is slow (every app's demo goes through the real services), so the package seeds once: inside one
outer transaction that is rolled back when the package is done, so the rest of the suite still starts from
an empty database. Each test runs in a savepoint of it (pytest-django's `db`), so what a test writes (a
larger rerun, a login) is undone before the next test.

The package fixture runs the command twice, the way a user would:
1. the first run, on an empty database, with DEBUG off and `--allow-production-demo` (the Docker Compose
   demo: the only way the command runs with DEBUG off);
2. a rerun with DEBUG on (`make demo` again), after alice changed her password and first name.
`Seeded.first` and `Seeded.again` are the counts of every aggregate after each run: a rerun adds nothing.
On-commit callbacks (event dispatch: notifications, accruals, receipts) run as they would in production.
"""

from dataclasses import dataclass

import pytest
from django.db import transaction
from django.test import override_settings

from accounts.models import User
from tests.demo.seeded import counts
from tests.demo.seeding import seed_demo


@dataclass(frozen=True)
class Seeded:
    output: str  # stdout of the first run
    errors: str  # stderr of the first run
    admin_before: bool  # whether admin@example.com existed before the first run
    first: dict  # counts after the first run, by aggregate
    again: dict  # counts after the rerun
    last_audit: int | None  # the newest audit entry after the first run


@pytest.fixture(scope="package")
def seeded(django_db_setup, django_db_blocker) -> Seeded:
    with django_db_blocker.unblock(), transaction.atomic():
        admin_before = User.objects.filter(email="admin@example.com").exists()
        with override_settings(DEBUG=False):
            output, errors = seed_demo(allow_production_demo=True)
        first = counts.everything()
        last_audit = counts.last_audit()
        alice = User.objects.get(email="alice@acme.example")
        alice.set_password("Something-else-987")
        alice.first_name = "Changed"
        alice.save()
        with override_settings(DEBUG=True):
            seed_demo()
        again = counts.everything()
        yield Seeded(output, errors, admin_before, first, again, last_audit)
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _debug_on(settings, seeded, db):
    """The tests read the seeded data with DEBUG on, as `make demo` serves it."""
    settings.DEBUG = True
