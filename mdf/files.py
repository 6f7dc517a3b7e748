"""Proof-of-performance uploads: PDF, PNG, JPEG or CSV, checked by prm.files before storing."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from prm import files
from prm.files import safe_name  # noqa: F401 - the name of a stored proof

ALLOWED = {".pdf": files.PDF, ".png": files.PNG, ".jpg": files.JPEG, ".jpeg": files.JPEG, ".csv": files.CSV}
ALLOWED_LABEL = _("PDF, PNG, JPEG or CSV")


def check_proof_file(upload) -> str:
    """Refuse a file whose name, content or size is not an accepted proof; return its content type."""
    return files.check_upload(
        upload, allowed=ALLOWED, allowed_label=ALLOWED_LABEL, max_mb=settings.MDF_PROOF_MAX_MB, default_name="proof"
    )
