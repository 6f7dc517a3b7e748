"""Demo data of the partner lifecycle, called by `manage.py seed_demo` after the partners exist.

Applications in every state (some scored, one duplicate domain), onboarding checklists matching each
partner's progress, the agreement accepted at Acme and Globex, joint business plans with check-ins,
reference implementations and OPP assessments. Idempotent, and bulk-written so 5,000 partners take seconds.
"""

import random
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from demo.customers import customer_names
from partners import onboarding, recruiting
from partners.models import (
    AgreementAcceptance,
    Application,
    ApplicationStatus,
    BusinessPlanStatus,
    JointBusinessPlan,
    OnboardingCompletion,
    OnboardingStep,
    OppScore,
    Partner,
    PartnerOppAssessment,
    PartnerStatus,
    PartnerType,
    PlanCheckIn,
    ReferenceImplementation,
)
from prm.periods import quarter_of

DEMO_DOMAIN = ".apply.example"
BATCH = 2000

APPLICANTS = [
    ("Brightpath Consulting", "GB", PartnerType.SYSTEMS_INTEGRATOR),
    ("Cloudnine MSP", "US", PartnerType.MSP),
    ("Datalytics GmbH", "DE", PartnerType.ISV),
    ("Evergreen IT", "CA", PartnerType.RESELLER),
    ("Fjord Digital", "NO", PartnerType.SYSTEMS_INTEGRATOR),
    ("Granite Networks", "AU", PartnerType.MSP),
    ("Harbor Referral Group", "US", PartnerType.REFERRAL),
    ("Iberia Software", "ES", PartnerType.RESELLER),
    ("Jade Systems", "SG", PartnerType.CLOUD_MARKETPLACE),
    ("Keystone Advisors", "US", PartnerType.REFERRAL),
    ("Lumen Analytics", "FR", PartnerType.ISV),
    ("Maple Managed Services", "CA", PartnerType.MSP),
    ("Nimbus Marketplace", "NL", PartnerType.CLOUD_MARKETPLACE),
    ("Orbit OEM Labs", "JP", PartnerType.OEM),
    ("Pioneer Affiliates", "BR", PartnerType.AFFILIATE),
    ("Quantum Integrators", "IN", PartnerType.SYSTEMS_INTEGRATOR),
]
REJECTION_REASONS = [
    "Outside the territories we recruit in this year.",
    "Competes directly with our own product line.",
    "No dedicated sales or technical staff yet; please apply again next year.",
]


def seed(*, seed: int, partners: int, stdout) -> None:
    rng = random.Random(seed + 4)  # noqa: S311 - reproducible demo data
    manager = User.objects.filter(email="manager@example.com").first()
    with transaction.atomic():
        _applications(rng, manager, count=max(len(APPLICANTS), min(200, partners // 25)))
        _onboarding(rng)
        _fixed_partner_story(rng, manager)
        _references(rng, manager)
    stdout.write(
        f"  Lifecycle: {Application.objects.count()} applications, "
        f"{OnboardingCompletion.objects.count()} onboarding steps done, "
        f"{JointBusinessPlan.objects.count()} business plans"
    )


def _applications(rng, manager, count: int) -> None:
    if Application.objects.filter(website_domain__endswith=DEMO_DOMAIN).exists():
        return
    criteria = recruiting.active_criteria()
    now = timezone.now()
    rows, scores = [], []
    states = [ApplicationStatus.SUBMITTED, ApplicationStatus.IN_REVIEW, ApplicationStatus.REJECTED]
    for i in range(count):
        name, country, partner_type = APPLICANTS[i % len(APPLICANTS)]
        if i >= len(APPLICANTS):
            name = f"{name} {i // len(APPLICANTS) + 1}"
        slug = name.lower().replace(" ", "-")
        status = states[i % 3] if i >= 4 else ApplicationStatus.SUBMITTED
        application = Application(
            company_name=name,
            website=f"https://www.{slug}{DEMO_DOMAIN}",
            website_domain=f"{slug}{DEMO_DOMAIN}",
            contact_name="Jordan Applicant",
            contact_email=f"jordan@{slug}{DEMO_DOMAIN}",
            country=country,
            partner_type=partner_type,
            description=f"{name} serves mid-market customers and wants to add Northwind to its portfolio.",
            status=status,
            ip_address="192.0.2.10",
        )
        values = None
        if status != ApplicationStatus.SUBMITTED:
            values = {c.pk: rng.randint(1, 5) for c in criteria}
            result = recruiting.compute_opp(criteria, values)
            application.fit_score = result["fit_score"]
            application.willingness_score = result["willingness_score"]
            application.score = result["score"]
            application.quadrant = result["quadrant"]
            application.scored_by, application.scored_at = manager, now - timedelta(days=rng.randint(1, 20))
        if status == ApplicationStatus.REJECTED:
            application.rejection_reason = rng.choice(REJECTION_REASONS)
            application.decided_by, application.decided_at = manager, now - timedelta(days=rng.randint(1, 10))
        rows.append((application, values))
    Application.objects.bulk_create([a for a, _ in rows], batch_size=BATCH)
    for application, values in rows:
        if values:
            scores += [
                OppScore(application=application, criterion_id=cid, value=v, scored_by=manager)
                for cid, v in values.items()
            ]
    OppScore.objects.bulk_create(scores, batch_size=BATCH)
    _duplicate_application(rows[0][0])
    _approved_applications(manager, now)


def _duplicate_application(first: Application) -> None:
    """A duplicate domain, flagged for the manager to see."""
    Application.objects.create(
        company_name=f"{first.company_name} (EMEA office)",
        website=first.website,
        website_domain=first.website_domain,
        contact_name="Sam Duplicate",
        contact_email=f"sam@{first.website_domain}",
        country="IE",
        partner_type=first.partner_type,
        description="Our European office applying separately.",
        duplicate_of=first,
    )


def _approved_applications(manager, now) -> None:
    """Approved applications: the onboarding partners of the demo came in through the program's form."""
    onboarding_partners = list(
        Partner.objects.filter(status=PartnerStatus.ONBOARDING, application__isnull=True).order_by("pk")[:10]
    )
    approved = [
        Application(
            company_name=p.name,
            website=f"https://{p.website_domain}",
            website_domain=p.website_domain,
            contact_name="Partner Admin",
            contact_email=f"admin@{p.website_domain}",
            country=p.country,
            partner_type=p.partner_type,
            description="Approved application.",
            status=ApplicationStatus.APPROVED,
            partner=p,
            fit_score=Decimal("4.00"),
            willingness_score=Decimal("3.50"),
            score=Decimal("3.75"),
            quadrant="recruit_now",
            scored_by=manager,
            decided_by=manager,
            decided_at=now - timedelta(days=30),
        )
        for p in onboarding_partners
    ]
    Application.objects.bulk_create(approved, batch_size=BATCH)


def _onboarding(rng) -> None:
    """Completions that match each partner's progress; onboarding partners stop part-way."""
    steps = list(OnboardingStep.objects.filter(active=True))
    done = set(OnboardingCompletion.objects.values_list("partner_id", "step_id"))
    now = timezone.now()
    new = []
    for partner_id, partner_type, status, progress in Partner.objects.values_list(
        "id", "partner_type", "status", "onboarding_progress"
    ):
        applicable = onboarding.steps_for(partner_type, steps)
        if not applicable:
            continue
        if status == PartnerStatus.ONBOARDING:
            count = max(1, min(len(applicable) - 2, round(progress * len(applicable) / 100)))
        else:
            count = len(applicable)
        for step in applicable[:count]:
            if (partner_id, step.pk) not in done:
                new.append(
                    OnboardingCompletion(
                        partner_id=partner_id,
                        step=step,
                        completed_at=now - timedelta(days=rng.randint(15, 60)),
                        source="demo",
                    )
                )
    OnboardingCompletion.objects.bulk_create(new, batch_size=BATCH, ignore_conflicts=True)
    if new:
        onboarding.recompute_all_progress()


def _fixed_partner_story(rng, manager) -> None:
    quarter = quarter_of(timezone.localdate())
    previous = quarter_of(quarter.start - timedelta(days=1))
    for crm_id, admin_email, targets in (
        ("DEMO-ACME", "alice@acme.example", (Decimal("600000"), 18, 6, 4)),
        ("DEMO-GLOBEX", "carol@globex.example", (Decimal("150000"), 6, 3, 2)),
    ):
        partner = Partner.objects.filter(external_crm_id=crm_id).first()
        admin = User.objects.filter(email=admin_email, role=Role.PARTNER_ADMIN).first()
        if partner is None or admin is None:
            continue
        agreement = onboarding.current_agreement()
        if agreement:
            AgreementAcceptance.objects.get_or_create(
                agreement=agreement,
                partner=partner,
                defaults={
                    "user": admin,
                    "accepted_at": timezone.now() - timedelta(days=300),
                    "ip_address": "192.0.2.20",
                },
            )
        for period, status in ((previous.key, BusinessPlanStatus.AGREED), (quarter.key, BusinessPlanStatus.SUBMITTED)):
            plan, created = JointBusinessPlan.objects.get_or_create(
                partner=partner,
                period=period,
                defaults={
                    "status": status,
                    "sourced_bookings_target": targets[0],
                    "registered_deals_target": targets[1],
                    "certified_people_target": targets[2],
                    "co_marketing_activities_target": targets[3],
                    "partner_owner": admin,
                    "vendor_owner": manager,
                    "created_by": admin,
                    "notes": "Focus on financial services and healthcare accounts in the named territory.",
                },
            )
            if created:
                PlanCheckIn.objects.create(
                    plan=plan,
                    author=manager,
                    note="Pipeline review: three joint opportunities in late stage; webinar scheduled.",
                    co_marketing_activities_done=1,
                )
        if manager and not PartnerOppAssessment.objects.filter(partner=partner).exists():
            recruiting.score_partner(
                actor=manager,
                partner=partner,
                values={c.pk: rng.randint(3, 5) for c in recruiting.active_criteria()},
            )


REFERENCE_NAMES = 120  # customers the partners' published reference implementations are for


def _references(rng, manager) -> None:
    if ReferenceImplementation.objects.exists():
        return
    today = timezone.localdate()
    rows = []
    names = [name for name, _domain in customer_names(REFERENCE_NAMES, seed=7)]
    for partner_id, rank in Partner.objects.filter(tier__rank__gte=2).values_list("id", "tier__rank"):
        for n in range(rank - 1):
            rows.append(
                ReferenceImplementation(
                    partner_id=partner_id,
                    customer_name=names[(partner_id * 3 + n) % len(names)],
                    completed_on=today - timedelta(days=rng.randint(20, 330)),
                    recorded_by=manager,
                    description="Live on Northwind with a published case study.",
                )
            )
    ReferenceImplementation.objects.bulk_create(rows, batch_size=BATCH)
