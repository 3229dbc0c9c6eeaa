"""The content-server command line (see ARCHITECTURE.md)."""
from __future__ import annotations

import argparse
import getpass
import logging
import sys
from pathlib import Path

from aiohttp import web

from . import auth
from .app import create_app
from .config import Settings
from .storage import Store, accounts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="content-server", description="legal-tv content server")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the HTTP server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8080)
    _data_option(serve)

    demo = sub.add_parser("demo", help="fill the data root with sample bilingual content")
    _data_option(demo)

    user = sub.add_parser("user", help="manage console accounts").add_subparsers(dest="action", required=True)
    add = user.add_parser("add", help="add an account; the password is read from standard input")
    add.add_argument("name")
    add.add_argument("--role", choices=auth.ROLES, required=True)
    add.add_argument("--languages", default="zh", help="languages the person answers in, e.g. zh,mn")
    _data_option(add)

    token = sub.add_parser("token", help="API tokens").add_subparsers(dest="action", required=True)
    create = token.add_parser("create", help="print a new API token for an account")
    create.add_argument("name")
    _data_option(create)

    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = Settings(data=Path(args.data))
    settings.root.create()

    if args.command == "serve":
        settings.host, settings.port = args.host, args.port
        web.run_app(create_app(settings), host=args.host, port=args.port, access_log=None)
        return 0
    if args.command == "demo":
        from .demo import fill_demo
        fill_demo(settings)
        return 0
    store = Store(settings.root.database)
    if args.command == "user":
        password = _read_password()
        if len(password) < 10:
            print("The password must have at least 10 characters.", file=sys.stderr)
            return 2
        if accounts.user_by_name(store, args.name) is not None:
            print(f"An account named {args.name!r} exists already.", file=sys.stderr)
            return 2
        accounts.add_user(store, args.name, args.role, auth.hash_password(password), args.languages)
        print(f"Added {args.name} ({args.role}).")
        return 0
    if args.command == "token":
        row = accounts.user_by_name(store, args.name)
        if row is None:
            print(f"No account named {args.name!r}.", file=sys.stderr)
            return 2
        token, token_hash = auth.new_token("ltv")
        accounts.add_api_token(store, row["id"], token_hash)
        print(token)
        return 0
    return 2


def _data_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", default="media", help="data root (database, uploads, renditions)")


def _read_password() -> str:
    if sys.stdin.isatty():
        return getpass.getpass("Password: ")
    return sys.stdin.readline().rstrip("\n")


if __name__ == "__main__":
    sys.exit(main())
