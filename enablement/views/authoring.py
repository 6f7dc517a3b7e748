"""Authoring (program admins): courses, lessons, quizzes, certifications, learning paths and library assets."""

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views import View

from accounts.mixins import FilteredListView, PermissionRequiredMixin
from enablement import services
from enablement.filters import ManageCourseFilter
from enablement.forms import (
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
from enablement.models import Certification, Course, LearningPath, Lesson, LibraryAsset, Quiz
from enablement.views.learning import CatalogueView
from prm.views import run_form_service


class AuthorRequiredMixin(PermissionRequiredMixin):
    permission_required = "enablement.author"


class ManageCoursesView(AuthorRequiredMixin, FilteredListView):
    template_name = "enablement/manage/courses.html"
    filterset_class = ManageCourseFilter
    sort_fields = {
        "course": "title",
        "kind": "kind",
        "lessons": "lesson_count",
        "enrolments": "enrolment_count",
        "state": "published",
    }
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


class CourseEditView(AuthorRequiredMixin, View):
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


class LessonEditView(AuthorRequiredMixin, View):
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
        form = LessonForm(request.POST, request.FILES, user=request.user)
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
        form.keep_uploads()  # a file that passed its check comes back as "Kept: name"
        return self._render(request, form, course, lesson)

    def _render(self, request, form, course, lesson):
        context = {"form": form, "course": course, "lesson": lesson}
        return render(request, "enablement/manage/lesson_form.html", context)


class QuizEditView(AuthorRequiredMixin, View):
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


class CertificationEditView(AuthorRequiredMixin, View):
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


class PathEditView(AuthorRequiredMixin, View):
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


class LibraryAssetEditView(AuthorRequiredMixin, View):
    def get(self, request, pk=None):
        asset = get_object_or_404(LibraryAsset, pk=pk) if pk else None
        return self._render(request, LibraryAssetForm(instance=asset), asset)

    def post(self, request, pk=None):
        asset = get_object_or_404(LibraryAsset, pk=pk) if pk else None
        form = LibraryAssetForm(request.POST, request.FILES, instance=asset, user=request.user)
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
        form.keep_uploads()  # a file that passed its check comes back as "Kept: name"
        return self._render(request, form, asset)

    def _render(self, request, form, asset):
        versions = asset.versions.select_related("uploaded_by") if asset else []
        context = {"form": form, "asset": asset, "versions": versions}
        return render(request, "enablement/manage/asset_form.html", context)
