from django.contrib import admin

from enablement import models


class LessonInline(admin.TabularInline):
    model = models.Lesson
    extra = 0
    fields = ["position", "title", "video_url"]


class QuizInline(admin.TabularInline):
    model = models.Quiz
    extra = 0
    fields = ["position", "title", "pass_mark", "attempt_limit", "cooldown_minutes"]


@admin.register(models.Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "min_tier", "published"]
    list_filter = ["kind", "published"]
    search_fields = ["title"]
    inlines = [LessonInline, QuizInline]


class ChoiceInline(admin.TabularInline):
    model = models.Choice
    extra = 0


@admin.register(models.Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["text", "quiz", "kind"]
    list_select_related = ["quiz"]
    inlines = [ChoiceInline]


@admin.register(models.Certification)
class CertificationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "validity_months", "active"]
    filter_horizontal = ["required_courses"]


@admin.register(models.Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ["certification", "user", "partner", "issued_at", "expires_at", "status"]
    list_filter = ["status", "certification"]
    search_fields = ["user__email", "verification_code"]
    raw_id_fields = ["user", "partner", "attempt"]
    readonly_fields = ["verification_code"]


@admin.register(models.Enrolment)
class EnrolmentAdmin(admin.ModelAdmin):
    list_display = ["user", "course", "status", "enrolled_at", "completed_at"]
    list_filter = ["status", "course"]
    raw_id_fields = ["user", "partner"]


@admin.register(models.QuizAttempt)
class QuizAttemptAdmin(admin.ModelAdmin):
    list_display = ["quiz", "enrolment", "attempt_number", "score", "passed", "submitted_at"]
    raw_id_fields = ["enrolment"]


class StepInline(admin.TabularInline):
    model = models.LearningPathStep
    extra = 0


@admin.register(models.LearningPath)
class LearningPathAdmin(admin.ModelAdmin):
    list_display = ["name", "min_tier", "published"]
    inlines = [StepInline]


class VersionInline(admin.TabularInline):
    model = models.LibraryAssetVersion
    extra = 0
    readonly_fields = ["number", "original_name", "size", "created_at"]


@admin.register(models.LibraryAsset)
class LibraryAssetAdmin(admin.ModelAdmin):
    list_display = ["title", "category", "min_tier", "download_count", "published"]
    list_filter = ["category", "published"]
    inlines = [VersionInline]
