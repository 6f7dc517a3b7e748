"""The demo's availability check: the sample CSV docs/demo-prospects.csv gives each answer to Acme's users."""

import io
from pathlib import Path

import pytest

from demo import availability as demo_availability
from prm_check import client as cli
from tests.factories import PartnerAdminFactory, PartnerFactory

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).resolve().parents[2] / "docs" / "demo-prospects.csv"


def test_the_sample_csv_in_the_demo(portal_for, program_admin):
    alice = PartnerAdminFactory(partner=PartnerFactory(name="Acme"), email="alice@acme.example")
    PartnerAdminFactory(partner=PartnerFactory(name="Globex"), email="carol@globex.example")
    demo_availability.seed(seed=1, partners=0, stdout=io.StringIO())
    demo_availability.seed(seed=1, partners=0, stdout=io.StringIO())  # a rerun adds nothing
    rows = cli.read_csv(SAMPLE.read_text(encoding="utf-8"))
    result = cli.check(rows, portal=portal_for(alice))
    assert [a for a, _until in result.answers] == ["yours", "protected", "direct", "open", "open", "open"]
