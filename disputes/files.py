"""Files a partner attaches to a dispute: PDF, PNG, JPEG, TXT, CSV, DOCX or XLSX, checked by prm.files
(extension, content, size) before storing; at most MAX_FILES per dispute."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from prm import files
from prm.files import safe_name  # noqa: F401 - the name of a stored file

MAX_FILES = 5
ALLOWED = {
    ".pdf": files.PDF,
    ".png": files.PNG,
    ".jpg": files.JPEG,
    ".jpeg": files.JPEG,
    ".txt": files.TXT,
    ".csv": (files.CSV[0] + "; charset=utf-8", files.CSV[1]),
    ".docx": files.DOCX,
    ".xlsx": files.XLSX,
}
ALLOWED_LABEL = gettext_lazy("PDF, PNG, JPEG, TXT, CSV, DOCX or XLSX")
ACCEPT = ",".join(sorted(ALLOWED))


def max_megabytes() -> int:
    return int(getattr(settings, "DISPUTE_FILE_MAX_MB", 10))


def check_file(upload) -> str:
    """Refuse a file whose name, content or size is not accepted; return its content type."""
    return files.check_upload(upload, allowed=ALLOWED, allowed_label=ALLOWED_LABEL, max_mb=max_megabytes())


def check_files(uploads) -> list[str]:
    """Every problem of a set of uploads, as messages (empty when all are fine)."""
    uploads = list(uploads or [])
    messages = []
    if len(uploads) > MAX_FILES:
        messages.append(_("Attach at most %(count)s files.") % {"count": MAX_FILES})
    for upload in uploads:
        try:
            check_file(upload)
        except ValidationError as error:
            messages.extend(error.messages)
    return messages
