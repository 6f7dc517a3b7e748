"""API contract, tenancy and roles, catalogue gating, pages, authoring and query counts."""

import pytest
from django.urls import reverse

from enablement import services
from enablement.models import Course, Enrolment, LearningPath, Lesson
from partners.models import PartnerType
from tests.enablement.factories import CertificationFactory, CourseFactory, LessonFactory, QuizFactory
from tests.factories import UserFactory, tier

pytestmark = pytest.mark.django_db


@pytest.fixture
def gated(db):
    """A Platinum-only course, an MSP-only course, a draft course, and an open one."""
    return {
        "platinum": CourseFactory(title="Architecting at scale", min_tier=tier("Platinum")),
        "msp": CourseFactory(title="Running Northwind as a service", audience_types=",msp,"),
        "draft": CourseFactory(title="Unreleased", published=False),
        "open": CourseFactory(title="Northwind basics"),
    }


def titles(response):
    return {row["title"] for row in response.json()["results"]}


def test_partner_users_see_only_courses_for_their_tier_and_type(partner_user, gated, api_for):
    assert titles(api_for(partner_user).get("/api/v1/courses/")) == {"Northwind basics"}
    assert api_for(partner_user).get(f"/api/v1/courses/{gated['platinum'].pk}/").status_code == 404
    assert api_for(partner_user).post(f"/api/v1/courses/{gated['msp'].pk}/enroll/").status_code == 404


def test_internal_users_see_every_course(channel_manager, gated, api_for):
    assert len(titles(api_for(channel_manager).get("/api/v1/courses/"))) == 4


def test_course_detail_has_ordered_lessons_and_quizzes(partner_user, course, exam, api_for):
    data = api_for(partner_user).get(f"/api/v1/courses/{course.pk}/").json()
    assert [lesson["position"] for lesson in data["lessons"]] == [1, 2]
    assert data["quizzes"][0]["id"] == exam.pk and data["quizzes"][0]["question_count"] == 4


def test_program_admin_authors_a_course_with_lessons(program_admin, api_for):
    payload = {
        "title": "Northwind for MSPs",
        "kind": "technical",
        "audience_types": ["msp"],
        "min_tier": tier("Silver").pk,
        "published": True,
        "lessons": [{"title": "Tenancy", "body": "# One workspace per customer"}, {"title": "Billing"}],
    }
    response = api_for(program_admin).post("/api/v1/courses/", payload, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["audience_types"] == ["msp"] and data["min_tier"] == tier("Silver").pk
    assert [lesson["title"] for lesson in data["lessons"]] == ["Tenancy", "Billing"]
    patched = api_for(program_admin).patch(
        f"/api/v1/courses/{data['id']}/", {"published": False, "lessons": [{"title": "Tenancy v2"}]}, format="json"
    )
    assert patched.status_code == 200
    assert patched.json()["published"] is False and len(patched.json()["lessons"]) == 1


def test_other_roles_may_not_author(partner_user, channel_manager, course, api_for):
    for user in (partner_user, channel_manager):
        assert api_for(user).post("/api/v1/courses/", {"title": "x", "kind": "sales"}, format="json").status_code == 403
        assert api_for(user).patch(f"/api/v1/courses/{course.pk}/", {"title": "y"}, format="json").status_code == 403
        exam = QuizFactory(course=course)
        body = {"name": "Cert", "kind": "sales", "exam": exam.pk}
        assert api_for(user).post("/api/v1/certifications/", body, format="json").status_code == 403


def test_patch_of_an_invisible_course_is_404_for_a_partner(partner_user, gated, api_for):
    response = api_for(partner_user).patch(f"/api/v1/courses/{gated['draft'].pk}/", {"title": "x"}, format="json")
    assert response.status_code == 404


def test_program_admin_creates_a_certification(program_admin, course, exam, api_for):
    payload = {"name": "Certified Implementation Engineer", "kind": "technical", "required_courses": [course.pk],
               "exam": exam.pk, "validity_months": 24}  # fmt: skip
    response = api_for(program_admin).post("/api/v1/certifications/", payload, format="json")
    assert response.status_code == 201
    assert response.json()["validity_months"] == 24 and response.json()["required_courses"] == [course.pk]


def test_enrol_is_201_then_200_with_the_same_enrolment(partner_user, course, api_for):
    api = api_for(partner_user)
    first = api.post(f"/api/v1/courses/{course.pk}/enroll/")
    second = api.post(f"/api/v1/courses/{course.pk}/enroll/")
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]


def test_internal_users_may_not_enrol(channel_manager, course, api_for):
    assert api_for(channel_manager).post(f"/api/v1/courses/{course.pk}/enroll/").status_code == 403


def test_lesson_complete_needs_an_enrolment(partner_user, course, api_for):
    lesson = course.lessons.first()
    api = api_for(partner_user)
    response = api.post(f"/api/v1/lessons/{lesson.pk}/complete/")
    assert response.status_code == 403 and response.json()["code"] == "not_enrolled"
    api.post(f"/api/v1/courses/{course.pk}/enroll/")
    response = api.post(f"/api/v1/lessons/{lesson.pk}/complete/")
    assert response.status_code == 200 and response.json()["completed_lessons"] == [lesson.pk]


def test_lesson_of_an_invisible_course_is_404(partner_user, gated, api_for):
    lesson = LessonFactory(course=gated["platinum"])
    assert api_for(partner_user).post(f"/api/v1/lessons/{lesson.pk}/complete/").status_code == 404


def test_certificates_are_scoped_by_role(
    partner_user, partner_admin, other_partner_user, channel_manager, certification, api_for
):
    colleague = UserFactory(partner=partner_user.partner)
    mine = services.issue_certificate(user=partner_user, certification=certification)
    theirs = services.issue_certificate(user=colleague, certification=certification)
    foreign = services.issue_certificate(user=other_partner_user, certification=certification)

    def ids(user):
        return {row["id"] for row in api_for(user).get("/api/v1/certificates/").json()["results"]}

    assert ids(partner_user) == {mine.pk}
    assert ids(partner_admin) == {mine.pk, theirs.pk}
    assert ids(channel_manager) == {mine.pk, theirs.pk, foreign.pk}
    assert api_for(partner_user).get(f"/api/v1/certificates/{theirs.pk}/").status_code == 404
    assert api_for(partner_admin).get(f"/api/v1/certificates/{foreign.pk}/").status_code == 404
    detail = api_for(partner_user).get(f"/api/v1/certificates/{mine.pk}/").json()
    assert {"id", "certification", "user", "issued_at", "expires_at", "verification_code", "status"} <= set(detail)
    assert detail["status"] == "valid"


def test_anonymous_api_calls_are_401(api_client, course):
    assert api_client.get("/api/v1/courses/").status_code in (401, 403)
    assert api_client.get("/api/v1/certificates/").status_code in (401, 403)


def test_list_query_counts_stay_bounded(
    partner_user, channel_manager, certification, api_for, django_assert_max_num_queries
):
    for n in range(15):
        course = CourseFactory(title=f"Course {n:02}")
        LessonFactory(course=course)
        QuizFactory(course=course)
        services.issue_certificate(user=UserFactory(partner=partner_user.partner), certification=CertificationFactory())
    with django_assert_max_num_queries(12):
        assert api_for(partner_user).get("/api/v1/courses/").status_code == 200
    with django_assert_max_num_queries(12):
        assert api_for(channel_manager).get("/api/v1/certificates/").status_code == 200


# --- Pages -----------------------------------------------------------------------------------------


def test_catalogue_page_shows_what_the_partner_may_take(partner_user, gated, client_for, django_assert_max_num_queries):
    client = client_for(partner_user)
    with django_assert_max_num_queries(25):
        response = client.get(reverse("enablement:catalogue"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Northwind basics" in body and "Architecting at scale" not in body and "Unreleased" not in body
    csv = client.get(reverse("enablement:catalogue") + "?export=csv")
    assert b"Northwind basics" in b"".join(csv.streaming_content)


def test_course_player_enrols_and_walks_through_lessons(partner_user, course, client_for):
    client = client_for(partner_user)
    page = client.get(reverse("enablement:course", args=[course.pk]))
    assert page.status_code == 200 and b'data-testid="enrol"' in page.content
    client.post(reverse("enablement:enrol", args=[course.pk]))
    first, second = course.lessons.order_by("position")
    response = client.get(reverse("enablement:course", args=[course.pk]))
    assert first.title in response.content.decode() and b"<h2>Pipelines</h2>" in response.content
    response = client.post(reverse("enablement:complete_lesson", args=[first.pk]))
    assert response.url.endswith(f"?lesson={second.pk}")
    client.post(reverse("enablement:complete_lesson", args=[second.pk]))
    assert Enrolment.objects.get(user=partner_user, course=course).status == "completed"


def test_lesson_markdown_is_sanitised(partner_user, client_for, db):
    lesson = LessonFactory(
        body='Hello <script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror="alert(1)">'
    )
    services.enrol(user=partner_user, course=lesson.course)
    body = client_for(partner_user).get(reverse("enablement:course", args=[lesson.course_id])).content.decode()
    assert "<script>alert" not in body and "javascript:alert" not in body and "onerror" not in body


def test_who_is_certified_for_a_partner_admin_shows_people_gaps_and_exports(
    partner_admin, partner_user, other_partner_user, certification, client_for, django_assert_max_num_queries
):
    services.issue_certificate(user=partner_user, certification=certification)
    services.issue_certificate(user=other_partner_user, certification=certification)
    client = client_for(partner_admin)
    with django_assert_max_num_queries(30):
        response = client.get(reverse("enablement:certified"))
    body = response.content.decode()
    assert response.status_code == 200
    assert partner_user.email in body and other_partner_user.email not in body
    assert 'data-testid="certification-gaps"' in body
    csv = b"".join(client.get(reverse("enablement:certified") + "?export=csv").streaming_content).decode()
    assert partner_user.email in csv and other_partner_user.email not in csv


def test_who_is_certified_for_internal_users_charts_by_type_and_tier(
    channel_manager, partner_user, certification, client_for
):
    services.issue_certificate(user=partner_user, certification=certification)
    response = client_for(channel_manager).get(reverse("enablement:certified") + "?partner=Acme")
    body = response.content.decode()
    assert response.status_code == 200 and "chart-by-type" in body and partner_user.email in body


def test_partner_users_who_are_not_admins_may_not_see_who_is_certified(partner_user, client_for):
    assert client_for(partner_user).get(reverse("enablement:certified")).status_code == 403


def test_certificates_page_lists_own_certificates(partner_user, certification, client_for):
    services.issue_certificate(user=partner_user, certification=certification)
    response = client_for(partner_user).get(reverse("enablement:certificates"))
    assert certification.name in response.content.decode()


def test_partner_home_shows_the_learning_panel(partner_user, course, client_for):
    services.enrol(user=partner_user, course=course)
    response = client_for(partner_user).get("/")
    assert b'data-testid="learning-panel"' in response.content and course.title.encode() in response.content


# --- Authoring pages ---------------------------------------------------------------------------------


def test_program_admin_authors_through_pages(program_admin, client_for):
    client = client_for(program_admin)
    assert client.get(reverse("enablement:manage_courses")).status_code == 200
    response = client.post(
        reverse("enablement:manage_course_new"),
        {"title": "Pipelines 101", "summary": "s", "kind": "technical", "estimated_minutes": 40, "published": "on",
         "audience_types": [PartnerType.MSP, PartnerType.RESELLER]},
    )  # fmt: skip
    course = Course.objects.get(title="Pipelines 101")
    assert response.status_code == 302 and course.audience_type_list == ["reseller", "msp"]
    client.post(reverse("enablement:manage_lesson_new", args=[course.pk]), {"title": "Sources", "body": "# Sources"})
    assert Lesson.objects.filter(course=course, title="Sources").exists()
    pool = (
        "Q: Which tool moves data?\n* A pipeline\n- A spreadsheet\n\n"
        "Q+: Which are destinations?\n* Snowflake\n* BigQuery\n- A cron job"
    )
    response = client.post(
        reverse("enablement:manage_quiz_new", args=[course.pk]),
        {"title": "Check", "pass_mark": 80, "attempt_limit": 3, "cooldown_minutes": 0, "questions_text": pool},
    )
    assert response.status_code == 302
    quiz = course.quizzes.get()
    assert (
        quiz.questions.count() == 2 and quiz.questions.get(kind="multiple").choices.filter(is_correct=True).count() == 2
    )
    response = client.post(
        reverse("enablement:manage_certification_new"),
        {"name": "Certified Pipeline Builder", "kind": "technical", "required_courses": [course.pk], "exam": quiz.pk,
         "validity_months": 12, "active": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    certification = course.certifications.get()
    response = client.post(
        reverse("enablement:manage_path_new"),
        {"name": "MSP path", "published": "on", "audience_types": ["msp"], "steps-TOTAL_FORMS": 3,
         "steps-INITIAL_FORMS": 0, "steps-0-item": f"course:{course.pk}",
         "steps-1-item": f"certification:{certification.pk}", "steps-2-item": ""},
    )  # fmt: skip
    assert response.status_code == 302
    assert [str(step) for step in LearningPath.objects.get(name="MSP path").steps.all()] == [
        course.title,
        certification.name,
    ]


def test_quiz_authoring_page_shows_clear_errors(program_admin, course, client_for):
    response = client_for(program_admin).post(
        reverse("enablement:manage_quiz_new", args=[course.pk]),
        {
            "title": "Check",
            "pass_mark": 80,
            "attempt_limit": 3,
            "cooldown_minutes": 0,
            "questions_text": "Q: Only one?\n- no\n- nope",
        },
    )
    assert response.status_code == 200 and "mark exactly one choice correct" in response.content.decode()


def test_authoring_pages_are_for_program_admins_only(partner_admin, channel_manager, client_for):
    for user in (partner_admin, channel_manager):
        assert client_for(user).get(reverse("enablement:manage_courses")).status_code == 403
        assert client_for(user).get(reverse("enablement:manage_course_new")).status_code == 403
