"""The files enablement accepts (lesson attachments, library assets), checked by prm.files.check_upload:
extension, content that matches it (magic bytes), size."""

from django.conf import settings
from django.core.exceptions import ValidationError

from prm import files

ZIP = files.ZIP
# Extension -> (content type, check of the first bytes). Office files are ZIP containers.
ALLOWED: dict[str, tuple] = {
    ".pdf": files.PDF,
    ".pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        lambda head: head.startswith(ZIP),
    ),
    ".docx": files.DOCX,
    ".xlsx": files.XLSX,
    ".zip": ("application/zip", lambda head: head.startswith(ZIP)),
    ".png": files.PNG,
    ".jpg": files.JPEG,
    ".jpeg": files.JPEG,
    ".mp4": ("video/mp4", lambda head: head[4:8] == b"ftyp"),
}
ALLOWED_LABEL = ", ".join(ALLOWED)


def validate_upload(file, *, field: str = "file") -> None:
    """Raise a ValidationError naming `field` when the file is not one we accept."""
    try:
        files.check_upload(file, allowed=ALLOWED, allowed_label=ALLOWED_LABEL, max_mb=settings.ENABLEMENT_MAX_UPLOAD_MB)
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from None
