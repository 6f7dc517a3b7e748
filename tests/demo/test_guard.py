"""`seed_demo` refuses with DEBUG off, unless --allow-production-demo says the stack is a demo (docs/hardening.md),
and the Docker Compose demo step passes the flag. Run on an empty database: a refusal writes nothing."""

import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import User

ROOT = Path(settings.BASE_DIR)


def seed():
    call_command(
        "seed_demo", partners=2, password="Demo-pass-12345", seed=7, stdout=io.StringIO(), stderr=io.StringIO()
    )


@pytest.mark.django_db
@pytest.mark.parametrize("says", ["DEBUG", "--allow-production-demo"])
def test_debug_off_without_the_flag_is_refused_names_debug_and_the_flag_and_writes_nothing(settings, says):
    settings.DEBUG = False
    with pytest.raises(CommandError, match=says):
        seed()
    assert not User.objects.filter(email="admin@example.com").exists()


def _seed_demo_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if re.search(r"\bseed_demo\b", line) and "compose" in line]


def test_the_compose_demo_step_passes_the_flag():
    lines = _seed_demo_lines((ROOT / "docker-compose.yml").read_text())
    assert lines and all("--allow-production-demo" in line for line in lines), lines


def test_the_readme_compose_demo_step_passes_the_flag():
    lines = _seed_demo_lines((ROOT / "README.md").read_text())
    assert lines and all("--allow-production-demo" in line for line in lines), lines
