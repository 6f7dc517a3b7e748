"""Forms of the learning and authoring pages."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from enablement.models import (
    Certification,
    Course,
    LearningPath,
    LibraryAsset,
    QuestionKind,
    Quiz,
    decode_types,
)
from enablement.services import validate_questions
from enablement.uploads import validate_upload
from partners.models import PartnerType
from prm.forms import BootstrapFormMixin, KeepUploadsMixin

AUDIENCE_LABELS = {"min_tier": _("Minimum tier"), "published": _("Published")}


class AudienceFieldMixin:
    """Who an object is for: a checkbox list of partner types stored as ",a,b," on the model (empty: every type)
    and a minimum tier (empty: every tier)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["min_tier"].empty_label = gettext("Every tier")
        self.fields["audience_types"] = forms.MultipleChoiceField(
            choices=PartnerType.choices,
            required=False,
            widget=forms.CheckboxSelectMultiple,
            label=_("Partner types"),
            help_text=_("Leave all unticked for every partner type."),
            initial=decode_types(self.instance.audience_types) if self.instance.pk else [],
        )
        self.fields["audience_types"].widget.attrs["class"] = "form-check-input"


class CourseForm(AudienceFieldMixin, BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Course
        fields = ["title", "summary", "kind", "min_tier", "estimated_minutes", "published"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 3})}
        labels = {
            "title": _("Title"),
            "summary": _("Summary"),
            "kind": _("Kind"),
            "min_tier": _("Minimum tier"),
            "estimated_minutes": _("Estimated minutes"),
            "published": _("Published"),
        }


def _checked_file(file, field="attachment"):
    if file:
        try:
            validate_upload(file, field=field)
        except ValidationError as error:
            raise forms.ValidationError(error.message_dict[field]) from None
    return file


class LessonForm(KeepUploadsMixin, BootstrapFormMixin, forms.Form):
    upload_checks = {"attachment": lambda upload: _checked_file(upload)}

    title = forms.CharField(max_length=200, label=_("Title"))
    position = forms.IntegerField(min_value=0, max_value=1000, required=False, label=_("Position"))
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 14}),
        required=False,
        label=_("Body"),
        help_text=_("Markdown: headings, lists, links, tables."),
    )
    video_url = forms.URLField(required=False, label=_("Video link"), assume_scheme="https")
    attachment = forms.FileField(required=False, label=_("Attachment"), help_text=_("PDF, Office file, ZIP or image."))
    clear_attachment = forms.BooleanField(required=False, label=_("Remove the current file"))

    def clean_attachment(self):
        return _checked_file(self.cleaned_data.get("attachment"))


QUESTION_FORMAT_HELP = _(
    "One block per question, separated by a blank line. First line: the question, starting with "
    "'Q:' (single choice) or 'Q+:' (multiple choice). Then one choice per line: '* ' for a correct choice, "
    "'- ' for a wrong one."
)


def parse_questions(text: str) -> list[dict]:
    questions = []
    for number, block in enumerate([b for b in text.replace("\r\n", "\n").split("\n\n") if b.strip()], start=1):
        lines = [line.strip() for line in block.strip().split("\n") if line.strip()]
        head = lines[0]
        if head.startswith("Q+:"):
            kind, question_text = QuestionKind.MULTIPLE, head[3:].strip()
        elif head.startswith("Q:"):
            kind, question_text = QuestionKind.SINGLE, head[2:].strip()
        else:
            raise forms.ValidationError(
                gettext("Question %(number)s must start with 'Q:' or 'Q+:'.") % {"number": number}
            )
        choices = []
        for line in lines[1:]:
            if line[:2] not in ("* ", "- "):
                raise forms.ValidationError(
                    gettext("Question %(number)s: start each choice with '* ' or '- '.") % {"number": number}
                )
            choices.append({"text": line[2:].strip(), "is_correct": line.startswith("* ")})
        questions.append({"text": question_text, "kind": kind, "choices": choices})
    return questions


def format_questions(quiz: Quiz) -> str:
    blocks = []
    for question in quiz.questions.prefetch_related("choices"):
        head = ("Q+: " if question.kind == QuestionKind.MULTIPLE else "Q: ") + question.text
        lines = [head] + [("* " if c.is_correct else "- ") + c.text for c in question.choices.all()]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


class QuizForm(BootstrapFormMixin, forms.ModelForm):
    questions_text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 18, "class": "font-monospace"}),
        label=_("Question pool"),
        help_text=QUESTION_FORMAT_HELP,
    )

    class Meta:
        model = Quiz
        fields = list(Quiz.TERMS)
        labels = {
            "title": _("Title"),
            "pass_mark": _("Pass mark"),
            "attempt_limit": _("Attempt limit"),
            "cooldown_minutes": _("Cooldown minutes"),
            "time_limit_minutes": _("Time limit minutes"),
            "questions_per_attempt": _("Questions per attempt"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["questions_text"].initial = format_questions(self.instance)

    def clean_questions_text(self):
        questions = parse_questions(self.cleaned_data["questions_text"])
        try:
            validate_questions(questions)
        except ValidationError as error:
            raise forms.ValidationError(error.message_dict["questions"]) from None
        return questions


class CertificationForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Certification
        fields = ["name", "kind", "description", "required_courses", "exam", "validity_months", "active"]
        widgets = {"required_courses": forms.CheckboxSelectMultiple, "description": forms.Textarea(attrs={"rows": 3})}
        labels = {
            "name": _("Name"),
            "kind": _("Kind"),
            "description": _("Description"),
            "required_courses": _("Required courses"),
            "exam": _("Exam"),
            "validity_months": _("Validity months"),
            "active": _("Active"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["exam"].queryset = Quiz.objects.select_related("course").order_by("course__title", "title")
        self.fields["exam"].label_from_instance = lambda quiz: f"{quiz.course.title} · {quiz.title}"
        self.fields["required_courses"].widget.attrs["class"] = "form-check-input"


class LearningPathForm(AudienceFieldMixin, BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = LearningPath
        fields = ["name", "description", "min_tier", "published"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        labels = {
            "name": _("Name"),
            "description": _("Description"),
            **AUDIENCE_LABELS,
        }


def step_choices():
    course_label, certification_label = gettext("Course · %(title)s"), gettext("Certification · %(title)s")
    courses = [(f"course:{c.pk}", course_label % {"title": c.title}) for c in Course.objects.order_by("title")]
    certs = [
        (f"certification:{c.pk}", certification_label % {"title": c.name})
        for c in Certification.objects.order_by("name")
    ]
    return [("", "—")] + courses + certs


class PathStepForm(BootstrapFormMixin, forms.Form):
    item = forms.ChoiceField(required=False, label=_("Step"))

    def __init__(self, *args, choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = choices or step_choices()


PathStepFormSet = forms.formset_factory(PathStepForm, extra=3, max_num=30)


def resolve_step(value: str):
    kind, _, pk = value.partition(":")
    model = Course if kind == "course" else Certification if kind == "certification" else None
    return model.objects.filter(pk=pk).first() if model and pk.isdigit() else None


class LibraryAssetForm(KeepUploadsMixin, AudienceFieldMixin, BootstrapFormMixin, forms.ModelForm):
    upload_checks = {"file": lambda upload: _checked_file(upload, field="file")}
    file = forms.FileField(required=False, label=_("File"), help_text=_("A new file becomes the next version."))
    notes = forms.CharField(max_length=300, required=False, label=_("Version notes"))

    class Meta:
        model = LibraryAsset
        fields = ["title", "description", "category", "min_tier", "published"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        labels = {
            "title": _("Title"),
            "description": _("Description"),
            "category": _("Category"),
            **AUDIENCE_LABELS,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.fields["file"].required = True

    def clean_file(self):
        return _checked_file(self.cleaned_data.get("file"), field="file")


# A blank answer is refused beside its question (docs/pages.md), not scored as wrong.
BLANK_ANSWER = _("Choose an answer to this question.")


class AttemptForm(forms.Form):
    """One field per drawn question: radios for single choice, checkboxes for multiple. Choice values are ids."""

    def __init__(self, *args, questions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for question in self.questions:
            choices = [(str(choice.pk), choice.text) for choice in question.choices.all()]
            if question.kind == QuestionKind.MULTIPLE:
                field = forms.MultipleChoiceField(
                    choices=choices,
                    widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
                    error_messages={"required": BLANK_ANSWER},
                )
            else:
                field = forms.ChoiceField(
                    choices=choices,
                    widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                    error_messages={"required": BLANK_ANSWER},
                )
            field.label = question.text
            field.question = question
            self.fields[f"q_{question.pk}"] = field

    def answers(self) -> dict[str, list[int]]:
        result = {}
        for question in self.questions:
            value = self.cleaned_data.get(f"q_{question.pk}")
            values = value if isinstance(value, list) else ([value] if value else [])
            result[str(question.pk)] = [int(v) for v in values]
        return result


class RevokeForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(max_length=500, label=_("Reason"))
