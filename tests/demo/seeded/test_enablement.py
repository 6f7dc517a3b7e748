"""The demo catalogue: real courses and exams, learners at every stage, idempotent."""

import pytest

from enablement.models import Certificate, Certification, Course, Enrolment, LearningPath, LibraryAsset, QuizAttempt
from partners.models import PartnerType
from tests.demo.seeding import SEED_TIMEOUT

pytestmark = [pytest.mark.django_db, pytest.mark.timeout(SEED_TIMEOUT)]


def test_seed_demo_builds_the_enablement_catalogue_once(seeded):
    assert Course.objects.filter(published=True).count() >= 6
    assert set(Certification.objects.values_list("kind", flat=True)) == {"sales", "technical", "specialty"}
    assert LearningPath.objects.count() == len(PartnerType.values)
    assert (
        LibraryAsset.objects.filter(min_tier__isnull=False).exists()
        and LibraryAsset.objects.filter(min_tier__isnull=True).exists()
    )
    alice = Certificate.objects.filter(user__email="alice@acme.example")
    assert alice.count() == 2
    assert Certificate.objects.filter(user__email="bob@acme.example").count() == 1
    assert QuizAttempt.objects.filter(enrolment__user__email="carol@globex.example", passed=False).exists()
    assert Enrolment.objects.filter(status="in_progress").exists()
    assert seeded.again["enablement"] == seeded.first["enablement"]
