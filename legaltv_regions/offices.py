"""What a service point offers and its level among the places (down to the gacha, the village),
named for people: one set for the consoles and the TV. The keys are the service points' fields."""
from __future__ import annotations


def N_(message: str) -> str:
    """Marks a msgid; the reader translates it in its own language."""
    return message


SERVICE_LABELS = {
    # TRANSLATORS: a service an office offers, on the TV's service cards and in the consoles, max 24 chars
    "legal_aid": N_("Legal aid"),
    # TRANSLATORS: a service an office offers, on the TV's service cards and in the consoles, max 24 chars
    "notary": N_("Notary"),
    # TRANSLATORS: a service an office offers, on the TV's service cards and in the consoles, max 24 chars
    "mediation": N_("People's mediation"),
    # TRANSLATORS: a service an office offers, on the TV's service cards and in the consoles, max 24 chars
    "lawyer": N_("Lawyer"),
    # TRANSLATORS: a service an office offers, on the TV's service cards and in the consoles, max 24 chars
    "judicial_appraisal": N_("Judicial appraisal"),
    # TRANSLATORS: a service an office offers, on the TV's service cards and in the consoles, max 24 chars
    "village_legal_adviser": N_("Village legal adviser"),
}
LEVEL_LABELS = {
    # TRANSLATORS: the level of a service point, on the TV and in the consoles, max 16 chars
    "national": N_("Nationwide"),
    # TRANSLATORS: the level of a service point, on the TV and in the consoles, max 16 chars
    "province": N_("Autonomous region"),
    # TRANSLATORS: the level of a service point (盟, prefecture city), on the TV and in the consoles, max 16 chars
    "league": N_("League or city"),
    # TRANSLATORS: the level of a service point (旗, county), on the TV and in the consoles, max 16 chars
    "banner": N_("Banner or county"),
    # TRANSLATORS: the level of a service point (苏木, 乡, 镇), on the TV and in the consoles, max 16 chars
    "sumu": N_("Sumu or town"),
    # TRANSLATORS: the level of a service point (嘎查, village), on the TV and in the consoles, max 16 chars
    "gacha": N_("Gacha (village)"),
}
