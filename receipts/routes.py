"""Pages that apps above receipts publish under the `receipts:` URL names (a certificate's verifiable credential,
signed with the portal's keys): each registers its routes at ready() time, receipts/urls.py serves them."""

_ROUTES: list = []


def register(*patterns) -> None:
    """Add URL patterns (django.urls.path) to the receipts namespace."""
    _ROUTES.extend(patterns)


def registered() -> list:
    return list(_ROUTES)
