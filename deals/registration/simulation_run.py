"""Run a policy simulation: replay the window (deals.registration.simulation.Replay) and store what changed
as PolicySimulationChange rows and a summary. Registered with policy.simulation at start-up, since the
replay needs deal registrations and policy sits below deals."""

import logging
from collections import Counter
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from deals.registration import decision as engine
from deals.registration.simulation import CHUNK, WINDOW_DAYS, Replay, Replayed
from policy.models import PolicySimulation, PolicySimulationChange, SimulationStatus

log = logging.getLogger(__name__)


def why(result: Replayed) -> str:
    actual, simulated = result.actual, result.simulated.outcome
    if actual != simulated:
        text = _("%(actual)s under the version in force; %(simulated)s under the draft.") % {
            "actual": engine.outcome_label(actual),
            "simulated": engine.outcome_label(simulated),
        }
        if result.simulated.reason == engine.CONFLICT and result.simulated.protected_until:
            text += " " + _("The customer would be protected for another partner until %(until)s.") % {
                "until": result.simulated.protected_until.isoformat()
            }
        return text
    return _("Protection of %(actual)s days would be %(simulated)s days.") % {
        "actual": result.actual_days,
        "simulated": result.simulated_days,
    }


def window_for(simulation) -> tuple[datetime, datetime]:
    end = simulation.window_end or timezone.now()
    return end - timedelta(days=WINDOW_DAYS), end


def run_simulation(*, simulation_id: int) -> PolicySimulation | None:
    """Run (or re-run) one simulation: its change rows are replaced, its summary rewritten. Safe to retry."""
    simulation = PolicySimulation.objects.select_related("policy").filter(pk=simulation_id).first()
    if simulation is None:
        return None
    if simulation.status == SimulationStatus.DONE and simulation.fingerprint == simulation.policy.fingerprint():
        return simulation  # a retried task after success: nothing to do
    now = timezone.now()
    window_end = simulation.window_end or now
    simulation.window_end = window_end
    simulation.window_start = window_end - timedelta(days=WINDOW_DAYS)
    with transaction.atomic():
        simulation.changes.all().delete()
        PolicySimulation.objects.filter(pk=simulation.pk).update(
            status=SimulationStatus.RUNNING,
            started_at=now,
            finished_at=None,
            done=0,
            changed=0,
            error="",
            fingerprint=simulation.policy.fingerprint(),
            window_start=simulation.window_start,
            window_end=window_end,
        )

    try:
        counted = _replay_into(simulation)
    except Exception as error:
        log.exception("policy simulation %s failed", simulation.pk)
        PolicySimulation.objects.filter(pk=simulation.pk).update(
            status=SimulationStatus.FAILED, error=str(error)[:2000], finished_at=timezone.now()
        )
        raise
    PolicySimulation.objects.filter(pk=simulation.pk).update(
        status=SimulationStatus.DONE, finished_at=timezone.now(), **counted
    )
    simulation.refresh_from_db()
    return simulation


def _change(simulation, result: Replayed) -> PolicySimulationChange:
    return PolicySimulationChange(
        simulation=simulation,
        deal_id=result.deal["id"],
        partner_id=result.deal["partner_id"],
        submitted_at=result.deal["submitted_at"],
        actual_outcome=result.actual,
        actual_protection_days=result.actual_days,
        simulated_outcome=result.simulated.outcome,
        simulated_protection_days=result.simulated_days,
        why=why(result),
    )


def _replay_into(simulation) -> dict:
    """Replay the simulation's window, store its changes; the figures of its summary."""
    replay = Replay(simulation.policy, window_start=simulation.window_start, window_end=simulation.window_end)
    outcomes, transitions, partners = Counter(), Counter(), set()
    batch, replayed, changed = [], 0, 0
    counted = {}

    def progress(done, total):
        counted["rows"] = done
        PolicySimulation.objects.filter(pk=simulation.pk).update(done=done, total=total)

    for result in replay.run(progress):
        replayed += 1
        outcomes[result.simulated.outcome] += 1
        if not result.changed:
            continue
        changed += 1
        same = result.actual == result.simulated.outcome
        transitions[
            (
                result.actual,
                result.simulated.outcome,
                result.actual_days if same else None,
                result.simulated_days if same else None,
            )
        ] += 1
        partners.add(result.deal["partner_id"])
        batch.append(_change(simulation, result))
        if len(batch) >= CHUNK:
            PolicySimulationChange.objects.bulk_create(batch)
            batch = []
    PolicySimulationChange.objects.bulk_create(batch)
    return {
        "done": counted.get("rows", 0),
        "total": counted.get("rows", 0),
        "changed": changed,
        "partners_affected": len(partners),
        "summary": {
            "replayed": replayed,
            "outcomes": dict(outcomes),
            "transitions": [
                {"actual": a, "simulated": b, "actual_days": ad, "simulated_days": sd, "count": n}
                for (a, b, ad, sd), n in transitions.most_common()
            ],
        },
    }
