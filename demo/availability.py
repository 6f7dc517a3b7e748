"""Demo data of the private availability check (docs/private-check.md), called by `seed_demo`: a policy version
with checks on for every partner user (dates shown, 5,000 prospects a day), three known customers the sample
CSV docs/demo-prospects.csv finds (one Acme already registered, one Globex protects, one vendor direct
account), and the PSI setups built. Safe to run again: existing demo customers and versions are kept."""

from django.db import transaction

from accounts.models import Role, User
from availability import services, setups
from availability.models import AvailabilityPolicy
from availability.selectors import policy_in_force
from deals.customers import create_account
from deals.models import Account, AccountKind, DealRegistration
from deals.services import register_deal

KNOWN = (  # name, domain, country, who holds it ("" for a vendor direct account)
    ("Fabrikam Check Foods", "fabrikam-check.example", "US", "alice@acme.example"),
    ("Contoso Check Labs", "contoso-check.example", "DE", "carol@globex.example"),
    ("Northwind Check Traders", "northwind-check.example", "GB", ""),
)


def _customer(name, domain, country, holder_email) -> None:
    if Account.objects.filter(domain=domain).exists():
        return
    if not holder_email:
        create_account(name=name, domain=domain, country=country, kind=AccountKind.DIRECT_CUSTOMER)
        return
    user = User.objects.filter(email=holder_email, is_active=True).first()
    if user is None or DealRegistration.objects.filter(customer_domain=domain).exists():
        return
    register_deal(
        user=user,
        customer_name=name,
        customer_domain=domain,
        customer_country=country,
        amount=25000,
        product="Platform",
    )


def seed(*, seed: int, partners: int, stdout) -> None:
    admin = User.objects.filter(role=Role.PROGRAM_ADMIN, is_active=True).order_by("pk").first()
    if admin is None:
        stdout.write("  availability: no program admin, skipped")
        return
    with transaction.atomic():
        for row in KNOWN:
            _customer(*row)
    if not AvailabilityPolicy.objects.filter(enabled=True).exists():
        services.publish_policy(
            actor=admin,
            data={"enabled": True, "who": "partner_users", "show_dates": True, "daily_limit": 5000},
        )
    setups.rebuild(policy=policy_in_force())
