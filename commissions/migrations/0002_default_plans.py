"""Default commission plans (docs/commissions-rules.md): referral 10 % (15 % Gold and up) of first-year
contract value, reseller margin 30 % (40 % Platinum), affiliate 30 %, OEM 50 %. A program admin changes
them by closing a rule and adding its successor."""

from datetime import date
from decimal import Decimal

from django.db import migrations

START = date(2020, 1, 1)

PLANS = [
    ("referral", "Referral plan", [("Referral fee", "0.1000", None, "Silver"), ("Referral fee, Gold and up", "0.1500", "Gold", None)]),
    ("reseller", "Reseller margin", [("Reseller margin", "0.3000", None, "Gold"), ("Reseller margin, Platinum", "0.4000", "Platinum", None)]),
    ("affiliate", "Affiliate plan", [("Affiliate commission", "0.3000", None, None)]),
    ("oem", "OEM / white-label plan", [("OEM share", "0.5000", None, None)]),
]


def seed(apps, schema_editor):
    Plan = apps.get_model("commissions", "CommissionPlan")
    Rule = apps.get_model("commissions", "CommissionRule")
    Tier = apps.get_model("partners", "Tier")
    tiers = {tier.name: tier for tier in Tier.objects.all()}
    for partner_type, name, rules in PLANS:
        plan, _ = Plan.objects.get_or_create(partner_type=partner_type, defaults={"name": name})
        if plan.rules.exists():
            continue
        for rule_name, rate, min_tier, max_tier in rules:
            Rule.objects.create(
                plan=plan,
                name=rule_name,
                kind="first_year",
                rate=Decimal(rate),
                min_tier=tiers.get(min_tier) if min_tier else None,
                max_tier=tiers.get(max_tier) if max_tier else None,
                currency="USD",
                valid_from=START,
            )


def unseed(apps, schema_editor):
    apps.get_model("commissions", "CommissionPlan").objects.filter(partner_type__in=[p[0] for p in PLANS]).delete()


class Migration(migrations.Migration):
    dependencies = [("commissions", "0001_initial"), ("partners", "0002_default_tiers")]

    operations = [migrations.RunPython(seed, unseed)]
