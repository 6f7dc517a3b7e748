"""Demo data of deal registration, called by `seed_demo`: imported direct accounts and deals in every
state across the demo partners. Idempotent (partners that already have deals are left alone); the first
partners go through the services (audit timelines, events), the rest are bulk-created for --partners 5000."""

import random
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from faker.providers.person.en_US import Provider as _People

from accounts.models import PARTNER_ROLES, Role, User
from deals import matching, services
from deals.models import Account, AccountKey, AccountKind, DealRegistration, DealSource, DealStatus
from demo.deals.history import seed_history
from partners.models import Partner, PartnerStatus
from policy.selectors import current_policy

FULL_PARTNERS = 30  # partners whose deals go through every service (timelines, notifications)
TRADES = "Logistics Foods Analytics Health Energy Retail Capital Media Robotics Pharma Telecom Insurance".split()
SUFFIXES = ["Inc", "LLC", "Ltd", "GmbH", "S.A.", "B.V.", "Corp", "PLC"]
SURNAMES = list(_People.last_names)  # Faker's 1,000 US surnames, in a fixed order
# Before the names were real, each name drew a coined word (4 of 26 syllables) and one of 30 words from the demo's
# generator; the same draws are kept so that amounts, dates and states of the rest of the demo stay what they were.
_DRAWS_BEFORE = (26, 26, 26, 26, 30)


def _company(rng, index):
    """A real-looking customer, `Hartley & Osei Logistics Inc` at `hartley-osei.com`. The two founders'
    surnames follow from the index (a different pair for every index below a million), so names and domains
    stay unique and demo customers stay apart for fuzzy matching."""
    size = len(SURNAMES)
    first = index % size
    second = (index // size * 7 + first * 13 + 1) % size
    if second == first:
        second = (second + size // 2) % size
    for choices in _DRAWS_BEFORE:
        rng.randrange(choices)
    a, b = SURNAMES[first], SURNAMES[second]
    return f"{a} & {b} {rng.choice(TRADES)} {rng.choice(SUFFIXES)}", f"{a.lower()}-{b.lower()}.com"


def _direct_accounts(rng, owner, count):
    if Account.objects.filter(kind__in=[AccountKind.DIRECT_CUSTOMER, AccountKind.DIRECT_OPPORTUNITY]).exists():
        return 0
    accounts = []
    for i in range(count):
        name, domain = _company(rng, 10_000 + i)
        kind = AccountKind.DIRECT_CUSTOMER if i % 3 else AccountKind.DIRECT_OPPORTUNITY
        accounts.append(
            Account(
                name=name,
                normalised_name=matching.normalise_company_name(name).value,
                domain=domain,
                country=rng.choice(["US", "GB", "DE", "FR"]),
                kind=kind,
                direct_owner=owner,
            )
        )
    Account.objects.bulk_create(accounts, batch_size=2000)
    _bulk_keys(Account.objects.filter(kind__in=[AccountKind.DIRECT_CUSTOMER, AccountKind.DIRECT_OPPORTUNITY]))
    return count


def _bulk_keys(accounts):
    keys = [
        AccountKey(account_id=a.pk, key=k)
        for a in accounts
        for k in matching.blocking_keys(normalised_name=a.normalised_name, domain=a.domain, country=a.country)
    ]
    AccountKey.objects.bulk_create(keys, batch_size=5000, ignore_conflicts=True)


def _data(rng, name, domain, country, amount):
    return {
        "customer_name": name,
        "customer_domain": domain,
        "customer_country": country,
        "contact_name": "Pat Buyer",
        "contact_email": f"pat@{domain}" if domain else "",
        "product": rng.choice(["Platform", "Analytics add-on", "Enterprise support"]),
        "amount": Decimal(amount),
        "currency": "USD",
        "expected_close_date": timezone.localdate() + timedelta(days=rng.randint(20, 150)),
        "deal_type": rng.choice(["new_business", "expansion", "renewal"]),
    }


def _full_partner(rng, partner, user, manager, direct, index):
    """One partner's deals through the services: every state, with audit rows and events."""
    today = timezone.localdate()
    made = []
    waits = random.Random(index)  # noqa: S311 - demo data; apart from `rng`, so the names stay as they were
    for j, target in enumerate(["submitted", "approved", "won", "lost", "expired", "extension", "approved"]):
        name, domain = _company(rng, index * 100 + j)
        deal = services.register_deal(
            user=user, **_data(rng, name, domain, partner.country.code, rng.randint(5, 250) * 1000)
        )
        made.append(deal)
        if target == "submitted" or deal.status != DealStatus.SUBMITTED:
            continue
        deal = services.approve_deal(deal=deal, actor=manager)
        # Registered a few hours to a week before the manager decided: decision times with a real median.
        registered = deal.decided_at - timedelta(hours=waits.randint(3, 160))
        DealRegistration.objects.filter(pk=deal.pk).update(submitted_at=registered, created_at=registered)
        deal.submitted_at = deal.created_at = registered
        if target == "won":
            # A close date lies between the registration and today (docs/commissions-rules.md): the demo's
            # history registered this deal a few weeks before it closed.
            close_date = today - timedelta(days=rng.randint(0, 200))
            registered = timezone.now() - timedelta(days=(today - close_date).days + rng.randint(7, 45))
            DealRegistration.objects.filter(pk=deal.pk).update(submitted_at=registered, created_at=registered)
            deal.submitted_at = deal.created_at = registered
            services.mark_won(deal=deal, actor=user, amount=deal.amount, close_date=close_date)
        elif target == "lost":
            services.mark_lost(deal=deal, actor=user, reason="Customer chose to build it in-house.")
        elif target == "expired":
            DealRegistration.objects.filter(pk=deal.pk).update(protected_until=today - timedelta(days=1))
            services.expire_deal(deal_id=deal.pk)
        elif target == "extension":
            services.request_extension(deal=deal, actor=user)
    # A direct account: goes to review. A duplicate of its own first deal.
    account = direct[index % len(direct)]
    made.append(services.register_deal(user=user, **_data(rng, account.name, account.domain, account.country, 40000)))
    first = made[0]
    made.append(
        services.register_deal(
            user=user, **_data(rng, first.customer_name, first.customer_domain, first.customer_country, 1000)
        )
    )
    return made


def seed(*, seed: int, partners: int, stdout) -> None:
    rng = random.Random(seed + 5)  # noqa: S311 - reproducible demo data
    manager = User.objects.filter(role=Role.CHANNEL_MANAGER, is_active=True).order_by("pk").first()
    if manager is None:
        stdout.write("  deals: no channel manager, skipped")
        return
    owner = User.objects.filter(role=Role.PROGRAM_ADMIN, is_active=True).order_by("pk").first() or manager
    created_direct = _direct_accounts(rng, owner, max(30, min(2000, partners // 3)))
    direct = list(
        Account.objects.filter(kind__in=[AccountKind.DIRECT_CUSTOMER, AccountKind.DIRECT_OPPORTUNITY]).order_by("pk")[
            :200
        ]
    )
    with_deals = set(DealRegistration.objects.values_list("partner_id", flat=True).distinct())
    # Suspended and terminated partners make no new registrations (docs/partner-status.md).
    todo = list(
        Partner.objects.exclude(pk__in=with_deals)
        .filter(status__in=[PartnerStatus.ACTIVE, PartnerStatus.ONBOARDING])
        .select_related("tier", "channel_manager")
        .order_by("pk")
    )
    users = {}
    for user in User.objects.filter(
        role__in=list(PARTNER_ROLES), is_active=True, partner_id__in=[p.pk for p in todo]
    ).order_by("pk"):
        users.setdefault(user.partner_id, user)
    full = [p for p in todo if p.pk in users][:FULL_PARTNERS]
    for index, partner in enumerate(full):
        with transaction.atomic():
            _full_partner(rng, partner, users[partner.pk], partner.channel_manager or manager, direct, index)
    # Conflicts: the next partner tries the first partner's approved customer (told only a date).
    if len(full) >= 2:
        held = DealRegistration.objects.filter(partner=full[0], status=DealStatus.APPROVED).first()
        if held:
            services.register_deal(
                user=users[full[1].pk],
                **_data(rng, held.customer_name.upper(), "", held.customer_country, 20000),
            )
    if len(full) >= 1:
        lead_data = {
            "customer_name": "Massive Dynamic Labs",
            "customer_domain": "massivedynamic.example",
            "customer_country": "US",
            "amount": Decimal("60000.00"),
        }
        services.create_lead(actor=full[0].channel_manager or manager, partner=full[0], **lead_data)
    bulk = [p for p in todo if p not in full]
    _bulk_partners(rng, bulk, users)
    stdout.write(
        f"  deals: {created_direct} direct accounts, deals for {len(full)} partners via services "
        f"and {len(bulk)} in bulk"
    )
    seed_history(seed=seed, stdout=stdout)


def _bulk_partners(rng, partners, users):
    """Approved and won deals for many partners at once (no per-deal timeline), decided under the version of
    the rules of engagement in force, with its protection days."""
    today = timezone.localdate()
    version = current_policy()
    for start in range(0, len(partners), 1000):
        chunk = partners[start : start + 1000]
        accounts, specs = [], []
        for partner in chunk:
            for _ in range(rng.randint(1, 3)):
                name, domain = _company(rng, rng.randint(100_000, 9_999_999))
                accounts.append(
                    Account(
                        name=name,
                        normalised_name=matching.normalise_company_name(name).value,
                        domain=domain,
                        country=partner.country.code,
                    )
                )
                specs.append(partner)
        with transaction.atomic():
            created = Account.objects.bulk_create(accounts, batch_size=2000)
            _bulk_keys(created)
            deals = []
            for account, partner in zip(created, specs, strict=True):
                won = rng.random() < 0.4
                closed_days_ago = rng.randint(0, 300) if won else 0
                deals.append(
                    DealRegistration(
                        partner=partner,
                        source=DealSource.PARTNER,
                        account=account,
                        registered_by=users.get(partner.pk),
                        customer_name=account.name,
                        customer_domain=account.domain,
                        customer_country=account.country,
                        amount=Decimal(rng.randint(5, 300) * 1000),
                        currency="USD",
                        status=DealStatus.WON if won else DealStatus.APPROVED,
                        close_date=today - timedelta(days=closed_days_ago) if won else None,
                        # Registered before it closed (docs/commissions-rules.md).
                        submitted_at=timezone.now() - timedelta(days=closed_days_ago + rng.randint(1, 60)),
                        decided_at=timezone.now() - timedelta(days=rng.randint(0, 30)),
                        protected_until=today
                        + timedelta(days=rng.randint(1, version.protection_days_for(partner.tier_id))),
                        policy_version=version,
                    )
                )
            DealRegistration.objects.bulk_create(deals, batch_size=2000)
