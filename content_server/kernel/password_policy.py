"""Which passwords a console account may have: long, not common, not a key held down or a row of keys.

`common-passwords.txt.gz` is the 20,000 most common passwords (lowercased, most common first)
compiled by Royce Williams from breach corpora, as shipped by Django 5.2 (BSD licence).
"""
from __future__ import annotations

import gzip
from functools import lru_cache
from pathlib import Path

from .errors import ApiError
from .i18n import N_

MIN_LENGTH = 12
MAX_LENGTH = 256
# sequences a finger follows: a password that only steps along one of them is a "keyboard run"
_RUNS = ("1234567890", "qwertyuiopasdfghjklzxcvbnm", "abcdefghijklmnopqrstuvwxyz",
         "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p", "!@#$%^&*()")
_DECORATION = "0123456789!@#$%^&*()-_=+.,;:?~ "


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    with gzip.open(Path(__file__).with_name("common-passwords.txt.gz"), "rt", encoding="utf-8") as lines:
        return frozenset(line.strip() for line in lines if line.strip())


def check_password(password: str, field: str = "password") -> str:
    """The password, or ApiError 422 `weak_password` saying what to change."""
    if len(password) < MIN_LENGTH or len(password) > MAX_LENGTH:
        # TRANSLATORS: admin console, error message, max 80 chars
        raise ApiError(422, "weak_password", N_("A password has at least {min} characters."),
                       field=field, min=MIN_LENGTH)
    unit = _repeated_unit(password.lower())
    if len(set(unit)) == 1 or _is_keyboard_run(unit):
        # TRANSLATORS: admin console, error when a new password is one key repeated or a row like qwerty, max 100 chars
        raise ApiError(422, "weak_password", N_("A password cannot be one key repeated or a row of keys. "
                                                "Please choose another."), field=field)
    if _is_common(password.lower()) or _is_common(unit):
        # TRANSLATORS: admin console, error when a new password is on the list of common ones, max 100 chars
        raise ApiError(422, "weak_password", N_("This password is too common. Please choose a few words "
                                                "that only you would put together."), field=field)
    return password


def _is_common(text: str) -> bool:
    """In the list, also with digits or signs added before or after (password2024!)."""
    common = common_passwords()
    return text in common or text.strip(_DECORATION) in common


def _repeated_unit(text: str) -> str:
    """The shortest piece that repeated makes up the whole text ('abcabcabc' -> 'abc')."""
    for size in range(1, len(text) // 2 + 1):
        if len(text) % size == 0 and text[:size] * (len(text) // size) == text:
            return text[:size]
    return text


def _is_keyboard_run(text: str) -> bool:
    """Every next character is the neighbour of the last along one run, in one direction."""
    if len(text) < 3:
        return False
    for run in _RUNS:
        for step in (1, -1):
            if all(a in run and b in run and run.index(b) == (run.index(a) + step) % len(run)
                   for a, b in zip(text, text[1:])):
                return True
    return False
