"""Texts stored as a message key and parameters, rendered in the reader's language when shown (docs/i18n.md).

A notification, a commission entry's description or an MDF ledger line is kept as the English msgid of its
template (`key_of(gettext_lazy(...))`: {"msgid": ...}, plus "plural"/"number" or "context") and the values of its
placeholders (`params`). `render(key, params, language)` translates the template and formats every value through
prm/formatting.py in that language: `money(amount, currency)` a money amount, `rate_param(fraction)` a
percentage, `label(gettext_lazy(...))` a text that is itself translated, `verbatim(text)` what people typed; an
ISO date or timestamp string is a date; a number is grouped. Anything else is shown as it is.
"""

from __future__ import annotations

import datetime
import re
from contextlib import nullcontext
from decimal import Decimal

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext, ngettext, npgettext, pgettext

from prm import formatting

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def key_of(message) -> dict | None:
    """The msgid (and plural, number and context) of a gettext_lazy / ngettext_lazy / pgettext_lazy text; None
    for anything else (finished text has no key)."""
    if isinstance(message, dict) and "msgid" in message:
        return message
    if not isinstance(message, Promise):
        return None
    reduced = message.__reduce__()[1]
    func = reduced[0]
    if len(reduced) == 4 and isinstance(reduced[3], dict):  # lazy_number: (func, resultclass, number, kwargs)
        number, kwargs = reduced[2], reduced[3]
        key = {"msgid": kwargs["singular"], "plural": kwargs["plural"], "number": number}
        if "context" in kwargs:
            key["context"] = kwargs["context"]
        return key
    args = reduced[1]
    if func is pgettext:
        return {"context": args[0], "msgid": args[1]}
    return {"msgid": args[0]} if args else None


def money(amount, currency) -> dict:
    return {"money": None if amount is None else str(amount), "currency": currency or ""}


def nested(key, params: dict | None = None) -> dict:
    """A message inside a message (a description with a note added), rendered in the same language."""
    return {"message": key_of(key), "params": params_of(params or {})}


def rate_param(fraction) -> dict:
    return {"rate": None if fraction is None else str(fraction)}


def label(text) -> dict:
    key = key_of(text)
    return {"label": key} if key else verbatim(text)


def verbatim(text) -> dict:
    return {"text": "" if text is None else str(text)}


def param(value):
    """A value as it is stored in JSON params: typed values and plain JSON stay; dates become ISO strings."""
    if isinstance(value, Promise):
        return label(value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return {"number": str(value)}
    if value is None or isinstance(value, (str, int, float, bool, dict, list)):
        return value
    return str(value)


def params_of(values) -> dict:
    return {name: param(value) for name, value in dict(values).items()}


def show(value, language: str | None = None) -> str:
    """One parameter as the reader sees it."""
    if isinstance(value, dict):
        if "money" in value:
            return formatting.money(value["money"], value.get("currency") or None, language)
        if "message" in value:
            return render(value["message"], value.get("params") or {}, language)
        if "rate" in value:
            return formatting.rate(value["rate"], 2, language)
        if "label" in value:
            return render(value["label"], {}, language)
        if "number" in value:
            return formatting.number(value["number"], _places(value["number"]), language)
        if "text" in value:
            return value["text"]
    if value is None:
        return formatting.DASH
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)):
        return formatting.number(value, 0 if float(value).is_integer() else 2, language)
    if isinstance(value, str):
        return _date_text(value, language)
    return str(value)


def _places(text) -> int:
    text = str(text)
    return min(len(text.split(".", 1)[1].rstrip("0")), 2) if "." in text else 0


def _date_text(value: str, language) -> str:
    if _ISO_DATE.match(value):
        try:
            return formatting.day(datetime.date.fromisoformat(value), language)
        except ValueError:
            return value
    if _ISO_MOMENT.match(value):
        try:
            return formatting.moment(datetime.datetime.fromisoformat(value.replace("Z", "+00:00")), language)
        except ValueError:
            return value
    return value


def _count(key, params) -> int:
    number = key.get("number")
    value = params.get(number, 0) if isinstance(number, str) else number
    if isinstance(value, dict):
        value = value.get("number", 0)
    try:
        return int(Decimal(str(value or 0)))
    except (ArithmeticError, ValueError):
        return 0


def render(key: dict | None, params: dict | None = None, language: str | None = None) -> str:
    """The text of `key` with `params` in `language` (the active language when None)."""
    if not key:
        return ""
    params = params or {}
    with translation.override(language) if language else nullcontext():
        values = {name: show(value) for name, value in params.items()}
        context = key.get("context")
        if "plural" in key:
            count = _count(key, params)
            if context:
                template = npgettext(context, key["msgid"], key["plural"], count)
            else:
                template = ngettext(key["msgid"], key["plural"], count)
        elif context:
            template = pgettext(context, key["msgid"])
        else:
            template = gettext(key["msgid"])
        try:
            return template % values
        except (KeyError, TypeError, ValueError):  # a stored row older than its template's placeholders
            return key["msgid"]
