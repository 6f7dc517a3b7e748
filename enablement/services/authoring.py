"""Authoring (program admins): courses, lessons, quizzes, certifications, learning paths, library assets."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext

from accounts import access
from enablement.models import (
    Certification,
    Choice,
    Course,
    LearningPath,
    LearningPathStep,
    Lesson,
    LibraryAsset,
    LibraryAssetVersion,
    Question,
    QuestionKind,
    Quiz,
    QuizAttempt,
    encode_types,
)
from enablement.uploads import validate_upload
from prm.audit import record_audit

# --- Authoring ---------------------------------------------------------------------------------------


COURSE_FIELDS = ("title", "summary", "kind", "min_tier", "estimated_minutes", "published")


def _apply(obj, data: dict, fields) -> dict:
    changes = {}
    for field in fields:
        if field in data:
            value = data[field]
            if getattr(obj, field, None) != value:
                changes[field] = str(value)
            setattr(obj, field, value)
    return changes


def save_course(*, actor, course: Course | None = None, data: dict, lessons: list[dict] | None = None) -> Course:
    """Create or update a course; `lessons` (ordered) replaces the lessons position by position when given."""
    access.require(actor, "enablement.author")
    with transaction.atomic():
        creating = course is None
        course = course or Course()
        changes = _apply(course, data, COURSE_FIELDS)
        if "audience_types" in data:
            course.audience_types = encode_types(data["audience_types"])
        course.full_clean()
        course.save()
        if lessons is not None:
            _replace_lessons(course, lessons)
        record_audit(actor=actor, obj=course, action="create" if creating else "update", changes=changes)
    return course


def _replace_lessons(course: Course, lessons: list[dict]) -> None:
    existing = list(course.lessons.order_by("position", "id"))
    for position, values in enumerate(lessons, start=1):
        lesson = existing[position - 1] if position <= len(existing) else Lesson(course=course)
        lesson.position = position
        for field in ("title", "body", "video_url", "attachment"):
            if field in values and (field != "attachment" or values[field]):
                setattr(lesson, field, values[field] or ("" if field != "attachment" else None))
        lesson.full_clean()
        lesson.save()
    for surplus in existing[len(lessons) :]:
        surplus.delete()


def save_lesson(*, actor, course: Course, lesson: Lesson | None = None, data: dict) -> Lesson:
    access.require(actor, "enablement.author")
    with transaction.atomic():
        lesson = lesson or Lesson(course=course, position=(course.lessons.count() + 1))
        for field in ("title", "body", "video_url", "position"):
            if field in data:
                setattr(lesson, field, data[field])
        if data.get("attachment"):
            lesson.attachment = data["attachment"]
        if data.get("clear_attachment"):
            lesson.attachment = None
        lesson.full_clean()
        lesson.save()
        record_audit(actor=actor, obj=course, action="save_lesson", changes={"lesson": lesson.title})
    return lesson


def delete_lesson(*, actor, lesson: Lesson) -> None:
    access.require(actor, "enablement.author")
    with transaction.atomic():
        record_audit(actor=actor, obj=lesson.course, action="delete_lesson", changes={"lesson": lesson.title})
        lesson.delete()


def validate_questions(questions: list[dict]) -> None:
    errors = []
    if not questions:
        errors.append(gettext("Add at least one question."))
    for number, question in enumerate(questions, start=1):
        choices = question.get("choices") or []
        correct = sum(1 for c in choices if c.get("is_correct"))
        if not str(question.get("text", "")).strip():
            errors.append(gettext("Question %(number)s needs a text.") % {"number": number})
        if len(choices) < 2:
            errors.append(gettext("Question %(number)s needs at least two choices.") % {"number": number})
        if question.get("kind", QuestionKind.SINGLE) == QuestionKind.SINGLE and correct != 1:
            errors.append(
                gettext("Question %(number)s is single choice: mark exactly one choice correct.") % {"number": number}
            )
        elif correct < 1:
            errors.append(gettext("Question %(number)s needs at least one correct choice.") % {"number": number})
    if errors:
        raise ValidationError({"questions": errors})


QUIZ_FIELDS = (*Quiz.TERMS, "position")


def save_quiz(*, actor, course: Course, quiz: Quiz | None = None, data: dict, questions: list[dict] | None) -> Quiz:
    """Create or update a quiz; `questions` (with choices and is_correct) replaces the pool when given."""
    access.require(actor, "enablement.author")
    if questions is not None:
        validate_questions(questions)
    with transaction.atomic():
        creating = quiz is None
        quiz = quiz or Quiz(course=course, position=course.quizzes.count() + 1)
        changes = _apply(quiz, data, QUIZ_FIELDS)
        quiz.full_clean()
        quiz.save()
        if questions is not None:
            # Submitted attempts keep their answers and scores; open draws refer to the old pool, so close them.
            QuizAttempt.objects.filter(quiz=quiz, submitted_at__isnull=True).delete()
            quiz.questions.all().delete()
            for q_pos, question in enumerate(questions, start=1):
                created = Question.objects.create(
                    quiz=quiz, position=q_pos, text=question["text"], kind=question.get("kind", QuestionKind.SINGLE)
                )
                Choice.objects.bulk_create(
                    Choice(question=created, position=c_pos, text=c["text"], is_correct=bool(c.get("is_correct")))
                    for c_pos, c in enumerate(question["choices"], start=1)
                )
            changes["questions"] = len(questions)
        record_audit(actor=actor, obj=course, action="create_quiz" if creating else "update_quiz", changes=changes)
    return quiz


def save_certification(*, actor, certification: Certification | None = None, data: dict) -> Certification:
    access.require(actor, "enablement.author")
    with transaction.atomic():
        creating = certification is None
        certification = certification or Certification()
        changes = _apply(certification, data, ("name", "kind", "description", "exam", "validity_months", "active"))
        certification.full_clean()
        certification.save()
        if "required_courses" in data:
            certification.required_courses.set(data["required_courses"])
        record_audit(actor=actor, obj=certification, action="create" if creating else "update", changes=changes)
    return certification


def save_learning_path(*, actor, path: LearningPath | None = None, data: dict, steps: list) -> LearningPath:
    """Create or update a path; `steps` is the ordered list of Course or Certification objects."""
    access.require(actor, "enablement.author")
    with transaction.atomic():
        creating = path is None
        path = path or LearningPath()
        changes = _apply(path, data, ("name", "description", "min_tier", "published"))
        if "audience_types" in data:
            path.audience_types = encode_types(data["audience_types"])
        path.full_clean()
        path.save()
        path.steps.all().delete()
        LearningPathStep.objects.bulk_create(
            LearningPathStep(
                path=path,
                position=position,
                course=step if isinstance(step, Course) else None,
                certification=step if isinstance(step, Certification) else None,
            )
            for position, step in enumerate(steps, start=1)
        )
        record_audit(actor=actor, obj=path, action="create" if creating else "update", changes=changes)
    return path


# --- Content library ---------------------------------------------------------------------------------


def save_library_asset(*, actor, asset: LibraryAsset | None = None, data: dict, file=None, notes="") -> LibraryAsset:
    """Create or edit an asset; a new file (required on creation) becomes its next version."""
    access.require(actor, "enablement.author")
    if asset is None and file is None:
        raise ValidationError({"file": [gettext("Upload the first version of the file.")]})
    with transaction.atomic():
        creating = asset is None
        asset = asset or LibraryAsset()
        changes = _apply(asset, data, ("title", "description", "category", "min_tier", "published"))
        if "audience_types" in data:
            asset.audience_types = encode_types(data["audience_types"])
        asset.full_clean()
        asset.save()
        if file is not None:
            add_asset_version(actor=actor, asset=asset, file=file, notes=notes)
        record_audit(actor=actor, obj=asset, action="create" if creating else "update", changes=changes)
    return asset


def add_asset_version(*, actor, asset: LibraryAsset, file, notes="") -> LibraryAssetVersion:
    access.require(actor, "enablement.author")
    validate_upload(file, field="file")
    with transaction.atomic():
        asset = LibraryAsset.objects.select_for_update().get(pk=asset.pk)
        latest = asset.versions.order_by("-number").values_list("number", flat=True).first() or 0
        version = LibraryAssetVersion.objects.create(
            asset=asset,
            number=latest + 1,
            file=file,
            original_name=file.name.rsplit("/", 1)[-1][:255],
            size=file.size or 0,
            notes=notes,
            uploaded_by=actor,
        )
        LibraryAsset.objects.filter(pk=asset.pk).update(updated_at=timezone.now())
        record_audit(actor=actor, obj=asset, action="add_version", to_state=f"v{version.number}")
    return version


def record_download(*, asset: LibraryAsset) -> None:
    """Count a download atomically (F() increment: concurrent downloads never lose a count)."""
    LibraryAsset.objects.filter(pk=asset.pk).update(download_count=F("download_count") + 1)
