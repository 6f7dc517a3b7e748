"""Enablement: the partner learning system (docs/architecture.md).

Aggregate roots: Course (draft -> published; ordered Lessons and Quizzes of Questions and Choices),
Enrolment (in_progress -> completed; one per person and course, with LessonCompletions and QuizAttempts:
an attempt is open while its random draw is being answered, then submitted and scored once),
Certification (required courses plus an exam quiz) and Certificate (valid -> expired | revoked;
renewed in place by a recertification; CertificateReminder rows make the expiry reminders idempotent),
LearningPath (ordered steps of courses and certifications, by partner type and tier) and LibraryAsset
(collateral gated by tier and partner type, with numbered LibraryAssetVersions and a download count).

Partner types of an audience are stored as ",reseller,msp," (empty: every type) so that one `contains`
lookup filters them on every database.

One module per aggregate, all re-exported here (migrations and callers import enablement.models).
"""

from enablement.models.audience import (
    AudienceQuerySet,
    audience_q,
    decode_types,
    encode_types,
    partner_ready,
)
from enablement.models.certifications import (
    Certificate,
    CertificateReminder,
    CertificateStatus,
    Certification,
    CertificationKind,
    CertificationQuerySet,
    ReminderKind,
    ViaCertificateQuerySet,
    default_validity_months,
    new_verification_code,
)
from enablement.models.content import (
    AssetCategory,
    LibraryAsset,
    LibraryAssetVersion,
)
from enablement.models.courses import (
    ChildOfCourseQuerySet,
    Choice,
    Course,
    CourseKind,
    Lesson,
    Question,
    QuestionKind,
    Quiz,
)
from enablement.models.learners import (
    Enrolment,
    EnrolmentStatus,
    LearnerQuerySet,
    LessonCompletion,
    QuizAttempt,
    ViaEnrolmentQuerySet,
)
from enablement.models.paths import (
    LearningPath,
    LearningPathStep,
)

__all__ = [
    "AssetCategory",
    "AudienceQuerySet",
    "Certificate",
    "CertificateReminder",
    "CertificateStatus",
    "Certification",
    "CertificationKind",
    "CertificationQuerySet",
    "ChildOfCourseQuerySet",
    "Choice",
    "Course",
    "CourseKind",
    "Enrolment",
    "EnrolmentStatus",
    "LearnerQuerySet",
    "LearningPath",
    "LearningPathStep",
    "Lesson",
    "LessonCompletion",
    "LibraryAsset",
    "LibraryAssetVersion",
    "Question",
    "QuestionKind",
    "Quiz",
    "QuizAttempt",
    "ReminderKind",
    "ViaCertificateQuerySet",
    "ViaEnrolmentQuerySet",
    "audience_q",
    "decode_types",
    "default_validity_months",
    "encode_types",
    "new_verification_code",
    "partner_ready",
]
