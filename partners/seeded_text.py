"""Texts the migrations seed into the database (onboarding steps), marked so they are in the catalogue.

Pages show a step's stored title and description through {% translate %}: the defaults read in the
user's language, and anything a program admin writes stays as written.
"""

from django.utils.translation import gettext_noop

ONBOARDING_STEP_DESCRIPTIONS = (
    gettext_noop("A partner admin reads and accepts the current agreement."),
    gettext_noop("Legal name, website, description, phone, address and verticals."),
    gettext_noop("At least one colleague joins the portal."),
    gettext_noop("Someone in the team completes the onboarding course."),
    gettext_noop("Quarterly targets with an owner on each side."),
    gettext_noop("Submit the first deal registration."),
)
