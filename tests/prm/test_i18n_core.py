"""The core of the portal reads in Spanish and German (issue 12): error pages, role homes, navigation,
notifications, imports, account pages, API tokens, staff, webhooks, and the e-mails and messages behind them.

The pages are rendered with the committed catalogues (the `catalogues` fixture of tests/conftest.py).
"""

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from accounts import services as account_services
from accounts.models import Role
from prm.exceptions import TransitionNotAllowed
from prm.management.commands import translations as tool
from prm.models import Notification, NotificationCategory
from prm.workflow import Workflow

pytestmark = pytest.mark.django_db

SCOPE = [
    "templates/prm",
    "templates/account",
    "templates/accounts",
    "templates/allauth",
    "templates/integrations",
    "templates/403.html",
    "templates/404.html",
    "templates/429.html",
    "templates/500.html",
]


def in_language(client, lang):
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = lang
    return client


def test_every_template_of_the_core_is_marked_for_translation():
    assert tool.lint([django_settings.BASE_DIR / path for path in SCOPE]) == {}


def test_the_partner_home_and_navigation_read_in_german(catalogues, client_for, partner_admin):
    response = in_language(client_for(partner_admin), "de").get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    for german in ("Ihre Stufe", "Stufenverlauf", "Ihr Channel Manager", "Alle Benachrichtigungen", ">Start<"):
        assert german in html, german
    for english in ("Your tier", "Tier history", "Your channel manager", "All notifications"):
        assert english not in html, english


def test_the_internal_home_reads_in_spanish(catalogues, client_for, program_admin):
    html = in_language(client_for(program_admin), "es").get(reverse("home")).content.decode()
    assert "Programa de socios" in html and "Socios por nivel" in html and "Cambios de nivel recientes" in html
    assert "Partners by tier" not in html


def test_error_pages_read_in_the_language(catalogues, client_for, partner_user):
    client = in_language(client_for(partner_user), "es")
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and "Página no encontrada" in response.content.decode()
    response = in_language(client, "de").get(reverse("audit_log"))
    assert response.status_code == 403
    assert "Sie haben keinen Zugriff auf diese Seite" in response.content.decode()


def test_notification_pages_and_messages_read_in_german(catalogues, client_for, partner_user):
    for _n in range(2):
        Notification.objects.create(user=partner_user, category=NotificationCategory.DEALS, title="Deal 7")
    client = in_language(client_for(partner_user), "de")
    html = client.get(reverse("notifications")).content.decode()
    assert "Alle als gelesen markieren" in html and "Als gelesen markieren" in html
    response = client.post(reverse("notifications_read_all"), follow=True)
    assert "2 Benachrichtigungen als gelesen markiert." in response.content.decode()
    html = client.get(reverse("notification_settings")).content.decode()
    assert "Deals und Leads" in html and "Benachrichtigungseinstellungen" in html


def test_the_account_pages_read_in_spanish(catalogues, client_for, partner_user):
    client = in_language(client_for(partner_user), "es")
    html = client.get(reverse("accounts:tokens")).content.decode()
    assert "Nuevo token" in html and "Crear token" in html and "Todavía no hay tokens." in html
    response = client.post(reverse("accounts:tokens"), {"name": "CRM sync", "scope": "read"})
    html = response.content.decode()
    assert "Token «CRM sync» creado (solo lectura)" in html and "<strong>solo esta vez</strong>" in html
    assert ">Activo<" in html  # a token is masculine: its own context, not the course's "Activa"


def test_the_staff_and_webhook_pages_read_in_german(catalogues, client_for, program_admin):
    client = in_language(client_for(program_admin), "de")
    html = client.get(reverse("accounts:staff")).content.decode()
    assert "Kollegin oder Kollegen einladen" in html and "Einladung senden" in html and "Programmadministrator" in html
    response = client.post(reverse("accounts:staff"), {"email": "new.finance@example.com", "role": Role.FINANCE})
    assert response.status_code == 302
    assert "Einladung an new.finance@example.com gesendet." in client.get(response["Location"]).content.decode()
    html = client.get(reverse("integrations:webhooks")).content.decode()
    assert "Neuer Webhook" in html and "Webhook erstellen" in html and "Noch keine Webhooks." in html


def test_the_invitation_e_mail_is_written_in_the_active_language(
    catalogues, program_admin, django_capture_on_commit_callbacks
):
    with translation.override("de"), django_capture_on_commit_callbacks(execute=True):
        account_services.invite_user(inviter=program_admin, email="neu@example.com", role=Role.FINANCE)
    message = mail.outbox[-1]
    assert message.subject.startswith("Sie sind zu ")
    assert "Guten Tag," in message.body and "als Finanzen beizutreten" in message.body
    assert "{%" not in message.body and "%(" not in message.body


def test_import_upload_errors_read_in_spanish(catalogues, client_for, program_admin):
    client = in_language(client_for(program_admin), "es")
    response = client.post("/partners/import/", {"file": SimpleUploadedFile("partners.xlsx", b"name\nA\n")})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Suba un archivo .csv (este es un archivo .xlsx)" in html and "Importaciones recientes" in html


def test_a_refused_transition_names_the_states_in_the_language(catalogues):
    class Thing:
        status = "terminated"

        class _meta:  # noqa: N801 - stands in for a model's options
            verbose_name = "partner"

            @staticmethod
            def get_field(name):
                from django.core.exceptions import FieldDoesNotExist

                raise FieldDoesNotExist(name)

    workflow = Workflow({"active": {"terminated"}})
    with pytest.raises(TransitionNotAllowed) as refused:
        workflow.check(Thing(), "active")
    assert refused.value.message == "This partner is terminated and cannot become active."
    with translation.override("de"), pytest.raises(TransitionNotAllowed) as refused:
        workflow.check(Thing(), "active")
    assert refused.value.message.startswith("Dieses Objekt (partner) hat den Status „terminated“")


def test_permission_refusals_read_whole_in_spanish(catalogues, partner_user):
    from django.core.exceptions import PermissionDenied

    from accounts import access

    with translation.override("es"), pytest.raises(PermissionDenied) as refused:
        access.require(partner_user, "integrations.manage_webhooks")
    assert str(refused.value) == "Solo los administradores del programa gestionan los webhooks."


def test_an_import_records_row_errors_in_the_uploaders_language(catalogues, client_for, program_admin):
    from prm.models import ImportJob

    header = "name,website_domain,partner_type,tier,country,external_crm_id\n"
    client = in_language(client_for(program_admin), "de")
    data = {"file": SimpleUploadedFile("p.csv", (header + ",nameless.example,reseller,,US,E1\n").encode())}
    response = client.post("/partners/import/", data)
    assert response.status_code == 302
    job = ImportJob.objects.get()
    with translation.override("de"):
        required = translation.gettext("This field is required.")
    assert required != "This field is required."
    assert job.errors == [{"row": 2, "field": "name", "message": required}]
    html = client.get(response["Location"]).content.decode()
    assert "<strong>1</strong> Zeile mit Fehlern" in html and "Fehlerbericht herunterladen (CSV)" in html
