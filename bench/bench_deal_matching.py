"""Deal matching at scale (issue 5; DESIGN.md rule 7).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python -m bench.bench_deal_matching --accounts 1000000

Works in a scratch database (`--database`, default `prm_bench`, created on the server of DATABASE_URL and
migrated), bulk-loads accounts and their blocking keys with COPY, then:
- times the conflict check (normalise, keys, the one indexed candidate query, rapidfuzz scoring) for a
  stream of registrations, p50 and p95, next to the raw SQL of the same candidate query timed in the
  same run on a plain psycopg2 cursor;
- measures precision and recall on a labelled set it generates: suffix, punctuation, case, accent,
  typo and domain variants of stored accounts (positives) and hard non-matches such as "Acme Corp"
  vs "Acme Bank" and the same name in another country (negatives).
Targets: p95 < 5 ms, p95 <= 3x raw SQL p95, precision >= 0.98, recall >= 0.95. Exits 1 when missed.
"""

import argparse
import io
import os
import random
import statistics
import sys
import time
from urllib.parse import urlsplit, urlunsplit

TARGET_P95_MS = 5.0
TARGET_RATIO = 3.0
TARGET_PRECISION = 0.98
TARGET_RECALL = 0.95

COUNTRIES = [
    "US",
    "GB",
    "DE",
    "FR",
    "NL",
    "ES",
    "IT",
    "SE",
    "JP",
    "AU",
    "CA",
    "BR",
    "IN",
    "SG",
    "CH",
    "AT",
    "BE",
    "DK",
    "NO",
    "IE",
]
SUFFIXES = ["Inc", "Corp", "LLC", "Ltd", "PLC", "GmbH", "AG", "S.A.", "S.A.S.", "B.V.", "Pty Ltd", "K.K.", ""]
INDUSTRY = (
    "Systems Software Logistics Foods Analytics Dynamics Robotics Energy Capital Health Labs Media Networks Partners "
    "Solutions Industries Holdings Pharma Motors Textiles Security Consulting Aerospace Foundry Biotech Retail Telecom "
    "Insurance Bank Brewing Shipping Mining Studios Ventures Devices Materials Chemicals Clinics Farms Apparel"
).split()
ONSETS = [
    "b",
    "br",
    "c",
    "cr",
    "d",
    "dr",
    "f",
    "g",
    "gr",
    "h",
    "j",
    "k",
    "l",
    "m",
    "n",
    "p",
    "pr",
    "qu",
    "r",
    "s",
    "st",
    "t",
    "tr",
    "v",
    "w",
    "z",
]
VOWELS = ["a", "e", "i", "o", "u", "ae", "io", "ou"]
CODAS = ["", "n", "r", "s", "x", "l", "m", "th", "nd", "rk"]
ACCENTS = {"a": "á", "e": "é", "i": "í", "o": "ö", "u": "ü"}


def word(rng: random.Random) -> str:
    return "".join(rng.choice(ONSETS) + rng.choice(VOWELS) + rng.choice(CODAS) for _ in range(rng.choice((2, 3))))


def scratch_url(database: str) -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("Set DATABASE_URL to a PostgreSQL server (the benchmark uses a scratch database on it).")
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + database))


def ensure_database(url: str, database: str) -> None:
    import psycopg2

    admin = psycopg2.connect(urlunsplit(urlsplit(url)._replace(path="/postgres")))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database])
        if not cursor.fetchone():
            cursor.execute(f'CREATE DATABASE "{database}"')
    admin.close()


def open_scratch(database: str, *, eager: bool = False) -> None:
    """Point Django at the scratch database `database` on DATABASE_URL's server (created if missing), set
    Django up and migrate it. `eager` runs Celery tasks in this process, so they are part of the timings."""
    ensure_database(os.environ["DATABASE_URL"], database)
    os.environ["DATABASE_URL"] = scratch_url(database)
    if eager:
        os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "true")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build_accounts(n: int, rng: random.Random):
    """n accounts: (id, name, normalised, domain, country). Names are distinct per country."""
    from deals import matching

    taken = set()
    rows = []
    while len(rows) < n:
        first, second = word(rng), rng.choice(INDUSTRY) if rng.random() < 0.6 else word(rng)
        country = rng.choice(COUNTRIES)
        name = f"{first.capitalize()} {second.capitalize()}"
        normalised = matching.normalise_company_name(name).value
        if (country, normalised) in taken or (country, first) in taken:
            continue
        taken.add((country, normalised))
        taken.add((country, first))  # one company per first word and country: labels stay unambiguous
        suffix = rng.choice(SUFFIXES)
        full = f"{name} {suffix}".strip()
        domain = f"{first}{second.lower()}{len(rows)}.{rng.choice(['com', 'net', 'io', 'co'])}"
        rows.append((len(rows) + 1, full, normalised, domain, country))
    return rows


def load(connection, accounts) -> float:
    from deals import matching

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE deals_accountkey, deals_influence, deals_dealreminder, deals_lead, deals_dealregistration, "
            "deals_account RESTART IDENTITY CASCADE"
        )
        cursor.execute("ALTER TABLE deals_accountkey DROP CONSTRAINT IF EXISTS deals_accountkey_key_account")
        account_buffer, key_buffer = io.StringIO(), io.StringIO()
        now = "2026-01-01 00:00:00+00"
        for account_id, name, normalised, domain, country in accounts:
            account_buffer.write(f"{account_id}\t{name}\t{normalised}\t{domain}\t{country}\tprospect\t{now}\t{now}\n")
            for key in matching.blocking_keys(normalised_name=normalised, domain=domain, country=country):
                key_buffer.write(f"{account_id}\t{key}\n")
        account_buffer.seek(0)
        key_buffer.seek(0)
        cursor.copy_expert(
            "COPY deals_account (id, name, normalised_name, domain, country, kind, created_at, updated_at) FROM STDIN",
            account_buffer,
        )
        cursor.copy_expert("COPY deals_accountkey (account_id, key) FROM STDIN", key_buffer)
        cursor.execute(
            "ALTER TABLE deals_accountkey ADD CONSTRAINT deals_accountkey_key_account UNIQUE (key, account_id)"
        )
        cursor.execute("SELECT setval(pg_get_serial_sequence('deals_account', 'id'), %s)", [len(accounts) + 1])
        cursor.execute("ANALYZE deals_account")
        cursor.execute("ANALYZE deals_accountkey")
    connection.commit()
    return time.perf_counter() - started


def typo(text: str, rng: random.Random) -> str:
    words = text.split(" ")
    index = max(range(len(words)), key=lambda i: len(words[i]))
    w = words[index]
    i = rng.randrange(1, len(w) - 1)
    kind = rng.choice(["sub", "del", "swap", "ins"])
    if kind == "sub":
        w = w[:i] + rng.choice("aeioutrnsl".replace(w[i], "")) + w[i + 1 :]
    elif kind == "del":
        w = w[:i] + w[i + 1 :]
    elif kind == "swap":
        w = w[: i - 1] + w[i] + w[i - 1] + w[i + 1 :]
    else:
        w = w[:i] + rng.choice("aeiou") + w[i:]
    words[index] = w
    return " ".join(words)


def labelled_set(accounts, size: int, rng: random.Random):
    """(customer_name, customer_domain, country, account_id, should_match, variant)."""
    cases = []
    sample = rng.sample(accounts, min(size, len(accounts)))
    base_names = [a[1].rsplit(" ", 1)[0] if a[1].count(" ") >= 2 else " ".join(a[1].split()[:2]) for a in sample]
    for (account_id, _full, _normalised, domain, country), base in zip(sample, base_names, strict=True):
        variant = rng.choice(["suffix", "punctuation", "case", "accent", "typo", "domain", "hard", "hard", "country"])
        first, second = base.split(" ", 1)
        if variant == "suffix":
            cases.append((f"{base} {rng.choice(SUFFIXES[:-1])}", "", country, account_id, True, variant))
        elif variant == "punctuation":
            cases.append(
                (
                    f"{first}-{second}, {rng.choice(['Inc.', 'Ltd.', 'Corp.'])}",
                    "gmail.com",
                    country,
                    account_id,
                    True,
                    variant,
                )
            )
        elif variant == "case":
            cases.append((base.upper(), "", country, account_id, True, variant))
        elif variant == "accent":
            accented = "".join(ACCENTS.get(ch, ch) if rng.random() < 0.5 else ch for ch in base)
            cases.append((accented, "", country, account_id, True, variant))
        elif variant == "typo":
            cases.append((typo(base, rng), "", country, account_id, True, variant))
        elif variant == "domain":
            cases.append(
                (
                    f"{first[:3].upper()} Group",
                    f"https://www.{domain.upper()}/contact",
                    country,
                    account_id,
                    True,
                    variant,
                )
            )
        elif variant == "hard":
            other = rng.choice(
                [w for w in ("Bank", "Foods", "Mining", "Clinics", "Apparel") if w.lower() != second.lower()]
            )
            cases.append(
                (f"{first} {other} Corp", f"{first}{other.lower()}-x.com", country, account_id, False, variant)
            )
        else:
            elsewhere = rng.choice([c for c in COUNTRIES if c != country])
            cases.append((base, "", elsewhere, account_id, False, variant))
    return cases


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=1_000_000)
    parser.add_argument("--registrations", type=int, default=3000, help="registrations timed in the stream")
    parser.add_argument("--labelled", type=int, default=4000, help="size of the labelled precision/recall set")
    parser.add_argument("--database", default="prm_bench")
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args(argv)

    open_scratch(args.database)
    url = os.environ["DATABASE_URL"]
    import psycopg2
    from django.db import connection

    from deals import matching, selectors

    rng = random.Random(args.seed)  # noqa: S311 - reproducible benchmark data
    started = time.perf_counter()
    accounts = build_accounts(args.accounts, rng)
    generated = time.perf_counter() - started
    connection.ensure_connection()
    loaded = load(connection.connection, accounts)
    print(f"accounts: {len(accounts):,} generated in {generated:.1f}s, loaded with COPY in {loaded:.1f}s")

    cases = labelled_set(accounts, args.labelled, rng)
    stream = [c for c in labelled_set(accounts, args.registrations, random.Random(args.seed + 1))]
    raw = psycopg2.connect(url)
    raw.autocommit = True

    def check(name, domain, country):
        return selectors.find_matches(customer_name=name, customer_domain=domain, country=country)[3]

    for name, domain, country, *_ in stream[:200]:  # warm caches and connections
        check(name, domain, country)
    check_ms, raw_ms = [], []
    with raw.cursor() as cursor:
        for name, domain, country, *_ in stream:
            t0 = time.perf_counter()
            check(name, domain, country)
            check_ms.append((time.perf_counter() - t0) * 1000)
            keys = matching.blocking_keys(
                normalised_name=matching.normalise_company_name(name).value,
                domain=matching.normalise_domain(domain),
                country=country,
            )
            sql = selectors.candidate_sql(len(keys))
            t0 = time.perf_counter()
            cursor.execute(sql, keys)
            cursor.fetchall()
            raw_ms.append((time.perf_counter() - t0) * 1000)
    raw.close()

    tp = fp = fn = tn = 0
    misses: dict[str, int] = {}
    for name, domain, country, account_id, should_match, variant in cases:
        matched = {e.account_id for e in check(name, domain, country) if e.verdict == "match"}
        hit = account_id in matched
        if should_match and hit:
            tp += 1
        elif should_match:
            fn += 1
            misses[variant] = misses.get(variant, 0) + 1
        elif hit:
            fp += 1
            misses[variant] = misses.get(variant, 0) + 1
        else:
            tn += 1
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0

    p50, p95 = statistics.median(check_ms), percentile(check_ms, 0.95)
    raw_p50, raw_p95 = statistics.median(raw_ms), percentile(raw_ms, 0.95)
    ratio = p95 / raw_p95 if raw_p95 else float("inf")
    print(f"conflict check ({len(stream)} registrations): p50 {p50:.2f} ms, p95 {p95:.2f} ms")
    print(
        f"raw candidate SQL (same queries):         p50 {raw_p50:.2f} ms, p95 {raw_p95:.2f} ms"
        f"  -> ratio at p95 {ratio:.2f}x"
    )
    print(
        f"labelled set {len(cases)}: TP {tp} FP {fp} FN {fn} TN {tn}; precision {precision:.4f}, "
        f"recall {recall:.4f}; misses by variant {misses}"
    )
    verdicts = {
        f"p95 < {TARGET_P95_MS} ms": p95 < TARGET_P95_MS,
        f"p95 <= {TARGET_RATIO}x raw SQL": ratio <= TARGET_RATIO,
        f"precision >= {TARGET_PRECISION}": precision >= TARGET_PRECISION,
        f"recall >= {TARGET_RECALL}": recall >= TARGET_RECALL,
    }
    for label, ok in verdicts.items():
        print(f"  {'PASS' if ok else 'FAIL'}  {label}")
    return 0 if all(verdicts.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
