"""Enablement factories: each builds a valid object with no arguments."""

import factory

from enablement.models import (
    Certification,
    Choice,
    Course,
    CourseKind,
    LearningPath,
    Lesson,
    LibraryAsset,
    Question,
    QuestionKind,
    Quiz,
)


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course

    title = factory.Sequence(lambda n: f"Course {n}")
    summary = "Learn the platform."
    kind = CourseKind.SALES
    published = True
    estimated_minutes = 30


class LessonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lesson

    course = factory.SubFactory(CourseFactory)
    position = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Lesson {n}")
    body = "## Pipelines\n\nA **pipeline** moves data."


class QuizFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Quiz
        skip_postgeneration_save = True

    course = factory.SubFactory(CourseFactory)
    title = factory.Sequence(lambda n: f"Quiz {n}")
    pass_mark = 70
    attempt_limit = 3
    cooldown_minutes = 0

    @factory.post_generation
    def questions(obj, create, extracted, **kwargs):
        """questions=[("single", [True, False]), ("multiple", [True, True, False])]; default: two single ones."""
        if not create:
            return
        spec = extracted if extracted is not None else [("single", [True, False, False]), ("single", [False, True])]
        for q_pos, (kind, flags) in enumerate(spec, start=1):
            question = Question.objects.create(quiz=obj, position=q_pos, text=f"Question {q_pos}?", kind=kind)
            for c_pos, flag in enumerate(flags, start=1):
                Choice.objects.create(
                    question=question, position=c_pos, text=f"Option {q_pos}.{c_pos}", is_correct=flag
                )


class CertificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Certification

    name = factory.Sequence(lambda n: f"Certified Professional {n}")
    kind = "sales"
    exam = factory.SubFactory(QuizFactory)
    validity_months = 12


class LearningPathFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LearningPath

    name = factory.Sequence(lambda n: f"Path {n}")
    published = True


class LibraryAssetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LibraryAsset

    title = factory.Sequence(lambda n: f"Asset {n}")
    category = "pitch_deck"
    published = True


def right_answers(attempt) -> dict:
    """The exactly-right answer set for an attempt's draw (tests only: read from the database)."""
    return {
        str(qid): list(Choice.objects.filter(question_id=qid, is_correct=True).values_list("pk", flat=True))
        for qid in attempt.question_ids
    }


def wrong_answers(attempt) -> dict:
    return {
        str(qid): [Choice.objects.filter(question_id=qid, is_correct=False).values_list("pk", flat=True).first()]
        for qid in attempt.question_ids
    }


__all__ = ["QuestionKind"]
