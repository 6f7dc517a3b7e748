"""Agreement with registration: every prospect whose exact normalised key matches an account gets the answer a
registration of it would give (deals.registration.register_deal), on generated customers."""

import random

import pytest

from deals import services as deal_services
from deals.models import DealReason, DealStatus
from prm_check import client as cli
from tests.availability.conftest import prospects
from tests.deals.factories import AccountFactory, DealFactory, DirectAccountFactory, registration_kwargs
from tests.factories import PartnerFactory, UserFactory

pytestmark = pytest.mark.django_db

WORDS = "amber birch cedar delta ember fjord garnet harbor iris juniper kestrel lumen".split()
EXPECTED = {  # registration outcome -> the check's answer
    (DealStatus.REJECTED, DealReason.DUPLICATE): "yours",
    (DealStatus.REJECTED, DealReason.CONFLICT): "protected",
    (DealStatus.PENDING_REVIEW, DealReason.DIRECT_ACCOUNT): "direct",
    (DealStatus.SUBMITTED, ""): "open",
}


def _name(rng, i):
    """Names far apart from each other (no two within the fuzzy thresholds): exact keys decide alone."""
    letters = "bcdfghjklmnpqrstvwxz"
    return f"{rng.choice(WORDS).title()}{''.join(rng.choice(letters) for _ in range(10))} {WORDS[i % len(WORDS)]}"


def test_generated_prospects_get_registrations_answer(portal_for, partner_user, psi_policy):
    rng = random.Random(22)
    other = PartnerFactory()
    kinds = ["mine", "other", "direct", "free"]
    cases = []
    for i in range(24):
        kind = kinds[i % 4]
        name, domain = _name(rng, i), f"gen{i}-{rng.randrange(10**6)}.example"
        if kind == "mine":
            DealFactory(partner=partner_user.partner, account=AccountFactory(name=name, domain=domain))
        elif kind == "other":
            DealFactory(partner=other, account=AccountFactory(name=name, domain=domain))
        elif kind == "direct":
            DirectAccountFactory(name=name, domain=domain)
        by_domain = i % 3 != 0  # a third by country + name only, with the domain written differently
        cases.append((name.upper() + " Inc." if not by_domain else "x", f"https://www.{domain}/" if by_domain else ""))
    psi_policy(daily_limit=500)
    rows = prospects(*[(n, d, "US") for n, d in cases])
    answers = [a for a, _until in cli.check(rows, portal=portal_for(partner_user)).answers]
    registrar = UserFactory(partner=partner_user.partner)
    for (name, domain), answer in zip(cases, answers, strict=True):
        deal = deal_services.register_deal(
            user=registrar, **registration_kwargs(customer_name=name, customer_domain=domain, customer_country="US")
        )
        assert EXPECTED[(deal.status, deal.reason)] == answer, (name, domain, deal.status, deal.reason, answer)
        if deal.status == DealStatus.SUBMITTED:
            deal.delete()  # keep the state registration saw the same for the next prospect
