"""The demo's console accounts: one per role, each with a one-time password its holder replaces
at first sign-in, so a newcomer sees every console at once without a shared known password."""
from __future__ import annotations

import secrets

from ..kernel import auth
from ..kernel.errors import ApiError
from ..kernel.password_policy import check_password
from ..storage import Store, accounts

DEMO_ACCOUNTS = (("demo-editor", "editor"), ("demo-staff", "staff"), ("demo-supervisor", "supervisor"),
                 ("demo-admin", "admin"))


def one_time_password() -> str:
    """A random password the policy accepts (16 URL-safe characters)."""
    while True:
        try:
            return check_password(secrets.token_urlsafe(12))
        except ApiError:  # astronomically rare: a run of keys
            continue


def fill_demo(store: Store) -> list[tuple[str, str, str | None]]:
    """(name, role, one-time password) per role. An account still holding a one-time password gets
    a fresh one (the old one was shown once and is not kept); one whose holder chose their own
    keeps it (password None). Blocking: for the command line."""
    made = []
    for name, role in DEMO_ACCOUNTS:
        user = store.read_blocking(accounts.user_by_name, name)
        if user is not None and not user["must_change_password"]:
            made.append((name, role, None))
            continue
        password = one_time_password()
        password_hash = auth.hash_password(password)
        if user is None:
            store.write_blocking(accounts.add_user, name, role, password_hash, "zh,mn", must_change_password=True)
        else:
            store.write_blocking(accounts.give_one_time_password, user["id"], password_hash)
        made.append((name, role, password))
    return made


def accounts_text(made: list[tuple[str, str, str | None]]) -> str:
    """What the demo prints at its end (scripts/run-demo.sh shows it beside the console address)."""
    lines = ["Console accounts (sign in at /console/; each one-time password must be replaced at first sign-in):"]
    for name, role, password in made:
        lines.append(f"  {role:<11} {name:<16} {password or '(its holder chose a password)'}")
    return "\n".join(lines)
