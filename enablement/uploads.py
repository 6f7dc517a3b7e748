"""Checks on uploaded files (issue 6): allowed extension, content that matches it (magic bytes), size."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext

ZIP = (b"PK\x03\x04",)
# Extension -> the leading bytes its content must start with. Office files are ZIP containers.
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF-",),
    "pptx": ZIP,
    "docx": ZIP,
    "xlsx": ZIP,
    "zip": ZIP,
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "mp4": (),  # checked below: "ftyp" at offset 4
}


def max_upload_bytes() -> int:
    return settings.ENABLEMENT_MAX_UPLOAD_MB * 1024 * 1024


def validate_upload(file, *, field: str = "file") -> None:
    """Raise a ValidationError naming `field` when the file is not one we accept."""
    name = (getattr(file, "name", "") or "").rsplit("/", 1)[-1]
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in SIGNATURES:
        allowed = ", ".join(f".{e}" for e in SIGNATURES)
        message = gettext("Files of this type are not accepted. Upload one of: %(allowed)s.")
        raise ValidationError({field: [message % {"allowed": allowed}]})
    size = getattr(file, "size", 0) or 0
    if size == 0:
        raise ValidationError({field: [gettext("The file is empty.")]})
    if size > max_upload_bytes():
        message = gettext("The file is larger than %(size)s MB.")
        raise ValidationError({field: [message % {"size": settings.ENABLEMENT_MAX_UPLOAD_MB}]})
    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    head = file.read(16)
    file.seek(position)
    if extension == "mp4":
        matches = head[4:8] == b"ftyp"
    else:
        matches = any(head.startswith(signature) for signature in SIGNATURES[extension])
    if not matches:
        message = gettext("The file's content is not a valid .%(extension)s file.")
        raise ValidationError({field: [message % {"extension": extension}]})
