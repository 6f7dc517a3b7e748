"""The demo catalogue: real courses and exams, learners at every stage, idempotent."""

import io

import pytest
from django.core.management import call_command

from enablement.models import (
    Certificate,
    Certification,
    Course,
    Enrolment,
    LearningPath,
    LibraryAsset,
    QuizAttempt,
)
from partners.models import PartnerType

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _debug(settings):
    settings.DEBUG = True


def test_seed_demo_builds_the_enablement_catalogue_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", partners=12, stdout=io.StringIO())
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
    counts = (
        Course.objects.count(),
        Enrolment.objects.count(),
        Certificate.objects.count(),
        LibraryAsset.objects.count(),
    )
    call_command("seed_demo", partners=12, stdout=io.StringIO())
    assert counts == (
        Course.objects.count(),
        Enrolment.objects.count(),
        Certificate.objects.count(),
        LibraryAsset.objects.count(),
    )
