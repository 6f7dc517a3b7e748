"""`manage.py seed_demo`: a believable demo program for local development and sales demos.

Creates (or refreshes) fixed logins that all share one password, the partners Acme Cloud Partners and
Globex Integrators with real tier changes, audit rows and notifications, and about N generated partners
with their people and tier history. Refuses to run unless DEBUG is on, or `--allow-production-demo` says
the DEBUG-off stack is a demo (the Docker Compose demo, docs/hardening.md).

Idempotent: fixed users get their fields and password reset; generated partners are recognised by an
`external_crm_id` starting with "DEMO-", and only the missing ones up to N are added. Generated data is
written with bulk_create in batches, so `--partners 5000` takes seconds, not minutes.
"""

import random
import secrets
import time
import unicodedata
from datetime import date, datetime, timedelta
from datetime import time as dt_time
from importlib import import_module

from allauth.account.models import EmailAddress
from django.apps import apps
from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX, make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django_countries import countries
from faker import Faker

from accounts.models import PartnerFunction, Role, User
from partners.models import Partner, PartnerStatus, PartnerType, Region, Tier, TierChange, Vertical

DEFAULT_PASSWORD = "demo-pass-2026"  # noqa: S105 - the documented demo password, refused without DEBUG
DEMO_PREFIX = "DEMO-"
BATCH_SIZE = 1000
NAME_POOL = 250  # first and last names drawn per locale
LOGIN_URL = "http://127.0.0.1:8000"

# --- The fixed logins -------------------------------------------------------------------------------

INTERNAL_USERS = [
    # email, first, last, role, job title, staff+superuser
    ("admin@example.com", "Avery", "Adams", Role.PROGRAM_ADMIN, "Partner Program Director", True),
    ("manager@example.com", "Morgan", "Miles", Role.CHANNEL_MANAGER, "Channel Manager, Americas & DACH", False),
    ("manager2@example.com", "Dana", "Dorsey", Role.CHANNEL_MANAGER, "Channel Manager, EMEA & APAC", False),
    ("finance@example.com", "Frances", "Fischer", Role.FINANCE, "Partner Finance Lead", False),
    ("finance2@example.com", "Felix", "Ferreira", Role.FINANCE, "Commissions Analyst", False),
]

FIXED_PARTNERS = {
    "DEMO-ACME": {
        "name": "Acme Cloud Partners",
        "legal_name": "Acme Cloud Partners, Inc.",
        "website_domain": "acme.example",
        "partner_type": PartnerType.RESELLER,
        "country": "US",
        "region": Region.NORTH_AMERICA,
        "description": "Value-added reseller of Northwind licences, implementation and support for mid-market "
        "financial services and healthcare customers across the United States.",
        "phone": "+1 (415) 555-0142",
        "address": "500 Market Street, Suite 1200\nSan Francisco, CA 94105",
        "employee_count": 240,
        "verticals": [Vertical.FINANCIAL_SERVICES, Vertical.HEALTHCARE, Vertical.TECHNOLOGY],
        "joined_days_ago": 2 * 365 + 95,
        "manager": "manager@example.com",
    },
    "DEMO-GLOBEX": {
        "name": "Globex Integrators",
        "legal_name": "Globex Integrators GmbH",
        "website_domain": "globex.example",
        "partner_type": PartnerType.SYSTEMS_INTEGRATOR,
        "country": "DE",
        "region": Region.EMEA,
        "description": "Systems integrator delivering Northwind implementations and ERP integrations for "
        "manufacturers and utilities in Germany, Austria and Switzerland.",
        "phone": "+49 30 5557 1890",
        "address": "Friedrichstraße 68\n10117 Berlin",
        "employee_count": 85,
        "verticals": [Vertical.MANUFACTURING, Vertical.ENERGY],
        "joined_days_ago": 420,
        "manager": "manager@example.com",
    },
}

PARTNER_USERS = [
    # email, first, last, role, function, job title, partner crm id
    (
        "alice@acme.example",
        "Alice",
        "Andersen",
        Role.PARTNER_ADMIN,
        PartnerFunction.EXECUTIVE,
        "VP Alliances",
        "DEMO-ACME",
    ),
    (
        "bob@acme.example",
        "Bob",
        "Brooks",
        Role.PARTNER_USER,
        PartnerFunction.SALES,
        "Senior Account Executive",
        "DEMO-ACME",
    ),
    (
        "carol@globex.example",
        "Carol",
        "Castillo",
        Role.PARTNER_ADMIN,
        PartnerFunction.EXECUTIVE,
        "Head of Partnerships",
        "DEMO-GLOBEX",
    ),
]

# --- Vocabulary of the generated program ------------------------------------------------------------

TYPE_WEIGHTS = {
    PartnerType.REFERRAL: 15,
    PartnerType.RESELLER: 25,
    PartnerType.SYSTEMS_INTEGRATOR: 18,
    PartnerType.MSP: 15,
    PartnerType.ISV: 10,
    PartnerType.OEM: 4,
    PartnerType.CLOUD_MARKETPLACE: 3,
    PartnerType.AFFILIATE: 10,
}
REGION_WEIGHTS = {Region.NORTH_AMERICA: 35, Region.EMEA: 35, Region.APAC: 18, Region.LATIN_AMERICA: 12}
COUNTRY_WEIGHTS = {
    Region.NORTH_AMERICA: {"US": 80, "CA": 20},
    Region.LATIN_AMERICA: {"BR": 40, "MX": 30, "AR": 10, "CL": 10, "CO": 10},
    Region.EMEA: {"GB": 25, "DE": 22, "FR": 15, "NL": 10, "ES": 8, "IT": 8, "SE": 5, "ZA": 4, "AE": 3},
    Region.APAC: {"AU": 30, "JP": 20, "IN": 20, "SG": 15, "KR": 8, "NZ": 7},
}
TIER_WEIGHTS = [40, 30, 20, 10]  # Registered, Silver, Gold, Platinum (by rank)

TYPE_SUFFIXES = {
    PartnerType.REFERRAL: ["Advisors", "Partners", "Consulting", "Group", "Associates"],
    PartnerType.RESELLER: ["Technologies", "Systems", "IT Solutions", "Software", "Direct", "Computing"],
    PartnerType.SYSTEMS_INTEGRATOR: ["Integrators", "Consulting", "Solutions", "Engineering", "Digital"],
    PartnerType.MSP: ["Managed IT", "Managed Services", "IT Services", "Networks", "Cloud Services"],
    PartnerType.ISV: ["Labs", "Software", "Analytics", "AI", "Data"],
    PartnerType.OEM: ["Devices", "Embedded", "Electronics", "Systems", "Industries"],
    PartnerType.CLOUD_MARKETPLACE: ["Cloud", "Cloud Services", "Marketplace", "Cloud Solutions"],
    PartnerType.AFFILIATE: ["Media", "Reviews", "Insights", "Digital", "Network"],
}
NAME_PREFIXES = [
    "Blue",
    "North",
    "Summit",
    "Bright",
    "Clear",
    "Iron",
    "Silver",
    "Peak",
    "Vertex",
    "Nimbus",
    "Cobalt",
    "Harbor",
    "Cedar",
    "Atlas",
    "Orbit",
    "Pioneer",
    "Keystone",
    "Lumen",
    "Quantum",
    "Meridian",
    "Beacon",
    "Apex",
    "Granite",
    "Red",
    "True",
    "Swift",
    "Evergreen",
    "Polar",
    "Crystal",
    "Falcon",
    "Zenith",
    "Nova",
    "Aurora",
    "Redwood",
    "Oak",
    "Stellar",
    "Cascade",
    "Horizon",
    "Signal",
    "Copper",
]
NAME_ROOTS = [
    "stone",
    "bridge",
    "field",
    "line",
    "point",
    "wave",
    "path",
    "gate",
    "logic",
    "ware",
    "sphere",
    "works",
    "view",
    "core",
    "shift",
    "stream",
    "forge",
    "light",
    "scale",
    "wind",
]
DESCRIPTIONS = {
    PartnerType.REFERRAL: "Advisory firm that introduces Northwind Software to {verticals} organisations in {country}.",
    PartnerType.RESELLER: "Value-added reseller of Northwind licences and support for {verticals} customers "
    "in {country}.",
    PartnerType.SYSTEMS_INTEGRATOR: "Systems integrator delivering Northwind implementations and integrations for "
    "{verticals} clients in {country}.",
    PartnerType.MSP: "Managed service provider running Northwind as a managed service for {verticals} customers "
    "in {country}.",
    PartnerType.ISV: "Software vendor whose product integrates with the Northwind platform; strongest in {verticals}.",
    PartnerType.OEM: "Embeds Northwind technology in its own {verticals} products, sold under its brand from "
    "{country}.",
    PartnerType.CLOUD_MARKETPLACE: "Cloud marketplace and distributor offering Northwind subscriptions to "
    "{verticals} customers in {country}.",
    PartnerType.AFFILIATE: "Content and review site that refers {verticals} buyers to Northwind from {country}.",
}
EMPLOYEES = {  # (low, high), drawn log-uniformly
    PartnerType.REFERRAL: (2, 80),
    PartnerType.RESELLER: (10, 800),
    PartnerType.SYSTEMS_INTEGRATOR: (25, 5000),
    PartnerType.MSP: (10, 600),
    PartnerType.ISV: (15, 1500),
    PartnerType.OEM: (50, 20000),
    PartnerType.CLOUD_MARKETPLACE: (100, 25000),
    PartnerType.AFFILIATE: (2, 60),
}
JOB_TITLES = {
    "admin": [
        "Managing Director",
        "Head of Partnerships",
        "Alliance Director",
        "CEO",
        "Partner Manager",
        "VP Business Development",
        "Founder",
    ],
    PartnerFunction.SALES: ["Account Executive", "Sales Director", "Senior Account Manager", "Inside Sales Rep"],
    PartnerFunction.MARKETING: ["Marketing Manager", "Demand Generation Lead", "Field Marketing Manager"],
    PartnerFunction.TECHNICAL: ["Solutions Architect", "Pre-sales Engineer", "Senior Consultant", "Technical Lead"],
    PartnerFunction.EXECUTIVE: ["COO", "CTO", "Chief Revenue Officer"],
    PartnerFunction.OTHER: ["Operations Manager", "Office Manager", "Finance Manager"],
}
USER_FUNCTIONS = (
    [PartnerFunction.SALES] * 5
    + [PartnerFunction.TECHNICAL] * 3
    + [PartnerFunction.MARKETING] * 2
    + [PartnerFunction.EXECUTIVE, PartnerFunction.OTHER]
)
PROMOTION_REASONS = {
    1: [
        "Completed onboarding and met the Silver requirements at the quarterly review.",
        "Two sales and one technical certification earned; five registered deals.",
        "Passed $100k partner-sourced bookings.",
    ],
    2: [
        "Crossed $500k partner-sourced bookings and delivered a reference implementation.",
        "Quarterly tier review: all Gold requirements met.",
        "Four certified sellers and fifteen registered deals in the last twelve months.",
    ],
    3: [
        "Crossed $2M partner-sourced bookings with three reference implementations.",
        "Annual review: strategic partner, approved by the program committee.",
        "Quarterly tier review: all Platinum requirements met.",
    ],
}

# Country -> (people locale, address locale or None for a built-in address, TLD, legal forms, phone pattern)
COUNTRIES = {
    "US": ("en_US", "en_US", "com", ["Inc.", "LLC", "Corp."], "+1 (N##) N##-####"),
    "CA": ("en_CA", "en_CA", "ca", ["Inc.", "Ltd."], "+1 (N##) N##-####"),
    "BR": ("pt_BR", "pt_BR", "com.br", ["Ltda.", "S.A."], "+55 11 ####-####"),
    "MX": ("es_MX", "es_MX", "com.mx", ["S.A. de C.V."], "+52 55 #### ####"),
    "AR": ("es_AR", "es_AR", "com.ar", ["S.A.", "S.R.L."], "+54 11 ####-####"),
    "CL": ("es_CL", "es_CL", "cl", ["SpA", "Ltda."], "+56 2 #### ####"),
    "CO": ("es_CO", "es_CO", "co", ["S.A.S."], "+57 601 ### ####"),
    "GB": ("en_GB", "en_GB", "co.uk", ["Ltd", "Limited", "plc"], "+44 20 #### ####"),
    "DE": ("de_DE", "de_DE", "de", ["GmbH", "AG"], "+49 N# #######"),
    "FR": ("fr_FR", "fr_FR", "fr", ["SAS", "SARL"], "+33 1 ## ## ## ##"),
    "NL": ("nl_NL", "nl_NL", "nl", ["B.V."], "+31 20 ### ####"),
    "ES": ("es_ES", "es_ES", "es", ["S.L.", "S.A."], "+34 91 ### ## ##"),
    "IT": ("it_IT", "it_IT", "it", ["S.r.l.", "S.p.A."], "+39 02 #### ####"),
    "SE": ("sv_SE", "sv_SE", "se", ["AB"], "+46 8 ### ### ##"),
    "ZA": ("zu_ZA|en_GB", "zu_ZA", "co.za", ["(Pty) Ltd"], "+27 21 ### ####"),
    "AE": ("ar|en_IN|en_GB", None, "ae", ["FZ-LLC", "LLC"], "+971 4 ### ####"),
    "AU": ("en_AU", "en_AU", "com.au", ["Pty Ltd"], "+61 2 #### ####"),
    "JP": ("ja", "ja_JP", "co.jp", ["K.K."], "+81 3-####-####"),
    "IN": ("en_IN", "en_IN", "in", ["Pvt. Ltd."], "+91 22 #### ####"),
    "SG": ("sg", None, "com.sg", ["Pte. Ltd."], "+65 6### ####"),
    "KR": ("kr", "ko_KR", "co.kr", ["Co., Ltd."], "+82 2-####-####"),
    "NZ": ("en_NZ", "en_NZ", "co.nz", ["Limited"], "+64 9 ### ####"),
}
# Romanised names where Faker's locale writes another script (e-mail addresses must be ASCII).
ROMANISED = {
    "ar": (
        [
            "Omar",
            "Layla",
            "Khalid",
            "Fatima",
            "Ahmed",
            "Mariam",
            "Yousef",
            "Noura",
            "Hamad",
            "Aisha",
            "Rashid",
            "Sara",
            "Tariq",
            "Huda",
            "Saeed",
            "Reem",
        ],
        [
            "Al Mansoori",
            "Al Hashimi",
            "Haddad",
            "Khoury",
            "Nasser",
            "Al Falasi",
            "Saleh",
            "Rahman",
            "Al Suwaidi",
            "Farouk",
            "Al Zaabi",
            "Mansour",
        ],
    ),
    "sg": (
        [
            "Wei Ming",
            "Jia Hui",
            "Daniel",
            "Rachel",
            "Kelvin",
            "Shu Fen",
            "Marcus",
            "Priya",
            "Ravi",
            "Mei Ling",
            "Jun Jie",
            "Hui Min",
            "Farid",
            "Nurul",
        ],
        ["Tan", "Lim", "Lee", "Ng", "Ong", "Wong", "Goh", "Chua", "Koh", "Teo", "Chan", "Rahman", "Nair"],
    ),
    "kr": (
        [
            "Minjun",
            "Seoyeon",
            "Jiwoo",
            "Hyunwoo",
            "Jisoo",
            "Dohyun",
            "Yuna",
            "Jihoon",
            "Soyeon",
            "Taeyang",
            "Eunji",
            "Sungmin",
        ],
        ["Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Jang", "Lim", "Han", "Shin"],
    ),
}
BUILT_IN_ADDRESSES = {
    "AE": [
        "Office {n}, Building {b}, Dubai Internet City\nDubai",
        "Floor {f}, Al Moosa Tower {b}, Sheikh Zayed Road\nDubai",
        "Office {n}, Al Maryah Island\nAbu Dhabi",
        "Unit {n}, Building {b}, Dubai Silicon Oasis\nDubai",
    ],
    "SG": [
        "{b} Raffles Place, #{f:02d}-{u:02d}\nSingapore 048{p}",
        "{b} Anson Road, #{f:02d}-{u:02d}\nSingapore 079{p}",
        "{b} Science Park Drive, #{f:02d}-{u:02d}\nSingapore 118{p}",
        "{b} Changi Business Park Central, #{f:02d}-{u:02d}\nSingapore 486{p}",
    ],
}


def weighted(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def ascii_fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def alnum(text: str) -> str:
    return "".join(ch for ch in ascii_fold(text).lower() if ch.isalnum())


def at(day: date, rng: random.Random | None = None) -> datetime:
    """An aware datetime during office hours of `day`, in the portal's time zone."""
    hour, minute = (rng.randint(8, 17), rng.randint(0, 59)) if rng else (10, 0)
    return datetime.combine(day, dt_time(hour, minute), tzinfo=timezone.get_current_timezone())


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


DEMO_APPS = (
    "partners",
    "fx",
    "deals",
    "policy",
    "enablement",
    "mdf",
    "commissions",
    "analytics",
    "receipts",
    "sla",
    "disputes",
)


class Command(BaseCommand):
    help = (
        "Seed a demo program: fixed logins sharing one password, Acme Cloud Partners and Globex Integrators, "
        "and about N generated partners with people and tier history. Idempotent; refuses unless DEBUG is on "
        "or --allow-production-demo is given."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--partners",
            type=int,
            default=40,
            help="About how many partners the demo should have in total (default 40).",
        )
        parser.add_argument(
            "--password",
            default=DEFAULT_PASSWORD,
            help=f"Password of every fixed login (default {DEFAULT_PASSWORD!r}).",
        )
        parser.add_argument("--seed", type=int, default=42, help="Random seed of the generated data (default 42).")
        parser.add_argument(
            "--allow-production-demo",
            action="store_true",
            help="Seed even with DEBUG off: for a demo stack that runs production settings (Docker Compose), "
            "never for a portal with real partners.",
        )

    def handle(self, *args, partners: int, password: str, seed: int, allow_production_demo: bool = False, **options):
        if not settings.DEBUG:
            if not allow_production_demo:
                raise CommandError(
                    "seed_demo creates accounts with a known password and runs only with DEBUG on. "
                    "Refusing to seed a DEBUG=False (production-like) configuration; pass --allow-production-demo "
                    "if this stack is a demo."
                )
            self.stderr.write(
                self.style.WARNING(
                    "DEBUG is off: seeding demo accounts that share one known password (--allow-production-demo). "
                    "Never do this on a portal with real partners."
                )
            )
        if partners < 0:
            raise CommandError("--partners must be zero or more.")
        if not password:
            raise CommandError("--password must not be empty.")
        tiers = list(Tier.objects.order_by("rank")[:4])
        if len(tiers) < 4:
            raise CommandError("Expected the four program tiers (Registered, Silver, Gold, Platinum): run migrate.")

        started = time.monotonic()
        with transaction.atomic():  # events recorded here are dispatched (notifications) when this commits
            internal, fixed_created = self._seed_fixed(password, tiers)
        if "DEMO-ACME" in fixed_created:
            self._invite_new_hire()
        managers = [internal["manager@example.com"], internal["manager2@example.com"]]
        generator = DemoGenerator(seed=seed, tiers=tiers, managers=managers)
        with transaction.atomic():
            created = generator.run(target=max(partners - len(FIXED_PARTNERS), 0))
        self._seed_app_extensions(seed=seed, partners=partners)
        self._report(password, fixed_created, created, time.monotonic() - started)

    def _seed_app_extensions(self, *, seed: int, partners: int) -> None:
        """Each app may add its own demo data in `<app>/demo.py` with `seed(*, seed, partners, stdout)`.

        Apps run in INSTALLED_APPS order (partners before deals before mdf ...), and each must be safe to
        run again: a rerun adds nothing that is already there.
        """
        for app_config in apps.get_app_configs():
            if app_config.name not in DEMO_APPS:
                continue
            try:
                module = import_module(f"{app_config.name}.demo")
            except ModuleNotFoundError as error:
                if error.name != f"{app_config.name}.demo":
                    raise
                continue
            started = time.monotonic()
            module.seed(seed=seed, partners=partners, stdout=self.stdout)
            self.stdout.write(f"  {app_config.verbose_name}: demo data in {time.monotonic() - started:.1f}s")

    # -- fixed logins and partners --------------------------------------------------------------------

    def _seed_fixed(self, password: str, tiers: list[Tier]) -> tuple[dict, set[str]]:
        from partners.services import change_partner_status, change_partner_tier, create_partner

        hashed = make_password(password)  # one hash for every fixed login: hashing is slow on purpose
        internal = {}
        for email, first, last, role, title, staff in INTERNAL_USERS:
            internal[email] = self._upsert_user(
                email,
                hashed,
                first_name=first,
                last_name=last,
                role=role,
                partner=None,
                partner_function="",
                job_title=title,
                is_staff=staff,
                is_superuser=staff,
                mfa_waived=True,
            )

        partners, new = {}, set()
        for crm_id, spec in FIXED_PARTNERS.items():
            spec = dict(spec)
            joined = timezone.localdate() - timedelta(days=spec.pop("joined_days_ago"))
            manager = internal[spec.pop("manager")]
            partner = (
                Partner.objects.filter(external_crm_id=crm_id).first()
                or Partner.objects.filter(name=spec["name"], external_crm_id="").first()
            )
            if partner is None:
                partner = create_partner(
                    actor=manager, tier=tiers[0], channel_manager=manager, external_crm_id=crm_id, **spec
                )
                partner = change_partner_status(
                    actor=manager,
                    partner=partner,
                    status=PartnerStatus.ACTIVE,
                    reason="Onboarding complete: contract signed, team trained.",
                )
                Partner.objects.filter(pk=partner.pk).update(
                    joined_at=joined, created_at=at(joined), onboarding_progress=100
                )
                TierChange.objects.filter(partner=partner).update(created_at=at(joined))
                new.add(crm_id)
            else:  # refresh the profile; tier and status are the demo's state and stay as they are
                Partner.objects.filter(pk=partner.pk).update(external_crm_id=crm_id, channel_manager=manager, **spec)
            partners[crm_id] = Partner.objects.get(pk=partner.pk)

        for email, first, last, role, function, title, crm_id in PARTNER_USERS:
            self._upsert_user(
                email,
                hashed,
                first_name=first,
                last_name=last,
                role=role,
                partner=partners[crm_id],
                partner_function=function,
                job_title=title,
                is_staff=False,
                is_superuser=False,
                mfa_waived=False,
            )

        # Real service calls, on first creation only: tier history, audit rows, events and notifications.
        manager = internal["manager@example.com"]
        if "DEMO-ACME" in new:
            acme = partners["DEMO-ACME"]
            promoted = timezone.localdate() - timedelta(days=400)
            Partner.objects.filter(pk=acme.pk).update(tier=tiers[1])
            change = TierChange.objects.create(
                partner=acme,
                from_tier=tiers[0],
                to_tier=tiers[1],
                kind=TierChange.Kind.PROMOTION,
                changed_by=manager,
                reason="Completed onboarding and met the Silver requirements.",
            )
            TierChange.objects.filter(pk=change.pk).update(created_at=at(promoted))
            change_partner_tier(
                actor=manager,
                partner=acme,
                tier=tiers[2],
                reason="Crossed $500k partner-sourced bookings and certified four sellers",
            )
        if "DEMO-GLOBEX" in new:
            change_partner_tier(
                actor=manager,
                partner=partners["DEMO-GLOBEX"],
                tier=tiers[1],
                reason="Two certified consultants and five registered deals in the first year",
            )
        return internal, new

    def _invite_new_hire(self) -> None:
        """A pending invitation at Acme (first run only); the service e-mails it after its commit."""
        from accounts.services import invite_user

        alice = User.objects.get(email="alice@acme.example")
        try:
            invite_user(
                inviter=alice,
                email="new.hire@acme.example",
                role=Role.PARTNER_USER,
                partner=alice.partner,
                partner_function=PartnerFunction.SALES,
            )
        except Exception as exc:  # the demo stands without it: say why and go on
            self.stderr.write(self.style.WARNING(f"Could not invite new.hire@acme.example: {exc!r}"))

    def _upsert_user(self, email: str, hashed_password: str, **fields) -> User:
        user = User.objects.filter(email__iexact=email).first() or User(email=email)
        for field, value in fields.items():
            setattr(user, field, value)
        user.email = email
        user.is_active = True
        user.password = hashed_password
        user.save()
        EmailAddress.objects.filter(email__iexact=email).exclude(user=user).delete()
        EmailAddress.objects.filter(user=user, primary=True).exclude(email__iexact=email).update(primary=False)
        EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
        return user

    # -- output ---------------------------------------------------------------------------------------

    def _report(self, password: str, fixed_created: set[str], created: dict, seconds: float) -> None:
        out = self.stdout
        by_tier = Partner.objects.values("tier__name").annotate(n=Count("id")).order_by("tier__rank")
        by_status = Partner.objects.values("status").annotate(n=Count("id")).order_by("status")
        by_role = dict(User.objects.values_list("role").annotate(n=Count("id")))
        role_labels = dict(Role.choices)
        out.write(
            self.style.SUCCESS(
                f"Demo data ready in {seconds:.1f}s: {created['partners']} partners, {created['users']} people and "
                f"{created['tier_changes']} tier changes added"
                + ("; fixed logins and partners created." if fixed_created else "; fixed logins refreshed.")
            )
        )
        total = sum(row["n"] for row in by_tier)
        out.write(f"Partners: {total} (" + ", ".join(f"{row['tier__name']} {row['n']}" for row in by_tier) + ")")
        out.write("  by status: " + ", ".join(f"{row['status']} {row['n']}" for row in by_status))
        out.write(
            f"Users: {sum(by_role.values())} ("
            + ", ".join(f"{role_labels[role]} {by_role.get(role, 0)}" for role in Role.values)
            + ")"
        )

        rows = [
            (email, "Program admin (also Django admin)" if staff else role_labels[role], "Northwind Software")
            for email, _, _, role, _, staff in INTERNAL_USERS
        ]
        names = {crm_id: spec["name"] for crm_id, spec in FIXED_PARTNERS.items()}
        rows += [(email, role_labels[role], names[crm_id]) for email, _, _, role, _, _, crm_id in PARTNER_USERS]
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        lines = [f"Open {LOGIN_URL} and log in with:", ""]
        lines += [f"  {e:<{widths[0]}}  {r:<{widths[1]}}  {o:<{widths[2]}}" for e, r, o in rows]
        lines += ["", f"Password (all of them): {password}"]
        width = max(len(line) for line in lines)
        out.write("+" + "-" * (width + 2) + "+")
        for line in lines:
            out.write(f"| {line:<{width}} |")
        out.write("+" + "-" * (width + 2) + "+")
