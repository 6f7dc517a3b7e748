"""Enablement pages: catalogue, course player, quizzes, certificates, verification, library, authoring."""

from email.utils import parseaddr

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views import View
from django.views.decorators.http import require_POST

from accounts.mixins import FilteredListView, RoleRequiredMixin
from accounts.models import INTERNAL_ROLES, PARTNER_ROLES, Role
from enablement import documents, selectors, services
from enablement.filters import (
    CertificateFilter,
    CourseFilter,
    InternalCertificateFilter,
    LibraryFilter,
    ManageCourseFilter,
)
from enablement.forms import (
    AttemptForm,
    CertificationForm,
    CourseForm,
    LearningPathForm,
    LessonForm,
    LibraryAssetForm,
    PathStepFormSet,
    QuizForm,
    resolve_step,
    step_choices,
)
from enablement.models import (
    Certificate,
    Certification,
    Course,
    LearningPath,
    Lesson,
    LibraryAsset,
    Quiz,
    QuizAttempt,
)
from prm.exceptions import Conflict
from prm.tenancy import get_visible_or_404
from prm.views import run_form_service, run_service

LEARNERS = PARTNER_ROLES | INTERNAL_ROLES
ADMINS = {Role.PROGRAM_ADMIN}


def _login_required(request):
    if not request.user.is_authenticated:
        raise PermissionDenied


# --- Learning ----------------------------------------------------------------------------------------


class CatalogueView(FilteredListView):
    allowed_roles = LEARNERS
    template_name = "enablement/catalogue.html"
    filterset_class = CourseFilter
    paginate_by = 24
    export_filename = "courses.csv"
    export_columns = [
        ("Title", "title"),
        ("Kind", "get_kind_display"),
        ("Minutes", "estimated_minutes"),
        ("Minimum tier", "min_tier.name"),
        ("Lessons", "lesson_count"),
    ]

    def get_base_queryset(self):
        return selectors.catalogue(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["paths"] = selectors.learning_paths(self.request.user)
        return context


class CourseView(RoleRequiredMixin, View):
    """The course player: lessons with progress (?lesson=<id> shows one), quizzes, enrolment."""

    allowed_roles = LEARNERS

    def get(self, request, pk):
        course = get_visible_or_404(Course.objects.select_related("min_tier"), request.user, pk=pk)
        context = selectors.course_page(request.user, course)
        lessons = context["lessons"]
        current = None
        if request.GET.get("lesson"):
            current = next((lesson for lesson in lessons if str(lesson.pk) == request.GET["lesson"]), None)
            if current is None:
                raise Http404
        elif context["enrolment"] and lessons:
            current = next((lesson for lesson in lessons if lesson.pk not in context["done_lessons"]), lessons[0])
        context["current"] = current
        if current is not None:
            index = lessons.index(current)
            context["next_lesson"] = lessons[index + 1] if index + 1 < len(lessons) else None
            context["previous_lesson"] = lessons[index - 1] if index > 0 else None
        return render(request, "enablement/course.html", context)


@require_POST
def enrol(request, pk):
    _login_required(request)
    course = get_visible_or_404(Course, request.user, pk=pk)
    if not request.user.is_partner_user:
        raise PermissionDenied(gettext("Only partner users enrol in courses."))
    ok, _ = run_service(request, services.enrol, user=request.user, course=course, success=gettext("You are enrolled."))
    return redirect("enablement:course", pk=course.pk)


@require_POST
def complete_lesson(request, pk):
    _login_required(request)
    lesson = get_visible_or_404(Lesson.objects.select_related("course"), request.user, pk=pk)
    ok, enrolment = run_service(request, services.complete_lesson, user=request.user, lesson=lesson)
    url = reverse("enablement:course", args=[lesson.course_id])
    following = lesson.course.lessons.filter(position__gt=lesson.position).first()
    if ok and enrolment.status == "completed":
        messages.success(request, gettext("You completed %(course)s.") % {"course": lesson.course.title})
    return redirect(f"{url}?lesson={following.pk}" if ok and following else url)


def lesson_attachment(request, pk):
    """A lesson's file, for people who may see the course; never from a public URL."""
    _login_required(request)
    lesson = get_visible_or_404(Lesson, request.user, pk=pk)
    if not lesson.attachment:
        raise Http404
    return _private_file(lesson.attachment, lesson.attachment_name)


def _private_file(field_file, filename):
    try:
        handle = field_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=filename)
    # A file a browser would run as a page or script (HTML, SVG, XML, JS) goes out as opaque bytes, never
    # with its own type from the portal's origin (issue 11).
    if response["Content-Type"].split(";")[0].strip().lower() in ACTIVE_CONTENT_TYPES:
        response["Content-Type"] = "application/octet-stream"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


ACTIVE_CONTENT_TYPES = frozenset(
    {
        "text/html",
        "application/xhtml+xml",
        "image/svg+xml",
        "text/xml",
        "application/xml",
        "text/javascript",
        "application/javascript",
        "application/x-javascript",
        "text/xsl",
    }
)


class QuizView(RoleRequiredMixin, View):
    """Take a quiz: the current draw, no answers in the page; scoring happens on submit."""

    allowed_roles = PARTNER_ROLES

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.quiz = get_visible_or_404(Quiz.objects.select_related("course"), request.user, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def _page(self, request, form=None, attempt=None, blocked=None):
        context = {"quiz": self.quiz, "course": self.quiz.course, "attempt": attempt, "blocked": blocked, "form": form}
        return render(request, "enablement/quiz.html", context, status=200)

    def get(self, request, pk):
        ok, attempt = self._open(request)
        if not ok:
            return redirect("enablement:course", pk=self.quiz.course_id)
        if attempt is None:
            return self._page(request, blocked=self.blocked)
        return self._page(request, AttemptForm(questions=selectors.attempt_questions(attempt)), attempt)

    def post(self, request, pk):
        ok, attempt = self._open(request)
        if not ok:
            return redirect("enablement:course", pk=self.quiz.course_id)
        if attempt is None:
            return self._page(request, blocked=self.blocked)
        form = AttemptForm(request.POST, questions=selectors.attempt_questions(attempt))
        if not form.is_valid():
            return self._page(request, form, attempt)
        ok, result = run_service(
            request, services.submit_attempt, user=request.user, quiz=self.quiz, answers=form.answers()
        )
        if not ok:
            return redirect("enablement:quiz", pk=self.quiz.pk)
        return redirect("enablement:attempt", pk=result.pk)

    def _open(self, request):
        """(False, None) when not enrolled; (True, None) when blocked by the limit or cool-down."""
        self.blocked = None
        try:
            return True, services.open_attempt(user=request.user, quiz=self.quiz)
        except services.NotEnrolled as error:
            messages.error(request, error.message)
            return False, None
        except Conflict as error:
            self.blocked = error.message
            return True, None


def attempt_result(request, pk):
    _login_required(request)
    attempt = get_visible_or_404(
        QuizAttempt.objects.select_related("quiz__course", "enrolment__user"),
        request.user,
        pk=pk,
        submitted_at__isnull=False,
    )
    standing = services.attempt_standing(attempt.enrolment, attempt.quiz)
    certificate = Certificate.objects.filter(attempt=attempt).select_related("certification").first()
    context = {"attempt": attempt, "quiz": attempt.quiz, "standing": standing, "certificate": certificate}
    return render(request, "enablement/attempt.html", context)


class PathView(RoleRequiredMixin, View):
    allowed_roles = LEARNERS

    def get(self, request, pk):
        path = get_visible_or_404(LearningPath, request.user, pk=pk)
        return render(request, "enablement/path.html", selectors.path_progress(path, request.user))


# --- Certificates ------------------------------------------------------------------------------------

CERTIFICATE_COLUMNS = [
    ("Person", "user.get_full_name"),
    ("E-mail", "user.email"),
    ("Partner", "partner.name"),
    ("Certification", "certification.name"),
    ("Kind", "certification.kind"),
    ("Issued", "issued_at"),
    ("Expires", "expires_at"),
    ("Status", "current_status"),
    ("Verification code", "verification_code"),
]


class CertificateListView(FilteredListView):
    allowed_roles = LEARNERS
    template_name = "enablement/certificates.html"
    filterset_class = CertificateFilter
    export_filename = "certificates.csv"
    export_columns = CERTIFICATE_COLUMNS

    def get_base_queryset(self):
        return selectors.certificates(self.request.user)


class CertifiedView(FilteredListView):
    """Who is certified: partner admins see their people and the gaps to tier requirements; internal users
    see certified people by partner, type and tier."""

    allowed_roles = {Role.PARTNER_ADMIN} | INTERNAL_ROLES
    template_name = "enablement/certified.html"
    export_filename = "certified-people.csv"
    export_columns = CERTIFICATE_COLUMNS

    def get_filterset_class(self):
        return InternalCertificateFilter if self.request.user.is_internal else CertificateFilter

    def get_queryset(self):
        self.filterset_class = self.get_filterset_class()
        return super().get_queryset()

    def get_base_queryset(self):
        return selectors.certificates(self.request.user).order_by("partner__name", "user__email", "certification__name")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        if user.is_partner_user:
            context["gaps"] = selectors.certification_gaps(user.partner)
        else:
            context["overview"] = selectors.certified_overview()
        return context


def certificate_detail(request, pk):
    _login_required(request)
    certificate = get_visible_or_404(selectors.certificates(request.user), request.user, pk=pk)
    return render(request, "enablement/certificate.html", {"certificate": certificate})


def certificate_badge(request, pk):
    _login_required(request)
    certificate = get_visible_or_404(selectors.certificates(request.user), request.user, pk=pk)
    return _badge_response(certificate, as_attachment=True)


def _badge_response(certificate, *, as_attachment):
    response = HttpResponse(documents.badge_png(certificate), content_type="image/png")
    if as_attachment:
        response["Content-Disposition"] = f'attachment; filename="badge-{certificate.pk}.png"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def certificate_pdf(request, pk):
    _login_required(request)
    certificate = get_visible_or_404(selectors.certificates(request.user), request.user, pk=pk)
    response = HttpResponse(documents.certificate_pdf(certificate), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{certificate.pk}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _by_code(code):
    certificate = (
        Certificate.objects.select_related("certification", "user", "partner").filter(verification_code=code).first()
    )
    if certificate is None:
        raise Http404("No certificate has this verification code.")
    return certificate


def verify(request, code):
    """Public: names the holder, the certification, and whether it is valid, expired or revoked.

    An unknown code gets the portal's own page (404) in every mode, never Django's debug page: whoever checks a
    code (an employer, a customer) reads what the code looks like, where it is printed, and whom to ask.
    """
    certificate = (
        Certificate.objects.select_related("certification", "user", "partner").filter(verification_code=code).first()
    )
    if certificate is None:
        context = {"code": code, "contact_email": parseaddr(settings.DEFAULT_FROM_EMAIL)[1]}
        return render(request, "enablement/verify_unknown.html", context, status=404)
    return render(request, "enablement/verify.html", {"certificate": certificate})


def verify_badge(request, code):
    return _badge_response(_by_code(code), as_attachment=False)


# --- Content library ---------------------------------------------------------------------------------


class LibraryView(FilteredListView):
    allowed_roles = LEARNERS
    template_name = "enablement/library.html"
    filterset_class = LibraryFilter
    export_filename = "library.csv"
    export_columns = [
        ("Title", "title"),
        ("Category", "get_category_display"),
        ("Minimum tier", "min_tier.name"),
        ("Versions", "version_count"),
        ("Downloads", "download_count"),
        ("Updated", "updated_at"),
    ]

    def get_base_queryset(self):
        return selectors.library(self.request.user)


def library_download(request, pk, number=None):
    """The asset's latest (or a given) version, to people whose tier and partner type may see it; 404 otherwise."""
    _login_required(request)
    asset = get_visible_or_404(LibraryAsset, request.user, pk=pk)
    versions = asset.versions.order_by("-number")
    version = versions.filter(number=number).first() if number else versions.first()
    if version is None:
        raise Http404
    response = _private_file(version.file, version.original_name)
    services.record_download(asset=asset)
    return response


# --- Authoring (program admins) ----------------------------------------------------------------------


class ManageCoursesView(FilteredListView):
    allowed_roles = ADMINS
    template_name = "enablement/manage/courses.html"
    filterset_class = ManageCourseFilter
    export_filename = "courses.csv"
    export_columns = CatalogueView.export_columns + [("Published", "published"), ("Enrolments", "enrolment_count")]

    def get_base_queryset(self):
        return (
            Course.objects.select_related("min_tier")
            .annotate(lesson_count=Count("lessons", distinct=True), enrolment_count=Count("enrolments", distinct=True))
            .order_by("title")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["certifications"] = Certification.objects.select_related("exam__course").order_by("name")
        context["paths"] = LearningPath.objects.annotate(step_count=Count("steps")).order_by("name")
        return context


class CourseEditView(RoleRequiredMixin, View):
    allowed_roles = ADMINS

    def _render(self, request, form, course):
        context = {"form": form, "course": course}
        if course:
            context["lessons"] = course.lessons.all()
            context["quizzes"] = course.quizzes.annotate(question_count=Count("questions"))
        return render(request, "enablement/manage/course_form.html", context)

    def get(self, request, pk=None):
        course = get_object_or_404(Course, pk=pk) if pk else None
        return self._render(request, CourseForm(instance=course), course)

    def post(self, request, pk=None):
        course = get_object_or_404(Course, pk=pk) if pk else None
        form = CourseForm(request.POST, instance=course)
        if form.is_valid():
            saved = run_form_service(
                form, services.save_course, actor=request.user, course=course, data=form.cleaned_data
            )
            if saved:
                messages.success(request, gettext("Saved %(name)s.") % {"name": saved.title})
                return redirect("enablement:manage_course", pk=saved.pk)
        return self._render(request, form, course)


class LessonEditView(RoleRequiredMixin, View):
    allowed_roles = ADMINS

    def get(self, request, course_pk, pk=None):
        course = get_object_or_404(Course, pk=course_pk)
        lesson = get_object_or_404(Lesson, pk=pk, course=course) if pk else None
        initial = {f: getattr(lesson, f) for f in ("title", "position", "body", "video_url")} if lesson else {}
        return self._render(request, LessonForm(initial=initial), course, lesson)

    def post(self, request, course_pk, pk=None):
        course = get_object_or_404(Course, pk=course_pk)
        lesson = get_object_or_404(Lesson, pk=pk, course=course) if pk else None
        if request.POST.get("delete") and lesson:
            services.delete_lesson(actor=request.user, lesson=lesson)
            messages.success(request, gettext("Lesson deleted."))
            return redirect("enablement:manage_course", pk=course.pk)
        form = LessonForm(request.POST, request.FILES)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if v is not None or k == "position"}
            if data.get("position") is None:
                data.pop("position", None)
            saved = run_form_service(
                form, services.save_lesson, actor=request.user, course=course, lesson=lesson, data=data
            )
            if saved:
                messages.success(request, gettext("Saved the lesson %(title)s.") % {"title": saved.title})
                return redirect("enablement:manage_course", pk=course.pk)
        return self._render(request, form, course, lesson)

    def _render(self, request, form, course, lesson):
        context = {"form": form, "course": course, "lesson": lesson}
        return render(request, "enablement/manage/lesson_form.html", context)


class QuizEditView(RoleRequiredMixin, View):
    allowed_roles = ADMINS

    def get(self, request, course_pk, pk=None):
        course = get_object_or_404(Course, pk=course_pk)
        quiz = get_object_or_404(Quiz, pk=pk, course=course) if pk else None
        return self._render(request, QuizForm(instance=quiz), course, quiz)

    def post(self, request, course_pk, pk=None):
        course = get_object_or_404(Course, pk=course_pk)
        quiz = get_object_or_404(Quiz, pk=pk, course=course) if pk else None
        form = QuizForm(request.POST, instance=quiz)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "questions_text"}
            saved = run_form_service(
                form,
                services.save_quiz,
                actor=request.user,
                course=course,
                quiz=quiz,
                data=data,
                questions=form.cleaned_data["questions_text"],
            )
            if saved:
                messages.success(request, gettext("Saved the quiz %(title)s.") % {"title": saved.title})
                return redirect("enablement:manage_course", pk=course.pk)
        return self._render(request, form, course, quiz)

    def _render(self, request, form, course, quiz):
        return render(request, "enablement/manage/quiz_form.html", {"form": form, "course": course, "quiz": quiz})


class CertificationEditView(RoleRequiredMixin, View):
    allowed_roles = ADMINS

    def get(self, request, pk=None):
        certification = get_object_or_404(Certification, pk=pk) if pk else None
        return self._render(request, CertificationForm(instance=certification), certification)

    def post(self, request, pk=None):
        certification = get_object_or_404(Certification, pk=pk) if pk else None
        form = CertificationForm(request.POST, instance=certification)
        if form.is_valid():
            saved = run_form_service(
                form,
                services.save_certification,
                actor=request.user,
                certification=certification,
                data=form.cleaned_data,
            )
            if saved:
                messages.success(request, gettext("Saved %(name)s.") % {"name": saved.name})
                return redirect("enablement:manage_courses")
        return self._render(request, form, certification)

    def _render(self, request, form, certification):
        context = {"form": form, "certification": certification}
        return render(request, "enablement/manage/certification_form.html", context)


class PathEditView(RoleRequiredMixin, View):
    allowed_roles = ADMINS

    def get(self, request, pk=None):
        path = get_object_or_404(LearningPath, pk=pk) if pk else None
        initial = []
        if path:
            for step in path.steps.all():
                initial.append(
                    {"item": f"course:{step.course_id}" if step.course_id else f"certification:{step.certification_id}"}
                )
        choices = step_choices()
        steps = PathStepFormSet(initial=initial, prefix="steps", form_kwargs={"choices": choices})
        return self._render(request, LearningPathForm(instance=path), steps, path)

    def post(self, request, pk=None):
        path = get_object_or_404(LearningPath, pk=pk) if pk else None
        form = LearningPathForm(request.POST, instance=path)
        steps = PathStepFormSet(request.POST, prefix="steps", form_kwargs={"choices": step_choices()})
        if form.is_valid() and steps.is_valid():
            items = [resolve_step(f.cleaned_data["item"]) for f in steps if f.cleaned_data.get("item")]
            saved = run_form_service(
                form,
                services.save_learning_path,
                actor=request.user,
                path=path,
                data=form.cleaned_data,
                steps=[item for item in items if item is not None],
            )
            if saved:
                messages.success(request, gettext("Saved the learning path %(name)s.") % {"name": saved.name})
                return redirect("enablement:manage_courses")
        return self._render(request, form, steps, path)

    def _render(self, request, form, steps, path):
        return render(request, "enablement/manage/path_form.html", {"form": form, "steps": steps, "path": path})


class LibraryAssetEditView(RoleRequiredMixin, View):
    allowed_roles = ADMINS

    def get(self, request, pk=None):
        asset = get_object_or_404(LibraryAsset, pk=pk) if pk else None
        return self._render(request, LibraryAssetForm(instance=asset), asset)

    def post(self, request, pk=None):
        asset = get_object_or_404(LibraryAsset, pk=pk) if pk else None
        form = LibraryAssetForm(request.POST, request.FILES, instance=asset)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k not in ("file", "notes")}
            saved = run_form_service(
                form,
                services.save_library_asset,
                actor=request.user,
                asset=asset,
                data=data,
                file=form.cleaned_data.get("file"),
                notes=form.cleaned_data.get("notes", ""),
            )
            if saved:
                messages.success(request, gettext("Saved %(name)s.") % {"name": saved.title})
                return redirect("enablement:library")
        return self._render(request, form, asset)

    def _render(self, request, form, asset):
        versions = asset.versions.select_related("uploaded_by") if asset else []
        context = {"form": form, "asset": asset, "versions": versions}
        return render(request, "enablement/manage/asset_form.html", context)
