"""Every MDF write, one transaction each, checks inside; one module per aggregate (ledger, accruals, funds,
requests, claims, requesters). The names below are what views, the API, events and tasks call."""

from mdf.services.accruals import accrue_for_won_deal, reverse_deal_accrual
from mdf.services.claims import (
    CLAIM_WORKFLOW,
    answer_claim_info,
    approve_claim,
    pay_claim,
    reject_claim,
    request_claim_info,
    submit_claim,
)
from mdf.services.funds import (
    allocate_funds,
    expire_fund,
    funds_due_a_reminder,
    funds_due_to_expire,
    remind_fund_expiry,
    save_activity_type,
)
from mdf.services.ledger import fund_for, period_of
from mdf.services.ledger import post_entry as _post  # mdf/demo.py posts seed entries
from mdf.services.requesters import may_request_funds, mdf_requesters, requester_refusal, set_mdf_requesters
from mdf.services.requests import (
    REQUEST_WORKFLOW,
    approve_request,
    lapsed_requests,
    link_sourced_deal,
    reject_request,
    release_lapsed_request,
    submit_request,
)

__all__ = [
    "CLAIM_WORKFLOW",
    "REQUEST_WORKFLOW",
    "_post",
    "accrue_for_won_deal",
    "allocate_funds",
    "answer_claim_info",
    "approve_claim",
    "approve_request",
    "expire_fund",
    "fund_for",
    "funds_due_a_reminder",
    "funds_due_to_expire",
    "lapsed_requests",
    "link_sourced_deal",
    "may_request_funds",
    "mdf_requesters",
    "pay_claim",
    "period_of",
    "reject_claim",
    "reject_request",
    "release_lapsed_request",
    "remind_fund_expiry",
    "request_claim_info",
    "requester_refusal",
    "reverse_deal_accrual",
    "save_activity_type",
    "set_mdf_requesters",
    "submit_claim",
    "submit_request",
]
