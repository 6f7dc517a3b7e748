"""`manage.py seed_demo`: a believable demo program for local development and sales demos.

Creates (or refreshes) fixed logins that all share one password, the partners Acme Cloud Partners and
Globex Integrators with real tier changes, audit rows and notifications (demo/partners/fixed.py), and about
N generated partners with their people and tier history (demo/partners/generator.py), then each app's demo
data in the order of STEPS. Refuses to run unless DEBUG is on, or `--allow-production-demo` says the
DEBUG-off stack is a demo (the Docker Compose demo, docs/hardening.md).

Idempotent: fixed users get their fields and password reset; generated partners are recognised by an
`external_crm_id` starting with "DEMO-", and only the missing ones up to N are added. Generated data is
written with bulk_create in batches, so `--partners 5000` takes seconds, not minutes. Every step is safe to
run again: a rerun adds nothing that is already there.
"""

import logging
import time
from contextlib import contextmanager

from django.apps import apps
from django.conf import settings
from django.core import mail
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Count
from django.test.utils import override_settings
from django.utils import timezone

from accounts.models import Role, User
from demo import analytics, availability, commissions, disputes, fx, mdf, policy, receipts, sla
from demo import directory as directory_demo
from demo.deals import registrations
from demo.enablement import catalogue
from demo.partners import recruiting
from demo.partners.fixed import FIXED_PARTNERS, INTERNAL_USERS, PARTNER_USERS, invite_new_hire, seed_fixed
from demo.partners.generator import DemoGenerator
from partners.models import Partner, Tier

DEFAULT_PASSWORD = "demo-pass-2026"  # noqa: S105 - the documented demo password, refused without DEBUG
# Unread notifications each user keeps after seeding: the newest few, the historic rest marked read.
UNREAD_KEPT = 5
# What the summary counts, per object type: (app label, model name).
SUMMARY_MODELS = (
    ("partners", "Partner"),
    ("accounts", "User"),
    ("deals", "DealRegistration"),
    ("deals", "Lead"),
    ("mdf", "MdfRequest"),
    ("mdf", "MdfClaim"),
    ("commissions", "CommissionEntry"),
    ("enablement", "Course"),
    ("enablement", "Certificate"),
    ("disputes", "Dispute"),
    ("receipts", "Receipt"),
    ("prm", "Notification"),
)


@contextmanager
def quiet_side_effects():
    """E-mails of the seeded history go to an in-memory outbox (counted, not printed) and inline task runs are
    not logged one by one: seeding shows a summary, not hundreds of e-mails."""
    trace = logging.getLogger("celery.app.trace")
    level = trace.level
    trace.setLevel(logging.WARNING)
    outbox = getattr(mail, "outbox", None)
    mail.outbox = []
    try:
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            yield mail.outbox
    finally:
        trace.setLevel(level)
        if outbox is not None:
            outbox.extend(mail.outbox)
            mail.outbox = outbox


# Each app's demo data, in dependency order (partners before deals before mdf ...): (app label, seed).
STEPS = (
    ("partners", recruiting.seed),
    ("fx", fx.seed),
    ("deals", registrations.seed),
    ("policy", policy.seed),
    ("enablement", catalogue.seed),
    ("mdf", mdf.seed),
    ("commissions", commissions.seed),
    ("analytics", analytics.seed),
    ("receipts", receipts.seed),
    ("sla", sla.seed),
    ("disputes", disputes.seed),
    ("directory", directory_demo.seed),
    ("availability", availability.seed),
)


class Command(BaseCommand):
    help = (
        "Seed a demo program: fixed logins sharing one password, Acme Cloud Partners and Globex Integrators, "
        "and about N generated partners with people and tier history. Idempotent; refuses unless DEBUG is on "
        "or --allow-production-demo is given."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--partners",
            type=int,
            default=40,
            help="About how many partners the demo should have in total (default 40).",
        )
        parser.add_argument(
            "--password",
            default=DEFAULT_PASSWORD,
            help=f"Password of every fixed login (default {DEFAULT_PASSWORD!r}).",
        )
        parser.add_argument("--seed", type=int, default=42, help="Random seed of the generated data (default 42).")
        parser.add_argument(
            "--allow-production-demo",
            action="store_true",
            help="Seed even with DEBUG off: for a demo stack that runs production settings (Docker Compose), "
            "never for a portal with real partners.",
        )
        parser.add_argument(
            "--no-banner",
            action="store_true",
            help="Print the summary without the box of logins (`make demo` prints its own banner).",
        )

    def handle(self, *args, partners: int, password: str, seed: int, allow_production_demo: bool = False, **options):
        with quiet_side_effects() as outbox:
            self._seed(partners=partners, password=password, seed=seed, allow_production_demo=allow_production_demo)
            read = self._read_history()
            if not options.get("no_banner"):
                self._banner(password)
            self.stdout.write(
                f"E-mails of the seeded history: {len(outbox)} kept out of this terminal; "
                f"{read} older notifications marked read (the newest {UNREAD_KEPT} of each user stay unread)."
            )

    def _seed(self, *, partners: int, password: str, seed: int, allow_production_demo: bool) -> None:
        if not settings.DEBUG:
            if not allow_production_demo:
                raise CommandError(
                    "seed_demo creates accounts with a known password and runs only with DEBUG on. "
                    "Refusing to seed a DEBUG=False (production-like) configuration; pass --allow-production-demo "
                    "if this stack is a demo."
                )
            self.stderr.write(
                self.style.WARNING(
                    "DEBUG is off: seeding demo accounts that share one known password (--allow-production-demo). "
                    "Never do this on a portal with real partners."
                )
            )
        if partners < 0:
            raise CommandError("--partners must be zero or more.")
        if not password:
            raise CommandError("--password must not be empty.")
        tiers = list(Tier.objects.order_by("rank")[:4])
        if len(tiers) < 4:
            raise CommandError("Expected the four program tiers (Registered, Silver, Gold, Platinum): run migrate.")

        started = time.monotonic()
        with transaction.atomic():  # events recorded here are dispatched (notifications) when this commits
            internal, fixed_created = seed_fixed(password, tiers)
        if "DEMO-ACME" in fixed_created:
            invite_new_hire(lambda message: self.stderr.write(self.style.WARNING(message)))
        managers = [internal["manager@example.com"], internal["manager2@example.com"]]
        generator = DemoGenerator(seed=seed, tiers=tiers, managers=managers)
        with transaction.atomic():
            created = generator.run(target=max(partners - len(FIXED_PARTNERS), 0))
        self._seed_app_extensions(seed=seed, partners=partners)
        self._report(fixed_created, created, time.monotonic() - started)

    def _read_history(self) -> int:
        """Mark all but the newest UNREAD_KEPT unread notifications of each user read: a demo manager does not
        start with hundreds of unread notifications of made-up history."""
        Notification = apps.get_model("prm", "Notification")
        stale = []
        for user_id in Notification.objects.filter(read_at__isnull=True).values_list("user_id", flat=True).distinct():
            unread = Notification.objects.filter(user_id=user_id, read_at__isnull=True).order_by("-created_at", "-pk")
            stale += list(unread.values_list("pk", flat=True)[UNREAD_KEPT:])
        return Notification.objects.filter(pk__in=stale).update(read_at=timezone.now())

    def _seed_app_extensions(self, *, seed: int, partners: int) -> None:
        """Each app's demo data: every step has `seed(*, seed, partners, stdout)`."""
        for label, step in STEPS:
            started = time.monotonic()
            step(seed=seed, partners=partners, stdout=self.stdout)
            verbose_name = apps.get_app_config(label).verbose_name
            self.stdout.write(f"  {verbose_name}: demo data in {time.monotonic() - started:.1f}s")

    # -- output ---------------------------------------------------------------------------------------

    def _report(self, fixed_created: set[str], created: dict, seconds: float) -> None:
        out = self.stdout
        by_tier = Partner.objects.values("tier__name").annotate(n=Count("id")).order_by("tier__rank")
        by_status = Partner.objects.values("status").annotate(n=Count("id")).order_by("status")
        by_role = dict(User.objects.values_list("role").annotate(n=Count("id")))
        role_labels = dict(Role.choices)
        out.write(
            self.style.SUCCESS(
                f"Demo data ready in {seconds:.1f}s: {created['partners']} partners, {created['users']} people and "
                f"{created['tier_changes']} tier changes added"
                + ("; fixed logins and partners created." if fixed_created else "; fixed logins refreshed.")
            )
        )
        total = sum(row["n"] for row in by_tier)
        out.write(f"Partners: {total} (" + ", ".join(f"{row['tier__name']} {row['n']}" for row in by_tier) + ")")
        out.write("  by status: " + ", ".join(f"{row['status']} {row['n']}" for row in by_status))
        out.write(
            f"Users: {sum(by_role.values())} ("
            + ", ".join(f"{role_labels[role]} {by_role.get(role, 0)}" for role in Role.values)
            + ")"
        )
        out.write(
            "Demo objects: "
            + ", ".join(
                f"{apps.get_model(label, name)._meta.verbose_name_plural} {apps.get_model(label, name).objects.count()}"
                for label, name in SUMMARY_MODELS
            )
        )

    def _banner(self, password: str) -> None:
        out = self.stdout
        role_labels = dict(Role.choices)
        rows = [
            (email, "Program admin (also Django admin)" if staff else role_labels[role], "Northwind Software")
            for email, _, _, role, _, staff in INTERNAL_USERS
        ]
        names = {crm_id: spec["name"] for crm_id, spec in FIXED_PARTNERS.items()}
        rows += [(email, role_labels[role], names[crm_id]) for email, _, _, role, _, _, crm_id in PARTNER_USERS]
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        lines = [f"Open {settings.SITE_URL} and log in with:", ""]
        lines += [f"  {e:<{widths[0]}}  {r:<{widths[1]}}  {o:<{widths[2]}}" for e, r, o in rows]
        lines += ["", f"Password (all of them): {password}"]
        width = max(len(line) for line in lines)
        out.write("+" + "-" * (width + 2) + "+")
        for line in lines:
            out.write(f"| {line:<{width}} |")
        out.write("+" + "-" * (width + 2) + "+")
