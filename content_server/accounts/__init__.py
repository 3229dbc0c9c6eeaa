"""Accounts: who is calling (sessions, API tokens, device tokens), read from the store."""
