"""The default activity menu; program admins edit it from then on."""

from decimal import Decimal

from django.db import migrations

MENU = [
    ("Webinar", "Invoice PDF; attendee list CSV", True),
    ("Event or trade show", "Invoice PDF; photos of the booth; attendee or lead list CSV", True),
    ("E-mail campaign", "Invoice PDF; screenshot of the e-mail; results CSV", True),
    ("Content syndication", "Invoice PDF; lead list CSV", True),
    ("Paid media", "Invoice PDF; screenshots of the ads", True),
    ("Training or certification fees", "Invoice PDF", False),
]


def seed(apps, schema_editor):
    ActivityType = apps.get_model("mdf", "ActivityType")
    for name, proof, preapproval in MENU:
        ActivityType.objects.get_or_create(
            name=name,
            defaults={
                "reimbursement_rate": Decimal("0.5000"),
                "proof_required": proof,
                "preapproval_required": preapproval,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("mdf", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
