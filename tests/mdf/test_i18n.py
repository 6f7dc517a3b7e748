"""The MDF pages render whole in Spanish and German; amounts are localised on the page but never
inside form values (a decimal comma would not parse)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from mdf import services
from mdf.forms import RequestForm
from tests.enablement.test_i18n import get
from tests.mdf.factories import ActivityTypeFactory, allocate, approved_request, request_data, submitted_claim

pytestmark = pytest.mark.django_db


@pytest.fixture
def claim(partner):
    allocate(partner, "5000")
    return submitted_claim(approved_request(partner))


@pytest.mark.parametrize(
    ("lang", "words"),
    [("es", ["Fondos de desarrollo de mercado", "Libro mayor"]), ("de", ["Marketing-Entwicklungsfonds", "Hauptbuch"])],
)
def test_partner_mdf_pages_render_in_spanish_and_german(client_for, partner_admin, claim, catalogues, lang, words):
    client = client_for(partner_admin)
    overview = get(client, reverse("mdf:overview"), lang)
    assert all(word in overview for word in words)
    assert "3.000,00" in overview  # available, grouped, with the decimal comma of both languages
    assert "Recent requests" not in overview and "Ledger" not in overview
    for url in [
        reverse("mdf:requests"),
        reverse("mdf:request_new"),
        reverse("mdf:request_detail", args=[claim.request_id]),
        reverse("mdf:claims"),
        reverse("mdf:claim_detail", args=[claim.pk]),
        reverse("home"),
    ]:
        body = get(client, url, lang)
        assert "No requests match" not in body and "Proof of performance" not in body


@pytest.mark.parametrize("lang", ["es", "de"])
def test_internal_mdf_pages_keep_form_values_unlocalised(
    client_for, finance_user, channel_manager, program_admin, partner, claim, catalogues, lang
):
    decide = get(client_for(finance_user), reverse("mdf:claim_detail", args=[claim.pk]), lang)
    assert 'name="approved_amount" value="2000.00"' in decide and "2.000,00" in decide
    assert "Approve" not in decide.replace("approve", "")
    pending = services.submit_request(user=claim.request.requested_by, **request_data())
    review = get(client_for(channel_manager), reverse("mdf:request_detail", args=[pending.pk]), lang)
    assert 'name="approved_amount" value="2000.00"' in review
    admin = client_for(program_admin)
    activity = ActivityTypeFactory()
    for url in [
        reverse("mdf:program"),
        reverse("mdf:activity_menu"),
        reverse("mdf:activity_edit", args=[activity.pk]),
        reverse("mdf:claims"),
    ]:
        body = get(admin, url, lang)
        assert "Utilisation by tier" not in body and "Add activity" not in body


def test_service_errors_follow_the_active_language(partner_admin, partner, catalogues):
    with translation.override("es"), pytest.raises(ValidationError) as error:
        services.submit_request(
            user=partner_admin, **request_data(total_cost=Decimal("1000.00"), requested_amount=Decimal("900.00"))
        )
    assert "como máximo 500,00\xa0US$" in error.value.message_dict["requested_amount"][0]
    with translation.override("de"):  # the form converts and checks the fields before the service runs
        form = RequestForm(data={"title": ""})
        assert form.errors["title"] == ["Dieses Feld ist erforderlich."]
