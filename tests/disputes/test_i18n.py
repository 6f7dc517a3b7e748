"""The dispute pages and the deal page's match sentence render in Spanish and German from the committed catalogues."""

import pytest
from django.urls import reverse

from disputes import services

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("lang", "sentence", "queue"),
    [
        ("es", "Una cuenta con un dominio coincidente está protegida hasta el", "Cola de disputas"),
        ("de", "Ein Account mit übereinstimmender Domain ist bis", "Einspruchswarteschlange"),
    ],
)
def test_pages_render_translated(
    client_for, partner_admin, channel_manager, rejected, catalogues, lang, sentence, queue
):
    partner = client_for(partner_admin)
    deal_page = partner.get(reverse("deals:detail", args=[rejected.pk]), HTTP_ACCEPT_LANGUAGE=lang)
    assert sentence in deal_page.content.decode()
    assert partner.get(reverse("disputes:open", args=[rejected.pk]), HTTP_ACCEPT_LANGUAGE=lang).status_code == 200
    dispute = services.open_dispute(user=partner_admin, deal=rejected, reason="Primero")
    assert partner.get(dispute.get_absolute_url(), HTTP_ACCEPT_LANGUAGE=lang).status_code == 200
    manager = client_for(channel_manager)
    body = manager.get(reverse("disputes:list"), HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    assert queue in body
    assert manager.get(dispute.get_absolute_url(), HTTP_ACCEPT_LANGUAGE=lang).status_code == 200
