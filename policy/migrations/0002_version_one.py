"""Version 1 of the rules of engagement: today's settings and tier protection days, in force from the
beginning of time; every registration decided before versions existed is recorded as decided under it."""

import datetime

from django.conf import settings
from django.db import migrations

BEGINNING = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


def seed_version_one(apps, schema_editor):
    RoePolicy = apps.get_model("policy", "RoePolicy")
    Tier = apps.get_model("partners", "Tier")
    DealRegistration = apps.get_model("deals", "DealRegistration")
    policy = RoePolicy.objects.filter(version=1).first()
    if policy is None:
        policy = RoePolicy.objects.create(
            version=1,
            status="published",
            notes="The rules as configured before policy versions existed.",
            protection_days_by_tier={str(t.pk): t.protection_days for t in Tier.objects.order_by("rank")},
            default_protection_days=90,
            extension_days=settings.DEAL_EXTENSION_DAYS,
            match_threshold=settings.DEAL_MATCH_THRESHOLD,
            possible_match_threshold=settings.DEAL_POSSIBLE_MATCH_THRESHOLD,
            direct_account_handling="review",
            approval_sla_business_days=settings.DEAL_APPROVAL_SLA_BUSINESS_DAYS,
            effective_from=BEGINNING,
            published_at=BEGINNING,
        )
    DealRegistration.objects.filter(policy_version__isnull=True, partner__isnull=False).exclude(status="draft").update(
        policy_version=policy
    )


class Migration(migrations.Migration):
    dependencies = [
        ("policy", "0001_initial"),
        ("partners", "0002_default_tiers"),
        ("deals", "0005_dealregistration_policy_version_and_more"),
    ]

    operations = [migrations.RunPython(seed_version_one, migrations.RunPython.noop)]
