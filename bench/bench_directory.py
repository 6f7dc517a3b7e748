"""The public partner directory and lead routing at scale (docs/directory.md, "Targets and the bench").

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python -m bench.bench_directory

Works in a scratch database (`--database`, default `prm_bench_directory`, created on the server of DATABASE_URL
and migrated; its partners, leads and listings are emptied first), then:
- bulk-creates `--partners` partners (every type, tier, region, a spread of countries), a published listing each
  with its tags (specialisations, industries, languages, certifications), and some open and accepted leads (not
  timed);
- times `directory.selectors.search` with combined filters (country + type + specialisation + language, tier +
  region + industry + certification, name + country + tier, ...), the two queries of one result page, p50/p95;
- times `deals.routing.route_lead` for a stream of new leads under an active tier-weight rule (each routed lead
  is then returned to NEW outside the timing so the pool stays the same size), p50/p95.
Targets: search p95 < 100 ms, routing p95 < 50 ms. Exits 1 when one is missed.
"""

import argparse
import random
import statistics
import sys
import time

from bench.bench_deal_matching import open_scratch

TARGET_SEARCH_P95_MS = 100.0
TARGET_ROUTE_P95_MS = 50.0
COUNTRIES = ["US", "DE", "GB", "FR", "ES", "NL", "CA", "BR", "JP", "AU", "IN", "SG", "IT", "SE", "MX"]
REGION = {"US": "na", "CA": "na", "MX": "latam", "BR": "latam", "JP": "apac", "AU": "apac", "IN": "apac", "SG": "apac"}
TYPES = ["reseller", "referral", "systems_integrator", "msp", "isv", "affiliate"]
SPECIALISATIONS = ["cloud_migration", "security", "data_analytics", "integration", "managed_services", "training"]
INDUSTRIES = ["financial_services", "healthcare", "manufacturing", "retail", "public_sector", "technology"]
LANGUAGES = ["en", "es", "de", "fr", "ja", "pt"]


def reset(connection) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE directory_listingtag, directory_listing, deals_leadhop, deals_leadreturn, deals_lead, "
            "deals_routingrule, enablement_certificate, partners_partner RESTART IDENTITY CASCADE"
        )


def load(args, rng):
    from accounts.models import Role, User
    from deals.models import Lead, LeadStatus
    from directory.models import Listing, ListingTag
    from partners.models import Partner, Tier

    tiers = list(Tier.objects.order_by("rank"))
    partners = Partner.objects.bulk_create(
        [
            Partner(
                name=f"Bench partner {i:05d}",
                partner_type=TYPES[i % len(TYPES)],
                tier=tiers[i % len(tiers)],
                status="active",
                country=(country := COUNTRIES[i % len(COUNTRIES)]),
                region=REGION.get(country, "emea"),
                verticals=rng.sample(INDUSTRIES, 2),
                specialisations=rng.sample(SPECIALISATIONS, 2),
                languages=rng.sample(LANGUAGES, 2),
            )
            for i in range(args.partners)
        ],
        batch_size=5000,
    )
    listings = Listing.objects.bulk_create(
        [
            Listing(
                partner=p,
                slug=f"bench-{p.pk}",
                published=True,
                headline="Bench partner",
                certificate_count=rng.randint(0, 30),
                certified_people=rng.randint(0, 10),
                median_response_hours=rng.choice([None, rng.randint(1, 90)]),
            )
            for p in partners
        ],
        batch_size=5000,
    )
    tags = []
    for listing, partner in zip(listings, partners, strict=True):
        values = (
            [("specialisation", v) for v in partner.specialisations]
            + [("industry", v) for v in partner.verticals]
            + [("language", v) for v in partner.languages]
            + [("certification", str(v)) for v in rng.sample(range(1, 21), 3)]
        )
        tags.extend(ListingTag(listing=listing, kind=k, value=v) for k, v in values)
    ListingTag.objects.bulk_create(tags, batch_size=10000)
    manager = User.objects.create(email="bench-manager@example.com", role=Role.CHANNEL_MANAGER)
    leads = []
    for i in range(args.partners // 2):
        partner = partners[rng.randrange(len(partners))]
        status = rng.choice([LeadStatus.ASSIGNED, LeadStatus.ACCEPTED])
        leads.append(
            Lead(
                partner=partner,
                created_by=manager,
                customer_name=f"Bench lead {i}",
                customer_country=partner.country,
                status=status,
                assigned_at=time_now(),
            )  # fmt: skip
        )
    Lead.objects.bulk_create(leads, batch_size=5000)
    return tiers


def time_now():
    from django.utils import timezone

    return timezone.now()


def p95(values):
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 20 else max(values)


def bench_search(args, rng, tiers) -> list[float]:
    from directory import selectors

    listed = [t.pk for t in tiers if t.directory_listing]
    combos = [
        lambda: {"country": rng.choice(COUNTRIES), "partner_type": rng.choice(TYPES),
                 "specialisation": rng.choice(SPECIALISATIONS), "language": rng.choice(LANGUAGES)},
        lambda: {"tier": rng.choice(listed), "region": rng.choice(["na", "emea", "apac", "latam"]),
                 "industry": rng.choice(INDUSTRIES), "certification": str(rng.randint(1, 20))},
        lambda: {"q": f"partner 0{rng.randint(0, 9)}", "country": rng.choice(COUNTRIES), "tier": rng.choice(listed)},
        lambda: {"specialisation": rng.choice(SPECIALISATIONS), "industry": rng.choice(INDUSTRIES),
                 "language": rng.choice(LANGUAGES), "page": rng.randint(1, 3)},
        lambda: {},
    ]  # fmt: skip
    timings = []
    for i in range(args.searches):
        filters = combos[i % len(combos)]()
        t0 = time.perf_counter()
        page = selectors.search(filters)
        list(page.object_list)
        page.paginator.count  # noqa: B018 - the count query is part of a page
        timings.append((time.perf_counter() - t0) * 1000)
    return timings


def bench_routing(args, rng) -> list[float]:
    from deals import routing
    from deals.models import Lead, LeadHop, LeadSource, LeadStatus, RoutingRule
    from deals.models_routing import RoutingRuleStatus

    RoutingRule.objects.create(name="Bench", status=RoutingRuleStatus.ACTIVE, capacity=0, same_country=True)
    timings = []
    for i in range(args.routes):
        lead = Lead.objects.create(
            customer_name=f"Routed {i}", customer_country=rng.choice(COUNTRIES), source=LeadSource.DIRECTORY
        )
        t0 = time.perf_counter()
        hop = routing.route_lead(lead=lead)
        timings.append((time.perf_counter() - t0) * 1000)
        assert hop is not None, "no partner qualified"
        LeadHop.objects.filter(lead=lead).delete()
        Lead.objects.filter(pk=lead.pk).update(status=LeadStatus.NEW, partner=None)
    return timings


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--partners", type=int, default=10_000)
    parser.add_argument("--searches", type=int, default=500)
    parser.add_argument("--routes", type=int, default=200)
    parser.add_argument("--database", default="prm_bench_directory")
    parser.add_argument("--seed", type=int, default=23)
    args = parser.parse_args(argv)

    open_scratch(args.database, eager=True)
    from django.db import connection

    reset(connection)
    rng = random.Random(args.seed)  # noqa: S311 - reproducible benchmark data
    t0 = time.perf_counter()
    tiers = load(args, rng)
    with connection.cursor() as cursor:
        for table in ("partners_partner", "directory_listing", "directory_listingtag", "deals_lead"):
            cursor.execute(f"ANALYZE {table}")
    print(f"load: {args.partners:,} partners with listings in {time.perf_counter() - t0:.1f}s")

    search = bench_search(args, rng, tiers)
    route = bench_routing(args, rng)
    search_p95, route_p95 = p95(search), p95(route)
    median = statistics.median(search)
    print(f"search: {len(search)} combined-filter searches, p50 {median:.1f} ms, p95 {search_p95:.1f} ms")
    print(f"routing: {len(route)} leads routed, p50 {statistics.median(route):.1f} ms, p95 {route_p95:.1f} ms")
    ok = search_p95 < TARGET_SEARCH_P95_MS and route_p95 < TARGET_ROUTE_P95_MS
    verdict = "met" if ok else "MISSED"
    print(f"targets: search p95 < {TARGET_SEARCH_P95_MS:.0f} ms, routing p95 < {TARGET_ROUTE_P95_MS:.0f} ms: {verdict}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
