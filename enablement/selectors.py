"""Reads of enablement, already scoped to the user."""

from datetime import timedelta
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.utils import timezone

from accounts import access
from enablement.models import (
    Certificate,
    CertificateStatus,
    CertificationKind,
    Course,
    Enrolment,
    EnrolmentStatus,
    LearningPath,
    LearningPathStep,
    LibraryAsset,
    LibraryAssetVersion,
    Question,
    QuizAttempt,
)
from enablement.services import attempt_standing
from partners import tier_engine
from partners.models import PartnerType, Tier


def valid_at(at) -> Q:
    """A certificate that counts at the instant `at`: not revoked, issued by then and not expired by then.
    The one definition of "certified" for every figure (tier requirements, KPI snapshots, scorecards;
    docs/figures.md)."""
    return ~Q(status=CertificateStatus.REVOKED) & Q(issued_at__lte=at, expires_at__gt=at)


def catalogue(user):
    """Courses the user may take, with lesson counts and (for partner users) their own enrolment status."""
    courses = Course.objects.visible_to(user).select_related("min_tier").annotate(lesson_count=Count("lessons"))
    if access.is_partner_user(user):
        mine = Enrolment.objects.filter(user=user, course=OuterRef("pk"))
        courses = courses.annotate(
            enrolled=Exists(mine), completed=Exists(mine.filter(status=EnrolmentStatus.COMPLETED))
        )
    return courses.order_by("kind", "title", "pk")


def learner_state(user) -> tuple[set[int], set[int]]:
    """(ids of courses the user completed, ids of certifications they hold valid now)."""
    if not access.is_partner_user(user):
        return set(), set()
    completed = set(
        Enrolment.objects.filter(user=user, status=EnrolmentStatus.COMPLETED).values_list("course_id", flat=True)
    )
    certified = set(
        Certificate.objects.filter(
            user=user, status=CertificateStatus.VALID, expires_at__gt=timezone.now()
        ).values_list("certification_id", flat=True)
    )
    return completed, certified


def path_progress(path: LearningPath, user, state=None) -> dict:
    completed, certified = state or learner_state(user)
    steps = []
    for step in path.steps.all():
        done = step.course_id in completed if step.course_id else step.certification_id in certified
        steps.append({"step": step, "done": done})
    next_step = next((row["step"] for row in steps if not row["done"]), None)
    done_count = sum(1 for row in steps if row["done"])
    return {
        "path": path,
        "steps": steps,
        "next_step": next_step,
        "done": done_count,
        "percent": round(100 * done_count / len(steps)) if steps else 100,
    }


def learning_paths(user):
    """The user's paths with progress and the recommended next step; four queries whatever the number of paths."""
    steps = LearningPathStep.objects.select_related("course", "certification__exam")
    paths = LearningPath.objects.visible_to(user).select_related("min_tier").prefetch_related(Prefetch("steps", steps))
    state = learner_state(user)
    return [path_progress(path, user, state) for path in paths]


def course_page(user, course: Course) -> dict:
    """What the course player shows: lessons with progress, quizzes with the learner's standing."""
    lessons = list(course.lessons.all())
    quizzes = list(course.quizzes.all())
    enrolment = Enrolment.objects.filter(user=user, course=course).first() if access.is_partner_user(user) else None
    done = set(enrolment.lesson_completions.values_list("lesson_id", flat=True)) if enrolment else set()
    quiz_rows = []
    for quiz in quizzes:
        row = {"quiz": quiz, "best": None, "passed": False, "standing": None}
        if enrolment:
            attempts = QuizAttempt.objects.filter(enrolment=enrolment, quiz=quiz, submitted_at__isnull=False)
            row["best"] = max((a.score or 0 for a in attempts), default=None)
            row["passed"] = any(a.passed for a in attempts)
            row["standing"] = attempt_standing(enrolment, quiz)
        quiz_rows.append(row)
    total = len(lessons) + len(quizzes)
    finished = len(done & {lesson.pk for lesson in lessons}) + sum(1 for row in quiz_rows if row["passed"])
    return {
        "course": course,
        "lessons": lessons,
        "done_lessons": done,
        "quiz_rows": quiz_rows,
        "enrolment": enrolment,
        "percent": round(100 * finished / total) if total else 0,
        "certifications": list(course.certifications.filter(active=True)),
    }


def attempt_questions(attempt: QuizAttempt) -> list[Question]:
    """The drawn questions in draw order, with their choices (the caller never serialises is_correct)."""
    by_id = Question.objects.filter(pk__in=attempt.question_ids).prefetch_related("choices").in_bulk()
    return [by_id[pk] for pk in attempt.question_ids if pk in by_id]


def certificates(user):
    return Certificate.objects.visible_to(user).select_related("certification", "user", "partner__tier")


def library(user):
    latest = LibraryAssetVersion.objects.order_by("-number")
    return (
        LibraryAsset.objects.visible_to(user)
        .select_related("min_tier")
        .prefetch_related(Prefetch("versions", latest))
        .annotate(version_count=Count("versions"))
        .order_by("title", "pk")
    )


def certification_gaps(partner) -> list[dict]:
    """Certified people of the partner against its tier's (and the next tier's) certification requirements."""
    metrics = {
        "sales_certified_people": CertificationKind.SALES.label,
        "technical_certified_people": CertificationKind.TECHNICAL.label,
    }
    tiers = list(Tier.objects.ranked().prefetch_related("requirements"))
    current = next(tier for tier in tiers if tier.pk == partner.tier_id)
    next_tier = next((tier for tier in tiers if tier.rank > current.rank), None)
    today = timezone.localdate()
    since, until = tier_engine.window(today)
    actual = {metric: tier_engine.measure(metric, [partner.pk], since, until)[partner.pk] for metric in metrics}
    rows = []
    for tier in [current, next_tier] if next_tier else [current]:
        for requirement in tier.requirements.all():
            if requirement.metric not in metrics:
                continue
            have = actual[requirement.metric]
            rows.append(
                {
                    "tier": tier,
                    "is_current": tier.pk == current.pk,
                    "kind": metrics[requirement.metric],
                    "required": requirement.minimum,
                    "actual": have,
                    "gap": max(requirement.minimum - have, Decimal(0)),
                }
            )
    return rows


def certified_overview() -> dict:
    """Internal view: distinct certified people by partner type and by tier, per certification kind (charts)."""
    valid = Certificate.objects.filter(status=CertificateStatus.VALID, expires_at__gt=timezone.now())
    kinds = list(CertificationKind.choices)

    def grouped(field):
        rows = valid.values(field, "certification__kind").annotate(people=Count("user_id", distinct=True)).order_by()
        table = {}
        for row in rows:
            table[(row[field], row["certification__kind"])] = row["people"]
        return table

    by_type = grouped("partner__partner_type")
    by_tier = grouped("partner__tier_id")
    tiers = list(Tier.objects.ranked())
    type_chart = {
        "labels": [label for _, label in PartnerType.choices],
        "datasets": [
            {"label": label, "data": [by_type.get((value, kind), 0) for value, _ in PartnerType.choices]}
            for kind, label in kinds
        ],
    }
    tier_chart = {
        "labels": [tier.name for tier in tiers],
        "datasets": [
            {"label": label, "data": [by_tier.get((tier.pk, kind), 0) for tier in tiers]} for kind, label in kinds
        ],
    }
    totals = valid.aggregate(
        people=Count("user_id", distinct=True),
        partners=Count("partner_id", distinct=True),
        expiring=Count("pk", filter=Q(expires_at__lte=timezone.now() + timedelta(days=30))),
    )
    return {"type_chart": type_chart, "tier_chart": tier_chart, "totals": totals}


def home_panel(user) -> dict:
    """The partner home's learning panel: courses in progress, the next path step, certificates."""
    in_progress = list(
        Enrolment.objects.filter(user=user, status=EnrolmentStatus.IN_PROGRESS).select_related("course")[:3]
    )
    paths = learning_paths(user)
    upcoming = next((p for p in paths if p["next_step"] is not None), None)
    held = list(Certificate.objects.filter(user=user).select_related("certification").order_by("expires_at")[:3])
    return {"in_progress": in_progress, "path": upcoming, "held": held}


def certificates_expiring(user, partner_id: int, *, days: int = 30, limit: int = 10) -> tuple[dict, list]:
    """The partner's valid certificates: {"valid": n, "expiring": n within `days`} and the first `limit`
    of those expiring, soonest first (two queries)."""
    now = timezone.now()
    soon = now + timedelta(days=days)
    valid = Certificate.objects.visible_to(user).filter(
        partner_id=partner_id, status=CertificateStatus.VALID, expires_at__gt=now
    )
    counts = valid.aggregate(valid=Count("id"), expiring=Count("id", filter=Q(expires_at__lte=soon)))
    expiring = list(
        valid.filter(expires_at__lte=soon).select_related("user", "certification").order_by("expires_at")[:limit]
    )
    return counts, expiring


def public_certificates(partner_ids, at=None) -> list[dict]:
    """The certificates of these partners that count now (`valid_at`), for the public directory: each with its
    certification and the verification code of its public /verify/<code>/ page (docs/directory.md). No names."""
    at = at or timezone.now()
    return list(
        Certificate.objects.filter(valid_at(at), partner_id__in=list(partner_ids))
        .order_by("partner_id", "certification__name", "verification_code")
        .values("partner_id", "user_id", "certification_id", "certification__name", "verification_code")
    )
