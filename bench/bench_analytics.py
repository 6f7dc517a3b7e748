"""KPI rollups at scale (issue 9): the full rollup of 5,000 partners and 500,000 deals next to hand-written SQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python -m bench.bench_analytics

Works in a scratch database (`--database`, default `prm_bench_analytics`, created on the server of
DATABASE_URL and migrated; its partners, deals and ledgers are emptied first), then:
- COPY-loads `--partners` partners and `--deals` partner deals spread over the rollup horizon (won, lost,
  approved, expired, a few in another currency), plus influences, leads, certificates and commission
  entries (not timed);
- times the full rollup (`analytics.services.rebuild_kpis()`: every KPI of every source - deals, influences,
  leads, certificates, MDF, commissions - for every partner, months and quarters, written to KpiSnapshot;
  it includes the rollup's warm-up of the dashboard cache) next to FULL_SQL, a hand-written PostgreSQL
  statement computing the same figures (the same rows, every KpiSnapshot column: the month rows of the
  partner x month grid, the quarter rows from them, the rates) and fetching them (COPY ... TO STDOUT, under
  the rollup's work_mem), nothing written; checks that both agree (rows per period kind and per period, the
  sum of every numeric column, the counts of each dimension value; any difference is printed and fails the
  run) and prints the ratio. The narrower deal-only comparison (DEAL_SQL next to the rollup's own deal
  queries) is printed as an extra line, without a target;
- times the program dashboard (/analytics/) and a partner KPI API call (/api/v1/analytics/kpis/) over
  `--requests` requests each (p50/p95), as a logged-in program admin through the Django test client; the
  dashboard's figures are cached until the next rollup, which warms its default view (current quarter, no
  filters): the first request of that view after the rollup, the first of a filtered view (not warmed) and
  the uncached figures' queries are printed too.
Targets: rollup <= 2x the hand-written SQL of the same figures, dashboard and API p95 < 150 ms, and the same
figures. Exits 1 when one is missed.
"""

import argparse
import io
import random
import statistics
import sys
import time
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

from bench.bench_deal_matching import open_scratch

TARGET_RATIO = 2.0
TARGET_P95_MS = 150.0
TYPES = ["reseller", "referral", "systems_integrator", "msp", "isv", "affiliate"]
REGIONS = ["na", "emea", "apac", "latam"]

# Every KpiSnapshot figure of analytics.kpis, written by hand in one PostgreSQL statement: per source a
# GROUP BY partner and month, joined to the grid of partners x months (a row for every month from the one
# the partner joined in, or any month with activity), then the quarter rows grouped from those month rows.
# The result is fetched (COPY ... TO STDOUT), never written. %(months)s is a VALUES list of the horizon's
# months: (month_start, period, period_end, quarter_key, quarter_start, is_last_of_quarter, certified_at).
FULL_SQL = """
WITH months (month_start, period, period_end, quarter_key, quarter_start, is_last, certified_at) AS (
    VALUES %(months)s
),
deals AS (  -- partner-sourced: never a deal made by accepting a lead the vendor passed (docs/figures.md)
    SELECT * FROM deals_dealregistration d
     WHERE source = 'partner' AND partner_id IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM deals_lead l WHERE l.deal_id = d.id)
),
won AS (  -- won deals by close date: bookings, count, new/expansion split, cycle days
    SELECT partner_id, date_trunc('month', close_date)::date AS month,
           SUM(amount) FILTER (WHERE currency = %(cur)s) AS sourced_bookings,
           COUNT(*) FILTER (WHERE currency = %(cur)s) AS won_deals,
           SUM(amount) FILTER (WHERE currency = %(cur)s AND deal_type = 'new_business') AS new_bookings,
           SUM(amount) FILTER (WHERE currency = %(cur)s AND deal_type <> 'new_business') AS expansion_bookings,
           SUM(GREATEST(close_date - (COALESCE(submitted_at, created_at) AT TIME ZONE %(tz)s)::date, 0))
               FILTER (WHERE currency = %(cur)s) AS cycle_days_total,
           COUNT(*) FILTER (WHERE currency <> %(cur)s) AS other
      FROM deals
     WHERE status = 'won' AND close_date >= %(start)s
     GROUP BY 1, 2
),
lost AS (  -- lost deals by close date, or the day they were marked lost
    SELECT partner_id, date_trunc('month', COALESCE(close_date, (updated_at AT TIME ZONE %(tz)s)::date))::date AS month,
           COUNT(*) FILTER (WHERE currency = %(cur)s) AS lost_deals,
           COUNT(*) FILTER (WHERE currency <> %(cur)s) AS other
      FROM deals
     WHERE status = 'lost' AND COALESCE(close_date, (updated_at AT TIME ZONE %(tz)s)::date) >= %(start)s
     GROUP BY 1, 2
),
registered AS (  -- registrations the vendor accepted, by the decision's month (docs/figures.md)
    SELECT partner_id, date_trunc('month', decided_at AT TIME ZONE %(tz)s)::date AS month,
           COUNT(*) FILTER (WHERE currency = %(cur)s) AS registered_deals,
           SUM(amount) FILTER (WHERE currency = %(cur)s) AS registered_value,
           COUNT(*) FILTER (WHERE currency <> %(cur)s) AS other
      FROM deals
     WHERE decided_at >= %(start_at)s AND status IN ('approved', 'won', 'lost', 'expired')
     GROUP BY 1, 2
),
pipeline AS (  -- registrations approved in the month (open, or since won, lost or expired)
    SELECT partner_id, date_trunc('month', decided_at AT TIME ZONE %(tz)s)::date AS month,
           SUM(amount) FILTER (WHERE currency = %(cur)s) AS sourced_pipeline,
           SUM(amount) FILTER (WHERE currency = %(cur)s AND mdf_request_id IS NOT NULL) AS mdf_pipeline,
           COUNT(*) FILTER (WHERE currency <> %(cur)s) AS other
      FROM deals
     WHERE decided_at >= %(start_at)s AND status IN ('approved', 'won', 'lost', 'expired')
     GROUP BY 1, 2
),
influence AS (  -- each partner's first influence on a deal it did not source
    SELECT DISTINCT ON (i.deal_id, i.partner_id) i.partner_id, i.created_at, d.status, d.close_date, d.amount,
           d.currency
      FROM deals_influence i JOIN deals_dealregistration d ON d.id = i.deal_id
     WHERE d.partner_id IS DISTINCT FROM i.partner_id
     ORDER BY i.deal_id, i.partner_id, i.id
),
influenced_won AS (
    SELECT partner_id, date_trunc('month', close_date)::date AS month,
           SUM(amount) FILTER (WHERE currency = %(cur)s) AS influenced_bookings,
           COUNT(*) FILTER (WHERE currency <> %(cur)s) AS other
      FROM influence
     WHERE status = 'won' AND close_date >= %(start)s
     GROUP BY 1, 2
),
influenced_open AS (
    SELECT partner_id, date_trunc('month', created_at AT TIME ZONE %(tz)s)::date AS month,
           SUM(amount) FILTER (WHERE currency = %(cur)s) AS influenced_pipeline,
           COUNT(*) FILTER (WHERE currency <> %(cur)s) AS other
      FROM influence
     WHERE status = 'approved' AND created_at >= %(start_at)s
     GROUP BY 1, 2
),
leads AS (
    SELECT partner_id, date_trunc('month', assigned_at AT TIME ZONE %(tz)s)::date AS month,
           COUNT(*) AS leads_assigned,
           COUNT(*) FILTER (WHERE status = 'accepted') AS leads_accepted,
           COUNT(*) FILTER (WHERE status = 'returned') AS leads_expired
      FROM deals_lead
     WHERE partner_id IS NOT NULL AND assigned_at >= %(start_at)s
     GROUP BY 1, 2
),
certified AS (  -- people holding a certificate valid at the month's end (or now, for the running month)
    SELECT c.partner_id, m.month_start AS month, COUNT(DISTINCT c.user_id) AS certified_people
      FROM enablement_certificate c JOIN months m ON c.issued_at <= m.certified_at AND c.expires_at > m.certified_at
     WHERE c.status <> 'revoked'
     GROUP BY 1, 2
),
mdf_committed AS (
    SELECT partner_id, date_trunc('month', decided_at AT TIME ZONE %(tz)s)::date AS month,
           SUM(approved_amount) FILTER (WHERE currency = %(cur)s) AS mdf_committed,
           COUNT(*) FILTER (WHERE currency <> %(cur)s) AS other
      FROM mdf_mdfrequest
     WHERE decided_at >= %(start_at)s AND status IN ('approved', 'completed', 'lapsed')
     GROUP BY 1, 2
),
mdf_spent AS (
    SELECT partner_id, date_trunc('month', paid_at AT TIME ZONE %(tz)s)::date AS month,
           SUM(approved_amount) FILTER (WHERE currency = %(cur)s) AS mdf_spent,
           COUNT(*) FILTER (WHERE currency <> %(cur)s) AS other
      FROM mdf_mdfclaim
     WHERE paid_at >= %(start_at)s
     GROUP BY 1, 2
),
mdf_available AS (
    SELECT partner_id, date_trunc('month', period_start)::date AS month,
           SUM(available) FILTER (WHERE currency = %(cur)s) AS mdf_available,
           COUNT(*) FILTER (WHERE currency <> %(cur)s) AS other
      FROM mdf_fund
     WHERE period_start >= %(start)s AND period_start < %(end)s
     GROUP BY 1, 2
),
commission_paid AS (
    SELECT partner_id, date_trunc('month', paid_at AT TIME ZONE %(tz)s)::date AS month,
           SUM(amount) FILTER (WHERE currency = %(cur)s) AS commission_paid,
           COUNT(*) FILTER (WHERE currency <> %(cur)s) AS other
      FROM commissions_commissionentry
     WHERE status = 'paid' AND paid_at >= %(start_at)s
     GROUP BY 1, 2
),
commission_owed AS (
    SELECT partner_id, date_trunc('month', earned_on)::date AS month,
           SUM(amount) FILTER (WHERE currency = %(cur)s) AS commission_owed,
           COUNT(*) FILTER (WHERE currency <> %(cur)s) AS other
      FROM commissions_commissionentry
     WHERE status <> 'paid' AND earned_on >= %(start)s
     GROUP BY 1, 2
),
targets AS (
    SELECT partner_id, period, MAX(certified_people_target) AS certified_target
      FROM partners_jointbusinessplan
     GROUP BY 1, 2
),
partners AS (
    SELECT id, tier_id, partner_type, region, channel_manager_id,
           COALESCE(joined_at, (created_at AT TIME ZONE %(tz)s)::date) AS joined
      FROM partners_partner
),
month_rows AS (
    SELECT p.id AS partner_id, m.period, m.month_start, m.quarter_key, m.quarter_start, m.is_last,
           p.tier_id, p.partner_type, p.region, p.channel_manager_id,
           -- the fiscal quarter the partner joined in (as prm.periods.quarter_of)
           ((EXTRACT(YEAR FROM p.joined)::int * 12 + EXTRACT(MONTH FROM p.joined)::int - 1 - %(offset)s) / 12
               + %(name_shift)s)::text || '-Q' ||
           (((EXTRACT(YEAR FROM p.joined)::int * 12 + EXTRACT(MONTH FROM p.joined)::int - 1 - %(offset)s) %% 12)
               / 3 + 1)::text AS joined_quarter,
           COALESCE(won.sourced_bookings, 0) AS sourced_bookings,
           COALESCE(influenced_won.influenced_bookings, 0) AS influenced_bookings,
           COALESCE(pipeline.sourced_pipeline, 0) AS sourced_pipeline,
           COALESCE(influenced_open.influenced_pipeline, 0) AS influenced_pipeline,
           COALESCE(won.new_bookings, 0) AS new_bookings,
           COALESCE(won.expansion_bookings, 0) AS expansion_bookings,
           COALESCE(registered.registered_value, 0) AS registered_value,
           COALESCE(mdf_committed.mdf_committed, 0) AS mdf_committed,
           COALESCE(mdf_spent.mdf_spent, 0) AS mdf_spent,
           COALESCE(mdf_available.mdf_available, 0) AS mdf_available,
           COALESCE(pipeline.mdf_pipeline, 0) AS mdf_pipeline,
           COALESCE(commission_paid.commission_paid, 0) AS commission_paid,
           COALESCE(commission_owed.commission_owed, 0) AS commission_owed,
           COALESCE(registered.registered_deals, 0) AS registered_deals,
           COALESCE(won.won_deals, 0) AS won_deals,
           COALESCE(lost.lost_deals, 0) AS lost_deals,
           COALESCE(won.cycle_days_total, 0) AS cycle_days_total,
           COALESCE(leads.leads_assigned, 0) AS leads_assigned,
           COALESCE(leads.leads_accepted, 0) AS leads_accepted,
           COALESCE(leads.leads_expired, 0) AS leads_expired,
           COALESCE(won.other, 0) + COALESCE(lost.other, 0) + COALESCE(registered.other, 0)
               + COALESCE(influenced_won.other, 0) + COALESCE(influenced_open.other, 0)
               + COALESCE(mdf_committed.other, 0) + COALESCE(mdf_spent.other, 0) + COALESCE(mdf_available.other, 0)
               + COALESCE(commission_paid.other, 0) + COALESCE(commission_owed.other, 0) AS other_currency_records,
           COALESCE(certified.certified_people, 0) AS certified_people,
           COALESCE(targets.certified_target, 0) AS certified_target
      FROM partners p
     CROSS JOIN months m
      LEFT JOIN won ON won.partner_id = p.id AND won.month = m.month_start
      LEFT JOIN lost ON lost.partner_id = p.id AND lost.month = m.month_start
      LEFT JOIN registered ON registered.partner_id = p.id AND registered.month = m.month_start
      LEFT JOIN pipeline ON pipeline.partner_id = p.id AND pipeline.month = m.month_start
      LEFT JOIN influenced_won ON influenced_won.partner_id = p.id AND influenced_won.month = m.month_start
      LEFT JOIN influenced_open ON influenced_open.partner_id = p.id AND influenced_open.month = m.month_start
      LEFT JOIN leads ON leads.partner_id = p.id AND leads.month = m.month_start
      LEFT JOIN certified ON certified.partner_id = p.id AND certified.month = m.month_start
      LEFT JOIN mdf_committed ON mdf_committed.partner_id = p.id AND mdf_committed.month = m.month_start
      LEFT JOIN mdf_spent ON mdf_spent.partner_id = p.id AND mdf_spent.month = m.month_start
      LEFT JOIN mdf_available ON mdf_available.partner_id = p.id AND mdf_available.month = m.month_start
      LEFT JOIN commission_paid ON commission_paid.partner_id = p.id AND commission_paid.month = m.month_start
      LEFT JOIN commission_owed ON commission_owed.partner_id = p.id AND commission_owed.month = m.month_start
      LEFT JOIN targets ON targets.partner_id = p.id AND targets.period = m.quarter_key
     WHERE m.period_end > p.joined
        OR won.partner_id IS NOT NULL OR lost.partner_id IS NOT NULL OR registered.partner_id IS NOT NULL
        OR pipeline.partner_id IS NOT NULL OR influenced_won.partner_id IS NOT NULL
        OR influenced_open.partner_id IS NOT NULL OR leads.partner_id IS NOT NULL
        OR certified.partner_id IS NOT NULL OR mdf_committed.partner_id IS NOT NULL
        OR mdf_spent.partner_id IS NOT NULL OR mdf_available.partner_id IS NOT NULL
        OR commission_paid.partner_id IS NOT NULL OR commission_owed.partner_id IS NOT NULL
),
quarter_rows AS (  -- sums of the months; certified people at the quarter's last month
    SELECT partner_id, quarter_key AS period, quarter_start,
           MAX(tier_id) AS tier_id, MAX(partner_type) AS partner_type, MAX(region) AS region,
           MAX(channel_manager_id) AS channel_manager_id, MAX(joined_quarter) AS joined_quarter,
           SUM(sourced_bookings) AS sourced_bookings, SUM(influenced_bookings) AS influenced_bookings,
           SUM(sourced_pipeline) AS sourced_pipeline, SUM(influenced_pipeline) AS influenced_pipeline,
           SUM(new_bookings) AS new_bookings, SUM(expansion_bookings) AS expansion_bookings,
           SUM(registered_value) AS registered_value, SUM(mdf_committed) AS mdf_committed,
           SUM(mdf_spent) AS mdf_spent, SUM(mdf_available) AS mdf_available, SUM(mdf_pipeline) AS mdf_pipeline,
           SUM(commission_paid) AS commission_paid, SUM(commission_owed) AS commission_owed,
           SUM(registered_deals) AS registered_deals, SUM(won_deals) AS won_deals, SUM(lost_deals) AS lost_deals,
           SUM(cycle_days_total) AS cycle_days_total, SUM(leads_assigned) AS leads_assigned,
           SUM(leads_accepted) AS leads_accepted, SUM(leads_expired) AS leads_expired,
           SUM(other_currency_records) AS other_currency_records,
           SUM(certified_people) FILTER (WHERE is_last) AS certified_people,
           MAX(certified_target) AS certified_target
      FROM month_rows
     GROUP BY partner_id, quarter_key, quarter_start
),
all_rows AS (
    SELECT 'month' AS period_kind, partner_id, period, month_start AS period_start, tier_id, partner_type, region,
           channel_manager_id, joined_quarter, sourced_bookings, influenced_bookings, sourced_pipeline,
           influenced_pipeline, new_bookings, expansion_bookings, registered_value, mdf_committed, mdf_spent,
           mdf_available, mdf_pipeline, commission_paid, commission_owed, registered_deals, won_deals, lost_deals,
           cycle_days_total, leads_assigned, leads_accepted, leads_expired, other_currency_records,
           certified_people, certified_target
      FROM month_rows
    UNION ALL
    SELECT 'quarter', partner_id, period, quarter_start, tier_id, partner_type, region, channel_manager_id,
           joined_quarter, sourced_bookings, influenced_bookings, sourced_pipeline, influenced_pipeline, new_bookings,
           expansion_bookings, registered_value, mdf_committed, mdf_spent, mdf_available, mdf_pipeline,
           commission_paid, commission_owed, registered_deals, won_deals, lost_deals, cycle_days_total,
           leads_assigned, leads_accepted, leads_expired, other_currency_records, COALESCE(certified_people, 0),
           certified_target
      FROM quarter_rows
)
SELECT r.*,  -- the rates, from each row's own sums (half-up rounding, capped like their columns)
       CASE WHEN won_deals + lost_deals > 0 THEN ROUND(won_deals * 1.0 / (won_deals + lost_deals), 4) END
           AS win_rate,
       CASE WHEN won_deals > 0 THEN LEAST(ROUND(cycle_days_total * 1.0 / won_deals, 1), 999999.9) END
           AS sales_cycle_days,
       CASE WHEN won_deals > 0 THEN ROUND(sourced_bookings * 1.0 / won_deals, 2) END AS average_deal_size,
       CASE WHEN mdf_committed > 0 THEN LEAST(ROUND(mdf_spent * 1.0 / mdf_committed, 4), 999.9999) END
           AS mdf_utilisation,
       CASE WHEN mdf_spent > 0 THEN LEAST(ROUND(mdf_pipeline * 1.0 / mdf_spent, 2), 999999999999.99) END
           AS pipeline_per_mdf_dollar,
       CASE WHEN leads_assigned > 0 THEN LEAST(ROUND(leads_accepted * 1.0 / leads_assigned, 4), 1) END
           AS lead_acceptance_rate
  FROM all_rows r
"""

# Only the deal figures of analytics.kpis, per partner and month (an extra, narrower comparison).
DEAL_SQL = """
WITH facts AS (
    SELECT partner_id, date_trunc('month', close_date)::date AS month,
           CASE WHEN currency = %(cur)s THEN amount END AS won_amount,
           CASE WHEN currency = %(cur)s THEN 1 ELSE 0 END AS won,
           CASE WHEN currency = %(cur)s AND deal_type = 'new_business' THEN amount END AS new_amount,
           CASE WHEN currency = %(cur)s THEN GREATEST(close_date
                - (COALESCE(submitted_at, created_at) AT TIME ZONE %(tz)s)::date, 0) END AS cycle,
           0 AS lost, 0 AS registered, NULL::numeric AS registered_value, NULL::numeric AS pipeline
      FROM deals_dealregistration
     WHERE source = 'partner' AND status = 'won' AND close_date >= %(start)s
    UNION ALL
    SELECT partner_id, date_trunc('month', COALESCE(close_date, (updated_at AT TIME ZONE %(tz)s)::date))::date,
           NULL, 0, NULL, NULL, CASE WHEN currency = %(cur)s THEN 1 ELSE 0 END, 0, NULL, NULL
      FROM deals_dealregistration
     WHERE source = 'partner' AND status = 'lost'
       AND COALESCE(close_date, (updated_at AT TIME ZONE %(tz)s)::date) >= %(start)s
    UNION ALL
    SELECT partner_id, date_trunc('month', submitted_at AT TIME ZONE %(tz)s)::date,
           NULL, 0, NULL, NULL, 0, CASE WHEN currency = %(cur)s THEN 1 ELSE 0 END,
           CASE WHEN currency = %(cur)s THEN amount END, NULL
      FROM deals_dealregistration
     WHERE source = 'partner' AND submitted_at >= %(start_at)s
    UNION ALL
    SELECT partner_id, date_trunc('month', decided_at AT TIME ZONE %(tz)s)::date,
           NULL, 0, NULL, NULL, 0, 0, NULL, CASE WHEN currency = %(cur)s THEN amount END
      FROM deals_dealregistration
     WHERE source = 'partner' AND decided_at >= %(start_at)s AND status IN ('approved', 'won', 'lost', 'expired')
)
SELECT partner_id, month, SUM(won_amount), SUM(won), SUM(new_amount), SUM(cycle), SUM(lost), SUM(registered),
       SUM(registered_value), SUM(pipeline)
  FROM facts
 GROUP BY partner_id, month
"""


def reset(connection) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE analytics_kpisnapshot, analytics_rolluprun, analytics_dirtypartner, "
            "commissions_commissionentry, commissions_payoutbatch, deals_influence, deals_lead, "
            "deals_dealregistration, deals_account, enablement_certificate, partners_partner "
            "RESTART IDENTITY CASCADE"
        )
        cursor.execute("DELETE FROM accounts_user WHERE email LIKE 'bench-person-%%'")


def copy_rows(connection, table: str, columns: list[str], rows) -> int:
    buffer, count = io.StringIO(), 0
    for row in rows:
        buffer.write("\t".join("\\N" if v is None else str(v) for v in row) + "\n")
        count += 1
    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)
    return count


def load(args, rng, connection) -> dict:
    from django.utils import timezone

    from accounts.models import Role, User
    from analytics.kpis import history_horizon
    from deals.models import Account
    from enablement.models import Certification, Course, Quiz
    from partners.models import Partner, Tier

    horizon = history_horizon()
    span = (date.today() - horizon.start).days
    tiers = list(Tier.objects.order_by("rank"))
    today = date.today()
    partners = Partner.objects.bulk_create(
        [
            Partner(
                name=f"Bench partner {i:05d}",
                partner_type=TYPES[i % len(TYPES)],
                tier=tiers[i % len(tiers)],
                status="active",
                country="US",
                region=REGIONS[i % len(REGIONS)],
                joined_at=today - timedelta(days=rng.randint(30, 1500)),
            )
            for i in range(args.partners)
        ],
        batch_size=5000,
    )
    ids = [p.pk for p in partners]
    now = timezone.now()
    # Closed deals share 5,000 customers; each open (approved) one holds its own (one holder per account).
    pool = 5000 + args.deals // 4
    copy_rows(
        connection,
        "deals_account",
        ["name", "normalised_name", "domain", "country", "kind", "created_at", "updated_at"],
        ((f"Bench customer {n}", f"bench customer {n}", "", "US", "prospect", now.isoformat(), now.isoformat())
         for n in range(pool)),
    )  # fmt: skip
    account_ids = list(Account.objects.order_by("pk").values_list("pk", flat=True))
    shared, held = account_ids[:5000], iter(account_ids[5000:])

    def deals():
        for n in range(args.deals):
            status = rng.choices(["won", "lost", "approved", "expired"], [45, 25, 20, 10])[0]
            account = shared[n % len(shared)]
            if status == "approved":
                account = next(held, None)
                if account is None:
                    status, account = "expired", shared[n % len(shared)]
            decided = now - timedelta(days=rng.randint(0, span), minutes=rng.randint(0, 1440))
            submitted = decided - timedelta(days=rng.randint(0, 5))
            close = (decided + timedelta(days=rng.randint(5, 90))).date() if status in ("won", "lost") else None
            if close and close > today:
                close = today
            yield (
                ids[rng.randrange(len(ids))],
                "partner",
                account,
                f"Bench customer {account}",
                "",
                "US",
                "",
                "",
                "Platform",
                rng.choice(["new_business", "new_business", "expansion", "renewal"]),
                rng.randint(1_000, 300_000),
                "EUR" if rng.random() < 0.02 else "USD",
                close,
                status,
                "",
                "",
                "",
                "[]",
                "none",
                submitted.isoformat(),
                decided.isoformat(),
                submitted.isoformat(),
                now.isoformat(),
            )

    deal_columns = [
        "partner_id", "source", "account_id", "customer_name", "customer_domain", "customer_country",
        "contact_name", "contact_email", "product", "deal_type", "amount", "currency", "close_date", "status",
        "reason", "decision_note", "lost_reason", "match_evidence", "extension_status", "submitted_at",
        "decided_at", "created_at", "updated_at",
    ]  # fmt: skip
    made = {"deals": copy_rows(connection, "deals_dealregistration", deal_columns, deals())}
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, partner_id FROM deals_dealregistration WHERE status = 'won' ORDER BY id")
        won = cursor.fetchall()
    sample = rng.sample(won, min(len(won), args.deals // 10))
    made["influences"] = copy_rows(
        connection,
        "deals_influence",
        ["deal_id", "partner_id", "kind", "note", "created_at"],
        (
            (deal_id, pid, "endorsement", "", (now - timedelta(days=rng.randint(0, span))).isoformat())
            for deal_id, owner in sample
            if (pid := ids[rng.randrange(len(ids))]) != owner
        ),
    )
    manager, _ = User.objects.get_or_create(
        email="bench-manager@example.com", defaults={"role": Role.CHANNEL_MANAGER, "first_name": "Bench"}
    )
    made["leads"] = copy_rows(
        connection,
        "deals_lead",
        ["partner_id", "created_by_id", "customer_name", "customer_domain", "customer_country", "contact_name",
         "contact_email", "product", "amount", "currency", "notes", "status", "assigned_at", "decline_reason",
         "created_at"],
        (
            (ids[rng.randrange(len(ids))], manager.pk, "Lead", "", "US", "", "", "", 0, "USD", "",
             rng.choice(["accepted", "accepted", "declined", "returned", "assigned"]),
             (at := now - timedelta(days=rng.randint(0, span))).isoformat(), "", at.isoformat())
            for _ in range(args.deals // 25)
        ),
    )  # fmt: skip
    certification = Certification.objects.filter(name="Bench certified").first()
    if certification is None:
        quiz = Quiz.objects.create(course=Course.objects.create(title="Bench course"), title="Bench exam")
        certification = Certification.objects.create(name="Bench certified", exam=quiz)
    people = User.objects.bulk_create(
        [
            User(email=f"bench-person-{n}@example.com", role=Role.PARTNER_USER, partner_id=ids[n % len(ids)])
            for n in range(args.partners * 2)
        ],
        batch_size=5000,
    )
    made["certificates"] = copy_rows(
        connection,
        "enablement_certificate",
        ["certification_id", "user_id", "partner_id", "verification_code", "issued_at", "expires_at", "status",
         "renewals"],
        (
            (certification.pk, p.pk, p.partner_id, f"bench{p.pk}",
             (i := now - timedelta(days=rng.randint(0, span))).isoformat(),
             (i + timedelta(days=365)).isoformat(), "valid", 0)
            for p in people
        ),
    )  # fmt: skip
    made["commission_entries"] = copy_rows(
        connection,
        "commissions_commissionentry",
        ["partner_id", "kind", "status", "cycle", "period_key", "earned_on", "base_amount", "amount", "currency",
         "description", "reason", "created_at"],
        (
            (ids[rng.randrange(len(ids))], "adjustment", rng.choice(["pending", "approved"]), 0, "",
             (today - timedelta(days=rng.randint(0, span))).isoformat(), 100, rng.randint(10, 5000), "USD", "",
             "Bench", now.isoformat())
            for _ in range(args.deals // 10)
        ),
    )  # fmt: skip
    with connection.cursor() as cursor:
        for table in ("deals_dealregistration", "deals_influence", "deals_lead", "enablement_certificate",
                      "commissions_commissionentry", "partners_partner"):  # fmt: skip
            cursor.execute(f"ANALYZE {table}")
    return made


# The columns FULL_SQL gives, in order (COPY text format, one line per snapshot row).
FULL_COLUMNS = [
    "period_kind", "partner_id", "period", "period_start", "tier_id", "partner_type", "region", "channel_manager_id",
    "joined_quarter", "sourced_bookings", "influenced_bookings", "sourced_pipeline", "influenced_pipeline",
    "new_bookings", "expansion_bookings", "registered_value", "mdf_committed", "mdf_spent", "mdf_available",
    "mdf_pipeline", "commission_paid", "commission_owed", "registered_deals", "won_deals", "lost_deals",
    "cycle_days_total", "leads_assigned", "leads_accepted", "leads_expired", "other_currency_records",
    "certified_people", "certified_target", "win_rate", "sales_cycle_days", "average_deal_size", "mdf_utilisation",
    "pipeline_per_mdf_dollar", "lead_acceptance_rate",
]  # fmt: skip
DIMENSIONS = ("partner_type", "region", "joined_quarter")


def _params() -> dict:
    from django.conf import settings
    from django.utils import timezone

    from analytics.kpis import _aware, history_horizon

    horizon = history_horizon()
    offset = settings.FISCAL_YEAR_START_MONTH - 1
    return {
        "cur": settings.DEFAULT_CURRENCY,
        "tz": timezone.get_current_timezone_name(),
        "start": horizon.start,
        "start_at": _aware(horizon.start),
        "end": horizon.end,
        "offset": offset,
        "name_shift": 1 if offset else 0,
    }


def _months_values(cursor) -> str:
    """The horizon's months as a literal VALUES list (see FULL_SQL)."""
    from django.utils import timezone

    from analytics.kpis import _aware, history_horizon
    from prm.periods import quarter_of

    horizon, now = history_horizon(), timezone.now()
    last = {quarter_of(m.start).key: m.start for m in horizon.months}
    rows = []
    for m in horizon.months:
        q = quarter_of(m.start)
        row = (m.start, m.key, m.end, q.key, q.start, last[q.key] == m.start, min(_aware(m.end), now))
        rows.append(cursor.mogrify("(%s::date, %s, %s::date, %s, %s::date, %s, %s::timestamptz)", row).decode())
    return ", ".join(rows)


def full_baseline(connection) -> tuple[float, str]:
    """FULL_SQL, fetched as text (COPY ... TO STDOUT, no per-value Python objects): (seconds, the rows)."""
    from django.db import transaction

    from analytics.services import ROLLUP_WORK_MEM

    buffer = io.StringIO()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL work_mem = '{ROLLUP_WORK_MEM}'")  # the rollup's own setting
        raw = cursor.cursor
        sql = FULL_SQL.replace("%(months)s", _months_values(raw).replace("%", "%%"))
        sql = raw.mogrify(sql, _params()).decode()
        t0 = time.perf_counter()
        raw.copy_expert(f"COPY ({sql}) TO STDOUT", buffer)
        elapsed = time.perf_counter() - t0
    return elapsed, buffer.getvalue()


def baseline_totals(text: str) -> dict:
    """Per period kind: rows, rows per period, each numeric column's sum, each dimension's value counts."""
    numeric = [c for c in FULL_COLUMNS if c not in ("period_kind", "period", "period_start", *DIMENSIONS)]
    totals: dict = {}
    for line in text.splitlines():
        row = dict(zip(FULL_COLUMNS, line.split("\t"), strict=True))
        kind = totals.setdefault(
            row["period_kind"],
            {"rows": 0, "periods": Counter(), "sums": dict.fromkeys(numeric, Decimal(0))}
            | {name: Counter() for name in DIMENSIONS},
        )
        kind["rows"] += 1
        kind["periods"][row["period"]] += 1
        for name in numeric:
            if row[name] != "\\N":
                kind["sums"][name] += Decimal(row[name])
        for name in DIMENSIONS:
            kind[name][row[name]] += 1
    return totals


def snapshot_totals() -> dict:
    """The same figures over the KpiSnapshot rows the rollup wrote."""
    from django.db.models import Count, Sum

    from analytics.models import KpiSnapshot

    numeric = [c for c in FULL_COLUMNS if c not in ("period_kind", "period", "period_start", *DIMENSIONS)]
    totals: dict = {}
    sums = {name: Sum(name) for name in numeric}
    for row in KpiSnapshot.objects.values("period_kind").annotate(rows=Count("id"), **sums).order_by():
        totals[row["period_kind"]] = {
            "rows": row["rows"],
            "periods": Counter(),
            "sums": {name: Decimal(row[name] or 0) for name in numeric},
        } | {name: Counter() for name in DIMENSIONS}
    for field in ("period", *DIMENSIONS):
        for row in KpiSnapshot.objects.values("period_kind", field).annotate(n=Count("id")).order_by():
            totals[row["period_kind"]]["periods" if field == "period" else field][row[field]] = row["n"]
    return totals


def differences(expected: dict, got: dict) -> list[str]:
    """What differs between two totals (empty when they agree)."""
    found = []
    for kind in sorted(set(expected) | set(got)):
        a, b = expected.get(kind), got.get(kind)
        if a is None or b is None:
            found.append(f"{kind}: rows only on one side")
            continue
        for key in ("rows", "periods", *DIMENSIONS):
            if a[key] != b[key]:
                found.append(f"{kind} {key}: SQL {a[key]} vs rollup {b[key]}")
        for name, value in a["sums"].items():
            if value != b["sums"][name]:
                found.append(f"{kind} sum({name}): SQL {value} vs rollup {b['sums'][name]}")
    return found


def deal_baseline(connection) -> tuple[float, list]:
    params = _params()
    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(DEAL_SQL, params)
        rows = cursor.fetchall()
    return time.perf_counter() - t0, rows


def rollup_deal_figures(connection) -> float:
    """The rollup's own deal part, alone: the ORM-built grouped deal queries that analytics.kpis.write_months
    embeds (one row per partner and month each), fetched instead of joined and written (like for like)."""
    from analytics import kpis

    horizon = kpis.history_horizon()
    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        for queryset, mapping in kpis._deal_sources(horizon, None):
            sql, params, _names = kpis._member(connection, queryset, mapping)
            cursor.execute(sql, params)
            cursor.fetchall()
    return time.perf_counter() - t0


def timed_requests(client, url: str, count: int) -> list[float]:
    client.get(url)  # warm-up (templates, connections)
    times = []
    for _ in range(count):
        t0 = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - t0) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    return times


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--partners", type=int, default=5_000)
    parser.add_argument("--deals", type=int, default=500_000)
    parser.add_argument("--requests", type=int, default=30, help="timed requests per page")
    parser.add_argument("--database", default="prm_bench_analytics")
    parser.add_argument("--seed", type=int, default=9)
    args = parser.parse_args(argv)

    open_scratch(args.database, eager=True)
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.conf import settings
    from django.db import connection, reset_queries
    from django.test import Client

    from accounts.models import Role, User
    from accounts.testing import force_full_login
    from analytics.models import KpiSnapshot
    from analytics.selectors import _program_figures, default_quarter
    from analytics.services import rebuild_kpis

    settings.DEBUG = False  # no query log during the timings
    reset(connection)
    rng = random.Random(args.seed)  # noqa: S311 - reproducible benchmark data
    t0 = time.perf_counter()
    made = load(args, rng, connection)
    print(
        f"load: {args.partners:,} partners, {made['deals']:,} deals, {made['influences']:,} influences, "
        f"{made['leads']:,} leads, {made['certificates']:,} certificates, "
        f"{made['commission_entries']:,} commission entries in {time.perf_counter() - t0:.1f}s"
    )

    full_first, _ = full_baseline(connection)  # warm the caches the same way for both
    t0 = time.perf_counter()
    written = rebuild_kpis()
    rollup = time.perf_counter() - t0
    full_time, text = full_baseline(connection)
    full_time = min(full_time, full_first)
    found = differences(baseline_totals(text), snapshot_totals())
    agree = not found
    ratio = rollup / full_time
    print(
        f"full rollup: {written:,} snapshot rows (months and quarters, every KPI of every source, written) in "
        f"{rollup:.2f}s; hand-written SQL of the same figures: {len(text.splitlines()):,} rows (months and "
        f"quarters, fetched) in {full_time:.2f}s; ratio {ratio:.2f}x; same figures: {agree}"
    )
    for line in found[:20]:
        print(f"  MISMATCH {line}")
    deal_time = min(deal_baseline(connection)[0], deal_baseline(connection)[0])
    deal_part = min(rollup_deal_figures(connection), rollup_deal_figures(connection))
    print(
        f"deal figures only (per partner and month, fetched): hand-written SQL GROUP BY {deal_time:.2f}s; "
        f"the rollup's own ORM-built deal queries {deal_part:.2f}s ({deal_part / deal_time:.2f}x); "
        f"the full rollup is {rollup / deal_time:.2f}x this narrower SQL"
    )

    admin, _ = User.objects.get_or_create(
        email="bench-admin@example.com", defaults={"role": Role.PROGRAM_ADMIN, "first_name": "Bench"}
    )
    if not admin.authenticator_set.exists():
        TOTP.activate(admin, generate_totp_secret())
    client = Client()
    force_full_login(client, admin)
    period = default_quarter().key
    reset_queries()
    # The process's own first-request costs (URLs, templates, middleware) on a view the warm-up did not cache:
    # a filtered view, so its time is the uncached one. Then the default view, cached by the rollup's warm-up.
    client.get(f"/analytics/?period={period}&region=apac")
    t0 = time.perf_counter()
    filtered = client.get(f"/analytics/?period={period}&region=emea")
    cold = (time.perf_counter() - t0) * 1000
    t0 = time.perf_counter()
    first = client.get(f"/analytics/?period={period}")
    warm = (time.perf_counter() - t0) * 1000
    assert first.status_code == filtered.status_code == 200, (first.status_code, filtered.status_code)
    uncached = []
    for _ in range(5):
        t0 = time.perf_counter()
        _program_figures(period=default_quarter(), tier=None, partner_type="", region="", manager=None)
        uncached.append((time.perf_counter() - t0) * 1000)
    print(
        f"program dashboard after a rollup: first request of the default view (cached by the rollup's warm-up) "
        f"{warm:.1f} ms; first request of a filtered view (not warmed) {cold:.1f} ms; the figures' queries "
        f"alone, uncached: median {statistics.median(uncached):.1f} ms over {len(uncached)}"
    )
    dashboard = timed_requests(client, f"/analytics/?period={period}", args.requests)
    partner_id = KpiSnapshot.objects.values_list("partner_id", flat=True).first()
    api = timed_requests(client, f"/api/v1/analytics/kpis/?partner={partner_id}&period={period}", args.requests)
    for label, times in (("program dashboard", dashboard), ("partner KPI API", api)):
        print(
            f"{label}: p50 {statistics.median(times):.1f} ms, p95 {percentile(times, 95):.1f} ms "
            f"over {len(times)} requests"
        )
    verdicts = {
        f"full rollup (every KPI, written) <= {TARGET_RATIO:.0f}x hand-written SQL of the same figures "
        f"({ratio:.2f}x)": ratio <= TARGET_RATIO,
        "rollup and hand-written SQL give the same figures": agree,
        f"dashboard p95 < {TARGET_P95_MS:.0f} ms": percentile(dashboard, 95) < TARGET_P95_MS,
        f"KPI API p95 < {TARGET_P95_MS:.0f} ms": percentile(api, 95) < TARGET_P95_MS,
    }
    for label, ok in verdicts.items():
        print(f"  {'PASS' if ok else 'FAIL'}  {label}")
    return 0 if all(verdicts.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
