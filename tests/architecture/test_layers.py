"""The architecture holds: apps depend downward only, roles are compared in one place, modules stay small,
comments cite the repository's own docs (docs/architecture.md)."""

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]
SKIP_PARTS = {"migrations", "tests", "locale", "bench", "node_modules", ".venv", "venv", "static", "staticfiles"}
MAX_LINES = 500


def _source_files(suffix=".py"):
    for path in sorted(ROOT.rglob(f"*{suffix}")):
        rel = path.relative_to(ROOT)
        if len(rel.parts) < 2 or any(p in SKIP_PARTS or p.startswith(".") for p in rel.parts[:-1]):
            continue
        yield path, rel


def test_import_linter_contracts_hold():
    """pyproject.toml [tool.importlinter]: the layers of docs/architecture.md, checked by import-linter."""
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which("lint-imports")
    assert exe, "import-linter is not installed (requirements-dev.txt)"
    result = subprocess.run([exe, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300)  # noqa: S603
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]


ROLE_SETS = {"PARTNER_ROLES", "INTERNAL_ROLES"}
# The permission layer compares roles; the user model defines them (and the database constraint on them).
ROLE_HOMES = {"accounts/access.py", "accounts/models.py"}


def _is_role_operand(node) -> bool:
    if isinstance(node, ast.Attribute) and node.attr == "role":
        return True
    if isinstance(node, ast.Name) and node.id in ROLE_SETS:
        return True
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "Role":
        return True
    return isinstance(node, (ast.Set, ast.Tuple, ast.List)) and any(_is_role_operand(e) for e in node.elts)


def test_roles_are_compared_only_in_the_permission_layer():
    """Code asks accounts/access.py (named predicates and permissions); it never compares a role itself."""
    found = []
    for path, rel in _source_files():
        if str(rel) in ROLE_HOMES or rel.parts[0] == "demo":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Compare):
                operands = [node.left, *node.comparators]
                if any(_is_role_operand(o) for o in operands):
                    found.append(f"{rel}:{node.lineno}")
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "has_role":
                found.append(f"{rel}:{node.lineno} has_role()")
    assert not found, "role comparisons outside accounts/access.py:\n" + "\n".join(found)


# `user.role`, `request.user.is_internal`...; a form field named `role` is not a role check.
TEMPLATE_ROLE = re.compile(r"{%[^%]*(?:\buser\.role\b|\b(?:is_internal|is_partner_user|is_partner_admin)\b)[^%]*%}")


def test_templates_ask_the_permission_layer():
    found = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if TEMPLATE_ROLE.search(line):
                found.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()[:100]}")
    assert not found, "templates comparing roles (use {% has_perm %}):\n" + "\n".join(found)


def test_modules_stay_small():
    big = []
    for path, rel in _source_files():
        lines = path.read_text(encoding="utf-8").count("\n") + 1
        if lines > MAX_LINES:
            big.append(f"{rel}: {lines} lines")
    assert not big, f"modules over {MAX_LINES} lines (split them by aggregate):\n" + "\n".join(big)


CITATION = re.compile(r"\b(?<![/\w])(DESIGN\.md|API\.md|STYLE\.md)\b|\bissue\s+#?\d+\b", re.IGNORECASE)


def test_comments_cite_only_the_repository():
    """Comments cite docs/ (which the repository carries), never files outside it or issue numbers."""
    found = []
    for path, rel in _source_files():
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if CITATION.search(line.replace("docs/api.md", "")):
                found.append(f"{rel}:{n}: {line.strip()[:100]}")
    assert not found, "\n".join(found)


@pytest.mark.parametrize("language", ["es", "de"])
def test_every_refusal_is_a_translated_sentence(language):
    from accounts import access

    untranslated = []
    for name, perm in sorted(access.declared().items()):
        english = str(perm.refusal)
        with translation.override(language):
            if str(perm.refusal) == english:
                untranslated.append(f"{name}: {english}")
    assert access.declared(), "no permission is declared"
    assert not untranslated, f"refusals without a {language} translation:\n" + "\n".join(untranslated)
