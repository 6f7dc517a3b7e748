"""Customer companies of the demo's deal history and leads: real-looking names with a domain derived from the
name (`Hartmann Logistics` -> `hartmann-logistics.com`), the same for the same seed (Faker, seeded)."""

import re

from faker import Faker

from deals.matching import normalise_company_name

# What the customers do: a company name reads "<surname> <industry>" or Faker's own ("Smith, Jones and Brown").
INDUSTRIES = (
    "Logistics",
    "Manufacturing",
    "Health",
    "Foods",
    "Retail",
    "Energy",
    "Insurance",
    "Freight",
    "Pharma",
    "Hotels",
    "Engineering",
    "Media",
    "Bank",
    "Motors",
    "Construction",
    "Textiles",
    "Airlines",
    "Telecom",
    "Biotech",
    "Farms",
)
TLDS = ("com", "com", "com", "io", "net", "co")


def domain_of(name: str, tld: str = "com") -> str:
    """`Smith, Jones and Brown` -> `smith-jones.com`: the first two words that are not joiners."""
    words = [w for w in re.findall(r"[a-z0-9]+", name.lower()) if w not in ("and", "llc", "inc", "ltd", "plc", "group")]
    return "-".join(words[:2] or ["customer"]) + "." + tld


def customer_names(count: int, *, seed: int = 42) -> list[tuple[str, str]]:
    """`count` distinct (company name, domain) pairs, deterministic for a seed."""
    fake = Faker("en_US")
    fake.seed_instance(seed)
    names: dict[str, str] = {}
    while len(names) < count:
        if fake.random.random() < 0.5:
            name = f"{fake.last_name()} {fake.random.choice(INDUSTRIES)}"
        else:
            name = fake.company()
        if name not in names and domain_of(name) not in {d.rsplit(".", 1)[0] for d in names.values()}:
            names[name] = domain_of(name, fake.random.choice(TLDS))
    return list(names.items())


def normalised(name: str) -> str:
    return normalise_company_name(name).value[:200]
