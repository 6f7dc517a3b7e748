"""The audit log page: program admins only, filters, CSV, and a bounded number of queries."""

from datetime import datetime, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from partners.models import Partner
from prm.models import AuditEntry

pytestmark = pytest.mark.django_db


def audit_row(partner, *, actor_label, action, when, reason="", object_label=None):
    entry = AuditEntry.objects.create(
        actor_label=actor_label,
        content_type=ContentType.objects.get_for_model(Partner),
        object_id=partner.pk,
        object_label=object_label or partner.name,
        action=action,
        from_state="Gold",
        to_state="Platinum",
        reason=reason,
        partner=partner,
    )
    AuditEntry.objects.filter(pk=entry.pk).update(created_at=when)
    return entry


def day(y, m, d):
    return timezone.make_aware(datetime(y, m, d, 12, 0))


@pytest.fixture
def trail(partner, other_partner):
    return [
        audit_row(
            partner,
            actor_label="manager@example.com",
            action="tier_changed",
            when=day(2026, 1, 10),
            reason="Strong bookings",
            object_label="Acme Cloud Partners",
        ),
        audit_row(
            other_partner,
            actor_label="admin@example.com",
            action="suspended",
            when=day(2026, 2, 15),
            reason="Unpaid invoices",
            object_label="Globex Integrators",
        ),
        audit_row(
            partner, actor_label="system", action="created", when=day(2026, 3, 20), object_label="Initech Partners"
        ),
    ]


def test_program_admin_sees_the_audit_log(client_for, program_admin, trail):
    response = client_for(program_admin).get(reverse("audit_log"))

    assert response.status_code == 200
    body = response.content.decode()
    assert "Strong bookings" in body and "Unpaid invoices" in body
    assert "Tier changed" in body and "tier_changed" not in body
    assert "manager@example.com" in body and "Initech Partners" in body


def test_audit_log_filters_by_actor(client_for, program_admin, trail):
    body = client_for(program_admin).get(reverse("audit_log"), {"actor": "MANAGER@"}).content.decode()
    assert "Strong bookings" in body
    assert "Unpaid invoices" not in body and "Initech Partners" not in body


def test_audit_log_filters_by_action(client_for, program_admin, trail):
    body = client_for(program_admin).get(reverse("audit_log"), {"action": "Suspended"}).content.decode()
    assert "Unpaid invoices" in body
    assert "Strong bookings" not in body and "Initech Partners" not in body


def test_audit_log_filters_by_date_range_including_both_ends(client_for, program_admin, trail):
    body = (
        client_for(program_admin)
        .get(reverse("audit_log"), {"since": "2026-02-15", "until": "2026-03-20"})
        .content.decode()
    )
    assert "Unpaid invoices" in body and "Initech Partners" in body
    assert "Strong bookings" not in body


def test_audit_log_exports_the_filtered_rows_as_csv(client_for, program_admin, trail):
    response = client_for(program_admin).get(reverse("audit_log"), {"until": "2026-02-28", "export": "csv"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "audit-log-" in response["Content-Disposition"]
    rows = b"".join(response.streaming_content).decode().strip().splitlines()
    assert rows[0] == "Time,Actor,Action,Kind,Object,Object id,From,To,Reason,Partner id"
    assert len(rows) == 3
    assert "suspended" in rows[1] and "Unpaid invoices" in rows[1] and ",partner," in rows[1]
    assert "tier_changed" in rows[2] and "Strong bookings" in rows[2]


def test_csv_export_neutralises_spreadsheet_formulas(client_for, program_admin, partner):
    audit_row(
        partner, actor_label="system", action="created", when=timezone.now(), reason='=HYPERLINK("http://evil.example")'
    )

    response = client_for(program_admin).get(reverse("audit_log"), {"export": "csv"})

    text = b"".join(response.streaming_content).decode()
    assert "'=HYPERLINK" in text
    assert ",=HYPERLINK" not in text


@pytest.mark.parametrize("role_fixture", ["channel_manager", "finance_user", "partner_admin", "partner_user"])
def test_other_roles_get_403_on_the_audit_log(request, client_for, role_fixture, trail):
    user = request.getfixturevalue(role_fixture)
    client = client_for(user)

    response = client.get(reverse("audit_log"))
    assert response.status_code == 403
    assert "Strong bookings" not in response.content.decode()
    assert client.get(reverse("audit_log"), {"export": "csv"}).status_code == 403


def test_anonymous_visitor_is_sent_to_login_from_the_audit_log(client, trail):
    response = client.get(reverse("audit_log"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def make_rows(partners, count):
    now = timezone.now()
    for i in range(count):
        audit_row(
            partners[i % len(partners)],
            actor_label=f"user{i}@example.com",
            action="profile_updated",
            when=now - timedelta(minutes=i),
        )


def count_queries(client, params=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("audit_log"), params or {})
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(queries)


def test_audit_log_needs_a_bounded_number_of_queries(
    client_for, program_admin, partner, other_partner, django_assert_max_num_queries
):
    client = client_for(program_admin)
    make_rows([partner, other_partner], 5)
    count_queries(client)  # the first page of a session also remembers that MFA is set up
    few = count_queries(client)
    make_rows([partner, other_partner], 45)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("audit_log"))
    assert response.content.decode().count("Profile updated") == 50
    assert count_queries(client) == few, "the query count does not grow with the rows"
    assert count_queries(client, {"export": "csv"}) <= 12
