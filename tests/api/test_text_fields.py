"""A JSON number or boolean where the schema says string is a 400 on that field, never stored as text
(prm.api.refuse_numbers_as_text; found by schemathesis' negative pass on POST /api/v1/mdf/activity-types/)."""

import pytest

from mdf.models import ActivityType

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", [7, -5678263, 0.5, True])
def test_a_number_for_a_text_field_is_a_field_error(api_for, program_admin, value):
    body = {"name": value, "description": "Pack", "reimbursement_rate": "0.5000", "proof_required": "Invoice"}
    response = api_for(program_admin).post("/api/v1/mdf/activity-types/", body, format="json")
    assert response.status_code == 400
    assert "name" in response.json()  # the field error names the field
    assert not ActivityType.objects.filter(name=str(value)).exists()


def test_text_is_still_text(api_for, program_admin):
    body = {"name": "7", "description": "Pack", "reimbursement_rate": "0.5000", "proof_required": "Invoice"}
    assert api_for(program_admin).post("/api/v1/mdf/activity-types/", body, format="json").status_code == 201
