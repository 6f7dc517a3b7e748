"""Demo catalogue of enablement, called by `seed_demo`: Northwind Software's courses on its cloud
data-integration platform, three certifications with real exams, a learning path per partner type,
library collateral across tiers, and learners at every stage. Idempotent; bulk for large demos."""

import random
from datetime import timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from accounts.models import PARTNER_ROLES, User
from demo.enablement.courses import COURSES
from enablement import services
from enablement.documents import simple_pdf
from enablement.models import (
    Certificate,
    CertificateStatus,
    Certification,
    Choice,
    Course,
    Enrolment,
    EnrolmentStatus,
    LearningPath,
    LearningPathStep,
    Lesson,
    LessonCompletion,
    LibraryAsset,
    LibraryAssetVersion,
    Question,
    Quiz,
    encode_types,
    new_verification_code,
)
from partners.models import PartnerType, Tier

MAX_GENERATED_LEARNERS = 400  # bulk-created certificates for generated people: enough for charts, quick at 5000


CERTIFICATIONS = [
    ("Certified Sales Professional", "sales", "Selling data integration: discovery and objections",
     ["Northwind Flow fundamentals", "Selling data integration: discovery and objections"],
     "Proves a seller can position Northwind Flow, run discovery and handle objections."),
    ("Certified Implementation Engineer", "technical", "Implementing Northwind Flow: deployment, security and operations",  # noqa: E501
     ["Connectors and pipelines in practice", "Implementing Northwind Flow: deployment, security and operations"],
     "Proves an engineer can deploy, secure and operate Northwind Flow for customers."),
    ("Certified Architect", "specialty", "Architecting enterprise data platforms with Northwind",
     ["Implementing Northwind Flow: deployment, security and operations",
      "Architecting enterprise data platforms with Northwind"],
     "Proves an architect can design regulated, multi-region and high-volume platforms on Northwind."),
]  # fmt: skip

LIBRARY = [
    ("Northwind Flow pitch deck", "pitch_deck", None, [], "The first-meeting story: problem, product, proof."),
    ("Battle card: Northwind vs. hand-built pipelines", "battle_card", None, [], "Answers to build-versus-buy."),
    ("Case study: Contoso Retail cuts reporting lag to 15 minutes", "case_study", None, [], "Retail, 40 sources."),
    ("Security and compliance white paper", "white_paper", None, [], "SOC 2, ISO 27001, data residency."),
    ("Partner price sheet (Silver)", "price_sheet", "Silver", [], "Partner discounts by edition."),
    ("Partner price sheet (Gold and Platinum)", "price_sheet", "Gold", [], "Deeper discounts and deal-size bands."),
    ("Campaign in a box: modern data stack webinar", "campaign", "Gold", [], "Invites, slides, follow-up e-mails."),
    ("Platinum executive briefing kit", "pitch_deck", "Platinum", [], "Board-level briefing and ROI model."),
    ("MSP managed-service playbook", "campaign", None, [PartnerType.MSP], "Packaging Flow as a managed service."),
    ("OEM embedding guide", "white_paper", None, [PartnerType.OEM, PartnerType.ISV], "Embedding Flow in your product."),
]


def seed(*, seed: int, partners: int, stdout) -> None:
    rng = random.Random(seed)  # noqa: S311  (demo data, not security)
    with transaction.atomic():
        created = _catalogue()
        _library()
    fixed = _fixed_learners()
    generated = _generated_learners(rng)
    stdout.write(
        f"Enablement: {'catalogue created' if created else 'catalogue kept'}, {fixed} demo learners walked through "
        f"courses, {generated} certificates for generated people."
    )


def _catalogue() -> bool:
    if Course.objects.filter(title=COURSES[0][0]).exists():
        return False
    _courses()
    courses = {course.title: course for course in Course.objects.all()}
    _certifications(courses)
    _learning_paths(courses)
    return True


def _courses() -> None:
    """Every course of COURSES with its lessons, its quiz and the quiz's questions."""
    tiers = {tier.name: tier for tier in Tier.objects.all()}
    for title, kind, minutes, min_tier, types, summary, lessons, quiz in COURSES:
        course = Course.objects.create(
            title=title,
            kind=kind,
            estimated_minutes=minutes,
            min_tier=tiers.get(min_tier) if min_tier else None,
            audience_types=encode_types(types),
            summary=summary,
            published=True,
        )
        Lesson.objects.bulk_create(
            Lesson(course=course, position=i, title=lesson_title, body=body)
            for i, (lesson_title, body) in enumerate(lessons, start=1)
        )
        quiz_title, pass_mark, limit, cooldown, per_attempt, questions = quiz
        created_quiz = Quiz.objects.create(
            course=course,
            title=quiz_title,
            position=1,
            pass_mark=pass_mark,
            attempt_limit=limit,
            cooldown_minutes=cooldown,
            questions_per_attempt=per_attempt,
        )
        for q_pos, (text, kind_, choices) in enumerate(questions, start=1):
            question = Question.objects.create(quiz=created_quiz, position=q_pos, text=text, kind=kind_)
            Choice.objects.bulk_create(
                Choice(question=question, position=c_pos, text=choice, is_correct=correct)
                for c_pos, (choice, correct) in enumerate(choices, start=1)
            )


def _certifications(courses: dict) -> None:
    for name, kind, exam_course, required, description in CERTIFICATIONS:
        certification = Certification.objects.create(
            name=name, kind=kind, description=description, exam=courses[exam_course].quizzes.get(), validity_months=12
        )
        certification.required_courses.set([courses[title] for title in required])


def _learning_paths(courses: dict) -> None:
    """One recommended path per partner type, from onboarding to certification."""
    certifications = {c.kind: c for c in Certification.objects.all()}
    onboarding = courses[COURSES[0][0]]
    sales_steps = [
        onboarding,
        courses["Northwind Flow fundamentals"],
        courses[CERTIFICATIONS[0][2]],
        certifications["sales"],
    ]
    technical_steps = [
        courses["Connectors and pipelines in practice"],
        courses[CERTIFICATIONS[1][2]],
        certifications["technical"],
    ]
    plans = {
        PartnerType.REFERRAL: [onboarding, courses["Northwind Flow fundamentals"]],
        PartnerType.AFFILIATE: [onboarding, courses["Northwind Flow fundamentals"]],
        PartnerType.RESELLER: sales_steps + technical_steps[:1],
        PartnerType.SYSTEMS_INTEGRATOR: [onboarding] + technical_steps + [courses[CERTIFICATIONS[2][2]]],
        PartnerType.MSP: [onboarding] + technical_steps,
        PartnerType.ISV: [onboarding, courses["Building custom connectors with the Northwind SDK"]] + technical_steps[:1],  # noqa: E501
        PartnerType.OEM: [onboarding, courses["Building custom connectors with the Northwind SDK"]] + technical_steps,
        PartnerType.CLOUD_MARKETPLACE: sales_steps,
    }  # fmt: skip
    labels = dict(PartnerType.choices)
    for partner_type, steps in plans.items():
        path = LearningPath.objects.create(
            name=f"{labels[partner_type]} partner path",
            description=f"The recommended order for {labels[partner_type].lower()} partners, from onboarding to certification.",  # noqa: E501
            audience_types=encode_types([partner_type]),
            published=True,
        )
        LearningPathStep.objects.bulk_create(
            LearningPathStep(
                path=path,
                position=i,
                course=step if isinstance(step, Course) else None,
                certification=step if isinstance(step, Certification) else None,
            )
            for i, step in enumerate(steps, start=1)
        )


def _library() -> None:
    if LibraryAsset.objects.exists():
        return
    tiers = {tier.name: tier for tier in Tier.objects.all()}
    for title, category, min_tier, types, description in LIBRARY:
        asset = LibraryAsset.objects.create(
            title=title,
            description=description,
            category=category,
            min_tier=tiers.get(min_tier) if min_tier else None,
            audience_types=encode_types(types),
            published=True,
        )
        for number in (1, 2) if category == "pitch_deck" else (1,):
            content = simple_pdf(
                f"{title} (v{number})",
                [description, "Northwind Flow moves data from 300+ sources into your warehouse with managed "
                 "connectors and change data capture.", "For partner use only. Do not distribute to customers "
                 "without your channel manager's approval."],
            )  # fmt: skip
            name = f"{title.lower().replace(' ', '-').replace(':', '').replace('.', '')[:60]}-v{number}.pdf"
            version = LibraryAssetVersion(asset=asset, number=number, original_name=name, size=len(content))
            version.file.save(name, ContentFile(content), save=False)
            version.save()


def _answers(attempt, right: bool) -> dict:
    answers = {}
    for question in Question.objects.filter(pk__in=attempt.question_ids).prefetch_related("choices"):
        choices = list(question.choices.all())
        picked = [c.pk for c in choices if c.is_correct] if right else [next(c.pk for c in choices if not c.is_correct)]
        answers[str(question.pk)] = picked
    return answers


def _finish(user, course):
    services.enrol(user=user, course=course)
    for lesson in course.lessons.all():
        services.complete_lesson(user=user, lesson=lesson)
    for quiz in course.quizzes.all():
        attempt = services.open_attempt(user=user, quiz=quiz)
        services.submit_attempt(user=user, quiz=quiz, answers=_answers(attempt, right=True))


def _fixed_learners() -> int:
    """alice: certified in sales and technical (sales expiring soon); bob: certified sales, halfway through the
    implementation course; carol: failed the sales exam once, one lesson into the fundamentals."""
    people = {
        u.email: u
        for u in User.objects.filter(email__in=["alice@acme.example", "bob@acme.example", "carol@globex.example"])
    }
    if not people or Enrolment.objects.filter(user__in=people.values()).exists():
        return 0
    courses = {course.title: course for course in Course.objects.all()}
    certifications = {c.kind: c for c in Certification.objects.all()}
    walked = 0
    alice = people.get("alice@acme.example")
    if alice:
        for title in [COURSES[0][0], "Northwind Flow fundamentals", CERTIFICATIONS[0][2],
                      "Connectors and pipelines in practice", CERTIFICATIONS[1][2]]:  # fmt: skip
            _finish(alice, courses[title])
        Certificate.objects.filter(user=alice, certification=certifications["sales"]).update(
            issued_at=timezone.now() - timedelta(days=345), expires_at=timezone.now() + timedelta(days=20)
        )
        walked += 1
    bob = people.get("bob@acme.example")
    if bob:
        for title in [COURSES[0][0], "Northwind Flow fundamentals", CERTIFICATIONS[0][2]]:
            _finish(bob, courses[title])
        implementation = courses[CERTIFICATIONS[1][2]]
        services.enrol(user=bob, course=implementation)
        services.complete_lesson(user=bob, lesson=implementation.lessons.first())
        walked += 1
    carol = people.get("carol@globex.example")
    if carol:
        services.enrol(user=carol, course=courses["Northwind Flow fundamentals"])
        services.complete_lesson(user=carol, lesson=courses["Northwind Flow fundamentals"].lessons.first())
        exam_course = courses[CERTIFICATIONS[0][2]]
        services.enrol(user=carol, course=exam_course)
        quiz = exam_course.quizzes.get()
        attempt = services.open_attempt(user=carol, quiz=quiz)
        services.submit_attempt(user=carol, quiz=quiz, answers=_answers(attempt, right=False))
        walked += 1
    return walked


def _generated_learners(rng) -> int:
    """Bulk: enrolments and certificates for up to MAX_GENERATED_LEARNERS generated partner people."""
    fixed = ["alice@acme.example", "bob@acme.example", "carol@globex.example"]
    people = list(
        User.objects.filter(role__in=PARTNER_ROLES, is_active=True, partner__isnull=False)
        .exclude(email__in=fixed)
        .exclude(enrolments__isnull=False)
        .order_by("pk")
        .values_list("pk", "partner_id")[:MAX_GENERATED_LEARNERS]
    )
    if not people or Certificate.objects.exclude(user__email__in=fixed).exists():
        return 0
    certifications = list(Certification.objects.prefetch_related("required_courses"))
    courses = list(Course.objects.all())
    now = timezone.now()
    enrolments, certificates = [], []
    for user_id, partner_id in people:
        stage = rng.random()
        taken = rng.sample(courses, k=rng.randint(1, 3))
        for course in taken:
            done = stage > 0.3
            enrolments.append(
                Enrolment(
                    user_id=user_id,
                    partner_id=partner_id,
                    course=course,
                    status=EnrolmentStatus.COMPLETED if done else EnrolmentStatus.IN_PROGRESS,
                    enrolled_at=now - timedelta(days=rng.randint(20, 300)),
                    completed_at=now - timedelta(days=rng.randint(1, 19)) if done else None,
                )
            )
        if stage > 0.45:
            for certification in rng.sample(certifications, k=rng.randint(1, 2)):
                issued = now - timedelta(days=rng.randint(5, 420))
                expires = issued + timedelta(days=365)
                certificates.append(
                    Certificate(
                        certification=certification,
                        user_id=user_id,
                        partner_id=partner_id,
                        verification_code=new_verification_code(),
                        issued_at=issued,
                        expires_at=expires,
                        status=CertificateStatus.VALID if expires > now else CertificateStatus.EXPIRED,
                    )
                )
    Enrolment.objects.bulk_create(enrolments, batch_size=1000, ignore_conflicts=True)
    Certificate.objects.bulk_create(certificates, batch_size=1000, ignore_conflicts=True)
    lessons_of: dict[int, list[int]] = {}
    for lesson_id, course_id in Lesson.objects.values_list("pk", "course_id"):
        lessons_of.setdefault(course_id, []).append(lesson_id)
    completed = Enrolment.objects.filter(status=EnrolmentStatus.COMPLETED, user_id__in=[p for p, _ in people])
    LessonCompletion.objects.bulk_create(
        (
            LessonCompletion(enrolment_id=enrolment_id, lesson_id=lesson_id)
            for enrolment_id, course_id in completed.values_list("pk", "course_id").iterator()
            for lesson_id in lessons_of.get(course_id, [])
        ),
        batch_size=1000,
        ignore_conflicts=True,
    )
    return len(certificates)
