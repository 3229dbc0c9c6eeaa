"""Users, API tokens, web sessions, login throttling and household devices."""
from __future__ import annotations

import time

MIGRATIONS = [
    """
    CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        role TEXT NOT NULL CHECK (role IN ('editor', 'staff', 'supervisor', 'admin')),
        password_hash TEXT NOT NULL,
        languages TEXT NOT NULL DEFAULT 'zh',
        active INTEGER NOT NULL DEFAULT 1,
        created_at REAL NOT NULL
    );
    CREATE TABLE api_tokens (
        token_hash TEXT PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        created_at REAL NOT NULL
    );
    CREATE TABLE sessions (
        id_hash TEXT PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        csrf_token TEXT NOT NULL,
        expires_at REAL NOT NULL
    );
    CREATE TABLE devices (
        id TEXT PRIMARY KEY,
        token_hash TEXT NOT NULL UNIQUE,
        region TEXT NOT NULL,
        language TEXT NOT NULL,
        created_at REAL NOT NULL
    );
    """,
    # API tokens get a public id (for listing and revoking), a label and an expiry
    """
    ALTER TABLE api_tokens ADD COLUMN id TEXT;
    ALTER TABLE api_tokens ADD COLUMN label TEXT NOT NULL DEFAULT '';
    ALTER TABLE api_tokens ADD COLUMN expires_at REAL;
    UPDATE api_tokens SET id = substr(token_hash, 1, 16);
    CREATE UNIQUE INDEX api_tokens_id ON api_tokens (id);
    """,
]


def add_user(store, name: str, role: str, password_hash: str, languages: str = "zh") -> int:
    with store.write() as conn:
        cur = conn.execute(
            "INSERT INTO users (name, role, password_hash, languages, created_at) VALUES (?, ?, ?, ?, ?)",
            (name, role, password_hash, languages, time.time()))
        return cur.lastrowid


def user_by_name(store, name: str):
    return store.one("SELECT * FROM users WHERE name = ? AND active = 1", (name,))


def users(store):
    return store.all("SELECT id, name, role, languages, active, created_at FROM users ORDER BY name")


def add_api_token(store, user_id: int, token_hash: str, expires_at: float | None = None, label: str = "") -> str:
    """Stores a token's hash; returns its public id (the start of the hash, not a secret)."""
    token_id = token_hash[:16]
    with store.write() as conn:
        conn.execute("INSERT INTO api_tokens (token_hash, id, user_id, label, created_at, expires_at) "
                     "VALUES (?, ?, ?, ?, ?, ?)", (token_hash, token_id, user_id, label, time.time(), expires_at))
    return token_id


def user_by_api_token(store, token_hash: str):
    return store.one(
        "SELECT users.* FROM api_tokens JOIN users ON users.id = api_tokens.user_id "
        "WHERE token_hash = ? AND users.active = 1 AND (expires_at IS NULL OR expires_at > ?)",
        (token_hash, time.time()))


def api_tokens(store, user_id: int | None = None):
    """Live and expired tokens (never their secret), newest first, optionally of one account."""
    return store.all(
        "SELECT api_tokens.id, api_tokens.label, api_tokens.created_at, api_tokens.expires_at, "
        "users.id AS user_id, users.name AS user_name FROM api_tokens JOIN users ON users.id = api_tokens.user_id "
        "WHERE ? IS NULL OR users.id = ? ORDER BY api_tokens.created_at DESC", (user_id, user_id))


def revoke_api_token(store, token_id: str) -> bool:
    with store.write() as conn:
        return conn.execute("DELETE FROM api_tokens WHERE id = ?", (token_id,)).rowcount > 0


def revoke_api_tokens_of(store, user_id: int) -> None:
    with store.write() as conn:
        conn.execute("DELETE FROM api_tokens WHERE user_id = ?", (user_id,))


def add_session(store, id_hash: str, user_id: int, csrf_token: str, expires_at: float) -> None:
    with store.write() as conn:
        conn.execute("DELETE FROM sessions WHERE expires_at < ?", (time.time(),))
        conn.execute("INSERT INTO sessions (id_hash, user_id, csrf_token, expires_at) VALUES (?, ?, ?, ?)",
                     (id_hash, user_id, csrf_token, expires_at))


def session_user(store, id_hash: str):
    """The user and CSRF token of a live session, or None."""
    return store.one(
        "SELECT users.*, sessions.csrf_token FROM sessions JOIN users ON users.id = sessions.user_id "
        "WHERE id_hash = ? AND expires_at > ? AND users.active = 1", (id_hash, time.time()))


def end_session(store, id_hash: str) -> None:
    with store.write() as conn:
        conn.execute("DELETE FROM sessions WHERE id_hash = ?", (id_hash,))


def add_device(store, device_id: str, token_hash: str, region: str, language: str) -> None:
    with store.write() as conn:
        conn.execute("INSERT INTO devices (id, token_hash, region, language, created_at) VALUES (?, ?, ?, ?, ?)",
                     (device_id, token_hash, region, language, time.time()))


def device_by_id(store, device_id: str):
    return store.one("SELECT * FROM devices WHERE id = ?", (device_id,))


def device_by_token(store, token_hash: str):
    return store.one("SELECT * FROM devices WHERE token_hash = ?", (token_hash,))


def user_by_id(store, user_id: int):
    return store.one("SELECT id, name, role, languages, active, created_at FROM users WHERE id = ?", (user_id,))


def set_active(store, user_id: int, active: bool) -> None:
    """Deactivating ends the account's sessions and revokes its API tokens at once
    (activating again does not bring old tokens back)."""
    with store.write() as conn:
        conn.execute("UPDATE users SET active = ? WHERE id = ?", (1 if active else 0, user_id))
        if not active:
            conn.execute("DELETE FROM sessions WHERE user_id = ?", (user_id,))
            conn.execute("DELETE FROM api_tokens WHERE user_id = ?", (user_id,))


def set_languages(store, user_id: int, languages: str) -> None:
    with store.write() as conn:
        conn.execute("UPDATE users SET languages = ? WHERE id = ?", (languages, user_id))


def reset_password(store, user_id: int, password_hash: str) -> None:
    """A new password signs the person out everywhere and revokes their API tokens,
    in case the old password (and what was made with it) leaked."""
    with store.write() as conn:
        conn.execute("UPDATE users SET password_hash = ? WHERE id = ?", (password_hash, user_id))
        conn.execute("DELETE FROM sessions WHERE user_id = ?", (user_id,))
        conn.execute("DELETE FROM api_tokens WHERE user_id = ?", (user_id,))
