"""The normalisation of a customer's name and domain, from the one specification deals/normalisation.json.

Pure Python without Django: registration (deals.matching), the availability check's server (availability) and the
command-line client (prm_check) all normalise with these functions, and the browser with static/js/normalise.js,
which reads the same JSON; tests/deals/normalisation_vectors.json checks that both give identical keys
(docs/private-check.md).
"""

import json
import re
import unicodedata
from pathlib import Path
from urllib.parse import urlsplit

SPEC_PATH = Path(__file__).with_name("normalisation.json")
SPEC = json.loads(SPEC_PATH.read_text(encoding="utf-8"))

LEGAL_SUFFIXES = frozenset(SPEC["legal_suffixes"])
SPLIT_SUFFIXES = tuple(tuple(s) for s in SPEC["split_suffixes"])
ARTICLES = frozenset(SPEC["leading_articles"])
LETTER_DOTS = re.compile(r"\b[a-z](?:\.[a-z])+\.?")
NON_ALNUM = re.compile(r"[^0-9a-z]+")
DOMAIN_OK = re.compile(r"^[a-z0-9.-]+\.[a-z]{2,}$")
WWW = re.compile(r"^www\d?\.")


def fold(text: str) -> str:
    """Case-fold and strip accents (`Société` -> `societe`); `ß` becomes `ss`."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def domain(value: str | None, free_mail=frozenset()) -> str:
    """`https://WWW.Acme.com/about` -> `acme.com`; an e-mail gives its domain; free-mail domains give ''."""
    text = (value or "").strip().lower()
    if not text:
        return ""
    if "@" in text and "/" not in text:
        text = text.rsplit("@", 1)[1]
    if "//" not in text:
        text = "//" + text
    try:
        host = urlsplit(text).hostname or ""
    except ValueError:
        return ""
    host = host.strip(".")
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return ""
    while WWW.match(host):
        host = host.split(".", 1)[1]
    if not DOMAIN_OK.match(host) or host in free_mail:
        return ""
    return host


def _strip_suffixes(tokens: list[str]) -> tuple[list[str], bool]:
    removed = False
    while len(tokens) > 1:
        for split in SPLIT_SUFFIXES:
            if len(tokens) > len(split) and tuple(tokens[-len(split) :]) == split:
                tokens = tokens[: -len(split)]
                removed = True
                break
        else:
            if tokens[-1] in LEGAL_SUFFIXES:
                tokens = tokens[:-1]
                removed = True
                continue
            break
    return tokens, removed


def company_name(name: str | None) -> tuple[str, tuple[str, ...]]:
    """(normalised name, which normalisations changed something): case, accents, punctuation, `&`, a leading
    article and trailing legal suffixes."""
    raw = (name or "").strip()
    applied = []
    text = raw.casefold()
    if text != raw:
        applied.append("case")
    folded = fold(text)
    if folded != text:
        applied.append("accents")
    text = folded
    if "&" in text or re.search(r"\band\b", text):
        text = text.replace("&", " and ")
        applied.append("ampersand")
    text = LETTER_DOTS.sub(lambda m: m.group(0).replace(".", ""), text)
    tokens = NON_ALNUM.sub(" ", text).split()
    if " ".join(tokens) != text.strip():
        applied.append("punctuation")
    tokens = [t for t in tokens if t != "and"] if "ampersand" in applied else tokens
    if len(tokens) > 1 and tokens[0] in ARTICLES:
        tokens = tokens[1:]
        applied.append("article")
    tokens, removed = _strip_suffixes(tokens)
    if removed:
        applied.append("legal_suffix")
    return " ".join(tokens), tuple(applied)


def check_keys(*, name: str, domain_value: str, country: str, free_mail=frozenset()) -> tuple[str, str]:
    """The two exact keys of a prospect ('' when missing): `d:<domain>` and `n:<COUNTRY>:<normalised name>`."""
    normalised_domain = domain(domain_value, free_mail)
    normalised_name, _applied = company_name(name)
    country = (country or "").strip().upper()
    name_key = f"n:{country}:{normalised_name}"[:200] if normalised_name and country else ""
    return (f"d:{normalised_domain}"[:200] if normalised_domain else "", name_key)
