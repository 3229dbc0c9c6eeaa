"""Chinese phone numbers typed on a remote: normalised to E.164 by structure, masked for display.

Structure decides (mobile 1[3-9] + 9 digits; landline 0 + area code + 7–8 digits);
the `phonenumbers` library only flags numbers it does not know as suspect.
"""
from __future__ import annotations

import re

import phonenumbers

_SEPARATORS = re.compile(r"[\s\-().]")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
# area codes: 10 and 2x are two digits (8-digit subscribers); the others 3 digits (7–8 digits)
# seven or more digits (any script's digits), perhaps split by spaces, dashes, dots or brackets:
# a phone number typed into free text or a note
_TYPED_NUMBER = re.compile(r"\+?\d(?:[\s\-().]*\d){6,}")
_LANDLINE = re.compile(r"^0(?:(?:10|2\d)[2-9]\d{7}|[3-9]\d{2}[2-9]\d{6,7})$")


class BadPhone(ValueError):
    """The text is not a Chinese mobile or landline number."""


def normalise(raw: str) -> tuple[str, bool]:
    """(E.164 number, suspect): suspect when phonenumbers does not consider it valid."""
    digits = _SEPARATORS.sub("", raw)
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) >= 12:
        digits = digits[2:]
    if not digits.isdigit() or not digits.isascii():
        raise BadPhone(raw)
    if _MOBILE.match(digits):
        e164 = "+86" + digits
    elif _LANDLINE.match(digits):
        e164 = "+86" + digits[1:]
    elif _LANDLINE.match("0" + digits) and len(digits) >= 10:  # +86 landline written without its 0
        e164 = "+86" + digits
    else:
        raise BadPhone(raw)
    # built directly: parsing the text again would cost more than the whole check
    number = phonenumbers.PhoneNumber(country_code=86, national_number=int(e164[3:]))
    return e164, not phonenumbers.is_valid_number(number)


def national(e164: str) -> str:
    """The number as dialled inside China: 13812348000 or 04715551234."""
    rest = e164[3:]
    return rest if len(rest) == 11 and rest.startswith("1") else "0" + rest


def mask(e164: str) -> str:
    """`138****8000`: the first three and last four digits of the national number."""
    digits = national(e164)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def redact(text: str) -> str:
    """The text with every phone-like run of digits replaced by `***` (kept: shorter figures)."""
    return _TYPED_NUMBER.sub("***", text)
