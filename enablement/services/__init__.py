"""Every write of enablement: enrolment, progress, quiz attempts, certificates, authoring, the library; one
module per aggregate, re-exported here.

Each function takes keyword arguments, checks the permission (enablement/access.py) and state, runs in one
transaction, and records the audit row and the domain event there (docs/architecture.md).
"""

from enablement.services.authoring import (
    COURSE_FIELDS,
    QUIZ_FIELDS,
    add_asset_version,
    delete_lesson,
    record_download,
    save_certification,
    save_course,
    save_learning_path,
    save_lesson,
    save_library_asset,
    save_quiz,
    validate_questions,
)
from enablement.services.certificates import (
    add_months,
    expire_certificates,
    issue_certificate,
    revoke_certificate,
    send_expiry_reminders,
)
from enablement.services.learning import NotEnrolled, complete_lesson, enrol, enrolment_of
from enablement.services.quizzes import attempt_standing, open_attempt, submit_attempt

__all__ = [
    "COURSE_FIELDS",
    "QUIZ_FIELDS",
    "NotEnrolled",
    "add_asset_version",
    "add_months",
    "attempt_standing",
    "complete_lesson",
    "delete_lesson",
    "enrol",
    "enrolment_of",
    "expire_certificates",
    "issue_certificate",
    "open_attempt",
    "record_download",
    "revoke_certificate",
    "save_certification",
    "save_course",
    "save_learning_path",
    "save_lesson",
    "save_library_asset",
    "save_quiz",
    "send_expiry_reminders",
    "submit_attempt",
    "validate_questions",
]
