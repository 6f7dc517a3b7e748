"""Seed the defaults of the partner lifecycle: OPP criteria, the onboarding checklist and agreement v1.

Program admins edit them afterwards; each part runs only where nothing of its kind exists yet.
"""

from django.db import migrations
from django.utils import timezone

FIT = [
    ("Industry", "Serves the verticals we sell into.", 3),
    ("Geography", "Covers regions where we need reach.", 2),
    ("Go-to-market model", "Sells, implements or manages the way our customers buy.", 3),
    ("Complementary technology", "Its offerings complete ours rather than compete.", 2),
    ("Customer overlap", "Already works with our target accounts.", 2),
    ("Culture", "Shares our customer-first values and pace.", 1),
]
WILLINGNESS = [
    ("Executive sponsorship", "A named executive backs the partnership.", 3),
    ("Sales and technical resources", "Will dedicate people to sell and deliver.", 3),
    ("Investment in training", "Will certify people in the first quarter.", 2),
    ("Joint marketing appetite", "Will co-fund and run campaigns with us.", 2),
]
STEPS = [
    ("agreement", "Accept the partner agreement", "A partner admin reads and accepts the current agreement."),
    ("profile", "Complete the company profile", "Legal name, website, description, phone, address and verticals."),
    ("team", "Invite the team", "At least one colleague joins the portal."),
    ("course", "Finish the onboarding course", "Someone in the team completes the onboarding course."),
    ("business_plan", "Submit a joint business plan", "Quarterly targets with an owner on each side."),
    ("first_deal", "Register a first deal", "Submit the first deal registration."),
]
AGREEMENT = """1. Scope. The partner may market, resell or refer the vendor's products in its territory.
2. Conduct. The partner represents the products accurately and follows the rules of engagement.
3. Deal registration. Registered deals are protected for the period of the partner's tier.
4. Confidentiality. Pricing, roadmaps and customer data shared in the portal stay confidential.
5. Data protection. Each party processes personal data under the applicable law.
6. Term. The agreement runs for one year and renews unless either party ends it with 30 days' notice."""


def seed(apps, schema_editor):
    OppCriterion = apps.get_model("partners", "OppCriterion")
    OnboardingStep = apps.get_model("partners", "OnboardingStep")
    PartnerAgreement = apps.get_model("partners", "PartnerAgreement")
    if not OppCriterion.objects.exists():
        for group, rows in (("fit", FIT), ("willingness", WILLINGNESS)):
            for position, (name, description, weight) in enumerate(rows):
                OppCriterion.objects.create(
                    group=group, name=name, description=description, weight=weight, position=position
                )
    if not OnboardingStep.objects.exists():
        for position, (kind, title, description) in enumerate(STEPS):
            OnboardingStep.objects.create(kind=kind, title=title, description=description, position=position)
    if not PartnerAgreement.objects.exists():
        PartnerAgreement.objects.create(
            version="1.0", title="Partner program agreement", body=AGREEMENT, published_at=timezone.now()
        )


class Migration(migrations.Migration):
    dependencies = [("partners", "0003_lifecycle")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
