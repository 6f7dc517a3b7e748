"""Running `manage.py seed_demo` in a test, with its after-commit work (event dispatch: notifications, accruals,
receipts) run as it would be in production."""

import io

from django.core.management import call_command
from django.test import TestCase

PASSWORD = "Demo-pass-12345"
PARTNERS = 12
SEED = 7
# A test that seeds (or first asks for the shared seeded database) pays for it in its setup or call, and on a
# fresh run for the test database too:
# pytest-timeout counts a test's setup, and the machines that run CI are shared.
SEED_TIMEOUT = 1200


def seed_demo(*, partners: int = PARTNERS, dispatch: bool = True, **options) -> tuple[str, str]:
    """Run `manage.py seed_demo` and, with `dispatch`, its after-commit work; returns (stdout, stderr).

    Without `dispatch` the test's transaction holds the after-commit work back (and drops it): what the
    command itself wrote, before event handlers (e.g. onboarding steps done by a first deal) add to it."""
    out, err = io.StringIO(), io.StringIO()
    with TestCase.captureOnCommitCallbacks(execute=dispatch):
        call_command("seed_demo", partners=partners, password=PASSWORD, seed=SEED, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()
