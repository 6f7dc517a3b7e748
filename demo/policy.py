"""Demo data of the rules-of-engagement policy, called by `seed_demo`: a draft v2 (Platinum protection 150
days, possible-match threshold 85) with a finished simulation over the demo's last 12 months of
registrations, so /policy/<id>/simulate/ shows results and a program admin can publish it.

The simulation replays the deals' demo history, which is seeded first (seed_demo runs its STEPS in order,
deals before policy). Safe to run again: an existing demo draft is kept, and its simulation is only run
when it has none that is current.
"""

import time

from accounts.models import Role, User
from partners.models import Tier
from policy import services, simulation
from policy.models import PolicySimulation, PolicyStatus, RoePolicy, SimulationStatus
from policy.selectors import latest_simulation

DEMO_NOTE = "Demo draft: longer protection for Platinum partners, stricter possible-match review."


def seed(*, seed: int, partners: int, stdout) -> None:
    admin = User.objects.filter(role=Role.PROGRAM_ADMIN, is_active=True).order_by("pk").first()
    if admin is None:
        stdout.write("  policy: no program admin, skipped")
        return
    draft = RoePolicy.objects.filter(status=PolicyStatus.DRAFT, notes=DEMO_NOTE).order_by("-version").first()
    if draft is None:
        if RoePolicy.objects.filter(notes=DEMO_NOTE).exists():
            return  # the demo draft was published meanwhile: nothing to redo
        draft = services.create_draft(actor=admin, notes=DEMO_NOTE)
        platinum = Tier.objects.filter(name="Platinum").first()
        days = dict(draft.protection_days_by_tier)
        if platinum:
            days[str(platinum.pk)] = 150
        services.update_draft(
            policy=draft, actor=admin, data={"protection_days_by_tier": days, "possible_match_threshold": 85}
        )
        draft.refresh_from_db()
    current = latest_simulation(draft)
    if current is not None and current.status == SimulationStatus.DONE and not current.is_stale:
        return
    started = time.monotonic()
    run = current or PolicySimulation.objects.create(policy=draft, requested_by=admin, fingerprint=draft.fingerprint())
    run = simulation.run_simulation(simulation_id=run.pk)
    stdout.write(
        f"  policy: draft v{draft.version} simulated over {run.summary.get('replayed', 0)} registrations "
        f"({run.changed} would change) in {time.monotonic() - started:.1f}s"
    )
