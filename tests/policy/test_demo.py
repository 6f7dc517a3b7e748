"""The demo has a draft v2 with a finished simulation over the demo's history, ready to publish."""

import io

import pytest
from django.core.management import call_command

from deals.demo_history import HISTORY_NOTE
from deals.models import DealRegistration
from policy.models import PolicyStatus, RoePolicy, SimulationStatus
from policy.selectors import latest_simulation

pytestmark = pytest.mark.django_db


def test_demo_has_a_simulated_draft_and_a_rerun_adds_nothing(settings):
    settings.DEBUG = True

    def seed():
        call_command(
            "seed_demo", partners=12, password="Demo-pass-12345", seed=7, stdout=io.StringIO(), stderr=io.StringIO()
        )

    seed()
    draft = RoePolicy.objects.get(status=PolicyStatus.DRAFT)
    simulation = latest_simulation(draft)
    assert simulation.status == SimulationStatus.DONE and not simulation.is_stale
    assert simulation.summary["replayed"] > 0
    assert simulation.changed > 0  # Platinum partners' approvals would get 150 days
    # The deals demo's bulk history was decided under v1 and says so.
    history = DealRegistration.objects.filter(decision_note=HISTORY_NOTE, partner__isnull=False)
    assert history.exists() and not history.filter(policy_version__isnull=True).exists()
    seed()
    assert RoePolicy.objects.count() == 2
    assert draft.simulations.count() == 1
