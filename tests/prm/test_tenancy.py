"""Tenancy: every partner-owned model is scoped by visible_to(user), and a forgotten scope fails here."""

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from partners.models import Partner, TierChange
from prm.models import AuditEntry, DomainEvent
from prm.tenancy import TenantQuerySet, get_visible_or_404

PROJECT_APPS = ("prm", "accounts", "partners", "deals", "enablement", "mdf", "commissions", "analytics")

# Models that hang off a tenant-scoped model but are never read by partner-facing code. Each needs a reason.
NOT_PARTNER_FACING = {
    "prm.EventHandlerRun": "bookkeeping of the event dispatcher; no page or API lists it",
}


def project_models():
    return [model for model in apps.get_models() if model._meta.app_label in PROJECT_APPS]


def label(model) -> str:
    return f"{model._meta.app_label}.{model.__name__}"


def forward_relations(model):
    """Foreign keys and one-to-one fields declared on the model (not reverse relations)."""
    return [
        field
        for field in model._meta.get_fields()
        if field.is_relation and field.concrete and (field.many_to_one or field.one_to_one)
    ]


def points_at_partner(model) -> bool:
    return model is Partner or any(field.related_model is Partner for field in forward_relations(model))


def declares_its_scope(model) -> bool:
    """TENANT_PATH for TenantQuerySet, or a visible_to of its own (personal rows such as Notification)."""
    if getattr(model, "TENANT_PATH", None):
        return True
    queryset_class = type(model._default_manager.all())
    return any("visible_to" in vars(klass) for klass in queryset_class.__mro__ if klass is not TenantQuerySet)


def resolve_tenant_path(model, path):
    """Follow TENANT_PATH through the model's fields; return the model whose id it ends at."""
    if path == "pk":
        return model
    current = model
    parts = path.split("__")
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        name = part[:-3] if last and part.endswith("_id") else part
        if last and name in ("id", "pk"):
            return current
        field = current._meta.get_field(name)
        assert field.is_relation, f"{label(model)}.TENANT_PATH {path!r}: {part!r} is not a relation"
        current = field.related_model
    return current


TENANT_MODELS = [model for model in project_models() if points_at_partner(model)]


def test_the_walk_finds_the_known_partner_owned_models():
    found = {label(model) for model in TENANT_MODELS}
    assert {
        "partners.Partner",
        "partners.TierChange",
        "accounts.User",
        "accounts.Invitation",
        "prm.AuditEntry",
        "prm.DomainEvent",
    } <= found


@pytest.mark.parametrize("model", TENANT_MODELS, ids=label)
def test_every_model_pointing_at_a_partner_is_scoped_by_visible_to(model):
    assert hasattr(model._default_manager.all(), "visible_to"), (
        f"{label(model)} has a ForeignKey to Partner but its default manager has no visible_to(user): "
        "use prm.tenancy.TenantManager (or a TenantQuerySet subclass) and declare TENANT_PATH"
    )
    assert declares_its_scope(model), f"{label(model)} uses TenantQuerySet but declares no TENANT_PATH"


@pytest.mark.parametrize("model", [m for m in project_models() if getattr(m, "TENANT_PATH", None)], ids=label)
def test_every_tenant_path_leads_to_a_partner(model):
    assert resolve_tenant_path(model, model.TENANT_PATH) is Partner, (
        f"{label(model)}.TENANT_PATH = {model.TENANT_PATH!r} does not end at a Partner id"
    )


def test_models_that_hang_off_a_partner_owned_model_are_scoped_too():
    """A deal's notes or a fund's ledger reach their Partner through a path: they need a scope as well.

    References to people (created_by, changed_by) do not make a model partner-owned, so User is left out.
    """
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    scoped = {model for model in project_models() if getattr(model, "TENANT_PATH", None)} - {user_model}
    unscoped = []
    for model in project_models():
        if model in scoped or label(model) in NOT_PARTNER_FACING or points_at_partner(model):
            continue
        parents = [field.name for field in forward_relations(model) if field.related_model in scoped]
        if parents and not (hasattr(model._default_manager.all(), "visible_to") and declares_its_scope(model)):
            unscoped.append(f"{label(model)} (via {', '.join(parents)})")
    assert not unscoped, (
        "these models belong to a partner through a parent but have no visible_to/TENANT_PATH: " + "; ".join(unscoped)
    )


# --- behaviour ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_partner_user_sees_only_their_own_partner(partner, other_partner, partner_user):
    assert list(Partner.objects.visible_to(partner_user)) == [partner]


@pytest.mark.django_db
@pytest.mark.parametrize("role_fixture", ["channel_manager", "finance_user", "program_admin"])
def test_internal_users_see_every_partner(request, role_fixture, partner, other_partner):
    user = request.getfixturevalue(role_fixture)
    assert set(Partner.objects.visible_to(user)) == {partner, other_partner}


@pytest.mark.django_db
def test_inactive_user_sees_nothing(partner, partner_user, channel_manager):
    for user in (partner_user, channel_manager):
        user.is_active = False
        user.save(update_fields=["is_active"])
        assert not Partner.objects.visible_to(user).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("nobody", [AnonymousUser(), None], ids=["anonymous", "none"])
def test_anonymous_visitor_sees_nothing(partner, nobody):
    assert not Partner.objects.visible_to(nobody).exists()


@pytest.mark.django_db
def test_partner_user_sees_only_their_partners_rows_of_each_scoped_model(
    partner, other_partner, partner_user, other_partner_user, channel_manager
):
    from partners.services import change_partner_tier
    from tests.factories import tier

    change_partner_tier(actor=channel_manager, partner=partner, tier=tier("Platinum"), reason="Growth")
    change_partner_tier(actor=channel_manager, partner=other_partner, tier=tier("Gold"), reason="Growth")

    for model in (TierChange, AuditEntry, DomainEvent):
        mine = model.objects.visible_to(partner_user)
        assert mine.exists() and set(mine.values_list("partner_id", flat=True)) == {partner.pk}, model
        assert model.objects.visible_to(channel_manager).filter(partner=other_partner).exists()
    from accounts.models import User

    assert set(User.objects.visible_to(partner_user)) == {partner_user}


@pytest.mark.django_db
@pytest.mark.parametrize("model", TENANT_MODELS, ids=label)
def test_every_scoped_model_can_be_queried_by_a_partner_user(model, partner_user):
    """Runs each scope for real, so a TENANT_PATH that names a missing field fails here, not in production."""
    list(model._default_manager.visible_to(partner_user)[:1])


@pytest.mark.django_db
def test_get_visible_or_404_returns_the_users_own_object(partner, partner_user):
    assert get_visible_or_404(Partner, partner_user, pk=partner.pk) == partner
    assert get_visible_or_404(Partner.objects.select_related("tier"), partner_user, pk=str(partner.pk)) == partner


@pytest.mark.django_db
def test_get_visible_or_404_hides_another_partners_object(other_partner, partner_user):
    with pytest.raises(Http404):
        get_visible_or_404(Partner, partner_user, pk=other_partner.pk)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "garbage",
    ["abc", "1; DROP TABLE partners_partner", "", None, "1.5", [1], {"a": 1}, "99999999999999999999999999", -1],
)
def test_get_visible_or_404_answers_404_for_garbage_ids(partner, channel_manager, garbage):
    with pytest.raises(Http404):
        get_visible_or_404(Partner, channel_manager, pk=garbage)


@pytest.mark.django_db
def test_get_visible_or_404_answers_404_for_a_malformed_value_of_any_field(partner, channel_manager):
    with pytest.raises(Http404):
        get_visible_or_404(Partner, channel_manager, joined_at="not-a-date")


@pytest.mark.django_db
def test_get_visible_or_404_answers_404_for_anonymous_visitors(partner):
    with pytest.raises(Http404):
        get_visible_or_404(Partner, AnonymousUser(), pk=partner.pk)
