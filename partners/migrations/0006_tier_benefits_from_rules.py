"""Tiers stop holding copies of their benefits (docs/program-terms.md): commission comes from the
commission plans, protection days from the rules-of-engagement version in force, MDF from the MDF
accrual rates. The copies are dropped once the policy's version 1 and the MDF rates were seeded from
them; phrases among the extra benefits that repeated those numbers go too."""

import re

from django.db import migrations

COPIES = (re.compile(r"^\d+-day deal protection$"), re.compile(r"^Market development funds \(.*% of won deals\)$"))


def drop_copied_phrases(apps, schema_editor):
    Tier = apps.get_model("partners", "Tier")
    for tier in Tier.objects.all():
        kept = [phrase for phrase in tier.extra_benefits or [] if not any(p.match(str(phrase)) for p in COPIES)]
        if kept != list(tier.extra_benefits or []):
            tier.extra_benefits = kept
            tier.save(update_fields=["extra_benefits"])


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0005_currency_iso4217"),
        ("policy", "0002_version_one"),
        ("mdf", "0006_accrual_rates"),
    ]

    operations = [
        migrations.RunPython(drop_copied_phrases, migrations.RunPython.noop),
        migrations.RemoveField(model_name="tier", name="commission_rate"),
        migrations.RemoveField(model_name="tier", name="mdf_accrual_rate"),
        migrations.RemoveField(model_name="tier", name="protection_days"),
    ]
