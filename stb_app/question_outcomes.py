"""What happened to a household's question, in its own words, and the step it can take next."""
from __future__ import annotations

from .i18n import N_, pick, translate

HOTLINE = "12348"
ASK_AGAIN, CALL_HOTLINE, SEE_OFFICE = "ask_again", "call_hotline", "see_office"

# TRANSLATORS: TV app, a question's page: what happened, max 80 chars
ANSWERED = N_("A lawyer answered your question. The answer is below.")
# TRANSLATORS: TV app, a question's page: what happened, max 90 chars
UNREACHABLE = N_("We called you three times but could not reach you.")
# TRANSLATORS: TV app, a question's page: what happened, max 90 chars
WRONG_NUMBER = N_("The phone number you gave did not reach you.")
# TRANSLATORS: TV app, a question's page: what happened; {office} is an office's name, max 90 chars
REFERRED_TO = N_("Your question was passed on to {office}.")
# TRANSLATORS: TV app, a question's page: what happened, max 90 chars
REFERRED = N_("Your question was passed on for further help.")
# TRANSLATORS: TV app, a question's page: what happened, max 90 chars
FEEDBACK_GIVEN = N_("Closed after you told us how it went.")
# TRANSLATORS: TV app, a question's page: what happened, max 90 chars
CLOSED = N_("This question was closed.")

NEXT_STEPS = {
    # TRANSLATORS: TV app, a question's page, the card with the next step: OK opens the ask screen, max 40 chars
    ASK_AGAIN: N_("OK: ask again"),
    # TRANSLATORS: TV app, a question's page, the card with the next step, beside 12348 in large digits, max 60 chars
    CALL_HOTLINE: N_("Or call the free legal hotline, any time:"),
    # TRANSLATORS: TV app, a question's page, the card with the office's name, address, phone and hours, max 60 chars
    SEE_OFFICE: N_("Go to this office, or call it first:"),
}


def outcome(question: dict) -> str | None:
    """The msgid saying what happened, or None while the question waits for its call."""
    status, ended = question.get("status"), question.get("outcome")
    if status in ("referred", "revisit_pending"):
        return REFERRED_TO if question.get("office") else REFERRED
    if status not in ("resolved", "closed"):
        return None
    return {"answered": ANSWERED, "unreachable": UNREACHABLE, "wrong_number": WRONG_NUMBER,
            "feedback_given": FEEDBACK_GIVEN}.get(ended, ANSWERED if question.get("answer_summary") else CLOSED)


def outcome_text(question: dict) -> dict | None:
    """What happened, in both scripts (the office named in each script)."""
    msgid = outcome(question)
    if msgid is None:
        return None
    office = (question.get("office") or {}).get("name") or ""
    return {lang: translate(msgid, lang, office=pick(office, lang)) if office else translate(msgid, lang)
            for lang in ("zh", "mn")}


def next_steps(question: dict) -> list[str]:
    """What the household can do next once something happened: go to the office it was referred
    to, or else ask again; and 12348 always."""
    msgid = outcome(question)
    if msgid is None:
        return []
    return [SEE_OFFICE, CALL_HOTLINE] if msgid == REFERRED_TO else [ASK_AGAIN, CALL_HOTLINE]


def office_lines(office: dict) -> dict:
    """An office's name, address, phone and hours, one a line, in both scripts."""
    return {lang: "\n".join(filter(None, (pick(office.get("name") or "", lang), office.get("phone") or "",
                                          pick(office.get("address") or "", lang),
                                          pick(office.get("hours") or "", lang))))
            for lang in ("zh", "mn")}
