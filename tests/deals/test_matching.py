"""Matching rules 1, 4, 5: normalisation, blocking keys and scores (pure functions)."""

import pytest

from deals import matching


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://WWW.Acme.com/about", "acme.com"),
        ("acme.com", "acme.com"),
        ("www2.acme.co.uk", "acme.co.uk"),
        ("jane@acme.com", "acme.com"),
        ("gmail.com", ""),
        ("someone@gmail.com", ""),
        ("not a domain", ""),
        ("", ""),
    ],
)
def test_domains_are_normalised_and_free_mail_is_ignored(raw, expected):
    assert matching.normalise_domain(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Acme Corp.", "acme"),
        ("ACME, Inc.", "acme"),
        ("Société Générale S.A.", "societe generale"),
        ("Siemens AG", "siemens"),
        ("Müller GmbH & Co. KG", "muller"),
        ("Philips B.V.", "philips"),
        ("Atlassian Pty Ltd", "atlassian"),
        ("Sony K.K.", "sony"),
        ("Capgemini S.A.S.", "capgemini"),
        ("Tesco PLC", "tesco"),
        ("The Home Depot, LLC", "home depot"),
        ("Johnson & Johnson", "johnson johnson"),
    ],
)
def test_company_names_lose_case_accents_punctuation_and_legal_suffixes(raw, expected):
    assert matching.normalise_company_name(raw).value == expected


def test_normalisation_says_which_rules_applied():
    applied = matching.normalise_company_name("Société Générale S.A.").applied
    assert {"case", "accents", "legal_suffix"} <= set(applied)


def test_a_one_letter_typo_in_the_first_token_shares_a_blocking_key():
    a = matching.blocking_keys(normalised_name="microsoft", domain="", country="US")
    b = matching.blocking_keys(normalised_name="micrsoft", domain="", country="US")
    assert set(a) & set(b)


def test_keys_are_scoped_by_country_except_the_domain():
    us = matching.blocking_keys(normalised_name="acme", domain="acme.com", country="US")
    de = matching.blocking_keys(normalised_name="acme", domain="acme.com", country="DE")
    assert set(us) & set(de) == {"d:acme.com"}


def _score(name, account_name, *, domain="", account_domain="", country="US", account_country="US"):
    return matching.score(
        name=matching.normalise_company_name(name),
        domain=matching.normalise_domain(domain),
        country=country,
        account_id=1,
        account_name=matching.normalise_company_name(account_name).value,
        account_domain=matching.normalise_domain(account_domain),
        account_country=account_country,
    )


def test_same_domain_is_a_match_whatever_the_name():
    evidence = _score("Acme Holdings", "ACME", domain="www.acme.com", account_domain="acme.com")
    assert evidence.verdict == "match" and evidence.same_domain


def test_suffix_case_and_accent_variants_match():
    assert _score("Société Générale", "SOCIETE GENERALE S.A.").verdict == "match"


def test_a_typo_in_a_long_name_matches():
    assert _score("Northwind Traders", "Northwnd Traders").verdict == "match"


def test_acme_corp_and_acme_bank_do_not_match():
    assert _score("Acme Corp", "Acme Bank") is None


def test_names_are_only_compared_within_the_same_country():
    assert _score("Acme Corp", "Acme Corp", account_country="DE") is None


def test_a_near_name_is_a_possible_match_for_review():
    evidence = _score("Northwind Trading", "Northwind Traders")
    assert evidence is not None and evidence.verdict == "possible_match"
