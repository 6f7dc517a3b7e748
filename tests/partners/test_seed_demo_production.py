"""`seed_demo` on a DEBUG-off demo stack (Docker Compose): refused unless --allow-production-demo is given
(docs/hardening.md)."""

import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import User

ROOT = Path(settings.BASE_DIR)


def seed(**options):
    out, err = io.StringIO(), io.StringIO()
    call_command("seed_demo", partners=2, password="Demo-pass-12345", seed=7, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_debug_off_without_the_flag_is_refused_and_names_the_flag(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--allow-production-demo"):
        seed()
    assert not User.objects.filter(email="admin@example.com").exists()


@pytest.mark.django_db
def test_debug_off_with_the_flag_seeds_the_demo_and_warns(settings):
    settings.DEBUG = False
    _out, err = seed(allow_production_demo=True)
    assert User.objects.filter(email="admin@example.com").exists()
    assert "DEBUG is off" in err


def _seed_demo_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if re.search(r"\bseed_demo\b", line) and "compose" in line]


def test_the_compose_demo_step_passes_the_flag():
    lines = _seed_demo_lines((ROOT / "docker-compose.yml").read_text())
    assert lines and all("--allow-production-demo" in line for line in lines), lines


def test_the_readme_compose_demo_step_passes_the_flag():
    lines = _seed_demo_lines((ROOT / "README.md").read_text())
    assert lines and all("--allow-production-demo" in line for line in lines), lines
