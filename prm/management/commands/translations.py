"""Translations of the portal (docs/i18n.md): English source strings, complete Spanish and German catalogues.

The catalogues under locale/<lang>/LC_MESSAGES are built, never edited by hand:

    manage.py translations missing [PATH ...]  strings in PATH (or everywhere) with no translation yet,
                                                as JSON to fill in and add to locale/fragments/<name>.json
    manage.py translations lint [PATH ...]     template text and attributes left outside {% translate %}
    manage.py translations build               makemessages, fill every entry from the fragments,
                                                write django.po and compile django.mo (polib)
    manage.py translations check               exit 1 when any string lacks a translation or lint fails

A fragment maps a msgid to its translations: {"Save": {"es": "Guardar", "de": "Speichern"}}. An entry
with a context is keyed "<context>\\u0004<msgid>"; a plural entry adds "plural": "<msgid_plural>" and
gives each language a list of forms. Splitting the catalogue into fragments lets several people
translate different parts of the portal at once without editing the same file.
"""

import json
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.template.base import Lexer, TokenType
from django.test.utils import override_settings

LANGUAGES = ("es", "de")
PLURAL_FORMS = "nplurals=2; plural=(n != 1);"
SOURCE_SUFFIXES = {".py", ".html", ".txt"}
SKIP_DIRS = {
    ".venv",
    "venv",
    ".git",
    "tests",
    "bench",
    "node_modules",
    "static",
    "staticfiles",
    "var",
    "media",
    "docs",
    "locale",
    "migrations",
    "__pycache__",
    ".ci",
    ".pytest_cache",
    ".ruff_cache",
}
# Settings and the test settings hold no user-facing text; management commands speak to operators.
SKIP_FILES = {"settings.py", "settings_test.py"}


def base_dir() -> Path:
    return Path(settings.BASE_DIR)


def fragments_dir() -> Path:
    return base_dir() / "locale" / "fragments"


def entry_key(entry) -> str:
    return f"{entry.msgctxt}\u0004{entry.msgid}" if entry.msgctxt else entry.msgid


def load_fragments() -> dict:
    merged: dict = {}
    for path in sorted(fragments_dir().glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except ValueError as exc:
            raise CommandError(f"{path}: not valid JSON ({exc})") from exc
        for key, value in data.items():
            if not isinstance(value, dict):
                raise CommandError(f"{path}: {key!r} must map to an object of translations")
            merged.setdefault(key, {}).update({k: v for k, v in value.items() if v})
    return merged


def source_files(paths=None):
    root = base_dir()
    roots = [Path(p).resolve() for p in paths] if paths else [root]
    for start in roots:
        candidates = [start] if start.is_file() else start.rglob("*")
        for path in candidates:
            rel = path.relative_to(root)
            if not path.is_file() or path.suffix not in SOURCE_SUFFIXES or path.name in SKIP_FILES:
                continue
            if any(part in SKIP_DIRS for part in rel.parts[:-1]) or "management" in rel.parts:
                continue
            yield path


def extract(paths=None):
    """Run makemessages over a copy of the source files and return the extracted entries (polib)."""
    import polib  # a development dependency (requirements-dev.txt): only this command needs it

    root = base_dir()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "src"
        out = Path(tmp) / "locale"
        out.mkdir()
        for path in source_files(paths):
            target = work / path.relative_to(root)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
        work.mkdir(exist_ok=True)

        cwd = os.getcwd()
        try:
            os.chdir(work)
            with override_settings(LOCALE_PATHS=[str(out)]):
                call_command(
                    "makemessages", locale=["es"], extensions=["html", "txt", "py"], verbosity=0, no_location=True
                )
        finally:
            os.chdir(cwd)
        po_path = out / "es" / "LC_MESSAGES" / "django.po"
        return list(polib.pofile(str(po_path))) if po_path.exists() else []


def translation_of(entry, fragments, lang):
    """The msgstr (str) or msgstr_plural (list) of an entry, or None when the fragments lack it."""
    value = fragments.get(entry_key(entry), {}).get(lang)
    if entry.msgid_plural:
        if isinstance(value, list) and len(value) == 2 and all(value):
            return value
        return None
    return value if isinstance(value, str) and value else None


def skeleton(entries, fragments) -> dict:
    out = {}
    for entry in entries:
        if all(translation_of(entry, fragments, lang) for lang in LANGUAGES):
            continue
        item = {"plural": entry.msgid_plural} if entry.msgid_plural else {}
        for lang in LANGUAGES:
            item[lang] = ["", ""] if entry.msgid_plural else ""
        out[entry_key(entry)] = item
    return out


# --- template lint -----------------------------------------------------------------------------------

ATTRIBUTES = re.compile(r'\b(?:placeholder|title|aria-label|alt|data-confirm)\s*=\s*"([^"]*)"', re.I)
TAGS = re.compile(r"<[^>]*>", re.S)
ENTITY = re.compile(r"&[a-zA-Z]+;|&#\d+;")
LETTERS = re.compile(r"[A-Za-z]{2,}")


def flatten(text: str) -> str:
    """The template with every tag, variable and translated block replaced by a NUL (newlines kept), so
    only literal text and markup remain."""
    out = []
    depth = 0  # inside blocktranslate / comment / verbatim blocks
    for token in Lexer(text).tokenize():
        raw = token.contents
        if token.token_type == TokenType.BLOCK:
            name = raw.split()[0] if raw else ""
            if name in ("blocktranslate", "blocktrans", "comment", "verbatim"):
                depth += 1
            elif name in ("endblocktranslate", "endblocktrans", "endcomment", "endverbatim"):
                depth -= 1
        if token.token_type == TokenType.TEXT and not depth:
            out.append(raw)
        else:
            out.append("\0" + "\n" * raw.count("\n"))
    return "".join(out)


def lint_template(text: str) -> list[str]:
    """Text a person reads that is not inside {% translate %} / {% blocktranslate %}."""
    flat = flatten(text)
    flat = re.sub(r"<(script|style)\b.*?</\1>", lambda m: "\n" * m.group(0).count("\n"), flat, flags=re.S)
    problems = []
    for match in ATTRIBUTES.finditer(flat):
        if LETTERS.search(match.group(1)):
            line = flat.count("\n", 0, match.start()) + 1
            problems.append(f"line {line}: attribute text {match.group(1).strip()!r}")
    visible = ENTITY.sub(" ", TAGS.sub(lambda m: "\n" * m.group(0).count("\n"), flat))
    for number, line in enumerate(visible.splitlines(), start=1):
        if LETTERS.search(line):
            problems.append(f"line {number}: text {line.strip()[:80]!r}")
    return problems


def lint(paths=None) -> dict[str, list[str]]:
    root = base_dir()
    found = {}
    for path in source_files(paths or [root / "templates"]):
        if path.suffix != ".html":
            continue
        problems = lint_template(path.read_text(encoding="utf-8"))
        if problems:
            found[str(path.relative_to(root))] = problems
    return found


class Command(BaseCommand):
    help = "Find, lint, build and check the Spanish and German translations (see the module docstring)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["missing", "lint", "build", "check"])
        parser.add_argument("paths", nargs="*")

    def handle(self, *args, action, paths, **options):
        if action == "missing":
            entries = extract(paths or None)
            self.stdout.write(json.dumps(skeleton(entries, load_fragments()), ensure_ascii=False, indent=1))
        elif action == "lint":
            found = lint(paths or None)
            for path, problems in found.items():
                for problem in problems:
                    self.stdout.write(f"{path}: {problem}")
            if found:
                sys.exit(1)
        elif action == "build":
            self.build()
        else:
            missing = skeleton(extract(), load_fragments())
            found = lint()
            if missing or found:
                raise CommandError(f"{len(missing)} strings lack a translation; {len(found)} templates fail lint.")
            self.stdout.write("Every string has Spanish and German translations.")

    def build(self):
        import polib  # a development dependency (requirements-dev.txt): only this command needs it

        entries = extract()
        fragments = load_fragments()
        missing = 0
        for lang in LANGUAGES:
            po = polib.POFile(wrapwidth=0)
            po.metadata = {
                "Project-Id-Version": "prm-portal",
                "Language": lang,
                "MIME-Version": "1.0",
                "Content-Type": "text/plain; charset=UTF-8",
                "Content-Transfer-Encoding": "8bit",
                "Plural-Forms": PLURAL_FORMS,
            }
            for entry in sorted(entries, key=lambda e: (e.msgctxt or "", e.msgid)):
                value = translation_of(entry, fragments, lang)
                missing += value is None
                new = polib.POEntry(
                    msgid=entry.msgid, msgctxt=entry.msgctxt, flags=[f for f in entry.flags if f != "fuzzy"]
                )
                if entry.msgid_plural:
                    new.msgid_plural = entry.msgid_plural
                    new.msgstr_plural = {0: value[0], 1: value[1]} if value else {0: "", 1: ""}
                else:
                    new.msgstr = value or ""
                po.append(new)
            target = base_dir() / "locale" / lang / "LC_MESSAGES"
            target.mkdir(parents=True, exist_ok=True)
            po.save(str(target / "django.po"))
            po.save_as_mofile(str(target / "django.mo"))
        self.stdout.write(f"Built {len(entries)} strings for {', '.join(LANGUAGES)}; {missing} translations missing.")
