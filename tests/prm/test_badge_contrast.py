"""Every status badge's text against its background reaches WCAG AA for small text (4.5:1, docs/pages.md):
each declared status of every app's badge registry (prm/badges.py), resolved through the portal's own
stylesheet first and Bootstrap's second, as the browser does for these classes."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from prm import badges
from sla import selectors as _sla_badges  # noqa: F401 - registers the SLA item badge

CSS_FILES = (
    Path(settings.BASE_DIR) / "static/css/portal.css",
    Path(settings.BASE_DIR) / "static/vendor/bootstrap/bootstrap.min.css",
)
AA = 4.5


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(rgb: tuple[int, int, int]) -> float:
    r, g, b = (_channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(one, other) -> float:
    high, low = sorted((luminance(one), luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _rgb(value: str, variables: dict[str, str]) -> tuple[int, int, int] | None:
    value = value.replace("!important", "").strip()
    if match := re.fullmatch(r"#([0-9a-fA-F]{6})", value):
        return tuple(int(match[1][i : i + 2], 16) for i in (0, 2, 4))
    if match := re.fullmatch(r"#([0-9a-fA-F]{3})", value):
        return tuple(int(ch * 2, 16) for ch in match[1])
    if match := re.match(r"(?i)rgba?\(var\((--bs-[a-z-]+-rgb)\)", value):
        return tuple(int(part) for part in variables[match[1]].split(","))
    if match := re.fullmatch(r"var\((--bs-[a-z-]+)\)", value):
        return _rgb(variables[match[1]], variables)
    return None


def _declarations(css: str, klass: str) -> dict[str, str]:
    found = {}
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        if any(re.fullmatch(rf"\.{re.escape(klass)}", s.strip()) for s in selectors.split(",")):
            for declaration in body.split(";"):
                if ":" in declaration:
                    name, value = declaration.split(":", 1)
                    found.setdefault(name.strip(), value.strip())
    return found


def badge_colours(classes: str) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    """(text, background) of `<span class="badge {classes}">`."""
    sheets = [re.sub(r"/\*.*?\*/", "", path.read_text(), flags=re.S) for path in CSS_FILES]
    variables = dict(re.findall(r"(--bs-[a-z-]+):\s*([^;}]+)", sheets[1].split("}", 1)[0]))
    text, background = _rgb("#fff", variables), None  # .badge's --bs-badge-color
    for klass in reversed(classes.split()):
        for css in sheets:
            rules = _declarations(css, klass)
            if "color" in rules and (colour := _rgb(rules["color"], variables)):
                text = colour
            if "background-color" in rules and background is None:
                background = _rgb(rules["background-color"], variables)
            if rules:
                break
    assert background is not None, f"no background colour declared for {classes!r}"
    return text, background


def declared_badges():
    """(model, status, css class) for every status of every registered model."""
    cases = []
    for model, badge in badges._BADGES.items():
        try:
            choices = [value for value, _ in model._meta.get_field(badge.field).choices or ()]
        except Exception:  # noqa: BLE001 - a computed status (a property): its colour table lists it
            choices = []
        for status in dict.fromkeys([*choices, *badge.colours]):
            cases.append(pytest.param(badge.colours.get(status, badge.default), id=f"{model.__name__}-{status}"))
        cases.append(pytest.param(badge.default, id=f"{model.__name__}-default"))
    return cases


def test_every_app_registers_its_badges():
    names = {model.__name__ for model in badges._BADGES}
    assert {
        "CommissionEntry",
        "PayoutBatch",
        "MdfClaim",
        "DealRegistration",
        "Dispute",
        "Certificate",
        "SlaItem",
    } <= names


@pytest.mark.parametrize("classes", declared_badges())
def test_badge_text_reaches_aa_contrast(classes):
    text, background = badge_colours(classes)
    ratio = contrast(text, background)
    assert ratio >= AA, f"{classes}: {ratio:.2f}:1"


@pytest.mark.parametrize(
    "classes",
    [
        "text-bg-primary",
        "text-bg-secondary",
        "text-bg-success",
        "text-bg-info",
        "text-bg-warning",
        "text-bg-danger",
        "text-bg-light",
        "text-bg-dark",
    ],
)
def test_template_badge_classes_reach_aa_contrast(classes):
    text, background = badge_colours(classes)
    assert contrast(text, background) >= AA


def test_the_formula_matches_wcag_reference_values():
    assert contrast((0, 0, 0), (255, 255, 255)) == pytest.approx(21)
    assert contrast((255, 255, 255), (119, 119, 119)) == pytest.approx(4.48, abs=0.01)
