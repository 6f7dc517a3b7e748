"""Seed the default tiers (Registered < Silver < Gold < Platinum) with requirements.

Program admins edit them afterwards; this runs only where no tier exists yet.
"""

from decimal import Decimal

from django.db import migrations

TIERS = [
    {
        "name": "Registered", "rank": 0, "commission_rate": "0.1000", "mdf_accrual_rate": "0", "protection_days": 90,
        "advisory_board_eligible": False,
        "description": "Everyone starts here: portal access, deal registration and the onboarding curriculum.",
        "extra_benefits": ["Deal registration", "Partner portal and training", "Sales collateral"],
        "requirements": {},
    },
    {
        "name": "Silver", "rank": 1, "commission_rate": "0.1000", "mdf_accrual_rate": "0", "protection_days": 90,
        "advisory_board_eligible": False,
        "description": "Partners with a trained team and a steady flow of registered deals.",
        "extra_benefits": ["Listing in the partner directory", "Not-for-resale demo licences"],
        "requirements": {"sourced_bookings": "100000", "sales_certified_people": "2",
                         "technical_certified_people": "1", "registered_deals": "5", "scorecard_score": "50"},
    },
    {
        "name": "Gold", "rank": 2, "commission_rate": "0.1500", "mdf_accrual_rate": "0.0300", "protection_days": 90,
        "advisory_board_eligible": False,
        "description": "Established partners: market development funds and a named channel manager.",
        "extra_benefits": ["Market development funds (3 % of won deals)", "Named channel manager",
                           "Joint business planning", "Priority lead routing"],
        "requirements": {"sourced_bookings": "500000", "sales_certified_people": "4",
                         "technical_certified_people": "2", "registered_deals": "15",
                         "reference_implementations": "1", "scorecard_score": "65"},
    },
    {
        "name": "Platinum", "rank": 3, "commission_rate": "0.1500", "mdf_accrual_rate": "0.0500",
        "protection_days": 120, "advisory_board_eligible": True,
        "description": "Strategic partners: the highest funds, longest deal protection and a seat at the table.",
        "extra_benefits": ["Market development funds (5 % of won deals)", "120-day deal protection",
                           "Partner advisory board", "Executive sponsor", "Early access to the roadmap"],
        "requirements": {"sourced_bookings": "2000000", "sales_certified_people": "8",
                         "technical_certified_people": "4", "registered_deals": "40",
                         "reference_implementations": "3", "scorecard_score": "80"},
    },
]


def seed_tiers(apps, schema_editor):
    Tier = apps.get_model("partners", "Tier")
    TierRequirement = apps.get_model("partners", "TierRequirement")
    if Tier.objects.exists():
        return
    for spec in TIERS:
        spec = dict(spec)
        requirements = spec.pop("requirements")
        spec["commission_rate"] = Decimal(spec["commission_rate"])
        spec["mdf_accrual_rate"] = Decimal(spec["mdf_accrual_rate"])
        tier = Tier.objects.create(**spec)
        for metric, minimum in requirements.items():
            TierRequirement.objects.create(tier=tier, metric=metric, minimum=Decimal(minimum))


class Migration(migrations.Migration):
    dependencies = [("partners", "0001_initial")]

    operations = [migrations.RunPython(seed_tiers, migrations.RunPython.noop)]
