"""A client generated from the live /api/schema/ with openapi-python-client works end to end.

The schema is what integrators feed their generators, so this test does the same: it fetches the schema
from pytest-django's live server, generates a Python client in a temporary directory, imports it, and
uses it to log in as a partner user, register a deal, list deals and read the deal's signed receipts.
A request body offered in several media types (JSON, form, multipart) made this generator send every body
as multipart and emit modules that fail at import time; the schema offers JSON only, multipart only for
uploads (prm/api_schema.py).
"""

import importlib
import json
import shutil
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import requests
from django.utils import timezone

from tests.factories import PartnerAdminFactory, PartnerFactory

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.timeout(300)]

PACKAGE = "prm_generated_client"


def _generator() -> str:
    script = Path(sys.executable).parent / "openapi-python-client"
    found = str(script) if script.exists() else shutil.which("openapi-python-client")
    if not found:
        pytest.fail("openapi-python-client is missing: pip install -r requirements-dev.txt")
    return found


@pytest.fixture
def generated_client(live_server, tmp_path, settings):
    settings.ALLOWED_HOSTS = ["*"]
    schema = requests.get(f"{live_server.url}/api/schema/?format=json", timeout=60)
    assert schema.status_code == 200
    (tmp_path / "schema.json").write_text(schema.text)
    (tmp_path / "config.yaml").write_text(f"package_name_override: {PACKAGE}\npost_hooks: []\n")
    result = subprocess.run(  # noqa: S603 - our own dev dependency, fixed arguments
        [
            _generator(),
            "generate",
            "--path",
            str(tmp_path / "schema.json"),
            "--meta",
            "none",
            "--output-path",
            str(tmp_path / PACKAGE),
            "--config",
            str(tmp_path / "config.yaml"),
        ],
        capture_output=True,
        text=True,
        timeout=240,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # The generator reports the operations and models it could not generate; there must be none.
    assert "Warning" not in result.stdout + result.stderr, result.stdout + result.stderr
    sys.path.insert(0, str(tmp_path))
    try:
        package = importlib.import_module(PACKAGE)
        for module in sorted(p.stem for p in (tmp_path / PACKAGE / "api" / "v1").glob("*.py")):
            importlib.import_module(f"{PACKAGE}.api.v1.{module}")  # every module imports (no NameError)
        yield package, live_server.url
    finally:
        sys.path.remove(str(tmp_path))
        for name in [n for n in sys.modules if n == PACKAGE or n.startswith(PACKAGE + ".")]:
            del sys.modules[name]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # keeps the tiers the migrations seed
def test_a_generated_client_logs_in_registers_a_deal_and_reads_its_receipts(generated_client):
    package, base_url = generated_client
    partner = PartnerFactory(name="Acme Cloud Partners", website_domain="acme.example")
    user = PartnerAdminFactory(partner=partner, email="alice@acme.example")

    api = importlib.import_module(f"{PACKAGE}.api.v1")
    models = importlib.import_module(f"{PACKAGE}.models")
    auth = importlib.import_module(f"{PACKAGE}.api.v1.v1_auth_token_create")
    create_deal = importlib.import_module(f"{PACKAGE}.api.v1.v1_deals_create")
    list_deals = importlib.import_module(f"{PACKAGE}.api.v1.v1_deals_list")
    list_receipts = importlib.import_module(f"{PACKAGE}.api.v1.v1_receipts_list")
    get_receipt = importlib.import_module(f"{PACKAGE}.api.v1.v1_receipts_retrieve")
    assert api is not None

    with package.Client(base_url=base_url, raise_on_unexpected_status=True) as anonymous:
        login = auth.sync_detailed(
            client=anonymous, body=models.TokenRequestRequest(email=user.email, password="Correct-horse-42")
        )
    assert login.status_code == 200, login.content
    assert json.loads(login.content).keys() >= {"token"}
    sent = login.parsed
    assert isinstance(sent, models.TokenResponse) and sent.token

    with package.AuthenticatedClient(
        base_url=base_url, token=sent.token, prefix="Token", raise_on_unexpected_status=True
    ) as client:
        body = models.RegistrationRequest(
            customer_name="Initech Holdings",
            customer_domain="initech.example",
            customer_country="US",
            contact_name="Bill Lumbergh",
            contact_email="bill@initech.example",
            product="Platform",
            amount="125000.00",
            currency="USD",
            expected_close_date=timezone.localdate() + timedelta(days=60),
        )
        created = create_deal.sync_detailed(client=client, body=body)
        assert created.status_code == 201, created.content
        assert created.parsed.status == "submitted"
        deal_id = created.parsed.id

        deals = list_deals.sync(client=client)
        assert deals.count == 1 and [d.id for d in deals.results] == [deal_id]
        assert deals.results[0].amount == "125000.00"

        receipts = list_receipts.sync(client=client, deal=deal_id)
        assert receipts.count == 1, receipts
        receipt = receipts.results[0]
        assert receipt.deal == deal_id and receipt.kind == "submitted"
        again = get_receipt.sync(client=client, uuid=receipt.uuid)
        assert again.uuid == receipt.uuid
