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


def _blind(args) -> bytes:
    key, reveal, items = args
    return psi.client.CreateFromKey(key, reveal).CreateRequest(items).SerializeToString()


def _intersect_part(args) -> list[int]:
    """Indices (in the whole request) of one slice of the response found in one setup."""
    key, reveal, setup_b64, elements, offset, size_only = args
    client = psi.client.CreateFromKey(key, reveal)
    response = psi.Response()
    response.encrypted_elements.extend(elements)
    setup = _setup(setup_b64)
    if size_only:
        return [client.GetIntersectionSize(setup, response)]
    return [offset + i for i in client.GetIntersection(setup, response)]


def _chunks(n: int, parts: int) -> list[tuple[int, int]]:
    step = -(-n // parts) if n else 1
    return [(i, min(n, i + step)) for i in range(0, n, step)] or [(0, 0)]


class Workers:
    """Blinding and intersecting split over `processes` processes (the same client key in each: the slices
    of one request are one request). One process: everything in this one."""

    def __init__(self, processes: int = 1):
        self.processes = max(1, processes)
        self.pool = None
        if self.processes > 1:
            import multiprocessing  # noqa: PLC0415 - only when asked for

            self.pool = multiprocessing.get_context("fork").Pool(self.processes)

    def map(self, func, jobs):
        return self.pool.map(func, jobs) if self.pool else [func(j) for j in jobs]

    def close(self):
        if self.pool:
            self.pool.close()
            self.pool.join()


def blind(key: bytes, reveal: bool, items: list[str], workers: Workers):
    """One PSI request of `items`, blinded in slices in parallel."""
    parts = workers.map(_blind, [(key, reveal, items[a:b]) for a, b in _chunks(len(items), workers.processes)])
    request = psi.Request()
    request.reveal_intersection = reveal
    for part in parts:
        piece = psi.Request()
        piece.ParseFromString(part)
        request.encrypted_elements.extend(piece.encrypted_elements)
    return request


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


def intersect(key: bytes, spec: dict, reply: dict, n: int, workers: Workers | None = None) -> Result:
    """Intersect the one response with every setup (the partner's own, then the precomputed ones), each setup
    and each slice of the response a job of its own."""
    workers = workers or Workers(1)
    response = psi.Response()
    response.ParseFromString(base64.b64decode(reply["response"]))
    elements = list(response.encrypted_elements)
    result = Result(counts_only=reply["counts_only"], remaining_today=reply["remaining_today"])
    reveal = not result.counts_only
    setups = [(YOURS, None, reply["yours"])] + [(s["answer"], s["until"], s["setup"]) for s in spec["setups"]]
    slices = _chunks(len(elements), workers.processes) if reveal else [(0, len(elements))]
    jobs = [(key, reveal, data, elements[a:b], a, not reveal) for _answer, _until, data in setups for a, b in slices]
    found = workers.map(_intersect_part, jobs)
    per_setup = [sum((found[k * len(slices) + j] for j in range(len(slices))), []) for k in range(len(setups))]
    if result.counts_only:
        sizes = {}
        for (answer, _until, _data), part in zip(setups, per_setup, strict=True):
            sizes[answer] = sizes.get(answer, 0) + sum(part)
        # The protected set holds the partner's own registrations too (the same accounts), so subtract them.
        sizes[PROTECTED] = max(0, sizes.get(PROTECTED, 0) - sizes.get(YOURS, 0))
        result.counts = {a: sizes.get(a, 0) for a in (YOURS, PROTECTED, DIRECT)}
        return result
    hits, untils = {}, {}
    for (answer, until, _data), part in zip(setups, per_setup, strict=True):
        hits.setdefault(answer, set()).update(part)
        if until:
            for j in part:
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


def check(prospects: list[Prospect], *, portal: Portal, spec: dict | None = None, processes: int = 1) -> Result:
    """Run one check of `prospects` against the portal; raises CheckError when refused."""
    spec = spec or portal.call("/api/v1/availability/")
    reveal = not spec["policy"]["counts_only"]
    key = psi.client.CreateWithNewKey(reveal).GetPrivateKeyBytes()
    workers = Workers(processes)
    try:
        request = blind(key, reveal, items_of(prospects, spec["free_mail"]), workers)
        body = {
            "prospects": len(prospects),
            "request": base64.b64encode(request.SerializeToString()).decode("ascii"),
            "channel": "cli",
        }
        reply = portal.call("/api/v1/availability/checks/", body)
        result = intersect(key, spec, reply, len(prospects), workers)
    finally:
        workers.close()
    result.bytes_sent, result.bytes_received = portal.sent, portal.received
    return result
