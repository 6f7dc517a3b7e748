"""Learning pages: the catalogue, the course player, enrolment, quizzes and learning paths."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views import View
from django.views.decorators.http import require_POST

from accounts import access
from accounts.mixins import FilteredListView, PermissionRequiredMixin
from enablement import selectors, services
from enablement.filters import CourseFilter
from enablement.forms import AttemptForm
from enablement.models import Certificate, Course, LearningPath, Lesson, Quiz, QuizAttempt
from enablement.views.base import login_required
from prm.exceptions import Conflict
from prm.files import attachment_response
from prm.tenancy import get_visible_or_404
from prm.views import run_service


class CatalogueView(FilteredListView):
    permission_required = "enablement.learn"
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


class CourseView(PermissionRequiredMixin, View):
    """The course player: lessons with progress (?lesson=<id> shows one), quizzes, enrolment."""

    permission_required = "enablement.learn"

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
    login_required(request)
    course = get_visible_or_404(Course, request.user, pk=pk)
    access.require(request.user, "enablement.enrol", standing=False)  # the service refuses a suspended partner
    ok, _ = run_service(request, services.enrol, user=request.user, course=course, success=gettext("You are enrolled."))
    return redirect("enablement:course", pk=course.pk)


@require_POST
def complete_lesson(request, pk):
    login_required(request)
    lesson = get_visible_or_404(Lesson.objects.select_related("course"), request.user, pk=pk)
    ok, enrolment = run_service(request, services.complete_lesson, user=request.user, lesson=lesson)
    url = reverse("enablement:course", args=[lesson.course_id])
    following = lesson.course.lessons.filter(position__gt=lesson.position).first()
    if ok and enrolment.status == "completed":
        messages.success(request, gettext("You completed %(course)s.") % {"course": lesson.course.title})
    return redirect(f"{url}?lesson={following.pk}" if ok and following else url)


def lesson_attachment(request, pk):
    """A lesson's file, for people who may see the course; never from a public URL."""
    login_required(request)
    lesson = get_visible_or_404(Lesson, request.user, pk=pk)
    if not lesson.attachment:
        raise Http404
    return attachment_response(lesson.attachment, lesson.attachment_name)


class QuizView(PermissionRequiredMixin, View):
    """Take a quiz: the current draw, no answers in the page; scoring happens on submit."""

    permission_required = "enablement.take_quiz"

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
    login_required(request)
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


class PathView(PermissionRequiredMixin, View):
    permission_required = "enablement.learn"

    def get(self, request, pk):
        path = get_visible_or_404(LearningPath, request.user, pk=pk)
        return render(request, "enablement/path.html", selectors.path_progress(path, request.user))
