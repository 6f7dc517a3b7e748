"""The fixture world of the isolation matrix: two partners with one of each object, and one user per role.

Built once per test module (see test_isolation_matrix.py). Objects that belong to a partner exist for both
"acme" and "globex"; objects that belong to a user (notifications, API tokens, import jobs) exist for every
role's user. Money and state move through the services wherever the factories do so.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import ApiToken, Role, TokenScope
from analytics.models import AlertRule, RollupRun, Scorecard
from commissions.models import Contest, PayoutBatch
from deals.models import AccountImport, Lead, LeadStatus
from enablement.models import Certificate, Enrolment, LibraryAssetVersion, QuizAttempt
from integrations.models import WebhookDelivery, WebhookSubscription
from partners.models import JointBusinessPlan, TierReview
from prm.models import ImportJob, Notification
from prm.periods import quarter_of
from tests.commissions.factories import EntryFactory, RuleFactory, SpiffFactory
from tests.deals.factories import DealFactory
from tests.enablement.factories import (
    CertificationFactory,
    CourseFactory,
    LearningPathFactory,
    LessonFactory,
    LibraryAssetFactory,
    QuizFactory,
)
from tests.factories import InternalUserFactory, PartnerAdminFactory, PartnerFactory, UserFactory, tier
from tests.mdf.factories import ActivityTypeFactory, allocate, approved_request, pdf, submitted_claim
from tests.partners.factories import ApplicationFactory

ROLES = ("anonymous", "partner_admin", "partner_user", "other_admin", "channel_manager", "finance", "program_admin")
# Each role's "own" partner; internal users are measured against Acme (the channel manager owns Acme's book).
HOME = {role: "acme" for role in ROLES} | {"other_admin": "globex"}


def other(key: str) -> str:
    return "globex" if key == "acme" else "acme"


@dataclass
class World:
    users: dict = field(default_factory=dict)  # role -> User (no "anonymous")
    partner: dict = field(default_factory=dict)  # "acme"/"globex" -> Partner
    objects: dict = field(default_factory=dict)  # name -> {"acme": obj, "globex": obj}
    shared: dict = field(default_factory=dict)  # name -> obj without a partner
    per_user: dict = field(default_factory=dict)  # name -> {role: obj}

    def of(self, name: str, role: str, own: bool):
        """The `name` object of the role's own partner (own=True) or of the other partner."""
        key = HOME[role] if own else other(HOME[role])
        return self.objects[name][key]

    def mine(self, name: str, role: str, own: bool):
        """A per-user object: the caller's own one, or the program admin's (someone else's)."""
        if own and role in self.per_user[name]:
            return self.per_user[name][role]
        return self.per_user[name]["channel_manager" if role == "program_admin" else "program_admin"]


def build_world() -> World:
    w = World()
    acme = PartnerFactory(name="Acme Cloud Partners", tier=tier("Gold"), website_domain="acme.example")
    globex = PartnerFactory(
        name="Globex Integrators", tier=tier("Gold"), website_domain="globex.example", country="DE", region="emea"
    )
    w.partner = {"acme": acme, "globex": globex}
    manager = InternalUserFactory(role=Role.CHANNEL_MANAGER, email="manager@example.com")
    acme.channel_manager = manager
    acme.save(update_fields=["channel_manager"])
    w.users = {
        "partner_admin": PartnerAdminFactory(partner=acme, email="alice@acme.example"),
        "partner_user": UserFactory(partner=acme, email="bob@acme.example"),
        "other_admin": PartnerAdminFactory(partner=globex, email="carol@globex.example"),
        "channel_manager": manager,
        "finance": InternalUserFactory(role=Role.FINANCE, email="finance@example.com"),
        "program_admin": InternalUserFactory(role=Role.PROGRAM_ADMIN, email="admin@example.com"),
    }
    admins = {"acme": w.users["partner_admin"], "globex": w.users["other_admin"]}
    now = timezone.now()
    today = timezone.localdate()
    period = quarter_of(today)

    # --- shared (no partner) ---------------------------------------------------------------------
    course = CourseFactory(title="Platform sales")
    lesson = LessonFactory(course=course)
    lesson.attachment.save("notes.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=True)
    quiz = QuizFactory(course=course)
    certification = CertificationFactory(exam=quiz)
    path = LearningPathFactory()
    asset = LibraryAssetFactory()
    version = LibraryAssetVersion(asset=asset, number=1, original_name="deck.pdf")
    version.file.save("deck.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
    version.save()
    activity = ActivityTypeFactory()
    rule = RuleFactory()
    spiff = SpiffFactory()
    contest = Contest.objects.create(
        name="Q contest", period=period.key, min_deal_amount=Decimal("1000"), bonus_rate=Decimal("0.05")
    )
    webhook = WebhookSubscription.objects.create(
        url="https://hooks.example/prm", secret="s" * 32, created_by=w.users["program_admin"]
    )
    delivery = WebhookDelivery.objects.create(subscription=webhook, event_name="deal.won", body="{}")
    application = ApplicationFactory()
    review = TierReview.objects.create(period="2020-Q1", started_by=w.users["program_admin"], evaluated_on=today)
    rollup = RollupRun.objects.create(kind=RollupRun._meta.get_field("kind").choices[0][0])
    alert_rule, _ = AlertRule.objects.get_or_create(
        kind=AlertRule._meta.get_field("kind").choices[0][0], defaults={"threshold": 1}
    )
    w.shared = dict(
        course=course,
        lesson=lesson,
        quiz=quiz,
        certification=certification,
        path=path,
        asset=asset,
        version=version,
        activity=activity,
        rule=rule,
        spiff=spiff,
        contest=contest,
        webhook=webhook,
        delivery=delivery,
        application=application,
        tier_review=review,
        rollup=rollup,
        alert_rule=alert_rule,
        tier=acme.tier,
        plan=rule.plan,
        staff_member=w.users["finance"],
    )

    # --- per partner -------------------------------------------------------------------------------
    objs: dict = {}

    def put(name, key, obj):
        objs.setdefault(name, {})[key] = obj

    for key, partner in w.partner.items():
        admin = admins[key]
        put("partner", key, partner)
        put("deal", key, DealFactory(partner=partner, registered_by=admin))
        put(
            "lead",
            key,
            Lead.objects.create(
                partner=partner,
                created_by=manager,
                customer_name=f"Lead of {partner.name}",
                customer_country="US",
                status=LeadStatus.ASSIGNED,
                assigned_at=now,
                accept_by=now + timedelta(hours=72),
            ),
        )
        fund = allocate(partner, "10000.00", admin=w.users["program_admin"])
        put("fund", key, fund)
        mdf_request = approved_request(partner, manager=manager, activity=activity)
        put("mdf_request", key, mdf_request)
        claim = submitted_claim(mdf_request, user=admin, files=[pdf()])
        put("claim", key, claim)
        put("proof", key, claim.proofs.first())
        put("entry", key, EntryFactory(partner=partner))
        put("batch", key, PayoutBatch.objects.create(partner=partner, total=Decimal("100.00"), currency="USD"))
        enrolment = Enrolment.objects.create(user=admin, partner=partner, course=course)
        put(
            "attempt",
            key,
            QuizAttempt.objects.create(enrolment=enrolment, quiz=quiz, attempt_number=1, submitted_at=now),
        )
        put(
            "certificate",
            key,
            Certificate.objects.create(
                certification=certification,
                user=admin,
                partner=partner,
                issued_at=now,
                expires_at=now + timedelta(days=365),
            ),
        )
        put("plan", key, JointBusinessPlan.objects.create(partner=partner, period=period.key))
        put(
            "scorecard",
            key,
            Scorecard.objects.create(partner=partner, period=period.key, period_start=period.start, total=50),
        )
    w.objects = objs

    # --- per user ----------------------------------------------------------------------------------
    per_user: dict = {"notification": {}, "token": {}, "partner_import": {}, "history_import": {}, "account_import": {}}
    for role, user in w.users.items():
        per_user["notification"][role] = Notification.objects.create(user=user, category="deal", title="Hello")
        per_user["token"][role] = ApiToken.objects.create(
            user=user, name=f"{role} token", scope=TokenScope.READ, prefix=f"{role[:8]:<8}", key_hash=f"hash-{role}"
        )
        per_user["partner_import"][role] = ImportJob.objects.create(kind="partners", uploaded_by=user, content="x")
        per_user["history_import"][role] = ImportJob.objects.create(kind="deal_history", uploaded_by=user, content="x")
        per_user["account_import"][role] = AccountImport.objects.create(uploaded_by=user, content="x")
    w.per_user = per_user
    # --- issue 12: policy objects --------------------------------------------------------------------
    from availability.models import AvailabilityPolicy
    from policy.models import PolicySimulation
    from policy.services import create_draft

    w.shared["policy_draft"] = create_draft(actor=w.users["program_admin"])
    w.shared["policy_simulation"] = PolicySimulation.objects.create(policy=w.shared["policy_draft"])
    AvailabilityPolicy.objects.create(version=1, enabled=True, who="partner_users")  # docs/private-check.md
    # --- issue 12: receipts objects ------------------------------------------------------------------
    from receipts.services import issue_receipt

    w.objects["receipt"] = {key: issue_receipt(deal=w.objects["deal"][key], kind="approved") for key in w.partner}
    # --- issue 12: sla objects -----------------------------------------------------------------------
    # --- issue 12: disputes objects ------------------------------------------------------------------
    # Each partner registers a customer the other holds (rejected: conflict) and disputes it with one file.
    from deals.services import register_deal
    from disputes.services import open_dispute
    from tests.deals.factories import AccountFactory

    held_by = {
        "globex": ("Zenith Avionics", "zenith-avionics.example"),
        "acme": ("Brightwater Foods", "brightwater-foods.example"),
    }
    for key in w.partner:
        name, domain = held_by[other(key)]
        DealFactory(
            partner=w.partner[other(key)],
            registered_by=admins[other(key)],
            account=AccountFactory(name=name, domain=domain),
        )
        rejected = register_deal(
            user=admins[key],
            customer_name=name,
            customer_domain=domain,
            customer_country="US",
            amount=Decimal("1000.00"),
        )
        assert rejected.reason == "conflict", (rejected.status, rejected.reason)
        dispute = open_dispute(user=admins[key], deal=rejected, reason="We met them first.", files=[pdf()])
        w.objects.setdefault("disputed_deal", {})[key] = rejected
        w.objects.setdefault("dispute", {})[key] = dispute
        w.objects.setdefault("dispute_file", {})[key] = dispute.files.get()
    # --- issue 12: fx objects ------------------------------------------------------------------------
    # --- the partner directory: each partner's published listing, one routing rule -------------------
    from deals.models import RoutingRule
    from directory.models import Listing

    for key, partner in w.partner.items():
        w.objects.setdefault("listing", {})[key] = Listing.objects.create(
            partner=partner, slug=f"{key}-listing", published=True
        )
    w.shared["routing_rule"] = RoutingRule.objects.create(name="Everywhere")
    return w
