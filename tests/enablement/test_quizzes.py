"""Quizzes: server-side scoring, the fixed random draw, attempt limit, cool-down, and no answers leaked."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from enablement import services
from enablement.models import Choice, Question, QuizAttempt
from prm.exceptions import Conflict
from tests.enablement.factories import QuizFactory, right_answers, wrong_answers

pytestmark = pytest.mark.django_db


def enrolled(user, course):
    services.enrol(user=user, course=course)
    return user


def choice_ids(question, *positions):
    return [c.pk for c in question.choices.order_by("position") if c.position in positions]


def test_single_choice_scores_only_the_right_choice(partner_user, course):
    quiz = QuizFactory(course=course, pass_mark=50, questions=[("single", [True, False]), ("single", [False, True])])
    enrolled(partner_user, course)
    first, second = quiz.questions.order_by("position")
    attempt = services.submit_attempt(
        user=partner_user,
        quiz=quiz,
        answers={str(first.pk): choice_ids(first, 1), str(second.pk): choice_ids(second, 1)},
    )
    assert attempt.score == 50
    assert attempt.passed is True


def test_multiple_choice_partial_answers_score_as_wrong(partner_user, course):
    quiz = QuizFactory(course=course, pass_mark=100, questions=[("multiple", [True, True, False])])
    enrolled(partner_user, course)
    question = quiz.questions.get()
    partial = services.submit_attempt(user=partner_user, quiz=quiz, answers={str(question.pk): choice_ids(question, 1)})
    assert partial.score == 0
    too_many = services.submit_attempt(
        user=partner_user, quiz=quiz, answers={str(question.pk): choice_ids(question, 1, 2, 3)}
    )
    assert too_many.score == 0
    exact = services.submit_attempt(
        user=partner_user, quiz=quiz, answers={str(question.pk): choice_ids(question, 1, 2)}
    )
    assert exact.score == 100 and exact.passed


def test_two_choices_on_a_single_choice_question_score_as_wrong(partner_user, course):
    quiz = QuizFactory(course=course, questions=[("single", [True, False])])
    enrolled(partner_user, course)
    question = quiz.questions.get()
    attempt = services.submit_attempt(
        user=partner_user, quiz=quiz, answers={str(question.pk): choice_ids(question, 1, 2)}
    )
    assert attempt.score == 0


def test_every_attempt_is_stored_with_its_answers(partner_user, exam, course):
    enrolled(partner_user, course)
    first = services.open_attempt(user=partner_user, quiz=exam)
    services.submit_attempt(user=partner_user, quiz=exam, answers=wrong_answers(first))
    second = services.open_attempt(user=partner_user, quiz=exam)
    services.submit_attempt(user=partner_user, quiz=exam, answers=right_answers(second))
    attempts = QuizAttempt.objects.filter(quiz=exam).order_by("attempt_number")
    assert [(a.attempt_number, a.passed) for a in attempts] == [(1, False), (2, True)]
    assert all(a.answers for a in attempts)


def test_the_draw_comes_from_the_pool_and_stays_fixed_until_submitted(partner_user, course):
    quiz = QuizFactory(course=course, questions=[("single", [True, False])] * 10, questions_per_attempt=4)
    enrolled(partner_user, course)
    attempt = services.open_attempt(user=partner_user, quiz=quiz)
    assert len(attempt.question_ids) == 4
    assert set(attempt.question_ids) <= set(quiz.questions.values_list("pk", flat=True))
    for _ in range(3):
        assert services.open_attempt(user=partner_user, quiz=quiz).question_ids == attempt.question_ids
    services.submit_attempt(user=partner_user, quiz=quiz, answers={})
    assert services.open_attempt(user=partner_user, quiz=quiz).pk != attempt.pk


def test_answers_to_questions_outside_the_draw_are_refused(partner_user, course, api_for):
    quiz = QuizFactory(course=course, questions=[("single", [True, False])] * 3, questions_per_attempt=1)
    enrolled(partner_user, course)
    attempt = services.open_attempt(user=partner_user, quiz=quiz)
    other = quiz.questions.exclude(pk__in=attempt.question_ids).first()
    response = api_for(partner_user).post(
        f"/api/v1/quizzes/{quiz.pk}/attempts/", {"answers": {str(other.pk): [other.choices.first().pk]}}, format="json"
    )
    assert response.status_code == 400
    assert "answers" in response.json()


def test_attempt_limit_returns_409_once_used_up(partner_user, exam, course, api_for):
    enrolled(partner_user, course)
    api = api_for(partner_user)
    for expected_left in (1, 0):
        response = api.post(f"/api/v1/quizzes/{exam.pk}/attempts/", {"answers": {}}, format="json")
        assert response.status_code == 201
        assert response.json()["attempts_left"] == expected_left
    response = api.post(f"/api/v1/quizzes/{exam.pk}/attempts/", {"answers": {}}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "attempt_limit_reached"
    assert QuizAttempt.objects.filter(quiz=exam).count() == 2


def test_cooldown_returns_409_until_it_has_passed(partner_user, course, api_for):
    quiz = QuizFactory(course=course, cooldown_minutes=60, attempt_limit=0)
    enrolled(partner_user, course)
    api = api_for(partner_user)
    assert api.post(f"/api/v1/quizzes/{quiz.pk}/attempts/", {"answers": {}}, format="json").status_code == 201
    response = api.post(f"/api/v1/quizzes/{quiz.pk}/attempts/", {"answers": {}}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "cooldown"
    QuizAttempt.objects.filter(quiz=quiz).update(submitted_at=timezone.now() - timedelta(minutes=61))
    assert api.post(f"/api/v1/quizzes/{quiz.pk}/attempts/", {"answers": {}}, format="json").status_code == 201


def test_a_late_submission_past_the_time_limit_fails(partner_user, course):
    quiz = QuizFactory(course=course, time_limit_minutes=10, pass_mark=50)
    enrolled(partner_user, course)
    attempt = services.open_attempt(user=partner_user, quiz=quiz)
    QuizAttempt.objects.filter(pk=attempt.pk).update(started_at=timezone.now() - timedelta(minutes=20))
    result = services.submit_attempt(user=partner_user, quiz=quiz, answers=right_answers(attempt))
    assert result.timed_out and not result.passed and result.score == 0


def test_passing_resets_the_attempt_limit_for_recertification(partner_user, exam, course):
    enrolled(partner_user, course)
    attempt = services.open_attempt(user=partner_user, quiz=exam)
    services.submit_attempt(user=partner_user, quiz=exam, answers=wrong_answers(attempt))
    attempt = services.open_attempt(user=partner_user, quiz=exam)
    services.submit_attempt(user=partner_user, quiz=exam, answers=right_answers(attempt))
    assert services.open_attempt(user=partner_user, quiz=exam).attempt_number == 3


def test_blocked_learner_gets_no_new_draw(partner_user, course):
    quiz = QuizFactory(course=course, attempt_limit=1)
    enrolled(partner_user, course)
    services.submit_attempt(user=partner_user, quiz=quiz, answers={})
    with pytest.raises(Conflict):
        services.open_attempt(user=partner_user, quiz=quiz)


# --- No correct-answer flags in any page or API response ------------------------------------------


def assert_no_answer_markers(body: str, quiz):
    assert "is_correct" not in body
    assert "correct" not in body.lower().replace("correct choice and no other", "")
    for choice in Choice.objects.filter(question__quiz=quiz):
        # The text of each choice may appear; nothing may single out the right ones.
        assert f'data-correct="{choice.pk}"' not in body


def test_quiz_api_sends_the_draw_without_answers(partner_user, exam, course, api_for):
    enrolled(partner_user, course)
    response = api_for(partner_user).get(f"/api/v1/quizzes/{exam.pk}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert_no_answer_markers(body, exam)
    data = response.json()
    assert {q["id"] for q in data["questions"]} == set(exam.questions.values_list("pk", flat=True))
    assert set(data["questions"][0]["choices"][0]) == {"id", "text"}
    again = api_for(partner_user).get(f"/api/v1/quizzes/{exam.pk}/").json()
    assert [q["id"] for q in again["questions"]] == [q["id"] for q in data["questions"]]


def test_quiz_page_has_no_answer_flags(partner_user, exam, course, client_for):
    enrolled(partner_user, course)
    response = client_for(partner_user).get(reverse("enablement:quiz", args=[exam.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert_no_answer_markers(body, exam)
    # The radio values are choice ids; every choice of the draw is offered, right or wrong alike.
    for choice in Choice.objects.filter(question__quiz=exam):
        assert f'value="{choice.pk}"' in body


def test_course_page_and_course_api_have_no_answer_flags(partner_user, exam, course, client_for, api_for):
    enrolled(partner_user, course)
    page = client_for(partner_user).get(reverse("enablement:course", args=[course.pk])).content.decode()
    api = api_for(partner_user).get(f"/api/v1/courses/{course.pk}/").content.decode()
    for body in (page, api):
        assert "is_correct" not in body


def test_quiz_authoring_api_takes_is_correct_write_only(program_admin, course, api_for):
    payload = {
        "course": course.pk,
        "title": "Connectors quiz",
        "pass_mark": 80,
        "attempt_limit": 3,
        "cooldown_minutes": 30,
        "questions": [
            {"text": "Which connector reads Postgres?", "kind": "single", "choices": [
                {"text": "CDC connector", "is_correct": True}, {"text": "FTP connector", "is_correct": False}]},
            {"text": "Which are sinks?", "kind": "multiple", "choices": [
                {"text": "Snowflake", "is_correct": True}, {"text": "BigQuery", "is_correct": True},
                {"text": "A webhook trigger", "is_correct": False}]},
        ],
    }  # fmt: skip
    response = api_for(program_admin).post("/api/v1/quizzes/", payload, format="json")
    assert response.status_code == 201, response.content
    assert "is_correct" not in response.content.decode()
    assert Choice.objects.filter(question__quiz_id=response.json()["id"], is_correct=True).count() == 3


def test_quiz_authoring_refuses_a_single_choice_question_with_two_right_answers(program_admin, course, api_for):
    payload = {
        "course": course.pk,
        "title": "Bad quiz",
        "pass_mark": 80,
        "questions": [{"text": "Q?", "kind": "single", "choices": [
            {"text": "A", "is_correct": True}, {"text": "B", "is_correct": True}]}],
    }  # fmt: skip
    response = api_for(program_admin).post("/api/v1/quizzes/", payload, format="json")
    assert response.status_code == 400
    assert "questions" in response.json()


def test_quiz_api_is_403_not_enrolled_for_someone_not_enrolled(partner_user, exam, api_for):
    response = api_for(partner_user).get(f"/api/v1/quizzes/{exam.pk}/")
    assert response.status_code == 403
    assert response.json()["code"] == "not_enrolled"
    response = api_for(partner_user).post(f"/api/v1/quizzes/{exam.pk}/attempts/", {"answers": {}}, format="json")
    assert response.status_code == 403


def test_partner_users_only_roles_may_author_quizzes(partner_user, course, api_for):
    response = api_for(partner_user).post(
        "/api/v1/quizzes/", {"course": course.pk, "title": "x", "pass_mark": 1, "questions": []}, format="json"
    )
    assert response.status_code == 403


def test_quiz_page_submission_scores_and_shows_the_result(partner_user, exam, course, client_for):
    enrolled(partner_user, course)
    client = client_for(partner_user)
    client.get(reverse("enablement:quiz", args=[exam.pk]))
    attempt = QuizAttempt.objects.get(quiz=exam, submitted_at__isnull=True)
    post = {}
    for qid, choices in right_answers(attempt).items():
        question = Question.objects.get(pk=qid)
        post[f"q_{qid}"] = [str(c) for c in choices] if question.kind == "multiple" else str(choices[0])
    response = client.post(reverse("enablement:quiz", args=[exam.pk]), post)
    assert response.status_code == 302
    result = client.get(response.url)
    assert "100 %" in result.content.decode()
    assert "Passed" in result.content.decode()


def test_quiz_page_refuses_blank_answers_beside_the_question(partner_user, exam, course, client_for):
    enrolled(partner_user, course)
    client = client_for(partner_user)
    client.get(reverse("enablement:quiz", args=[exam.pk]))
    attempt = QuizAttempt.objects.get(quiz=exam, submitted_at__isnull=True)
    answers = right_answers(attempt)
    blank = next(iter(answers))
    post = {}
    for qid, choices in answers.items():
        if qid == blank:
            continue
        question = Question.objects.get(pk=qid)
        post[f"q_{qid}"] = [str(c) for c in choices] if question.kind == "multiple" else str(choices[0])
    response = client.post(reverse("enablement:quiz", args=[exam.pk]), post)
    assert response.status_code != 302
    assert "Choose an answer to this question." in response.content.decode()
    attempt.refresh_from_db()
    assert attempt.submitted_at is None  # not scored: the blank answer was refused, not marked wrong
