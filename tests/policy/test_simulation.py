"""Policy versions and the 12-month replay (issue 12, item 3).

- the simulation's changed decisions equal an independent loop that re-decides each registration with
  the same decision function under the draft;
- a new version leaves past decisions untouched, and decisions from then on record it;
- every decision records the version it used.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from deals import matching, selectors
from deals import services as deals
from deals.models import DIRECT_KINDS, Account, DealRegistration, DealStatus
from deals.registration import decision as engine
from policy import services, simulation
from policy.models import PolicySimulation, PolicyStatus, RoePolicy, SimulationStatus
from policy.selectors import current_policy, policy_at
from prm.exceptions import TransitionNotAllowed
from prm.models import AuditEntry, DomainEvent
from tests.deals.factories import DirectAccountFactory, registration_kwargs
from tests.factories import PartnerFactory, UserFactory, tier

pytestmark = pytest.mark.django_db


@pytest.fixture
def platinum_user(db):
    partner = PartnerFactory(name="Initrode Platinum", tier=tier("Platinum"))
    return UserFactory(partner=partner)


@pytest.fixture
def history(partner_user, other_partner_user, platinum_user, channel_manager):
    """Registrations decided under version 1, in this order (see each line)."""
    DirectAccountFactory(name="Umbrella Corporation", domain="umbrella.example")
    made = {}

    def reg(key, user, name, domain, approve=False):
        deal = deals.register_deal(user=user, **registration_kwargs(customer_name=name, customer_domain=domain))
        if approve:
            deal = deals.approve_deal(deal=deal, actor=channel_manager)
        made[key] = deal
        return deal

    reg("wayne", partner_user, "Wayne Enterprises", "wayne.example", approve=True)  # submitted, 90 days (Gold)
    reg("wayne_group", other_partner_user, "Wayne Enterprise Group", "waynegroup.example")  # possible match 82.1
    reg("umbrella", partner_user, "Umbrella Corp", "umbrella.example")  # direct account: review
    reg("stark", other_partner_user, "Stark Industries", "stark.example", approve=True)  # Silver, 90 days
    reg("stark_again", partner_user, "Stark Industries Inc", "stark.example")  # conflict
    reg("hooli", platinum_user, "Hooli", "hooli.example", approve=True)  # Platinum, 120 days
    reg("soylent", partner_user, "Soylent", "soylent.example", approve=True)  # Gold, 90 days
    return made


@pytest.fixture
def draft(program_admin):
    policy = services.create_draft(actor=program_admin)
    platinum = str(tier("Platinum").pk)
    return services.update_draft(
        policy=policy,
        actor=program_admin,
        data={
            "protection_days_by_tier": {**policy.protection_days_by_tier, platinum: 150},
            "possible_match_threshold": 85,
            "direct_account_handling": "reject",
        },
    )


def independent_changes(policy) -> dict[int, tuple[str, str]]:
    """Re-decide every registration under `policy` in submission order, with a world of our own: the
    accounts that existed and the registrations the draft lets hold them (approved as in reality)."""
    deal_type = ContentType.objects.get_for_model(DealRegistration)
    held: dict[int, engine.Holder] = {}
    changes = {}
    for deal in DealRegistration.objects.filter(partner__isnull=False).order_by("submitted_at", "id"):
        name = matching.normalise_company_name(deal.customer_name)
        domain = matching.normalise_domain(deal.customer_domain)
        keys = matching.blocking_keys(normalised_name=name.value, domain=domain, country=deal.customer_country)
        existing = set(Account.objects.filter(created_at__lte=deal.submitted_at).values_list("pk", flat=True))
        first_on_account = DealRegistration.objects.filter(account_id=deal.account_id).order_by("id").first()
        if first_on_account.pk == deal.pk and deal.account.kind not in DIRECT_KINDS:
            existing.discard(deal.account_id)  # the account this registration created
        rows = [r for r in selectors.candidate_accounts(keys) if r[0] in existing]
        evidence = engine.classify(
            name=name, domain=domain, country=deal.customer_country, candidates=rows, policy=policy
        )
        decision = engine.decide(
            evidence=evidence,
            holders={e.account_id: held[e.account_id] for e in evidence if e.account_id in held},
            direct_account_ids={r[0] for r in rows if r[4] in DIRECT_KINDS},
            policy=policy,
            partner_id=deal.partner_id,
            today=timezone.localdate(),
        )
        register = AuditEntry.objects.get(content_type=deal_type, object_id=deal.pk, action="register")
        actual = engine.outcome_key(register.to_state, register.reason)
        days = policy.protection_days_for(deal.partner.tier_id)
        actual_days = (deal.protected_until - timezone.localdate(deal.decided_at)).days if deal.decided_at else None
        if decision.status in (engine.SUBMITTED, engine.PENDING_REVIEW):
            approved = deal.decided_at is not None and deal.status == DealStatus.APPROVED
            held[decision.account_id or deal.account_id] = engine.Holder(
                deal_id=deal.pk,
                partner_id=deal.partner_id,
                account_id=decision.account_id or deal.account_id,
                tier_id=deal.partner.tier_id,
                protected_until=timezone.localdate(deal.decided_at) + timedelta(days=days) if approved else None,
            )
        if actual != decision.outcome:
            changes[deal.pk] = (actual, decision.outcome)
        elif actual_days is not None and decision.status == engine.SUBMITTED and actual_days != days:
            changes[deal.pk] = (actual, decision.outcome)
    return changes


def run(policy, actor, capture) -> PolicySimulation:
    with capture(execute=True):  # the task is queued on commit; eager Celery runs it there
        started = services.start_simulation(policy=policy, actor=actor)
    started.refresh_from_db()
    return started


def test_version_one_is_seeded_from_the_settings_and_every_decision_records_it(history):
    v1 = current_policy()
    assert (v1.version, v1.status, v1.match_threshold, v1.possible_match_threshold) == (1, "published", 90, 80)
    assert v1.protection_days_for(tier("Platinum").pk) == 120
    assert v1.protection_days_for(tier("Gold").pk) == 90
    assert {d.policy_version_id for d in DealRegistration.objects.all()} == {v1.pk}
    assert history["hooli"].protected_until == timezone.localdate() + timedelta(days=120)


def test_the_simulation_lists_exactly_the_decisions_the_draft_would_change(
    django_capture_on_commit_callbacks, history, draft, program_admin
):
    result = run(draft, program_admin, django_capture_on_commit_callbacks)
    assert result.status == SimulationStatus.DONE
    stored = {c.deal_id: (c.actual_outcome, c.simulated_outcome) for c in result.changes.all()}
    assert stored == independent_changes(draft)
    # ... and what that means, spelled out:
    assert stored == {
        history["wayne_group"].pk: ("pending_review:possible_match", "submitted"),
        history["umbrella"].pk: ("pending_review:direct_account", "rejected:direct_account"),
        history["hooli"].pk: ("submitted", "submitted"),  # 120 -> 150 days of protection
    }
    hooli = result.changes.get(deal=history["hooli"])
    assert (hooli.actual_protection_days, hooli.simulated_protection_days) == (120, 150)
    assert result.summary["replayed"] == 7
    assert result.changed == 3
    assert result.partners_affected == 3
    assert {
        "actual": "pending_review:direct_account",
        "simulated": "rejected:direct_account",
        "actual_days": None,
        "simulated_days": None,
        "count": 1,
    } in result.summary["transitions"]
    assert {
        "actual": "submitted",
        "simulated": "submitted",
        "actual_days": 120,
        "simulated_days": 150,
        "count": 1,
    } in result.summary["transitions"]


def test_re_running_a_simulation_replaces_its_rows(django_capture_on_commit_callbacks, history, draft, program_admin):
    first = run(draft, program_admin, django_capture_on_commit_callbacks)
    PolicySimulation.objects.filter(pk=first.pk).update(status=SimulationStatus.RUNNING)
    again = simulation.run_simulation(simulation_id=first.pk)
    assert again.changes.count() == 3 == again.changed
    # A finished simulation of an unchanged draft is left alone (a retried task).
    assert simulation.run_simulation(simulation_id=first.pk).finished_at == again.finished_at


def test_an_unchanged_draft_changes_nothing(django_capture_on_commit_callbacks, history, program_admin):
    policy = services.create_draft(actor=program_admin)
    result = run(policy, program_admin, django_capture_on_commit_callbacks)
    assert [(c.actual_outcome, c.simulated_outcome, c.why) for c in result.changes.all()] == []
    assert result.changed == 0 and independent_changes(policy) == {}


def test_publishing_leaves_past_decisions_untouched_and_new_ones_use_the_new_version(
    django_capture_on_commit_callbacks, history, draft, program_admin, other_partner_user, channel_manager
):
    def snapshot():
        return {
            d.pk: (d.policy_version_id, d.protected_until, d.status, d.reason, d.conflict_with_id)
            for d in DealRegistration.objects.all()
        }

    before = snapshot()
    run(draft, program_admin, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        published = services.publish(policy=draft, actor=program_admin, effective_from=timezone.now())
    assert snapshot() == before
    assert published.status == PolicyStatus.PUBLISHED
    assert current_policy() == published
    assert policy_at(timezone.now() - timedelta(days=1)).version == 1
    assert DomainEvent.objects.filter(name="policy.published").exists()
    assert AuditEntry.objects.filter(object_id=published.pk, action="publish").exists()
    # From now on: the draft's possible-match threshold (85) lets the similar name through...
    deal = deals.register_deal(
        user=other_partner_user,
        **registration_kwargs(customer_name="Wayne Enterprise Holdings", customer_domain="wayneholdings.example"),
    )
    assert (deal.status, deal.reason, deal.policy_version_id) == ("submitted", "", published.pk)
    # ... and Platinum approvals get 150 days.
    hooli_like = deals.register_deal(
        user=history["hooli"].registered_by,
        **registration_kwargs(customer_name="Pied Piper", customer_domain="piedpiper.example"),
    )
    approved = deals.approve_deal(deal=hooli_like, actor=channel_manager)
    assert approved.protected_until == timezone.localdate() + timedelta(days=150)
    assert approved.policy_version_id == published.pk
    # The old decisions still say v1.
    assert DealRegistration.objects.get(pk=history["hooli"].pk).policy_version.version == 1


def test_direct_accounts_can_be_rejected_outright(program_admin, partner_user):
    DirectAccountFactory(name="Umbrella Corporation", domain="umbrella.example")
    policy = services.create_draft(actor=program_admin)
    services.update_draft(policy=policy, actor=program_admin, data={"direct_account_handling": "reject"})
    services.publish(policy=policy, actor=program_admin, effective_from=timezone.now(), confirm=True)
    deal = deals.register_deal(
        user=partner_user, **registration_kwargs(customer_name="Umbrella", customer_domain="umbrella.example")
    )
    assert (deal.status, deal.reason) == ("rejected", "direct_account")
    assert "direct sales team" in deals.outcome_message(deal)


def test_extension_and_sla_come_from_the_version_in_force(program_admin, partner_user, channel_manager):
    deal = deals.register_deal(user=partner_user, **registration_kwargs())
    deal = deals.approve_deal(deal=deal, actor=channel_manager)
    policy = services.create_draft(actor=program_admin)
    services.update_draft(
        policy=policy, actor=program_admin, data={"extension_days": 45, "approval_sla_business_days": 4}
    )
    services.publish(policy=policy, actor=program_admin, effective_from=timezone.now(), confirm=True)
    deals.request_extension(deal=deal, actor=partner_user)
    until = deal.protected_until
    extended = deals.decide_extension(deal=deal, actor=channel_manager, approve=True)
    assert extended.protected_until == until + timedelta(days=45)
    assert extended.policy_version_id == policy.pk
    fresh = deals.register_deal(
        user=partner_user, **registration_kwargs(customer_name="Vandelay", customer_domain="vandelay.example")
    )
    assert "within 4 business days" in deals.outcome_message(fresh)
    assert selectors.sla_state(fresh)["sla"] == 4


def test_published_versions_are_immutable_and_publishing_needs_a_simulation_or_a_confirmation(program_admin):
    policy = services.create_draft(actor=program_admin)
    with pytest.raises(ValidationError) as refused:
        services.publish(policy=policy, actor=program_admin, effective_from=timezone.now())
    assert "confirm" in refused.value.message_dict
    with pytest.raises(ValidationError) as past:
        services.publish(policy=policy, actor=program_admin, effective_from="2001-01-01", confirm=True)
    assert "effective_from" in past.value.message_dict
    services.publish(policy=policy, actor=program_admin, effective_from=timezone.localdate().isoformat(), confirm=True)
    with pytest.raises(TransitionNotAllowed):
        services.update_draft(policy=policy, actor=program_admin, data={"extension_days": 10})
    with pytest.raises(TransitionNotAllowed):
        services.start_simulation(policy=policy, actor=program_admin)
    assert RoePolicy.objects.get(pk=policy.pk).extension_days == 30


def test_draft_rules_are_validated(program_admin):
    policy = services.create_draft(actor=program_admin)
    with pytest.raises(ValidationError) as error:
        services.update_draft(
            policy=policy,
            actor=program_admin,
            data={"match_threshold": 70, "possible_match_threshold": 75, "extension_days": "-3"},
        )
    assert set(error.value.message_dict) == {"possible_match_threshold", "extension_days"}
    with pytest.raises(ValidationError):
        services.update_draft(policy=policy, actor=program_admin, data={"protection_days_by_tier": {"999999": 30}})


@pytest.mark.parametrize("role", ["partner_user", "channel_manager", "finance_user"])
def test_only_program_admins_write_policy(request, role, program_admin):
    user = request.getfixturevalue(role)
    policy = services.create_draft(actor=program_admin)
    for call in (
        lambda: services.create_draft(actor=user),
        lambda: services.update_draft(policy=policy, actor=user, data={}),
        lambda: services.start_simulation(policy=policy, actor=user),
        lambda: services.publish(policy=policy, actor=user, effective_from=timezone.now(), confirm=True),
    ):
        with pytest.raises(PermissionDenied):
            call()


def test_reviews_and_leads_record_the_version_in_force(program_admin, partner_user, channel_manager):
    DirectAccountFactory(name="Umbrella Corporation", domain="umbrella.example")
    first = deals.register_deal(user=partner_user, **registration_kwargs())
    second = deals.register_deal(
        user=partner_user, **registration_kwargs(customer_name="Umbrella", customer_domain="umbrella.example")
    )
    policy = services.create_draft(actor=program_admin)
    services.publish(policy=policy, actor=program_admin, effective_from=timezone.now(), confirm=True)
    assert deals.reject_deal(deal=first, actor=channel_manager, reason="No budget").policy_version_id == policy.pk
    influence = deals.accept_as_influence(deal=second, actor=channel_manager)
    assert influence.policy_version_id == policy.pk
    lead = deals.create_lead(
        actor=channel_manager,
        customer_name="Massive Dynamic",
        customer_country="US",
        amount=Decimal("100"),
        partner=partner_user.partner,
    )
    deal = deals.accept_lead(lead=lead, actor=partner_user)
    assert deal.policy_version_id == policy.pk
    assert deal.protected_until == timezone.localdate() + timedelta(
        days=policy.protection_days_for(deal.partner.tier_id)
    )


# --- incumbency (docs/policy.md, "Incumbency") --------------------------------------------------------


def test_the_simulation_counts_incumbent_decisions(
    django_capture_on_commit_callbacks, partner_user, other_partner_user, channel_manager, program_admin
):
    """Version 1 without the rule lets another partner register a customer just won; a draft with a year of
    incumbency sends that registration to review, and the simulation counts it as `incumbent`."""
    RoePolicy.objects.filter(pk=current_policy().pk).update(incumbency_days=0)
    won = deals.register_deal(user=partner_user, **registration_kwargs())
    won = deals.approve_deal(deal=won, actor=channel_manager)
    deals.mark_won(deal=won, actor=partner_user, amount=Decimal("1000.00"), close_date=timezone.localdate())
    later = deals.register_deal(user=other_partner_user, **registration_kwargs())
    assert (later.status, later.reason) == ("submitted", "")

    draft = services.create_draft(actor=program_admin)
    assert draft.incumbency_days == 0
    draft = services.update_draft(policy=draft, actor=program_admin, data={"incumbency_days": 365})
    result = run(draft, program_admin, django_capture_on_commit_callbacks)

    assert result.status == SimulationStatus.DONE
    change = result.changes.get()
    assert (change.deal_id, change.actual_outcome, change.simulated_outcome) == (
        later.pk,
        "submitted",
        "pending_review:incumbent",
    )
    assert "existing customer of another partner" in change.why
    assert result.summary["outcomes"]["pending_review:incumbent"] == 1
    assert result.partners_affected == 1
    # Switching the rule off again changes nothing of what happened under version 1.
    off = services.create_draft(actor=program_admin)
    assert run(off, program_admin, django_capture_on_commit_callbacks).changed == 0


def test_incumbency_days_are_a_validated_rule_of_the_version(program_admin):
    policy = services.create_draft(actor=program_admin)
    assert policy.rules()["incumbency_days"] == 365
    with pytest.raises(ValidationError) as error:
        services.update_draft(policy=policy, actor=program_admin, data={"incumbency_days": "-1"})
    assert set(error.value.message_dict) == {"incumbency_days"}
    fingerprint = policy.fingerprint()
    policy = services.update_draft(policy=policy, actor=program_admin, data={"incumbency_days": 180})
    assert policy.incumbency_days == 180 and policy.fingerprint() != fingerprint
