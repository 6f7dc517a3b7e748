"""The generated demo partners: about N partners with their people and tier history, written with bulk inserts
in batches so `--partners 5000` takes seconds. Generated partners are recognised by an `external_crm_id`
starting with "DEMO-", and a rerun adds only the missing ones up to N."""

import random
import secrets
import unicodedata
from datetime import date, datetime, timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.management.base import CommandError
from django.utils import timezone
from django_countries import countries
from faker import Faker

from accounts.models import PartnerFunction, Role, User
from demo.partners.fixed import FIXED_PARTNERS, at
from demo.partners.vocabulary import (
    BUILT_IN_ADDRESSES,
    COUNTRIES,
    COUNTRY_WEIGHTS,
    DESCRIPTIONS,
    EMPLOYEES,
    JOB_TITLES,
    NAME_PREFIXES,
    NAME_ROOTS,
    PROMOTION_REASONS,
    REGION_WEIGHTS,
    ROMANISED,
    TIER_WEIGHTS,
    TYPE_SUFFIXES,
    TYPE_WEIGHTS,
    USER_FUNCTIONS,
)
from partners.models import Partner, PartnerStatus, Tier, TierChange, Vertical

DEMO_PREFIX = "DEMO-"
BATCH_SIZE = 1000
NAME_POOL = 250  # first and last names drawn per locale


def weighted(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def ascii_fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def alnum(text: str) -> str:
    return "".join(ch for ch in ascii_fold(text).lower() if ch.isalnum())


class DemoGenerator:
    """Builds the generated partners, their people and tier history with bulk inserts."""

    def __init__(self, *, seed: int, tiers: list[Tier], managers: list[User]):
        self.seed = seed
        self.rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not secrets
        self.tiers = tiers
        self.managers = managers
        self.today = timezone.localdate()
        self._fakers: dict[str, Faker] = {}
        self._names: dict[str, tuple[list[str], list[str]]] = {}

    def faker(self, locale: str) -> Faker:
        if locale not in self._fakers:
            fake = Faker(locale)
            fake.seed_instance(f"{self.seed}-{locale}")
            self._fakers[locale] = fake
        return self._fakers[locale]

    # -- people and places ----------------------------------------------------------------------------

    def person(self, country: str) -> tuple[str, str]:
        pool = self.rng.choice(COUNTRIES[country][0].split("|"))
        if pool in ROMANISED:
            firsts, lasts = ROMANISED[pool]
            return self.rng.choice(firsts), self.rng.choice(lasts)
        firsts, lasts = self.name_pool(pool)
        return self.rng.choice(firsts), self.rng.choice(lasts)

    def name_pool(self, locale: str) -> tuple[list[str], list[str]]:
        """Names drawn once per locale (Faker's weighted draws are slow); people are picked from them."""
        if locale not in self._names:
            if locale == "ja":
                fake = self.faker("ja_JP")
                first, last = fake.first_romanized_name, fake.last_romanized_name
            else:
                fake = self.faker(locale)
                first, last = fake.first_name, fake.last_name
            self._names[locale] = (
                sorted({first() for _ in range(NAME_POOL)}),
                sorted({last() for _ in range(NAME_POOL)}),
            )
        return self._names[locale]

    def address(self, country: str) -> str:
        locale = COUNTRIES[country][1]
        if locale is None:
            template = self.rng.choice(BUILT_IN_ADDRESSES[country])
            return template.format(
                n=self.rng.randint(101, 2999),
                b=self.rng.randint(10, 99),
                f=self.rng.randint(2, 40),
                u=self.rng.randint(1, 30),
                p=self.rng.randint(100, 999),
            )
        return self.faker(locale).address()

    def phone(self, country: str) -> str:
        """The country's pattern with digits for '#' (0-9) and 'N' (2-9)."""
        digits = {"#": (0, 9), "N": (2, 9)}
        return "".join(str(self.rng.randint(*digits[ch])) if ch in digits else ch for ch in COUNTRIES[country][4])

    # -- one partner ----------------------------------------------------------------------------------

    def company_name(self, partner_type: str, country: str, taken: set[str]) -> tuple[str, str, str]:
        """(name, base, suffix) not yet in `taken` (lower-case names)."""
        for attempt in range(50):
            roll = self.rng.random()
            if roll < 0.35:
                base = self.person(country)[1]
            elif roll < 0.5:
                first, second = self.person(country)[1], self.person(country)[1]
                if first == second:
                    continue
                base = f"{first}{self.rng.choice([' & ', '-'])}{second}"
            elif roll < 0.8:
                base = self.rng.choice(NAME_PREFIXES) + self.rng.choice(NAME_ROOTS)
            else:
                base = f"{self.rng.choice(NAME_PREFIXES)} {self.rng.choice(NAME_PREFIXES)}"
                if len(set(base.split())) < 2:
                    continue
            suffix = self.rng.choice(TYPE_SUFFIXES[partner_type])
            name = f"{base} {suffix}" if attempt < 40 else f"{base} {suffix} {countries.name(country)}"
            if name.lower() not in taken:
                taken.add(name.lower())
                return name, base, suffix
        raise CommandError("Could not find a free company name; try another --seed.")

    def domain(self, base: str, suffix: str, country: str, taken: set[str]) -> str:
        tld = COUNTRIES[country][2]
        stem = alnum(base) + alnum(suffix.split()[0])
        for extra in ["", "group", "hq", "global", "online", country.lower()]:
            candidate = f"{stem}{extra}.{tld}"
            if candidate not in taken:
                taken.add(candidate)
                return candidate
        number = 2
        while f"{stem}{number}.{tld}" in taken:
            number += 1
        taken.add(f"{stem}{number}.{tld}")
        return f"{stem}{number}.{tld}"

    def email(self, first: str, last: str, domain: str, taken: set[str]) -> str:
        local = ".".join(part for part in (alnum(first), alnum(last)) if part) or "contact"
        candidate, number = f"{local}@{domain}", 2
        while candidate in taken:
            candidate, number = f"{local}{number}@{domain}", number + 1
        taken.add(candidate)
        return candidate

    def employee_count(self, partner_type: str, rank: int) -> int:
        low, high = EMPLOYEES[partner_type]
        value = round(low * (high / low) ** (self.rng.random() ** (1 / (1 + 0.7 * rank))))  # higher tiers: bigger
        if value >= 1000:
            return round(value, -2)
        if value >= 100:
            return round(value, -1)
        return value

    def partner_spec(self, index: int, taken_names, taken_domains) -> dict:
        rng = self.rng
        types, regions = list(TYPE_WEIGHTS), list(REGION_WEIGHTS)
        # The first generated partners cover every type and region; the rest follow the weights.
        partner_type = types[index] if index < len(types) else weighted(rng, TYPE_WEIGHTS)
        region = regions[index % len(regions)] if index < len(types) else weighted(rng, REGION_WEIGHTS)
        country = weighted(rng, COUNTRY_WEIGHTS[region])
        rank = rng.choices(range(len(TIER_WEIGHTS)), weights=TIER_WEIGHTS)[0]
        if rank == 0:
            status = rng.choices(
                [PartnerStatus.ONBOARDING, PartnerStatus.ACTIVE, PartnerStatus.SUSPENDED], weights=[35, 58, 7]
            )[0]
        else:
            status = rng.choices([PartnerStatus.ACTIVE, PartnerStatus.SUSPENDED], weights=[93, 7])[0]
        if status == PartnerStatus.ONBOARDING:
            joined = self.today - timedelta(days=rng.randint(3, 120))
            progress = rng.randint(1, 8) * 10
        else:
            joined = self.today - timedelta(days=rng.randint(min(60 + 150 * rank, 3 * 365 - 1), 3 * 365))
            progress = 100
        name, base, suffix = self.company_name(partner_type, country, taken_names)
        domain = self.domain(base, suffix, country, taken_domains)
        verticals = rng.sample(Vertical.values, k=rng.choice([1, 1, 2, 2, 2, 3]))
        labels = dict(Vertical.choices)
        vertical_text = " and ".join(labels[v].lower() for v in verticals[:2])
        return {
            "index": index,
            "name": name,
            "legal_name": f"{name} {rng.choice(COUNTRIES[country][3])}",
            "website_domain": domain,
            "partner_type": partner_type,
            "rank": rank,
            "status": status,
            "country": country,
            "region": region,
            "verticals": verticals,
            "description": DESCRIPTIONS[partner_type].format(verticals=vertical_text, country=countries.name(country)),
            "phone": self.phone(country),
            "address": self.address(country),
            "employee_count": self.employee_count(partner_type, rank),
            "onboarding_progress": progress,
            "joined_at": joined,
            "manager": rng.choice(self.managers),
        }

    def promotion_days(self, joined: date, steps: int) -> list[date]:
        """`steps` sorted, distinct dates between 45 days after joining and a week ago."""
        first = joined + timedelta(days=45)
        last = self.today - timedelta(days=7)
        span = max((last - first).days, steps)
        offsets = sorted(self.rng.sample(range(span + 1), steps))
        return [min(first + timedelta(days=offset), self.today) for offset in offsets]

    # -- the bulk -------------------------------------------------------------------------------------

    def run(self, *, target: int) -> dict:
        """Create generated partners until there are `target` of them. Returns what was created."""
        existing = [
            crm_id[len(DEMO_PREFIX) :]
            for crm_id in Partner.objects.filter(external_crm_id__startswith=DEMO_PREFIX)
            .exclude(external_crm_id__in=FIXED_PARTNERS)
            .values_list("external_crm_id", flat=True)
        ]
        numbers = [int(suffix) for suffix in existing if suffix.isdigit()]
        missing = target - len(existing)
        created = {"partners": 0, "users": 0, "tier_changes": 0}
        if missing <= 0:
            return created
        if numbers:  # a later run with a larger N continues the sequence, not the first run's choices
            self.rng = random.Random(f"{self.seed}-{max(numbers)}")  # noqa: S311
        start = max(numbers, default=0)
        taken_names = {name.lower() for name in Partner.objects.values_list("name", flat=True)}
        taken_domains = set(Partner.objects.exclude(website_domain="").values_list("website_domain", flat=True))
        taken_emails = {email.lower() for email in User.objects.values_list("email", flat=True)}
        taken_emails |= {email.lower() for email in EmailAddress.objects.values_list("email", flat=True)}

        for chunk_start in range(start, start + missing, BATCH_SIZE):
            chunk_end = min(chunk_start + BATCH_SIZE, start + missing)
            specs = [self.partner_spec(i, taken_names, taken_domains) for i in range(chunk_start, chunk_end)]
            self._write_batch(specs, taken_emails, created)
        return created

    def _write_batch(self, specs: list[dict], taken_emails: set[str], created: dict) -> None:
        rng = self.rng
        partners = [
            Partner(
                name=spec["name"],
                legal_name=spec["legal_name"],
                website_domain=spec["website_domain"],
                partner_type=spec["partner_type"],
                tier=self.tiers[spec["rank"]],
                status=spec["status"],
                country=spec["country"],
                region=spec["region"],
                verticals=spec["verticals"],
                channel_manager=spec["manager"],
                external_crm_id=f"{DEMO_PREFIX}{spec['index'] + 1:05d}",
                description=spec["description"],
                phone=spec["phone"],
                address=spec["address"],
                employee_count=spec["employee_count"],
                onboarding_progress=spec["onboarding_progress"],
                joined_at=spec["joined_at"],
            )
            for spec in specs
        ]
        Partner.objects.bulk_create(partners, batch_size=BATCH_SIZE)
        for partner, spec in zip(partners, specs, strict=True):
            partner.created_at = at(spec["joined_at"], rng)
        Partner.objects.bulk_update(partners, ["created_at"], batch_size=BATCH_SIZE)

        users, changes, now = [], [], timezone.now()
        for partner, spec in zip(partners, specs, strict=True):
            team = [("admin", rng.choice([PartnerFunction.EXECUTIVE, PartnerFunction.SALES]))]
            team += [("user", rng.choice(USER_FUNCTIONS)) for _ in range(rng.randint(0, 3))]
            for kind, function in team:
                first, last = self.person(spec["country"])
                user = User(
                    email=self.email(first, last, spec["website_domain"], taken_emails),
                    first_name=first[:150],
                    last_name=last[:150],
                    role=Role.PARTNER_ADMIN if kind == "admin" else Role.PARTNER_USER,
                    partner=partner,
                    partner_function=function,
                    job_title=rng.choice(JOB_TITLES["admin" if kind == "admin" else function]),
                    phone=self.phone(spec["country"]),
                    date_joined=min(at(spec["joined_at"] + timedelta(days=rng.randint(0, 60)), rng), now),
                )
                user.password = UNUSABLE_PASSWORD_PREFIX + secrets.token_hex(20)  # set_unusable_password, faster
                users.append(user)
            changes.extend(self._history(partner, spec))
        User.objects.bulk_create(users, batch_size=BATCH_SIZE)
        EmailAddress.objects.bulk_create(
            [EmailAddress(user=user, email=user.email, verified=True, primary=True) for user in users],
            batch_size=BATCH_SIZE,
        )
        rows = [change for change, _ in changes]
        TierChange.objects.bulk_create(rows, batch_size=BATCH_SIZE)
        for change, when in changes:  # created_at is auto_now_add: bulk_create ignored the date we want
            change.created_at = when
        TierChange.objects.bulk_update(rows, ["created_at"], batch_size=BATCH_SIZE)
        created["partners"] += len(partners)
        created["users"] += len(users)
        created["tier_changes"] += len(rows)

    def _history(self, partner: Partner, spec: dict) -> list[tuple[TierChange, datetime]]:
        rng = self.rng
        manager = spec["manager"]
        joined = spec["joined_at"]
        rows = [
            (
                TierChange(
                    partner=partner,
                    from_tier=None,
                    to_tier=self.tiers[0],
                    kind=TierChange.Kind.ASSIGNMENT,
                    reason="Joined the program",
                    changed_by=manager,
                ),
                at(joined, rng),
            )
        ]
        for step, day in enumerate(self.promotion_days(joined, spec["rank"]), start=1):
            reason = rng.choice(PROMOTION_REASONS[step])
            by_review = reason.startswith("Quarterly tier review")
            rows.append(
                (
                    TierChange(
                        partner=partner,
                        from_tier=self.tiers[step - 1],
                        to_tier=self.tiers[step],
                        kind=TierChange.Kind.PROMOTION,
                        reason=reason,
                        changed_by=None if by_review else manager,
                    ),
                    at(day, rng),
                )
            )
        return rows
