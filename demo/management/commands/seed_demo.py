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

import time

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Count

from accounts.models import Role, User
from demo import analytics, availability, commissions, disputes, fx, mdf, policy, receipts, sla
from demo.deals import registrations
from demo.enablement import catalogue
from demo.partners import recruiting
from demo.partners.fixed import FIXED_PARTNERS, INTERNAL_USERS, PARTNER_USERS, invite_new_hire, seed_fixed
from demo.partners.generator import DemoGenerator
from partners.models import Partner, Tier

DEFAULT_PASSWORD = "demo-pass-2026"  # noqa: S105 - the documented demo password, refused without DEBUG
LOGIN_URL = "http://127.0.0.1:8000"

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

    def handle(self, *args, partners: int, password: str, seed: int, allow_production_demo: bool = False, **options):
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
        self._report(password, fixed_created, created, time.monotonic() - started)

    def _seed_app_extensions(self, *, seed: int, partners: int) -> None:
        """Each app's demo data: every step has `seed(*, seed, partners, stdout)`."""
        for label, step in STEPS:
            started = time.monotonic()
            step(seed=seed, partners=partners, stdout=self.stdout)
            verbose_name = apps.get_app_config(label).verbose_name
            self.stdout.write(f"  {verbose_name}: demo data in {time.monotonic() - started:.1f}s")

    # -- output ---------------------------------------------------------------------------------------

    def _report(self, password: str, fixed_created: set[str], created: dict, seconds: float) -> None:
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

        rows = [
            (email, "Program admin (also Django admin)" if staff else role_labels[role], "Northwind Software")
            for email, _, _, role, _, staff in INTERNAL_USERS
        ]
        names = {crm_id: spec["name"] for crm_id, spec in FIXED_PARTNERS.items()}
        rows += [(email, role_labels[role], names[crm_id]) for email, _, _, role, _, _, crm_id in PARTNER_USERS]
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        lines = [f"Open {LOGIN_URL} and log in with:", ""]
        lines += [f"  {e:<{widths[0]}}  {r:<{widths[1]}}  {o:<{widths[2]}}" for e, r, o in rows]
        lines += ["", f"Password (all of them): {password}"]
        width = max(len(line) for line in lines)
        out.write("+" + "-" * (width + 2) + "+")
        for line in lines:
            out.write(f"| {line:<{width}} |")
        out.write("+" + "-" * (width + 2) + "+")
