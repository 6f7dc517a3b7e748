"""Locust scenario of the portal (issue 11): partners, channel managers and finance at work.

Run through `make load` / `python -m bench.load.run_load`, which seeds the data, starts gunicorn and a Celery
worker and writes the credentials file named by LOAD_CREDENTIALS (see bench/load/prepare.py). Each simulated
user takes one seeded person's session cookie (pages) and API token (API writes):

- PartnerUser (weight 8): home, deal list, one of its deals, the course catalogue, MDF overview; registers
  deals through POST /api/v1/deals/ with a customer no one else registers (so no conflict is expected).
- ChannelManager (weight 2): program dashboard, scorecards, the review queue; approves a submitted deal
  through POST /api/v1/deals/{id}/approve/.
- Finance (weight 1): home, MDF claims, commission entries; approves a pending commission entry through
  POST /api/v1/commissions/entries/{id}/approve/.

Approvals pick one item of the first page at random; two people may pick the same one at the same moment,
and the loser gets the 409 the API promises for a transition the state no longer allows. That answer is
counted as a success under its own name ("... [409 already decided]") so the report tells races from errors.
Anything else that is not 2xx (or a page redirect to the login) is a failure.
"""

import itertools
import json
import os
import random
import uuid
from datetime import date, timedelta

from locust import HttpUser, between, task

with open(os.environ.get("LOAD_CREDENTIALS", "bench/results/load/credentials.json")) as _fh:
    CREDENTIALS = json.load(_fh)
_counters = {key: itertools.count() for key in CREDENTIALS}

SYLLABLES = "ba be bi bo bu ca co da de di do fa fe fi ga go ha he ka ki ko la le li lo lu ma me mi mo na ne ni no " \
    "pa pe pi po ra re ri ro sa se si so ta te ti to va ve vi vo za ze zo".split()  # fmt: skip
SUFFIXES = ["Inc", "LLC", "Ltd", "GmbH", "Corp", "AG", "BV"]


def unique_customer() -> tuple[str, str]:
    """A company name and domain no other registration uses: random syllables plus a uuid-derived word."""
    tag = uuid.uuid4().int
    words = []
    for _ in range(3):
        tag, a = divmod(tag, len(SYLLABLES))
        tag, b = divmod(tag, len(SYLLABLES))
        tag, c = divmod(tag, len(SYLLABLES))
        words.append((SYLLABLES[a] + SYLLABLES[b] + SYLLABLES[c]).capitalize())
    name = f"{' '.join(words)} {random.choice(SUFFIXES)}"  # noqa: S311 - load data, not secrets
    return name, f"{''.join(words).lower()}.example"


class PortalUser(HttpUser):
    abstract = True
    role = ""
    wait_time = between(1, 3)

    def on_start(self):
        rows = CREDENTIALS[self.role]
        me = rows[next(_counters[self.role]) % len(rows)]
        self.email = me["email"]
        self.page_headers = {"Cookie": f"sessionid={me['session']}"}
        self.api_headers = {"Authorization": f"Token {me['token']}", "Accept": "application/json"}

    def page(self, path: str, name: str | None = None):
        with self.client.get(
            path, headers=self.page_headers, name=name or path, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} for {self.email}")
            return response

    def api_get(self, path: str, name: str):
        with self.client.get(path, headers=self.api_headers, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}: {response.text[:200]}")
                return None
            return response.json()

    def api_transition(self, path: str, name: str, body: dict | None = None):
        with self.client.post(
            path, json=body or {}, headers=self.api_headers, name=name, catch_response=True
        ) as response:
            if response.status_code == 409:
                response.request_meta["name"] = f"{name} [409 already decided]"
                response.success()
            elif response.status_code != 200:
                response.failure(f"{response.status_code}: {response.text[:200]}")


class PartnerUser(PortalUser):
    role = "partner"
    weight = 8

    def on_start(self):
        super().on_start()
        data = self.api_get("/api/v1/deals/?page_size=50", "/api/v1/deals/ [list]") or {}
        self.deal_ids = [row["id"] for row in data.get("results", [])]

    @task(3)
    def home(self):
        self.page("/")

    @task(3)
    def deals(self):
        self.page("/deals/")

    @task(2)
    def deal(self):
        if self.deal_ids:
            self.page(f"/deals/{random.choice(self.deal_ids)}/", name="/deals/[id]/")  # noqa: S311

    @task(1)
    def learn(self):
        self.page("/learn/")

    @task(1)
    def mdf(self):
        self.page("/mdf/")

    @task(2)
    def register_deal(self):
        name, domain = unique_customer()
        body = {
            "customer_name": name,
            "customer_domain": domain,
            "customer_country": "US",
            "contact_name": "Load Tester",
            "contact_email": f"buyer@{domain}",
            "product": "Platform",
            "amount": f"{random.randint(5, 500) * 1000}.00",  # noqa: S311
            "currency": "USD",
            "expected_close_date": (date.today() + timedelta(days=60)).isoformat(),
            "deal_type": "new_business",
        }
        with self.client.post(
            "/api/v1/deals/", json=body, headers=self.api_headers, name="/api/v1/deals/ [register]",
            catch_response=True,
        ) as response:  # fmt: skip
            if response.status_code != 201:
                response.failure(f"{response.status_code}: {response.text[:200]}")
                return
            self.deal_ids.append(response.json()["id"])


class ChannelManager(PortalUser):
    role = "channel_manager"
    weight = 2

    @task(2)
    def dashboard(self):
        self.page("/analytics/")

    @task(2)
    def scorecards(self):
        self.page("/analytics/scorecards/")

    @task(3)
    def review_queue(self):
        self.page("/deals/review/")

    @task(3)
    def approve_deal(self):
        data = self.api_get("/api/v1/deals/?status=submitted", "/api/v1/deals/?status=submitted")
        if data and data["results"]:
            deal = random.choice(data["results"])  # noqa: S311
            self.api_transition(f"/api/v1/deals/{deal['id']}/approve/", "/api/v1/deals/[id]/approve/")


class Finance(PortalUser):
    role = "finance"
    weight = 1

    @task(2)
    def home(self):
        self.page("/", name="/ [finance]")

    @task(2)
    def claims(self):
        self.page("/mdf/claims/")

    @task(2)
    def commissions(self):
        self.page("/commissions/")

    @task(3)
    def approve_entry(self):
        data = self.api_get(
            "/api/v1/commissions/entries/?status=pending", "/api/v1/commissions/entries/?status=pending"
        )
        if data and data["results"]:
            entry = random.choice(data["results"])  # noqa: S311
            self.api_transition(
                f"/api/v1/commissions/entries/{entry['id']}/approve/", "/api/v1/commissions/entries/[id]/approve/"
            )
