"""The client side of the private availability check: normalise, blind, intersect, answer.

The answers follow registration's precedence for an exact key match (deals.registration.decision): already
yours (a duplicate of your own registration) > protected by another registration > a vendor direct account >
open. Each prospect sends exactly two items, a random dummy replacing a missing key, so the server learns only
the number of prospects.
"""

import base64
import csv
import io
import json
import secrets
import urllib.error
import urllib.request
from dataclasses import dataclass, field

import private_set_intersection.python as psi

from deals import normalisation

OPEN, YOURS, PROTECTED, DIRECT = "open", "yours", "protected", "direct"
ANSWERS = (YOURS, PROTECTED, DIRECT, OPEN)


class CheckError(Exception):
    """The portal refused the check (limit, permission, policy); the message is the portal's."""


@dataclass
class Prospect:
    name: str
    domain: str
    country: str


@dataclass
class Result:
    answers: list = field(default_factory=list)  # [(answer, until or None)] per prospect, unless counts only
    counts: dict = field(default_factory=dict)  # {answer: keys matched}, counts-only mode
    counts_only: bool = False
    remaining_today: int = 0
    bytes_sent: int = 0
    bytes_received: int = 0


def read_csv(text: str) -> list[Prospect]:
    """Rows of `name, domain, country` (a header row with those names, or the columns in that order)."""
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        return []
    header = [c.strip().lower() for c in rows[0]]
    if "name" in header:
        at = {k: header.index(k) if k in header else None for k in ("name", "domain", "country")}
        rows = rows[1:]
    else:
        at = {"name": 0, "domain": 1, "country": 2}

    def cell(row, key):
        i = at[key]
        return row[i].strip() if i is not None and i < len(row) else ""

    return [Prospect(cell(r, "name"), cell(r, "domain"), cell(r, "country")) for r in rows if any(c.strip() for c in r)]


def items_of(prospects, spec_free_mail) -> list[str]:
    """Exactly two items per prospect; a missing key becomes a random dummy that matches nothing."""
    free = frozenset(spec_free_mail)
    items = []
    for p in prospects:
        keys = normalisation.check_keys(name=p.name, domain_value=p.domain, country=p.country, free_mail=free)
        items.extend(k or f"x:{secrets.token_hex(16)}" for k in keys)
    return items


def _setup(data: str):
    setup = psi.ServerSetup()
    setup.ParseFromString(base64.b64decode(data))
    return setup


def answer_rows(n: int, hits: dict, untils: dict) -> list:
    """[(answer, until)] per prospect from {answer: set of item indices}; `untils`: {item index: date} of
    protected hits. Precedence as registration decides."""
    out = []
    for i in range(n):
        pair = {2 * i, 2 * i + 1}
        for answer in (YOURS, PROTECTED, DIRECT):
            found = pair & hits.get(answer, set())
            if found:
                until = max((untils[j] for j in found if untils.get(j)), default=None) if answer == PROTECTED else None
                out.append((answer, until))
                break
        else:
            out.append((OPEN, None))
    return out


def intersect(client, spec: dict, reply: dict, n: int) -> Result:
    """Intersect the one response with every setup: the partner's own, then the precomputed ones."""
    response = psi.Response()
    response.ParseFromString(base64.b64decode(reply["response"]))
    result = Result(counts_only=reply["counts_only"], remaining_today=reply["remaining_today"])
    setups = [(YOURS, None, reply["yours"])] + [(s["answer"], s["until"], s["setup"]) for s in spec["setups"]]
    if result.counts_only:
        sizes = {}
        for answer, _until, data in setups:
            sizes[answer] = sizes.get(answer, 0) + client.GetIntersectionSize(_setup(data), response)
        # The protected set holds the partner's own registrations too (the same accounts), so subtract them.
        sizes[PROTECTED] = max(0, sizes.get(PROTECTED, 0) - sizes.get(YOURS, 0))
        result.counts = {a: sizes.get(a, 0) for a in (YOURS, PROTECTED, DIRECT)}
        return result
    hits, untils = {}, {}
    for answer, until, data in setups:
        found = set(client.GetIntersection(_setup(data), response))
        hits.setdefault(answer, set()).update(found)
        if until:
            for j in found:
                untils[j] = max(untils.get(j) or until, until)
    result.answers = answer_rows(n, hits, untils)
    return result


class Portal:
    """The two API calls of a check, with a token (Authorization: Token ...)."""

    def __init__(self, url: str, token: str, timeout: float = 120):
        self.url, self.token, self.timeout = url.rstrip("/"), token, timeout
        self.sent = self.received = 0

    def call(self, path: str, body=None) -> dict:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(  # noqa: S310 - the portal's own URL, given by the user
            self.url + path,
            data=data,
            method="POST" if data is not None else "GET",
            headers={
                "Authorization": f"Token {self.token}",
                "Content-Type": "application/json",
                "Accept": "application/json",
            },
        )
        self.sent += len(data or b"")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as reply:  # noqa: S310
                raw = reply.read()
        except urllib.error.HTTPError as exc:
            raw = exc.read()
            try:
                detail = json.loads(raw)
            except ValueError:
                detail = {"detail": raw.decode(errors="replace")[:200]}
            raise CheckError(f"{exc.code}: {detail}") from None
        self.received += len(raw)
        return json.loads(raw)


def check(prospects: list[Prospect], *, portal: Portal, spec: dict | None = None) -> Result:
    """Run one check of `prospects` against the portal; raises CheckError when refused."""
    spec = spec or portal.call("/api/v1/availability/")
    counts_only = spec["policy"]["counts_only"]
    client = psi.client.CreateWithNewKey(not counts_only)
    request = client.CreateRequest(items_of(prospects, spec["free_mail"]))
    body = {
        "prospects": len(prospects),
        "request": base64.b64encode(request.SerializeToString()).decode("ascii"),
        "channel": "cli",
    }
    reply = portal.call("/api/v1/availability/checks/", body)
    result = intersect(client, spec, reply, len(prospects))
    result.bytes_sent, result.bytes_received = portal.sent, portal.received
    return result
