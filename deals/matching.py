"""Customer matching for the rules of engagement (docs/policy.md, rules 1, 4, 5 and 7).

Pure functions, no database: normalise a domain and a company name, derive the blocking keys an
Account stores, and score a candidate against a registration. The registration service reads the
candidates that share a key (`deals.selectors.candidate_accounts`) and classifies them here, and the
evidence it keeps on each registration is exactly what `score` returns, so a channel manager (and the
explainable-matches issue) can see why two accounts matched.
"""

import hashlib
from dataclasses import asdict, dataclass, field

from django.conf import settings
from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from deals import normalisation

# The constants live in one specification shared with the browser (deals/normalisation.json).
LEGAL_SUFFIXES = normalisation.LEGAL_SUFFIXES
SPLIT_SUFFIXES = _SPLIT_SUFFIXES = normalisation.SPLIT_SUFFIXES
MIN_DELETION_TOKEN = 4  # shorter first tokens would make their one-letter deletions block far too widely


def free_mail_domains() -> frozenset[str]:
    return frozenset(d.lower() for d in settings.FREE_MAIL_DOMAINS)


def normalise_domain(value: str | None) -> str:
    """`https://WWW.Acme.com/about` -> `acme.com`; an e-mail gives its domain; free-mail domains give ''."""
    return normalisation.domain(value, free_mail_domains())


@dataclass(frozen=True)
class NormalisedName:
    value: str
    applied: tuple[str, ...] = field(default_factory=tuple)


fold = normalisation.fold


def normalise_company_name(name: str | None) -> NormalisedName:
    """Case, accents, punctuation, `&`, a leading `the` and trailing legal suffixes removed.

    Returns the normalised name and which of those normalisations changed something, for the evidence.
    """
    value, applied = normalisation.company_name(name)
    return NormalisedName(value, applied)


def sorted_token_key(normalised: str) -> str:
    return " ".join(sorted(normalised.split()))


def deletions(token: str) -> set[str]:
    """The token and each one-letter deletion of it: two tokens one edit apart share one of these."""
    keys = {token}
    if len(token) >= MIN_DELETION_TOKEN:
        keys.update(token[:i] + token[i + 1 :] for i in range(len(token)))
    return keys


def blocking_keys(*, normalised_name: str, domain: str, country: str) -> list[str]:
    """Keys an Account is stored under, and a registration looks up: any pair that can score as a
    match shares at least one (same domain; first name token within one edit; same token set)."""
    keys = set()
    if domain:
        keys.add(f"d:{domain}")
    country = (country or "").upper()
    tokens = normalised_name.split()
    if tokens:
        for variant in deletions(tokens[0]):
            keys.add(f"f:{country}:{variant}")
        keys.add(f"s:{country}:{sorted_token_key(normalised_name)}"[:200])
    return sorted(k[:200] for k in keys)


def lock_id(key: str) -> int:
    """A signed 64-bit id of a blocking key for pg_advisory_xact_lock."""
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big", signed=True)


def name_similarity(a: str, b: str) -> float:
    """0-100: the best of plain similarity, token order ignored, and edit distance (typos count once)."""
    if not a or not b:
        return 0.0
    return round(max(fuzz.ratio(a, b), fuzz.token_sort_ratio(a, b), OSA.normalized_similarity(a, b) * 100), 1)


@dataclass(frozen=True)
class MatchEvidence:
    """Why a registration and an account were judged the same customer (or possibly the same)."""

    account_id: int
    verdict: str  # "match" or "possible_match"
    score: float
    same_domain: bool
    name_similarity: float
    same_country: bool
    country: str
    normalisations: tuple[str, ...]
    account_normalised_name: str
    registration_normalised_name: str

    def as_dict(self) -> dict:
        data = asdict(self)
        data["normalisations"] = list(self.normalisations)
        return data


def thresholds(policy=None) -> tuple[float, float]:
    """(match, possible match) thresholds: a rules-of-engagement version's (docs/policy.md), or the settings'
    defaults, which are version 1's."""
    if policy is not None:
        return float(policy.match_threshold), float(policy.possible_match_threshold)
    return float(settings.DEAL_MATCH_THRESHOLD), float(settings.DEAL_POSSIBLE_MATCH_THRESHOLD)


def score(
    *,
    name: NormalisedName,
    domain: str,
    country: str,
    account_id: int,
    account_name: str,
    account_domain: str,
    account_country: str,
    limits: tuple[float, float] | None = None,
) -> MatchEvidence | None:
    """Score one candidate: the same normalised domain is a match; otherwise the names are compared
    within the same country (rule 1). None when below the possible-match threshold. `limits` are the
    (match, possible match) thresholds of the policy version deciding; the settings' by default."""
    match_at, possible_at = limits or thresholds()
    same_domain = bool(domain) and domain == account_domain
    same_country = (country or "").upper() == (account_country or "").upper()
    similarity = name_similarity(name.value, account_name) if same_country else 0.0
    value = 100.0 if same_domain else similarity
    if value >= match_at:
        verdict = "match"
    elif value >= possible_at:
        verdict = "possible_match"
    else:
        return None
    return MatchEvidence(
        account_id=account_id,
        verdict=verdict,
        score=value,
        same_domain=same_domain,
        name_similarity=similarity,
        same_country=same_country,
        country=(account_country or "").upper(),
        normalisations=name.applied,
        account_normalised_name=account_name,
        registration_normalised_name=name.value,
    )


def classify(
    *, name: NormalisedName, domain: str, country: str, candidates, limits: tuple[float, float] | None = None
) -> list[MatchEvidence]:
    """Score candidate rows (id, normalised_name, domain, country, ...), best first, dropping non-matches."""
    limits = limits or thresholds()
    found = []
    for account_id, account_name, account_domain, account_country, *_ in candidates:
        evidence = score(
            name=name,
            domain=domain,
            country=country,
            account_id=account_id,
            account_name=account_name,
            account_domain=account_domain,
            account_country=account_country,
            limits=limits,
        )
        if evidence is not None:
            found.append(evidence)
    found.sort(key=lambda e: (e.verdict != "match", -e.score, e.account_id))
    return found
