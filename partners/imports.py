"""Importing partners from a CRM export (CSV): the row form, the upsert service and the import spec.

Upsert rule (documented on the import page): a row updates the partner with the same external CRM id;
a row without a CRM id match updates the partner with the same website domain (if that partner has no
other CRM id); otherwise it creates a partner. Every write goes through partners.services
(create_partner, update_partner_profile, assign_channel_manager, change_partner_tier,
change_partner_status), so tier history, audit rows and events are the same as for a person's edits.
"""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from django_countries import countries

from accounts import access
from accounts.models import Role, User
from partners import services
from partners.models import Partner, PartnerStatus, PartnerType, Region, Tier, Vertical
from partners.recruiting import normalise_domain, region_for_country
from prm import inputs
from prm.imports import CREATED, SKIPPED, UPDATED, Column, ImportRowForm, ImportSpec, register_import

IMPORT_REASON = "Imported from the CRM (CSV import)"

TYPE_ALIASES = {"var": PartnerType.RESELLER, "si": PartnerType.SYSTEMS_INTEGRATOR, "technology": PartnerType.ISV}


def lazy_format(message: str, **values):
    """`message` (marked with gettext_noop) translated when shown, with %(name)s placeholders filled in."""
    return lazy(lambda: _(message) % values, str)()


def choice_lookup(choices, extra: dict | None = None) -> dict[str, str]:
    """Value and label, case-insensitively: 'Reseller (VAR)', 'reseller' and 'RESELLER' all work."""
    lookup = {}
    for value, label in choices:
        lookup[str(value).lower()] = value
        lookup[str(label).lower()] = value
        lookup[str(value).replace("_", " ").lower()] = value
    lookup.update(extra or {})
    return lookup


def country_code(value: str) -> str | None:
    value = value.strip()
    if len(value) == 2 and value.upper() in dict(countries):
        return value.upper()
    return countries.by_name(value) or None


def country_cell(value: str) -> str:
    """The ISO code of a country cell (a code or an English name), or the row's error."""
    code = country_code(value)
    if code is None:
        raise ValidationError(
            _("Unknown country %(value)r. Use a two-letter ISO code such as DE or US.") % {"value": value}
        )
    return code


class PartnerRowForm(ImportRowForm):
    name = forms.CharField(max_length=200)
    website_domain = forms.CharField(max_length=253, required=False)
    partner_type = forms.CharField(required=False)
    tier = forms.CharField(required=False)
    country = forms.CharField(required=False)
    region = forms.CharField(required=False)
    channel_manager_email = forms.CharField(required=False)
    external_crm_id = forms.CharField(max_length=64, required=False)
    verticals = forms.CharField(required=False)
    status = forms.CharField(required=False)
    joined_date = inputs.DateField(
        required=False,
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": gettext_lazy("Write the date as YYYY-MM-DD, e.g. 2024-03-31.")},
    )

    def clean_website_domain(self):
        value = self.cleaned_data["website_domain"]
        domain = normalise_domain(value)
        if value and ("." not in domain or " " in domain):
            raise ValidationError(_("%(value)r is not a website domain (e.g. example.com).") % {"value": value})
        return domain

    def clean_partner_type(self):
        value = self.cleaned_data["partner_type"]
        if not value:
            return ""
        found = choice_lookup(PartnerType.choices, TYPE_ALIASES).get(value.lower())
        if found is None:
            raise ValidationError(
                _("Unknown partner type %(value)r. Use one of: %(values)s.")
                % {"value": value, "values": ", ".join(PartnerType.values)}
            )
        return found

    def clean_tier(self):
        value = self.cleaned_data["tier"]
        if not value:
            return None
        tiers = self.context["tiers"]
        if value.lower() not in tiers:
            names = ", ".join(t.name for t in sorted(tiers.values(), key=lambda t: t.rank))
            raise ValidationError(
                _("Unknown tier %(value)r. Use one of: %(values)s.") % {"value": value, "values": names}
            )
        return tiers[value.lower()]

    def clean_country(self):
        value = self.cleaned_data["country"]
        return country_cell(value) if value else ""

    def clean_region(self):
        value = self.cleaned_data["region"]
        if not value:
            return ""
        found = choice_lookup(Region.choices).get(value.lower())
        if found is None:
            raise ValidationError(
                _("Unknown region %(value)r. Use one of: %(values)s, or leave it blank.")
                % {"value": value, "values": ", ".join(Region.values)}
            )
        return found

    def clean_channel_manager_email(self):
        value = self.cleaned_data["channel_manager_email"].lower()
        if not value:
            return None
        manager = self.context["managers"].get(value)
        if manager is None:
            raise ValidationError(_("No active channel manager has the e-mail %(email)s.") % {"email": value})
        return manager

    def clean_verticals(self):
        lookup = choice_lookup(Vertical.choices)
        chosen, unknown = [], []
        for part in self.cleaned_data["verticals"].split(";"):
            part = part.strip()
            if not part:
                continue
            value = lookup.get(part.lower())
            if value is None:
                unknown.append(part)
            elif value not in chosen:
                chosen.append(value)
        if unknown:
            raise ValidationError(
                _("Unknown vertical(s): %(unknown)s. Separate with ';' and use: %(values)s.")
                % {"unknown": ", ".join(unknown), "values": ", ".join(Vertical.values)}
            )
        return chosen

    def clean_status(self):
        value = self.cleaned_data["status"]
        if not value:
            return ""
        found = choice_lookup(PartnerStatus.choices).get(value.lower())
        if found is None:
            raise ValidationError(
                _("Unknown status %(value)r. Use one of: %(values)s.")
                % {"value": value, "values": ", ".join(PartnerStatus.values)}
            )
        return found

    def clean_joined_date(self):
        value = self.cleaned_data["joined_date"]
        if value and value > timezone.localdate():
            raise ValidationError(_("The joined date cannot be in the future."))
        return value

    def clean(self):
        data = super().clean()
        if not data.get("external_crm_id") and not data.get("website_domain") and "website_domain" not in self.errors:
            raise ValidationError(
                _(
                    "Give an external CRM id or a website domain, so a re-import updates this partner instead of "
                    "adding it twice."
                )
            )
        return data


def find_partner(*, external_crm_id: str, website_domain: str) -> Partner | None:
    """The partner a row is about: same CRM id, else same website domain (only one without another CRM id)."""
    if external_crm_id:
        partner = Partner.objects.filter(external_crm_id=external_crm_id).order_by("pk").first()
        if partner is not None:
            return partner
    if website_domain:
        partner = Partner.objects.filter(website_domain=website_domain).order_by("pk").first()
        if partner is not None:
            if external_crm_id and partner.external_crm_id and partner.external_crm_id != external_crm_id:
                raise ValidationError(
                    {
                        "website_domain": _(
                            "%(partner)s already has this domain with CRM id %(crm_id)s; check the CRM id."
                        )
                        % {"partner": partner.name, "crm_id": partner.external_crm_id}
                    }
                )
            return partner
    return None


def _move_to_status(*, actor, partner: Partner, status: str) -> bool:
    """Walk the partner workflow to `status` (an onboarding partner becomes active before suspended)."""
    if not status or partner.status == status:
        return False
    if status == PartnerStatus.SUSPENDED and partner.status == PartnerStatus.ONBOARDING:
        partner = services.change_partner_status(
            actor=actor, partner=partner, status=PartnerStatus.ACTIVE, reason=IMPORT_REASON
        )
    services.change_partner_status(actor=actor, partner=partner, status=status, reason=IMPORT_REASON)
    return True


def import_partner(
    *,
    actor: User,
    name: str,
    website_domain: str = "",
    partner_type: str = "",
    tier: Tier | None = None,
    country: str = "",
    region: str = "",
    channel_manager: User | None = None,
    external_crm_id: str = "",
    verticals: list | None = None,
    status: str = "",
    joined_at: date | None = None,
) -> tuple[Partner, str]:
    """Create or update one partner from a CRM row; returns the partner and created / updated / skipped.

    Blank cells keep what an existing partner has. The joined date is set when the partner is created.
    """
    access.require(actor, "partners.import")
    with transaction.atomic():
        partner = find_partner(external_crm_id=external_crm_id, website_domain=website_domain)
        if partner is None:
            given = {"partner_type": partner_type, "country": country}
            missing = {field: _("Required for a new partner.") for field, value in given.items() if not value}
            if missing:
                raise ValidationError(missing)
            partner = services.create_partner(
                actor=actor,
                name=name,
                partner_type=partner_type,
                country=country,
                region=region or region_for_country(country),
                tier=tier,
                channel_manager=channel_manager,
                joined_at=joined_at,
                website_domain=website_domain,
                external_crm_id=external_crm_id,
                verticals=verticals or [],
            )
            _move_to_status(actor=actor, partner=partner, status=status)
            return partner, CREATED

        wanted = {
            "name": name,
            "website_domain": website_domain,
            "partner_type": partner_type,
            "country": country,
            "region": region or (region_for_country(country) if country and country != partner.country.code else ""),
            "external_crm_id": external_crm_id,
            "verticals": verticals,
        }
        current = {field: getattr(partner, field) for field in wanted}
        current["country"] = partner.country.code
        changes = {field: value for field, value in wanted.items() if value and value != current[field]}
        changed = bool(changes)
        if changes:
            partner = services.update_partner_profile(actor=actor, partner=partner, changes=changes)
        if channel_manager is not None and channel_manager.pk != partner.channel_manager_id:
            partner = services.assign_channel_manager(
                actor=actor, partner=partner, manager=channel_manager, reason=IMPORT_REASON
            )
            changed = True
        if tier is not None and tier.pk != partner.tier_id:
            partner = services.change_partner_tier(actor=actor, partner=partner, tier=tier, reason=IMPORT_REASON)
            changed = True
        if _move_to_status(actor=actor, partner=partner, status=status):
            changed = True
    return partner, UPDATED if changed else SKIPPED


class PartnerImportSpec(ImportSpec):
    def prepare(self, *, job):
        managers = User.objects.filter(role=Role.CHANNEL_MANAGER, is_active=True)
        return {
            "tiers": {tier.name.lower(): tier for tier in Tier.objects.all()},
            "managers": {user.email.lower(): user for user in managers},
            "seen": {},
        }

    def import_row(self, *, actor, data, context, row):
        # The same partner twice in one file is a mistake in the file, not an update (checked in dry runs too).
        identity = f"crm:{data['external_crm_id']}" if data["external_crm_id"] else f"web:{data['website_domain']}"
        if identity in context["seen"]:
            field = "external_crm_id" if data["external_crm_id"] else "website_domain"
            raise ValidationError(
                {field: _("The same partner is already on row %(row)s.") % {"row": context["seen"][identity]}}
            )
        partner, result = import_partner(
            actor=actor,
            name=data["name"],
            website_domain=data["website_domain"],
            partner_type=data["partner_type"],
            tier=data["tier"],
            country=data["country"],
            region=data["region"],
            channel_manager=data["channel_manager_email"],
            external_crm_id=data["external_crm_id"],
            verticals=data["verticals"],
            status=data["status"],
            joined_at=data["joined_date"],
        )
        context["seen"][identity] = row
        return result


PARTNER_IMPORT = register_import(
    PartnerImportSpec(
        kind="partners",
        title=gettext_lazy("Partners"),
        permission="partners.import",
        require=access.require,
        row_form=PartnerRowForm,
        columns=(
            Column(
                "name",
                gettext_lazy("Company name (required)."),
                ("company", "company_name", "partner", "partner_name"),
                True,
            ),
            Column(
                "website_domain",
                gettext_lazy("example.com; matched when no CRM id matches."),
                ("website", "domain", "url"),
            ),
            Column(
                "partner_type",
                lazy_format(
                    gettext_noop("One of %(values)s; required for new partners."), values=", ".join(PartnerType.values)
                ),
                ("type",),
            ),
            Column(
                "tier", gettext_lazy("A tier name, e.g. Gold; blank: entry tier for new partners."), ("partner_tier",)
            ),
            Column(
                "country", gettext_lazy("ISO code (DE) or English name; required for new partners."), ("country_code",)
            ),
            Column(
                "region",
                lazy_format(
                    gettext_noop("One of %(values)s; blank: derived from the country."), values=", ".join(Region.values)
                ),
            ),
            Column(
                "channel_manager_email",
                gettext_lazy("E-mail of an active channel manager."),
                ("channel_manager", "manager", "manager_email", "owner_email"),
            ),
            Column(
                "external_crm_id",
                gettext_lazy("The partner's id in your CRM; re-imports match on it."),
                ("crm_id", "external_id"),
            ),
            Column("verticals", gettext_lazy("Separated by ';', e.g. healthcare;retail."), ("vertical", "industries")),
            Column(
                "status",
                lazy_format(
                    gettext_noop("One of %(values)s; blank: onboarding."), values=", ".join(PartnerStatus.values)
                ),
                ("partner_status",),
            ),
            Column(
                "joined_date",
                gettext_lazy("YYYY-MM-DD; blank: today. Set on creation only."),
                ("joined", "joined_at", "partner_since"),
            ),
        ),
        sample_rows=[
            {
                "name": "Northwind Systems",
                "website_domain": "northwind.example",
                "partner_type": "reseller",
                "tier": "Silver",
                "country": "US",
                "channel_manager_email": "",
                "external_crm_id": "CRM-1001",
                "verticals": "healthcare;retail",
                "status": "active",
                "joined_date": "2023-04-01",
            },
            {
                "name": "Contoso Consulting GmbH",
                "website_domain": "contoso.example",
                "partner_type": "systems_integrator",
                "tier": "",
                "country": "DE",
                "external_crm_id": "CRM-1002",
                "verticals": "manufacturing",
                "status": "onboarding",
                "joined_date": "2024-11-15",
            },
        ],
    )
)
