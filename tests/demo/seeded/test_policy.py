"""The demo has a draft v2 with a finished simulation over the demo's history, ready to publish."""

import pytest

from deals.models import DealRegistration
from demo.deals.history import HISTORY_NOTE
from policy.models import PolicyStatus, RoePolicy, SimulationStatus
from policy.selectors import latest_simulation
from tests.demo.seeding import SEED_TIMEOUT

pytestmark = [pytest.mark.django_db, pytest.mark.timeout(SEED_TIMEOUT)]


def test_demo_has_a_simulated_draft_and_a_rerun_adds_nothing(seeded):
    draft = RoePolicy.objects.get(status=PolicyStatus.DRAFT)
    simulation = latest_simulation(draft)
    assert simulation.status == SimulationStatus.DONE and not simulation.is_stale
    assert simulation.summary["replayed"] > 0
    assert simulation.changed > 0  # Platinum partners' approvals would get 150 days
    # The deals demo's bulk history was decided under v1 and says so.
    history = DealRegistration.objects.filter(decision_note=HISTORY_NOTE, partner__isnull=False)
    assert history.exists() and not history.filter(policy_version__isnull=True).exists()
    assert RoePolicy.objects.count() == 2
    assert draft.simulations.count() == 1
    assert seeded.again["policy"] == seeded.first["policy"]
