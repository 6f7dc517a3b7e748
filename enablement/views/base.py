"""What every enablement page shares: the login check and private file responses."""

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404


def login_required(request):
    if not request.user.is_authenticated:
        raise PermissionDenied


def private_file(field_file, filename):
    try:
        handle = field_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=filename)
    # A file a browser would run as a page or script (HTML, SVG, XML, JS) goes out as opaque bytes, never
    # with its own type from the portal's origin.
    if response["Content-Type"].split(";")[0].strip().lower() in ACTIVE_CONTENT_TYPES:
        response["Content-Type"] = "application/octet-stream"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


ACTIVE_CONTENT_TYPES = frozenset(
    {
        "text/html",
        "application/xhtml+xml",
        "image/svg+xml",
        "text/xml",
        "application/xml",
        "text/javascript",
        "application/javascript",
        "application/x-javascript",
        "text/xsl",
    }
)
