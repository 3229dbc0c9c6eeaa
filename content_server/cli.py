"""The content-server command line (see ARCHITECTURE.md).

Every Settings field is an option of `serve` (and a LEGAL_TV_* environment variable); the other
commands take the settings that concern them.
"""
from __future__ import annotations

import argparse
import getpass
import logging
import sys
import time

from aiohttp import web

from .accounts import callers
from .app import create_app
from .kernel import auth
from .kernel.config import add_setting_options, settings_from
from .kernel.errors import ApiError
from .kernel.password_policy import check_password
from .storage import Store, accounts

STORE_SETTINGS = ("data", "database")
DEMO_SETTINGS = ("data", "database", "public_url", "extra")
WORKER_SETTINGS = ("data", "database", "transcode_workers", "extra")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="content-server", description="legal-tv content server")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the HTTP server",
                           description="Run the HTTP server. Every option can also be set as the "
                                       "environment variable shown; the command line wins.")
    add_setting_options(serve)

    worker = sub.add_parser("worker", help="transcode jobs claimed from the database",
                            description="Claim transcode jobs from the database (with a lease kept by a "
                                        "heartbeat) and run them, on a machine that mounts the data root. "
                                        "Stops, handing its jobs back, on SIGTERM or SIGINT.")
    add_setting_options(worker, WORKER_SETTINGS)

    demo = sub.add_parser("demo", help="fill the data root with sample bilingual content")
    add_setting_options(demo, DEMO_SETTINGS)

    playout = sub.add_parser("playout", help="broadcast a channel as a constant-bitrate MPEG-TS",
                             description="Play a channel as the schedule has it now, item after item, as one "
                                         "continuous constant-bitrate MPEG transport stream copied from the stored "
                                         "segments (video is never encoded). Stops on SIGTERM or SIGINT.")
    playout.add_argument("channel")
    playout.add_argument("--output", required=True,
                         help="udp://HOST:PORT?pkt_size=1316 (a multicast group takes &ttl=N&localaddr=IP)")
    playout.add_argument("--muxrate", type=int, default=8_000_000, help="constant bitrate in bit/s, nulls included")
    playout.add_argument("--rung", default="1080p", help="copy the stored rung nearest this height")
    playout.add_argument("--audio", choices=("aac", "mp2"), default="aac",
                         help="aac copies the stored audio; mp2 encodes MPEG-1 Layer II for older DVB-C boxes")
    add_setting_options(playout, STORE_SETTINGS)

    user = sub.add_parser("user", help="manage console accounts").add_subparsers(dest="action", required=True)
    add = user.add_parser("add", help="add an account; the password is read from standard input")
    add.add_argument("name")
    add.add_argument("--role", choices=auth.ROLES, required=True)
    add.add_argument("--languages", default="zh", help="languages the person answers in, e.g. zh,mn")
    add_setting_options(add, STORE_SETTINGS)

    token = sub.add_parser("token", help="API tokens").add_subparsers(dest="action", required=True)
    create = token.add_parser("create", help="print a new API token for an account")
    create.add_argument("name")
    create.add_argument("--expires-days", type=int, default=None, help="the token stops working after this many days")
    create.add_argument("--label", default="", help="what the token is for, shown in lists")
    add_setting_options(create, STORE_SETTINGS)
    listing = token.add_parser("list", help="list API tokens (id, account, label, expiry), never their secret")
    listing.add_argument("name", nargs="?", help="only this account's tokens")
    add_setting_options(listing, STORE_SETTINGS)
    revoke = token.add_parser("revoke", help="make an API token stop working at once")
    revoke.add_argument("id", help="the token's id as printed by `token list`")
    add_setting_options(revoke, STORE_SETTINGS)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = settings_from(args)
    except argparse.ArgumentTypeError as exc:
        parser.error(str(exc))
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings.root.create()

    if args.command == "serve":
        web.run_app(create_app(settings), host=settings.host, port=settings.port, access_log=None)
        return 0
    if args.command == "worker":
        from .media.worker import run_worker
        store = Store(settings.database_url)
        try:
            run_worker(store, settings)
        finally:
            store.close()
        return 0
    if args.command == "demo":
        from .demo import fill_demo
        fill_demo(settings)
        return 0
    if args.command == "playout":
        import asyncio
        from .playout import run_playout
        from .playout.service import Options
        asyncio.run(run_playout(settings, Options(args.channel, args.output, args.muxrate, args.rung, args.audio)))
        return 0
    store = Store(settings.database_url)
    try:
        return _account_command(store, args)
    finally:
        store.close()


def _account_command(store: Store, args: argparse.Namespace) -> int:
    if args.command == "user":
        try:
            password = check_password(_read_password())
        except ApiError as exc:
            print(exc.msgid.format(**exc.params), file=sys.stderr)
            return 2
        if store.read_blocking(accounts.user_by_name, args.name) is not None:
            print(f"An account named {args.name!r} exists already.", file=sys.stderr)
            return 2
        store.write_blocking(accounts.add_user, args.name, args.role, auth.hash_password(password), args.languages)
        print(f"Added {args.name} ({args.role}).")
        return 0
    return _token_command(store, args)


def _token_command(store: Store, args: argparse.Namespace) -> int:
    if args.action == "revoke":
        if not store.write_blocking(accounts.revoke_api_token, args.id):
            print(f"No API token with id {args.id!r}.", file=sys.stderr)
            return 2
        print(f"Revoked {args.id}.")
        return 0
    row = store.read_blocking(accounts.user_by_name, args.name) if args.name else None
    if args.name and row is None:
        print(f"No account named {args.name!r}.", file=sys.stderr)
        return 2
    if args.action == "list":
        for token in store.read_blocking(accounts.api_tokens, row["id"] if row else None):
            expires = token["expires_at"]
            expiry = "never" if expires is None else time.strftime("%Y-%m-%d %H:%M", time.localtime(expires))
            if expires is not None and expires <= time.time():
                expiry += " (expired)"
            print(f"{token['id']}\t{token['user_name']}\t{expiry}\t{token['label']}")
        return 0
    if args.expires_days is not None and not 1 <= args.expires_days <= 3650:
        print("--expires-days must be between 1 and 3650.", file=sys.stderr)
        return 2
    token, _token_id, _expires_at = store.write_blocking(callers.issue_api_token, row["id"], args.expires_days, args.label)
    print(token)
    return 0


def _read_password() -> str:
    if sys.stdin.isatty():
        return getpass.getpass("Password: ")
    return sys.stdin.readline().rstrip("\n")


if __name__ == "__main__":
    sys.exit(main())
