"""The one error shape of the contract, and the middleware that guarantees it."""
from __future__ import annotations

import errno
import logging
import sqlite3

import psycopg
from aiohttp import web

from .i18n import N_, bilingual

log = logging.getLogger(__name__)


class ApiError(Exception):
    """A refusal with a bilingual message: {"error", "field", "message": {"zh", "mn"}}."""

    def __init__(self, status: int, code: str, msgid: str, field: str | None = None,
                 headers: dict | None = None, details: dict | None = None, **params):
        super().__init__(code)
        self.status, self.code, self.msgid, self.field = status, code, msgid, field
        self.headers, self.params = headers or {}, params
        self.details = details or {}  # extra keys a form can act on, e.g. the slots that still play a video

    def body(self) -> dict:
        return {**self.details, "error": self.code, "field": self.field,
                "message": bilingual(self.msgid, **self.params)}

    def response(self) -> web.Response:
        return web.json_response(self.body(), status=self.status, headers=self.headers)


_HTTP_ERRORS = {
    404: ("not_found", N_("Nothing was found at this address.")),
    # TRANSLATORS: error message from the server, shown in the consoles and on the TV, max 80 chars
    405: ("method_not_allowed", N_("This address does not accept this kind of request.")),
    # TRANSLATORS: error message from the server, shown in the consoles and on the TV, max 80 chars
    413: ("too_large", N_("The request is too large.")),
}


@web.middleware
async def error_middleware(request: web.Request, handler):
    try:
        return await handler(request)
    except ApiError as exc:
        return exc.response()
    except web.HTTPException as exc:
        if exc.status in _HTTP_ERRORS:
            code, msgid = _HTTP_ERRORS[exc.status]
            return ApiError(exc.status, code, msgid, headers=_allow(exc)).response()
        raise
    except Exception as exc:
        if disk_full(exc):
            log.error("disk full on %s %s: %s", request.method, request.path, exc)
            return disk_full_error().response()
        if database_unreachable(exc):
            log.error("database unreachable on %s %s: %s", request.method, request.path, exc)
            return database_unreachable_error().response()
        log.exception("unhandled error on %s %s", request.method, request.path)
        # TRANSLATORS: error message from the server, shown in the consoles and on the TV, max 80 chars
        return ApiError(500, "internal", N_("Something went wrong on the server. Please try again later.")).response()


def _allow(exc: web.HTTPException) -> dict:
    return {"Allow": exc.headers["Allow"]} if "Allow" in exc.headers else {}


DISK_FULL_RETRY_SECONDS = 120


def disk_full(exc: BaseException | None) -> bool:
    """Whether `exc`, or an error it arose from, says the disk (or the database on it) is full."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, sqlite3.Error) and (
                (getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF == sqlite3.SQLITE_FULL
                or "database or disk is full" in str(exc)):
            return True
        if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        if isinstance(exc, psycopg.Error) and exc.sqlstate == "53100":  # PostgreSQL's disk_full
            return True
        exc = exc.__cause__ or exc.__context__
    return False


DATABASE_RETRY_SECONDS = 30
# connection lost or refused (no SQLSTATE, class 08), server shutting down or starting (57P01-03)
_UNREACHABLE_STATES = {None, "57P01", "57P02", "57P03"}


def database_unreachable(exc: BaseException | None) -> bool:
    """Whether `exc`, or an error it arose from, says the database server cannot be reached now."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, psycopg.OperationalError) and (
                exc.sqlstate in _UNREACHABLE_STATES or exc.sqlstate.startswith("08")):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def database_unreachable_error() -> ApiError:
    """503 while the database cannot be reached: the caller should send the request again later."""
    # TRANSLATORS: error message from the server, shown in the consoles and on the TV, max 90 chars
    msgid = N_("The server cannot reach its records just now. Please try again in a minute.")
    return ApiError(503, "database_unavailable", msgid,
                    headers={"Retry-After": str(DATABASE_RETRY_SECONDS)})


def disk_full_error() -> ApiError:
    """503 for a full disk: nothing was kept, and the caller should send it again later."""
    # TRANSLATORS: error message from the server, shown in the consoles and on the TV, max 80 chars
    return ApiError(503, "storage_full", N_("The server's disk is full, so nothing was saved. Please try again later."),
                    headers={"Retry-After": str(DISK_FULL_RETRY_SECONDS)})
