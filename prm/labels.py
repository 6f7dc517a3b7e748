"""Labels of the codes the portal stores (docs/i18n.md): pages show a label in the reader's language, never
`dispute_reverse`, `pending_review` or `request:9`.

`action_label` reads the table of audit actions; `state_label` finds a status among the choices of every
model (`TextChoices` labels); `model_label` is a model's verbose name;
`code_label` reads CODES (matching's normalisations and verdicts). An unknown code is shown as words.
"""

from functools import cache

from django.apps import apps
from django.utils.text import capfirst
from django.utils.translation import gettext, pgettext_lazy

ACTIONS = {
    "accept": pgettext_lazy("audit action", "Accepted"),
    "accept_lead": pgettext_lazy("audit action", "Lead accepted"),
    "accepted": pgettext_lazy("audit action", "Accepted"),
    "add_version": pgettext_lazy("audit action", "Version added"),
    "adjust": pgettext_lazy("audit action", "Adjusted"),
    "agreed": pgettext_lazy("audit action", "Agreed"),
    "agreement_accepted": pgettext_lazy("audit action", "Agreement accepted"),
    "allocate": pgettext_lazy("audit action", "Funds allocated"),
    "answer_info": pgettext_lazy("audit action", "Information provided"),
    "approve": pgettext_lazy("audit action", "Approved"),
    "approve_extension": pgettext_lazy("audit action", "Extension approved"),
    "approved": pgettext_lazy("audit action", "Approved"),
    "assign": pgettext_lazy("audit action", "Assigned"),
    "batched": pgettext_lazy("audit action", "Added to a payout batch"),
    "change_rate": pgettext_lazy("audit action", "Rate changed"),
    "channel_manager_changed": pgettext_lazy("audit action", "Channel manager changed"),
    "check_in": pgettext_lazy("audit action", "Checked in"),
    "close_date_before_registration": pgettext_lazy("audit action", "Close date before registration"),
    "complete": pgettext_lazy("audit action", "Completed"),
    "create": pgettext_lazy("audit action", "Created"),
    "create_draft": pgettext_lazy("audit action", "Draft created"),
    "create_quiz": pgettext_lazy("audit action", "Quiz created"),
    "created": pgettext_lazy("audit action", "Created"),
    "data_export": pgettext_lazy("audit action", "Data exported"),
    "decline": pgettext_lazy("audit action", "Declined"),
    "delete_lesson": pgettext_lazy("audit action", "Lesson deleted"),
    "dispute_opened": pgettext_lazy("audit action", "Dispute opened"),
    "dispute_reverse": pgettext_lazy("audit action", "Reversed by a dispute"),
    "dispute_upheld": pgettext_lazy("audit action", "Dispute upheld"),
    "edit_draft": pgettext_lazy("audit action", "Draft edited"),
    "enrol": pgettext_lazy("audit action", "Enrolled"),
    "expire": pgettext_lazy("audit action", "Expired"),
    "extend": pgettext_lazy("audit action", "Extended"),
    "fx.rate_corrected": pgettext_lazy("audit action", "Exchange rate corrected"),
    "fx.rate_recorded": pgettext_lazy("audit action", "Exchange rate recorded"),
    "import_accounts": pgettext_lazy("audit action", "Accounts imported"),
    "import_partners": pgettext_lazy("audit action", "Partners imported"),
    "imported": pgettext_lazy("audit action", "Imported"),
    "invite": pgettext_lazy("audit action", "Invited"),
    "invited": pgettext_lazy("audit action", "Invited"),
    "lapse": pgettext_lazy("audit action", "Lapsed"),
    "link_deal": pgettext_lazy("audit action", "Deal linked"),
    "login": pgettext_lazy("audit action", "Logged in"),
    "login_failed": pgettext_lazy("audit action", "Login failed"),
    "mark_lost": pgettext_lazy("audit action", "Marked lost"),
    "mark_won": pgettext_lazy("audit action", "Marked won"),
    "onboarding_step_done": pgettext_lazy("audit action", "Onboarding step done"),
    "open": pgettext_lazy("audit action", "Opened"),
    "open_direct_deal": pgettext_lazy("audit action", "Direct deal opened"),
    "opp_scored": pgettext_lazy("audit action", "Opportunity scored"),
    "paid": pgettext_lazy("audit action", "Paid"),
    "partner_terminated": pgettext_lazy("audit action", "Partner terminated"),
    "pay": pgettext_lazy("audit action", "Paid"),
    "payouts_released": pgettext_lazy("audit action", "Payouts released"),
    "profile_updated": pgettext_lazy("audit action", "Profile updated"),
    "protection_removed": pgettext_lazy("audit action", "Protection removed"),
    "publish": pgettext_lazy("audit action", "Published"),
    "rate_scorecard": pgettext_lazy("audit action", "Scorecard rated"),
    "reactivated": pgettext_lazy("audit action", "Reactivated"),
    "record_influence": pgettext_lazy("audit action", "Influence recorded"),
    "recorded": pgettext_lazy("audit action", "Recorded"),
    "register": pgettext_lazy("audit action", "Registered"),
    "registration_hint": pgettext_lazy("audit action", "Registration hint"),
    "reinstated": pgettext_lazy("audit action", "Reinstated"),
    "reject": pgettext_lazy("audit action", "Rejected"),
    "rejected": pgettext_lazy("audit action", "Rejected"),
    "renew": pgettext_lazy("audit action", "Renewed"),
    "reopen": pgettext_lazy("audit action", "Reopened"),
    "request_extension": pgettext_lazy("audit action", "Extension requested"),
    "resolve": pgettext_lazy("audit action", "Resolved"),
    "return": pgettext_lazy("audit action", "Returned"),
    "reverse": pgettext_lazy("audit action", "Reversed"),
    "revoke": pgettext_lazy("audit action", "Revoked"),
    "revoked": pgettext_lazy("audit action", "Revoked"),
    "role_changed": pgettext_lazy("audit action", "Role changed"),
    "save_lesson": pgettext_lazy("audit action", "Lesson saved"),
    "score_updated": pgettext_lazy("audit action", "Score updated"),
    "scored": pgettext_lazy("audit action", "Scored"),
    "simulate": pgettext_lazy("audit action", "Simulated"),
    "submit": pgettext_lazy("audit action", "Submitted"),
    "submit_attempt": pgettext_lazy("audit action", "Attempt submitted"),
    "submitted": pgettext_lazy("audit action", "Submitted"),
    "suspended": pgettext_lazy("audit action", "Suspended"),
    "tier_changed": pgettext_lazy("audit action", "Tier changed"),
    "tier_override": pgettext_lazy("audit action", "Tier set by hand"),
    "tier_review_completed": pgettext_lazy("audit action", "Tier review completed"),
    "token_created": pgettext_lazy("audit action", "API token created"),
    "token_revoked": pgettext_lazy("audit action", "API token revoked"),
    "update": pgettext_lazy("audit action", "Updated"),
    "update_alert_rule": pgettext_lazy("audit action", "Alert rule updated"),
    "update_scorecard_criterion": pgettext_lazy("audit action", "Scorecard criterion updated"),
    "uphold": pgettext_lazy("audit action", "Upheld"),
    "webhook_created": pgettext_lazy("audit action", "Webhook created"),
    "webhook_deleted": pgettext_lazy("audit action", "Webhook deleted"),
    "webhook_paused": pgettext_lazy("audit action", "Webhook paused"),
    "webhook_redelivered": pgettext_lazy("audit action", "Webhook redelivered"),
    "webhook_resumed": pgettext_lazy("audit action", "Webhook resumed"),
    "won": pgettext_lazy("audit action", "Won"),
}

# How a company name was normalised before matching (deals/matching.py), and the match verdicts.
CODES = {
    "case": pgettext_lazy("name normalisation", "letter case"),
    "accents": pgettext_lazy("name normalisation", "accents"),
    "ampersand": pgettext_lazy("name normalisation", "ampersand"),
    "punctuation": pgettext_lazy("name normalisation", "punctuation"),
    "article": pgettext_lazy("name normalisation", "leading article"),
    "legal_suffix": pgettext_lazy("name normalisation", "legal suffix"),
    "match": pgettext_lazy("match verdict", "match"),
    "possible_match": pgettext_lazy("match verdict", "possible match"),
}


def words(code: str) -> str:
    text = str(code or "").replace("_", " ").replace(".", " ").strip()
    return text[:1].upper() + text[1:]


def code_label(code: str) -> str:
    """A code of CODES, or a status of any model, as a label."""
    label = CODES.get(code)
    return str(label) if label is not None else state_label(code)


def action_label(code: str) -> str:
    label = ACTIONS.get(code)
    return str(label) if label is not None else words(code)


@cache
def _choices() -> dict:
    found = {}
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            for value, label in field.flatchoices or ():
                if isinstance(value, str):
                    found.setdefault(value, label)
    return found


def state_label(code: str) -> str:
    if not code:
        return ""
    label = _choices().get(code)
    return str(label) if label is not None else words(code)


def model_label(content_type) -> str:
    model = content_type.model_class() if content_type is not None else None
    if model is None:
        return words(getattr(content_type, "model", ""))
    # A verbose name the catalogue translates (e.g. "Activity type") reads in the language even when the model
    # does not mark it for translation.
    return gettext(capfirst(str(model._meta.verbose_name)))
