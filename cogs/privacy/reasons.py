"""Why something could not be forgotten yet, by the keys models use in their Keep rules."""

from __future__ import annotations

from gromada.i18n import N_

REASONS: dict[str, str] = {
    "open_purchase_coordinated": N_("You coordinate a purchase that is still open: close it first."),
    "open_purchase_orders": N_(
        "You have orders in a purchase that is still open: remove them, or ask again after it closes."
    ),
    "unpaid_bill": N_("You have a bill that is not paid yet: ask again once it is marked as paid."),
    "open_mediation": N_("A mediation you take part in is still open: ask again after it is closed."),
    "moderation_record": N_(
        "Moderation records about you are kept for the server's safety until their retention period ends."
    ),
    "volunteer_seat": N_("You hold or are offered a volunteer role: step down first."),
    "open_initiative": N_("You lead an initiative that is not archived yet: hand it over or archive it first."),
}

# Feature names for the readable summary, by app (models module) name.
FEATURES: dict[str, str] = {
    "core": N_("Language preference"),
    "onboarding": N_("Onboarding"),
    "volunteers": N_("Volunteer roles"),
    "initiatives": N_("Initiatives"),
    "polls": N_("Polls"),
    "mediation": N_("Mediation"),
    "moderation": N_("Moderation"),
    "purchases": N_("Joint purchases"),
    "privacy": N_("Privacy"),
}


def reason_text(key: str) -> str:
    return REASONS.get(key, N_("Some records must be kept for now."))


def feature_name(app: str) -> str:
    return FEATURES.get(app, app)
