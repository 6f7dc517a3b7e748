"""One normalisation, two languages: the shared vectors give identical keys in Python and in the browser's
JavaScript (docs/private-check.md)."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from deals import matching, normalisation

HERE = Path(__file__).parent
VECTORS = json.loads((HERE / "normalisation_vectors.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", VECTORS["vectors"], ids=lambda c: c["name"] or c["domain"] or "empty")
def test_python_gives_the_vector_keys(case):
    free = frozenset(VECTORS["free_mail"])
    assert normalisation.company_name(case["name"])[0] == case["normalised_name"]
    assert normalisation.domain(case["domain"], free) == case["normalised_domain"]
    keys = normalisation.check_keys(
        name=case["name"], domain_value=case["domain"], country=case["country"], free_mail=free
    )
    assert list(keys) == case["keys"]


def test_registration_uses_the_same_normalisation(settings):
    settings.FREE_MAIL_DOMAINS = VECTORS["free_mail"]
    for case in VECTORS["vectors"]:
        assert matching.normalise_company_name(case["name"]).value == case["normalised_name"]
        assert matching.normalise_domain(case["domain"]) == case["normalised_domain"]


def test_the_specification_is_the_constants_registration_uses():
    spec = json.loads(normalisation.SPEC_PATH.read_text(encoding="utf-8"))
    assert set(spec["legal_suffixes"]) == matching.LEGAL_SUFFIXES
    assert "gmbh" in matching.LEGAL_SUFFIXES and ("s", "a") in matching.SPLIT_SUFFIXES


@pytest.mark.node
def test_javascript_gives_identical_keys():
    node = shutil.which("node")
    completed = subprocess.run(  # noqa: S603 - node from PATH, our own script
        [node, str(HERE / "normalisation_check.js")], capture_output=True, text=True, timeout=60, check=True
    )
    got = json.loads(completed.stdout)
    expected = [{k: c[k] for k in ("normalised_name", "normalised_domain", "keys")} for c in VECTORS["vectors"]]
    assert got == expected
