"""Enablement API serializers: what the API reads and writes (the API doc: Enablement)."""

from django.utils.translation import gettext
from rest_framework import serializers

from enablement.models import (
    Certificate,
    CertificateStatus,
    Certification,
    CertificationKind,
    Course,
    CourseKind,
    EnrolmentStatus,
    Lesson,
    QuestionKind,
    Quiz,
)
from partners.models import PartnerType, Tier


class LessonSerializer(serializers.ModelSerializer):
    has_attachment = serializers.SerializerMethodField()

    class Meta:
        model = Lesson
        fields = ["id", "position", "title", "body", "video_url", "has_attachment"]

    def get_has_attachment(self, lesson) -> bool:
        return bool(lesson.attachment)


class QuizSummarySerializer(serializers.ModelSerializer):
    question_count = serializers.IntegerField(read_only=True, default=None)

    class Meta:
        model = Quiz
        fields = ["id", *Quiz.TERMS, "question_count"]


class CourseSerializer(serializers.ModelSerializer):
    audience_types = serializers.ListField(source="audience_type_list", read_only=True)
    min_tier = serializers.IntegerField(source="min_tier_id", read_only=True, allow_null=True)
    min_tier_name = serializers.CharField(source="min_tier.name", read_only=True, default=None, allow_null=True)
    lessons = LessonSerializer(many=True, read_only=True)
    quizzes = QuizSummarySerializer(many=True, read_only=True)

    class Meta:
        model = Course
        fields = [
            "id",
            "title",
            "summary",
            "kind",
            "audience_types",
            "min_tier",
            "min_tier_name",
            "estimated_minutes",
            "published",
            "lessons",
            "quizzes",
            "updated_at",
        ]


class EnrolmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    course = serializers.IntegerField()
    user = serializers.IntegerField()
    status = serializers.ChoiceField(choices=EnrolmentStatus.choices)
    enrolled_at = serializers.DateTimeField(read_only=True)


class LessonCompletedSerializer(serializers.Serializer):
    lesson = serializers.IntegerField()
    enrolment = serializers.IntegerField()
    course = serializers.IntegerField()
    status = serializers.ChoiceField(choices=EnrolmentStatus.choices, help_text="The enrolment's status.")
    completed_lessons = serializers.ListField(child=serializers.IntegerField())
    percent = serializers.IntegerField(min_value=0, max_value=100)


class DrawChoiceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()


class DrawQuestionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    kind = serializers.ChoiceField(choices=QuestionKind.choices)
    choices = DrawChoiceSerializer(many=True)


class DrawAttemptSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    attempt_number = serializers.IntegerField()
    started_at = serializers.DateTimeField(read_only=True)
    deadline = serializers.DateTimeField(allow_null=True, read_only=True)


class BlockedSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()


class QuizSettingsSerializer(serializers.Serializer):
    """What a quiz's draw and its authored form both show of its settings."""

    id = serializers.IntegerField()
    course = serializers.IntegerField()
    title = serializers.CharField()
    pass_mark = serializers.IntegerField()
    attempt_limit = serializers.IntegerField()
    cooldown_minutes = serializers.IntegerField()
    time_limit_minutes = serializers.IntegerField(allow_null=True)


class QuizDrawSerializer(QuizSettingsSerializer):
    """The caller's current draw: questions and choices, never which choices are right."""

    attempt = DrawAttemptSerializer(allow_null=True, help_text="The open attempt; null while blocked.")
    attempts_left = serializers.IntegerField(allow_null=True, help_text="null: no limit.")
    available_at = serializers.DateTimeField(
        allow_null=True, read_only=True, help_text="When the cool-down ends; null: now."
    )
    blocked = BlockedSerializer(allow_null=True, help_text="Why no attempt can start now (limit or cool-down).")
    questions = DrawQuestionSerializer(many=True)


class AuthoredQuizSerializer(QuizSettingsSerializer):
    questions_per_attempt = serializers.IntegerField(allow_null=True)
    questions = DrawQuestionSerializer(many=True)


class CertificateSerializer(serializers.ModelSerializer):
    certification = serializers.IntegerField(source="certification_id", read_only=True)
    certification_name = serializers.CharField(source="certification.name", read_only=True)
    kind = serializers.CharField(source="certification.kind", read_only=True)
    user = serializers.IntegerField(source="user_id", read_only=True)
    user_email = serializers.CharField(source="user.email", read_only=True)
    partner = serializers.IntegerField(source="partner_id", read_only=True)
    status = serializers.ChoiceField(
        source="current_status", choices=CertificateStatus.choices, read_only=True, help_text="As of now."
    )
    verify_url = serializers.CharField(read_only=True)

    class Meta:
        model = Certificate
        fields = [
            "id",
            "certification",
            "certification_name",
            "kind",
            "user",
            "user_email",
            "partner",
            "issued_at",
            "expires_at",
            "verification_code",
            "status",
            "verify_url",
        ]


class CertificationSerializer(serializers.ModelSerializer):
    required_courses = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    exam = serializers.IntegerField(source="exam_id", read_only=True)

    class Meta:
        model = Certification
        fields = ["id", "name", "kind", "description", "required_courses", "exam", "validity_months", "active"]


# --- Write serializers --------------------------------------------------------------------------------


class LessonInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(required=False, allow_blank=True, default="")
    video_url = serializers.URLField(required=False, allow_blank=True, default="")


class CourseWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    summary = serializers.CharField(required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=CourseKind.choices)
    audience_types = serializers.ListField(child=serializers.ChoiceField(choices=PartnerType.choices), required=False)
    min_tier = serializers.PrimaryKeyRelatedField(queryset=Tier.objects.all(), allow_null=True, required=False)
    estimated_minutes = serializers.IntegerField(min_value=1, max_value=100_000, required=False)
    published = serializers.BooleanField(required=False)
    lessons = LessonInputSerializer(many=True, required=False)


class ChoiceInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=500)
    is_correct = serializers.BooleanField(write_only=True, default=False)


class QuestionInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=5000)
    kind = serializers.ChoiceField(choices=QuestionKind.choices, default=QuestionKind.SINGLE)
    choices = ChoiceInputSerializer(many=True)


class QuizWriteSerializer(serializers.Serializer):
    course = serializers.PrimaryKeyRelatedField(queryset=Course.objects.all())
    title = serializers.CharField(max_length=200)
    pass_mark = serializers.IntegerField(min_value=0, max_value=100)
    attempt_limit = serializers.IntegerField(min_value=0, max_value=100, default=3)
    cooldown_minutes = serializers.IntegerField(min_value=0, max_value=525_600, default=0)
    time_limit_minutes = serializers.IntegerField(min_value=1, max_value=1440, required=False, allow_null=True)
    questions_per_attempt = serializers.IntegerField(min_value=1, max_value=500, required=False, allow_null=True)
    questions = QuestionInputSerializer(many=True, allow_empty=False)


class CertificationWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=CertificationKind.choices)
    description = serializers.CharField(required=False, allow_blank=True)
    required_courses = serializers.PrimaryKeyRelatedField(queryset=Course.objects.all(), many=True, required=False)
    exam = serializers.PrimaryKeyRelatedField(queryset=Quiz.objects.all())
    validity_months = serializers.IntegerField(min_value=1, max_value=120, required=False)

    def validate_name(self, value):
        if Certification.objects.filter(name__iexact=value).exists():
            raise serializers.ValidationError(gettext("A certification of this name exists."))
        return value


class AttemptInputSerializer(serializers.Serializer):
    answers = serializers.DictField(child=serializers.ListField(child=serializers.IntegerField(min_value=1)))


class AttemptResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    score = serializers.IntegerField()
    passed = serializers.BooleanField()
    attempts_left = serializers.IntegerField(allow_null=True)
    certificate = serializers.IntegerField(allow_null=True)
