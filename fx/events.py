"""Exchange-rate events (docs/fx.md) and who hears about them: finance, about currencies without a rate."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy

from accounts.audiences import finance_users
from prm.events import register_event_type
from prm.notifications import NoticeKind, notices, optional

register_event_type(
    "fx.rate_changed",
    category="analytics",
    description="An exchange rate was recorded or corrected (currency, effective from).",
    public=False,
)
register_event_type(
    "fx.rate_missing",
    category="analytics",
    description="Amounts in a currency with no exchange rate for their date are shown unconverted.",
    public=False,
)


def _record_rate_url(event) -> str:
    """The new-rate form, filled in with the currency and the first day that needs a rate."""
    payload = event.payload or {}
    query = urlencode({"currency": payload.get("currency", ""), "effective_from": payload.get("since", "")})
    return reverse("fx:rate_new") + "?" + query


notices.register(
    NoticeKind(
        event="fx.rate_missing",
        audience=finance_users,
        title=gettext_lazy("No exchange rate for %(currency)s on %(date)s"),
        body=gettext_lazy(
            "Amounts in %(currency)s dated from %(date)s on cannot be converted (%(where)s): they are shown "
            "unconverted until you record a rate."
        ),
        values={"currency": optional("currency"), "date": optional("since"), "where": optional("where")},
        url=_record_rate_url,
    ),
)
