"""The one input layer for request values every app shares: bounded dates, NUL-free text (docs/inputs.md).

Every date a person or a client sends is bounded here, and only here: from INPUT_EARLIEST (2000-01-01) to
today + INPUT_YEARS_AHEAD (10) years, unless a field says otherwise (`earliest=` / `latest=`). Out-of-range
dates are a field error (a 400 in the API, a message beside the field on pages), so nothing downstream ever
computes with year 1 or year 9999 (date arithmetic there overflows). The same bound serves

- Django forms: `DateField`, `DateTimeField`;
- DRF serializers: `ApiDateField`, `ApiDateTimeField`;
- django-filter filters: `DateFilter`, `DateTimeFilter` (and prm.api.IsoDateTimeFilter, built on `bounded`);
- services that take dates from dicts: `clean_date` / `check_date`;
- periods: prm.periods.parse_period applies `window()` to "2026-Q4" and "2026-11".

Text: PostgreSQL cannot store NUL (U+0000), so a NUL in any input is refused before it reaches a query
(`has_nul`, used by prm.middleware.RefuseNulMiddleware for every request, and by the CSV imports per cell);
`SingleLineCharField` / `ApiSingleLineCharField` also refuse CR, LF and other control characters where a
value is one line (names, titles, references).
tests/security/test_edge_inputs.py enumerates the code and fails on a date field or parser outside this module.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime

import django_filters
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters.constants import EMPTY_VALUES
from rest_framework import serializers

NUL = "\x00"
# C0 controls except TAB, and DEL: never part of a one-line value.
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")

DateBound = date | Callable[[], date] | None


def earliest_date() -> date:
    return getattr(settings, "INPUT_EARLIEST", date(2000, 1, 1))


def latest_date() -> date:
    """Today + INPUT_YEARS_AHEAD years (29 February becomes 28 February)."""
    today = timezone.localdate()
    years = getattr(settings, "INPUT_YEARS_AHEAD", 10)
    try:
        return today.replace(year=today.year + years)
    except ValueError:
        return today.replace(year=today.year + years, day=28)


def window(earliest: DateBound = None, latest: DateBound = None) -> tuple[date, date]:
    """The accepted range: the field's own bounds (a date or a callable) or the defaults."""
    low = earliest() if callable(earliest) else earliest
    high = latest() if callable(latest) else latest
    return (low or earliest_date(), high or latest_date())


def range_message(low: date, high: date) -> str:
    return str(_("Enter a date from %(earliest)s to %(latest)s.")) % {
        "earliest": low.isoformat(),
        "latest": high.isoformat(),
    }


def check_date(value: date, *, earliest: DateBound = None, latest: DateBound = None) -> date:
    """`value` (a date or datetime) inside the window, or a ValidationError saying the range."""
    low, high = window(earliest, latest)
    day = value.date() if isinstance(value, datetime) else value
    if not low <= day <= high:
        raise ValidationError(range_message(low, high), code="date_out_of_range")
    return value


def parse_iso_date(text) -> date:
    """A YYYY-MM-DD string (ASCII digits only) as a date; ValueError for anything else."""
    text = str(text).strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text, re.ASCII):
        raise ValueError(text)
    return date.fromisoformat(text)


def parse_iso_moment(text) -> date | datetime:
    """A YYYY-MM-DD date or an ISO 8601 date-time ("2026-11-01T09:00:00+01:00"); ValueError otherwise.
    Only the shape is checked here: bound the result with `check_date`."""
    text = str(text).strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text, re.ASCII):
        return date.fromisoformat(text)
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?", text, re.ASCII):
        raise ValueError(text)
    return datetime.fromisoformat(text)


def clean_date(
    value, field: str, errors: dict, *, required: bool = False, earliest: DateBound = None, latest: DateBound = None
) -> date | None:
    """For services that read dicts (API bodies, imports): a bounded date, or an entry in `errors[field]`.
    Accepts a date, a datetime (its date) or a YYYY-MM-DD string; empty is None (or "required")."""
    if value in (None, ""):
        if required:
            errors[field] = [str(_("This field is required."))]
        return None
    if isinstance(value, datetime):
        value = value.date()
    if not isinstance(value, date):
        try:
            value = parse_iso_date(value)
        except ValueError:
            errors[field] = [str(_("Enter a date as YYYY-MM-DD."))]
            return None
    try:
        return check_date(value, earliest=earliest, latest=latest)
    except ValidationError as error:
        errors[field] = error.messages
        return None


def _aware_in_window(value: datetime | None, earliest: DateBound, latest: DateBound):
    if value is None:
        return None
    try:
        local = timezone.localtime(value) if timezone.is_aware(value) else value
    except OverflowError:  # the moment lies outside what Python can represent in local time
        local = value
    check_date(local, earliest=earliest, latest=latest)
    return value


# --- Django forms ----------------------------------------------------------------------------------------


class BoundedMixin:
    """Adds `earliest` / `latest` (a date, a callable or None for the defaults) to a date field."""

    def __init__(self, *args, earliest: DateBound = None, latest: DateBound = None, **kwargs):
        self.earliest, self.latest = earliest, latest
        super().__init__(*args, **kwargs)

    def bounds(self) -> tuple[date, date]:
        return window(self.earliest, self.latest)


class DateField(BoundedMixin, forms.DateField):
    def to_python(self, value):
        try:
            value = super().to_python(value)
        except OverflowError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if value is not None:
            check_date(value, earliest=self.earliest, latest=self.latest)
        return value


class DateTimeField(BoundedMixin, forms.DateTimeField):
    def to_python(self, value):
        try:
            value = super().to_python(value)
        except OverflowError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        return _aware_in_window(value, self.earliest, self.latest)


def bounded(field_class: type[forms.Field]) -> type[forms.Field]:
    """A bounded subclass of another date/datetime form field (e.g. django-filter's IsoDateTimeField)."""

    class Bounded(BoundedMixin, field_class):
        def to_python(self, value):
            try:
                value = super().to_python(value)
            except OverflowError:
                raise ValidationError(self.error_messages["invalid"], code="invalid") from None
            if isinstance(value, datetime):
                return _aware_in_window(value, self.earliest, self.latest)
            if isinstance(value, date):
                check_date(value, earliest=self.earliest, latest=self.latest)
            return value

    Bounded.__name__ = Bounded.__qualname__ = f"Bounded{field_class.__name__}"
    return Bounded


class SingleLineCharField(forms.CharField):
    """One line of text: no NUL, CR, LF or other control characters."""

    def to_python(self, value):
        value = super().to_python(value)
        if value and _CONTROL.search(value):
            raise ValidationError(_("Use one line of text without control characters."), code="control_character")
        return value


# --- django-filter ---------------------------------------------------------------------------------------


class DateFilter(django_filters.DateFilter):
    field_class = DateField


class DateTimeFilter(django_filters.DateTimeFilter):
    field_class = DateTimeField


# --- DRF serializers -------------------------------------------------------------------------------------


class _BoundedApiField:
    """A DRF date or date-time field refusing values out of Python's range or outside [earliest, latest]."""

    example_format = ""

    def __init__(self, *args, earliest: DateBound = None, latest: DateBound = None, **kwargs):
        self.earliest, self.latest = earliest, latest
        super().__init__(*args, **kwargs)

    def in_window(self, value):
        raise NotImplementedError

    def to_internal_value(self, value):
        try:
            value = super().to_internal_value(value)
        except OverflowError:  # e.g. an offset that moves the moment out of Python's range
            self.fail("invalid", format=self.example_format)
        try:
            return self.in_window(value)
        except ValidationError as error:
            raise serializers.ValidationError(error.messages, code="date_out_of_range") from None


class ApiDateField(_BoundedApiField, serializers.DateField):
    example_format = "YYYY-MM-DD"

    def in_window(self, value):
        return check_date(value, earliest=self.earliest, latest=self.latest)


class ApiDateTimeField(_BoundedApiField, serializers.DateTimeField):
    example_format = "YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]"

    def in_window(self, value):
        return _aware_in_window(value, self.earliest, self.latest)


class ApiSingleLineCharField(serializers.CharField):
    """One line of text: no NUL, CR, LF or other control characters."""

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if _CONTROL.search(value):
            raise serializers.ValidationError(
                _("Use one line of text without control characters."), code="control_character"
            )
        return value


# --- NUL --------------------------------------------------------------------------------------------------


def has_nul(value) -> bool:
    return isinstance(value, str) and NUL in value


def nul_message() -> str:
    return str(_("This value contains a NUL character (U+0000), which is not allowed."))


class TimestampStateFilter(django_filters.ChoiceFilter):
    """A list filter on whether a timestamp is set: `unset` is the (value, label) of "not yet" (the
    timestamp is null), `done` the (value, label) of "happened" (read, revoked, decided, ...)."""

    def __init__(self, *, timestamp: str, unset: tuple, done: tuple, **kwargs):
        super().__init__(choices=[unset, done], **kwargs)
        self.timestamp = timestamp
        self.unset_value = unset[0]

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        return qs.filter(**{f"{self.timestamp}__isnull": value == self.unset_value})
