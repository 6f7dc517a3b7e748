"""The MDF accrual rate per tier moves from the tier (a copy) to the MDF app, the one home of the rate the
accrual service applies and the pages show (docs/program-terms.md). Existing tiers keep their rates."""

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models

import prm.money


def copy_rates(apps, schema_editor):
    Tier = apps.get_model("partners", "Tier")
    MdfAccrualRate = apps.get_model("mdf", "MdfAccrualRate")
    for tier in Tier.objects.all():
        MdfAccrualRate.objects.get_or_create(tier=tier, defaults={"rate": tier.mdf_accrual_rate})


def copy_back(apps, schema_editor):
    Tier = apps.get_model("partners", "Tier")
    MdfAccrualRate = apps.get_model("mdf", "MdfAccrualRate")
    for row in MdfAccrualRate.objects.all():
        Tier.objects.filter(pk=row.tier_id).update(mdf_accrual_rate=row.rate)


class Migration(migrations.Migration):
    dependencies = [
        ("mdf", "0005_fund_recovery_owed"),
        ("partners", "0005_currency_iso4217"),
    ]

    operations = [
        migrations.CreateModel(
            name="MdfAccrualRate",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "rate",
                    prm.money.RateField(
                        decimal_places=4,
                        default=0,
                        help_text="Share of won deal amounts accrued as MDF (0.0300 = 3 %).",
                        max_digits=7,
                        validators=[django.core.validators.MinValueValidator(0)],
                    ),
                ),
                (
                    "tier",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE, related_name="mdf_accrual", to="partners.tier"
                    ),
                ),
            ],
            options={
                "verbose_name": "MDF accrual rate",
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("rate__gte", 0), ("rate__lte", 1)), name="mdf_accrual_rate_fraction"
                    )
                ],
            },
        ),
        migrations.RunPython(copy_rates, copy_back),
    ]
