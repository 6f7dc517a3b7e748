"""The field rules an MDF request's and claim's input share, used by the page forms (mdf/forms.py) and the API
serializers (mdf/serializers.py); the services take the converted values and check only their invariants."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext


def validate_positive_amount(value) -> None:
    """A cost or an amount asked for: above zero (the fields' digits already keep it below a trillion)."""
    if value is not None and value <= 0:
        raise ValidationError(gettext("Enter an amount above zero."), code="min_value")
