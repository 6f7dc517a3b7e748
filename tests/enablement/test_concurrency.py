"""Two submissions racing: the attempt limit and the cool-down hold (real threads, PostgreSQL)."""

import threading

import pytest
from django.db import close_old_connections, connection

from enablement import services
from enablement.models import QuizAttempt
from prm.exceptions import Conflict
from tests.enablement.factories import CourseFactory, QuizFactory
from tests.factories import PartnerFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def race(user, quiz, count=2):
    barrier = threading.Barrier(count)
    outcomes = []

    def submit():
        try:
            barrier.wait()
            services.submit_attempt(user=user, quiz=quiz, answers={})
            outcomes.append("ok")
        except Conflict as error:
            outcomes.append(error.code)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(outcomes)


def setup(**quiz_fields):
    user = UserFactory(partner=PartnerFactory())
    course = CourseFactory()
    quiz = QuizFactory(course=course, **quiz_fields)
    services.enrol(user=user, course=course)
    return user, quiz


def test_two_racing_submissions_respect_the_attempt_limit():
    user, quiz = setup(attempt_limit=1, cooldown_minutes=0)
    assert race(user, quiz, count=4) == ["attempt_limit_reached"] * 3 + ["ok"]
    assert QuizAttempt.objects.filter(quiz=quiz, submitted_at__isnull=False).count() == 1


def test_two_racing_submissions_respect_the_cooldown():
    user, quiz = setup(attempt_limit=0, cooldown_minutes=30)
    assert race(user, quiz, count=3) == ["cooldown", "cooldown", "ok"]
    assert QuizAttempt.objects.filter(quiz=quiz).count() == 1
