"""Every write of deal registration, one transaction each: the permission and state checks, the audit row and
the event live in the services, so pages, API, tasks and the demo all obey the same rules. Split by aggregate:

- deals.registration: registering (first to register wins), review, reversal, protection, the decision;
- deals.services.lifecycle: won, lost, reopened, extensions, expiry and reminders;
- deals.services.leads: leads; deals.services.account_import: the direct-accounts import;
- deals.influence, deals.customers, deals.payloads.

This package re-exports them for callers that reach deal services as one module.
"""

from deals.customers import create_account, write_account_keys
from deals.influence import add_influence
from deals.payloads import deal_payload
from deals.registration.lock import lock_customer_keys
from deals.registration.outcome import approval_sla_days, outcome_message
from deals.registration.register import register_deal
from deals.registration.review import accept_as_influence, approve_deal, bulk_approve, direct_deal_for, reject_deal
from deals.services.account_import import parse_import, run_account_import, start_account_import
from deals.services.leads import (
    accept_lead,
    assign_lead,
    create_lead,
    decline_lead,
    lead_customer_holder,
    lead_warnings,
    overdue_leads,
    return_lead_if_overdue,
)
from deals.services.lifecycle import (
    decide_extension,
    due_for_expiry,
    due_for_reminder,
    end_protection_of_partner,
    expire_deal,
    mark_lost,
    mark_won,
    registered_on,
    reopen_deal,
    request_extension,
    send_expiry_reminder,
)

__all__ = [
    "accept_as_influence",
    "accept_lead",
    "add_influence",
    "approval_sla_days",
    "approve_deal",
    "assign_lead",
    "bulk_approve",
    "create_account",
    "create_lead",
    "deal_payload",
    "decide_extension",
    "decline_lead",
    "direct_deal_for",
    "due_for_expiry",
    "due_for_reminder",
    "end_protection_of_partner",
    "expire_deal",
    "lead_customer_holder",
    "lead_warnings",
    "lock_customer_keys",
    "mark_lost",
    "mark_won",
    "outcome_message",
    "overdue_leads",
    "parse_import",
    "register_deal",
    "registered_on",
    "reject_deal",
    "reopen_deal",
    "request_extension",
    "return_lead_if_overdue",
    "run_account_import",
    "send_expiry_reminder",
    "start_account_import",
    "write_account_keys",
]
