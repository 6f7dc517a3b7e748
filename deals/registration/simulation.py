"""Replay the last 12 months of registrations under a draft policy (docs/policy.md).

Every partner registration submitted in the window is re-decided, in submission order, with the same
decision function the portal uses (`deals.registration.decision.decide`), against a simulated state: who holds which
account until when under the draft. What the replay assumes:

- candidate accounts are today's accounts that share a blocking key and existed at the submission,
  except the one a registration of a new customer created for itself;
  direct accounts are those that are direct today (the account import keeps no history of kinds);
- a registration the draft leaves open (submitted or in review) holds its account from its submission;
  if it was approved in reality, it is approved at the actual decided_at and protected for the draft's
  days for the partner's (current) tier, plus the draft's extension when an extension was granted; if
  a channel manager rejected it, it stops holding at that decision; if it was won or lost, it stops
  holding when that happened; if it was refused automatically in reality but the draft lets it through,
  it is assumed approved when the draft's approval SLA runs out;
- registrations submitted before the window keep their actual holds;
- registrations that came from leads are not re-decided (a lead is the vendor's decision), but hold
  their accounts as in reality with the draft's protection days;
- wins are taken as they happened (a deal the replay decides differently is still won when it was in
  reality): a win counts for the draft's incumbency rule from the moment it was marked won, for the
  draft's incumbency days after its close date.

The result is compared with the actual decision (status and reason at registration, and the protection
length the deciding version granted the partner's tier at approval); each difference is stored as a
PolicySimulationChange.
"""

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import Min
from django.utils import timezone

from deals import matching
from deals.models import DIRECT_KINDS, Account, AccountKey, DealReason, DealRegistration, DealSource, DealStatus
from deals.registration import decision as engine
from partners.models import Partner
from policy.models import PolicyStatus, RoePolicy
from prm.models import AuditEntry
from sla.clock import add_business_days

log = logging.getLogger(__name__)

WINDOW_DAYS = 365
CHUNK = 500  # registrations read per batch
PROGRESS_EVERY = 100  # progress saved every N registrations
KEY_BATCH = 800  # keys per IN (...) query (SQLite's parameter limit)

APPROVED_STATUSES = (DealStatus.APPROVED, DealStatus.WON, DealStatus.LOST, DealStatus.EXPIRED)
REVIEW_DECISIONS = (DealReason.REVIEW_REJECTED, DealReason.INFLUENCE_ONLY)
FIELDS = (
    "id",
    "partner_id",
    "account_id",
    "status",
    "reason",
    "customer_name",
    "customer_domain",
    "customer_country",
    "submitted_at",
    "created_at",
    "decided_at",
    "protected_until",
    "extension_status",
    "close_date",
    "updated_at",
    "policy_version_id",
)


@dataclass
class Hold:
    """One registration holding an account in the simulated world, from `start` until `end` (None: still)."""

    holder: engine.Holder
    start: datetime
    end: datetime | None  # the moment it stops holding (rejected, won, lost)
    approved_at: datetime | None  # None: waits for a decision throughout

    def active_at(self, moment: datetime, today: date) -> bool:
        if moment < self.start or (self.end is not None and moment >= self.end):
            return False
        if self.approved_at is not None and self.approved_at <= moment:
            # Approved: blocks until the end of protection (rule 6; expiry runs the day after).
            return self.holder.protected_until is None or self.holder.protected_until >= today
        return True

    def view_at(self, moment: datetime) -> engine.Holder:
        """The holder as a decision at `moment` sees it: no protection end yet while it waits."""
        if self.approved_at is None or self.approved_at > moment:
            return engine.Holder(
                deal_id=self.holder.deal_id,
                partner_id=self.holder.partner_id,
                account_id=self.holder.account_id,
                tier_id=self.holder.tier_id,
            )
        return self.holder


@dataclass(frozen=True)
class Replayed:
    deal: dict
    actual: str
    simulated: engine.Decision
    actual_days: int | None
    simulated_days: int | None

    @property
    def changed(self) -> bool:
        return self.actual != self.simulated.outcome or (
            self.actual_days is not None and self.simulated_days is not None and self.actual_days != self.simulated_days
        )


def _end_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min), timezone.get_current_timezone())


def _local(moment: datetime) -> date:
    return timezone.localtime(moment).date()


class Replay:
    """The simulated world and the replay of registrations in submission order under `policy`."""

    def __init__(self, policy, *, window_start: datetime, window_end: datetime):
        self.policy = policy
        self.window_start, self.window_end = window_start, window_end
        self.holds: dict[int, list[Hold]] = defaultdict(list)
        self.tiers = dict(Partner.objects.values_list("pk", "tier_id"))
        self.deal_type = ContentType.objects.get_for_model(DealRegistration)
        self.versions: dict | None = None
        self.wins: dict[int, list[tuple[datetime, engine.Win]]] | None = None

    # --- reading -------------------------------------------------------------------------------------

    def registrations(self):
        """The window's partner registrations, oldest first (leads included: they hold accounts)."""
        return (
            DealRegistration.objects.filter(
                source=DealSource.PARTNER,
                partner__isnull=False,
                submitted_at__gte=self.window_start,
                submitted_at__lt=self.window_end,
            )
            .exclude(status=DealStatus.DRAFT)
            .order_by("submitted_at", "id")
            .values(*FIELDS)
        )

    def earlier_holders(self):
        """Registrations submitted before the window that still held their account when it began."""
        start_day = _local(self.window_start)
        return (
            DealRegistration.objects.filter(
                source=DealSource.PARTNER, partner__isnull=False, submitted_at__lt=self.window_start
            )
            .exclude(status__in=[DealStatus.DRAFT, DealStatus.REJECTED])
            .exclude(status__in=APPROVED_STATUSES[1:], protected_until__lt=start_day)
            .order_by("submitted_at", "id")
            .values(*FIELDS)
        )

    def audits(self, deal_ids) -> dict[int, dict[str, AuditEntry]]:
        """The register, won and lost audit rows of the deals (first of each action)."""
        found: dict[int, dict] = defaultdict(dict)
        rows = (
            AuditEntry.objects.filter(
                content_type=self.deal_type,
                object_id__in=list(deal_ids),
                action__in=["register", "mark_won", "mark_lost"],
            )
            .order_by("id")
            .values("object_id", "action", "to_state", "reason", "created_at")
        )
        for row in rows:
            found[int(row["object_id"])].setdefault(row["action"], row)
        return found

    def candidates(self, rows) -> tuple[dict, dict]:
        """Per registration id: its normalised name, domain and keys; and the accounts sharing the keys."""
        prepared = {}
        all_keys = set()
        for row in rows:
            name = matching.normalise_company_name(row["customer_name"])
            domain = matching.normalise_domain(row["customer_domain"])
            keys = matching.blocking_keys(normalised_name=name.value, domain=domain, country=row["customer_country"])
            prepared[row["id"]] = (name, domain, keys)
            all_keys.update(keys)
        by_key: dict[str, set[int]] = defaultdict(set)
        ordered = sorted(all_keys)
        for start in range(0, len(ordered), KEY_BATCH):
            for key, account_id in AccountKey.objects.filter(key__in=ordered[start : start + KEY_BATCH]).values_list(
                "key", "account_id"
            ):
                by_key[key].add(account_id)
        ids = set().union(*by_key.values()) if by_key else set()
        accounts = {
            a["id"]: a
            for a in Account.objects.filter(pk__in=ids).values(
                "id", "normalised_name", "domain", "country", "kind", "created_at"
            )
        }
        # A registration of a new customer created its account: that account is not a candidate for it.
        first_registration = dict(
            DealRegistration.objects.filter(account_id__in=ids)
            .values("account_id")
            .annotate(first=Min("id"))
            .values_list("account_id", "first")
        )
        per_deal = {}
        for deal_id, (name, domain, keys) in prepared.items():
            account_ids = set().union(*(by_key.get(k, set()) for k in keys)) if keys else set()
            account_ids = {
                a
                for a in account_ids
                if not (first_registration.get(a) == deal_id and accounts[a]["kind"] not in DIRECT_KINDS)
            }
            per_deal[deal_id] = (name, domain, sorted(account_ids))
        return per_deal, accounts

    # --- the actual decision ---------------------------------------------------------------------------

    def actual_outcome(self, row, audit) -> str:
        register = audit.get("register")
        if register is not None and register["to_state"]:
            return engine.outcome_key(register["to_state"], register["reason"] or "")
        reason = row["reason"]
        if reason in (DealReason.CONFLICT, DealReason.DUPLICATE):
            return engine.outcome_key(engine.REJECTED, reason)
        if reason in (DealReason.DIRECT_ACCOUNT, DealReason.POSSIBLE_MATCH, DealReason.INCUMBENT):
            status = engine.REJECTED if row["status"] == DealStatus.REJECTED else engine.PENDING_REVIEW
            return engine.outcome_key(status, reason)
        return engine.SUBMITTED

    def was_approved(self, row) -> bool:
        return row["status"] in APPROVED_STATUSES and row["protected_until"] is not None

    def version_of(self, row):
        """The version a decided registration recorded, or (decided before versions were recorded, e.g.
        bulk-imported history) the version in force when it was decided."""
        if self.versions is None:
            self.versions = {
                p.pk: p
                for p in RoePolicy.objects.exclude(status=PolicyStatus.DRAFT).order_by("effective_from", "version")
            }
        version = self.versions.get(row["policy_version_id"])
        if version is not None:
            return version
        moment = row["decided_at"] or row["submitted_at"]
        found = None
        for candidate in self.versions.values():
            if candidate.effective_from and candidate.effective_from <= moment:
                found = candidate
        return found or next(iter(self.versions.values()), self.policy)

    def actual_days(self, row) -> int | None:
        """The protection length the deciding version granted the partner's tier at approval."""
        if not self.was_approved(row):
            return None
        return self.version_of(row).protection_days_for(self.tiers.get(row["partner_id"]))

    def exit_moment(self, row, audit) -> datetime | None:
        """When the registration stopped holding for a reason other than the end of protection."""
        if row["status"] == DealStatus.WON:
            won = audit.get("mark_won")
            return won["created_at"] if won else (_end_of_day(row["close_date"]) if row["close_date"] else None)
        if row["status"] == DealStatus.LOST:
            lost = audit.get("mark_lost")
            return lost["created_at"] if lost else row["updated_at"]
        if row["status"] == DealStatus.REJECTED and row["reason"] in REVIEW_DECISIONS:
            return row["decided_at"] or row["updated_at"]
        return None

    def load_wins(self) -> None:
        """The partner wins that can make an incumbent in the window: {account_id: [(known_at, Win)]}."""
        self.wins = defaultdict(list)
        days = int(self.policy.incumbency_days or 0)
        if not days:
            return
        rows = list(
            DealRegistration.objects.filter(
                status=DealStatus.WON,
                partner__isnull=False,
                close_date__gte=_local(self.window_start) - timedelta(days=days),
                submitted_at__lt=self.window_end,
            ).values("id", "partner_id", "account_id", "close_date")
        )
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start : start + CHUNK]
            audits = self.audits(r["id"] for r in chunk)
            for row in chunk:
                won = audits.get(row["id"], {}).get("mark_won")
                known_at = won["created_at"] if won else _end_of_day(row["close_date"]) - timedelta(microseconds=1)
                win = engine.Win(
                    deal_id=row["id"],
                    partner_id=row["partner_id"],
                    account_id=row["account_id"],
                    won_on=row["close_date"],
                )
                self.wins[row["account_id"]].append((known_at, win))

    def wins_at(self, account_ids, moment: datetime) -> dict:
        """The wins known at `moment` of the accounts (engine.decide applies the draft's incumbency days)."""
        found = {}
        for account_id in account_ids:
            known = [win for known_at, win in (self.wins or {}).get(account_id, ()) if known_at <= moment]
            if known:
                found[account_id] = known
        return found

    # --- the simulated world ---------------------------------------------------------------------------

    def active_holders(self, account_ids, moment: datetime) -> dict:
        today = _local(moment)
        found = {}
        for account_id in account_ids:
            for hold in reversed(self.holds.get(account_id, ())):
                if hold.active_at(moment, today):
                    found[account_id] = hold.view_at(moment)
                    break
        return found

    def hold(self, row, audit, *, account_id: int, simulated_open: bool, actual_hold: bool = False):
        """Record how the registration holds `account_id` in the simulated world."""
        tier_id = self.tiers.get(row["partner_id"])
        start = row["submitted_at"]
        end = self.exit_moment(row, audit)
        approved_at, protected_until = None, None
        if actual_hold:
            if self.was_approved(row):
                approved_at, protected_until = row["decided_at"] or start, row["protected_until"]
        elif self.was_approved(row):
            approved_at = row["decided_at"] or start
            protected_until = engine.approval_protected_until(self.policy, tier_id, _local(approved_at))
            if row["extension_status"] == "approved":
                protected_until += timedelta(days=self.policy.extension_days)
        elif row["status"] in (DealStatus.SUBMITTED, DealStatus.PENDING_REVIEW) or row["reason"] in REVIEW_DECISIONS:
            pass  # still waiting, or waited until a channel manager's refusal (`end`)
        elif simulated_open:
            # Refused automatically in reality, let through by the draft: approved when its SLA runs out.
            approved_on = add_business_days(_local(start), self.policy.approval_sla_business_days)
            approved_at = max(start, _end_of_day(approved_on) - timedelta(microseconds=1))
            protected_until = engine.approval_protected_until(self.policy, tier_id, approved_on)
        holder = engine.Holder(
            deal_id=row["id"],
            partner_id=row["partner_id"],
            account_id=account_id,
            tier_id=tier_id,
            protected_until=protected_until,
        )
        self.holds[account_id].append(Hold(holder=holder, start=start, end=end, approved_at=approved_at))

    def seed(self):
        rows = list(self.earlier_holders())
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start : start + CHUNK]
            audits = self.audits(r["id"] for r in chunk)
            for row in chunk:
                self.hold(
                    row, audits.get(row["id"], {}), account_id=row["account_id"], simulated_open=True, actual_hold=True
                )

    def replay_one(self, row, audit, prepared, accounts) -> Replayed | None:
        moment = row["submitted_at"]
        if row["reason"] == DealReason.LEAD:
            self.hold(row, audit, account_id=row["account_id"], simulated_open=True)
            return None
        name, domain, account_ids = prepared
        existing = [accounts[a] for a in account_ids if a in accounts and accounts[a]["created_at"] <= moment]
        candidates = [(a["id"], a["normalised_name"], a["domain"], a["country"], a["kind"]) for a in existing]
        evidence = engine.classify(
            name=name, domain=domain, country=row["customer_country"], candidates=candidates, policy=self.policy
        )
        ids = [e.account_id for e in evidence]
        decision = engine.decide(
            evidence=evidence,
            holders=self.active_holders(ids, moment),
            direct_account_ids={a["id"] for a in existing if a["kind"] in DIRECT_KINDS},
            policy=self.policy,
            partner_id=row["partner_id"],
            today=_local(moment),
            wins=self.wins_at(ids, moment),
        )
        simulated_open = decision.status in (engine.SUBMITTED, engine.PENDING_REVIEW)
        if simulated_open:
            self.hold(row, audit, account_id=decision.account_id or row["account_id"], simulated_open=True)
        actual = self.actual_outcome(row, audit)
        actual_days = self.actual_days(row)
        simulated_days = None
        if actual_days is not None and decision.status == engine.SUBMITTED:
            simulated_days = self.policy.protection_days_for(self.tiers.get(row["partner_id"]))
        return Replayed(row, actual, decision, actual_days, simulated_days)

    def run(self, progress=None):
        """Yield every re-decided registration, in submission order; `progress(done, total)` now and then."""
        self.seed()
        self.load_wins()
        queryset = self.registrations()
        total = queryset.count()
        done = 0
        last_id, last_at = 0, None
        while True:
            page = queryset
            if last_at is not None:
                page = page.filter(submitted_at__gte=last_at).exclude(submitted_at=last_at, id__lte=last_id)
            rows = list(page[:CHUNK])
            if not rows:
                break
            audits = self.audits(r["id"] for r in rows)
            prepared, accounts = self.candidates(rows)
            for row in rows:
                result = self.replay_one(row, audits.get(row["id"], {}), prepared[row["id"]], accounts)
                done += 1
                if result is not None:
                    yield result
                if progress and done % PROGRESS_EVERY == 0:
                    progress(done, total)
            last_id, last_at = rows[-1]["id"], rows[-1]["submitted_at"]
        if progress:
            progress(done, total)
