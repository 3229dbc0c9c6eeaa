"""The tus 1.0.0 request headers, parsed and checked; every refusal is a bilingual ApiError."""
from __future__ import annotations

import base64
import binascii
import re

from aiohttp import web

from ..kernel.errors import ApiError
from ..kernel.i18n import N_

TUS_VERSION = "1.0.0"
EXTENSIONS = "creation,creation-with-upload,expiration,checksum,termination"
CHECKSUM_ALGORITHMS = "sha1"
OFFSET_CONTENT_TYPE = "application/offset+octet-stream"
MAX_METADATA_BYTES = 4096
MAX_FILENAME_CHARS = 255
MAX_FILETYPE_CHARS = 127

_KEY = re.compile(r"[A-Za-z0-9_.\-]{1,64}")
_FILETYPE = re.compile(r"[A-Za-z0-9][A-Za-z0-9!#$&^_.+\-]*/[A-Za-z0-9][A-Za-z0-9!#$&^_.+\-]*")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_DIGITS = re.compile(r"[0-9]{1,19}")


def check_resumable(request: web.Request) -> None:
    """Every request but OPTIONS names the protocol version it speaks."""
    if request.headers.get("Tus-Resumable") != TUS_VERSION:
        # TRANSLATORS: upload error for a wrong client program, max 100 chars
        raise ApiError(412, "tus_version", N_("This upload program speaks a protocol version the server does not support."),
                       field="Tus-Resumable", headers={"Tus-Version": TUS_VERSION})


def header_int(request: web.Request, name: str) -> int | None:
    """A non-negative integer header, or None when absent."""
    raw = request.headers.get(name)
    if raw is None:
        return None
    if not _DIGITS.fullmatch(raw.strip()):
        # TRANSLATORS: upload error naming a technical header, max 100 chars
        raise ApiError(400, "invalid_header", N_("The upload header {header} must be a whole number."),
                       field=name, header=name)
    return int(raw.strip())


def metadata(raw: str | None) -> tuple[dict[str, str], str]:
    """The decoded Upload-Metadata pairs and the header as it will be echoed back."""
    if raw is None or not raw.strip():
        return {"filename": "", "filetype": ""}, ""
    if len(raw.encode("utf-8", "surrogateescape")) > MAX_METADATA_BYTES:
        raise _bad_metadata()
    pairs: dict[str, str] = {}
    for item in raw.split(","):
        parts = item.strip().split(" ")
        if len(parts) > 2 or not _KEY.fullmatch(parts[0]) or parts[0] in pairs:
            raise _bad_metadata()
        value = ""
        if len(parts) == 2:
            try:
                value = base64.b64decode(parts[1], validate=True).decode("utf-8")
            except (binascii.Error, UnicodeDecodeError, ValueError):
                raise _bad_metadata()
        pairs[parts[0]] = value
    filename = pairs.get("filename", "")
    # keep only the last path component: the name is shown to editors, never used as a path
    filename = re.split(r"[/\\]", filename)[-1].strip()
    if _CONTROL.search(filename) or len(filename) > MAX_FILENAME_CHARS:
        # TRANSLATORS: upload error about the name of the chosen file, max 100 chars
        raise ApiError(400, "invalid_filename", N_("The file name is too long or contains characters that are not allowed."),
                       field="filename")
    filetype = pairs.get("filetype", "").strip()
    if filetype and (len(filetype) > MAX_FILETYPE_CHARS or not _FILETYPE.fullmatch(filetype)):
        # TRANSLATORS: upload error about the type of the chosen file, max 100 chars
        raise ApiError(400, "invalid_filetype", N_("The file type of this upload is not valid."), field="filetype")
    pairs["filename"], pairs["filetype"] = filename, filetype
    return pairs, raw.strip()


def _bad_metadata() -> ApiError:
    # TRANSLATORS: upload error for a malformed technical header, max 100 chars
    return ApiError(400, "invalid_metadata", N_("The upload's file information (Upload-Metadata) is not valid."),
                    field="Upload-Metadata")


def checksum(request: web.Request) -> bytes | None:
    """The expected SHA-1 digest of this request's body, from Upload-Checksum."""
    raw = request.headers.get("Upload-Checksum")
    if raw is None:
        return None
    parts = raw.strip().split(" ")
    if len(parts) != 2 or parts[0].lower() not in CHECKSUM_ALGORITHMS.split(","):
        # TRANSLATORS: upload error for an unsupported checksum, max 100 chars
        raise ApiError(400, "checksum_algorithm", N_("This checksum algorithm is not supported; please use sha1."),
                       field="Upload-Checksum")
    try:
        digest = base64.b64decode(parts[1], validate=True)
    except (binascii.Error, ValueError):
        digest = b""
    if len(digest) != 20:
        # TRANSLATORS: upload error for a malformed checksum, max 100 chars
        raise ApiError(400, "invalid_checksum", N_("The upload checksum is not valid."), field="Upload-Checksum")
    return digest


def check_offset_body(request: web.Request) -> None:
    """Bytes of an upload come as application/offset+octet-stream."""
    if request.content_type != OFFSET_CONTENT_TYPE:
        # TRANSLATORS: upload error for a wrong client program, max 100 chars
        raise ApiError(415, "wrong_content_type", N_("Upload data must be sent as application/offset+octet-stream."),
                       field="Content-Type")


def has_body(request: web.Request) -> bool:
    return bool(request.content_length) or request.headers.get("Transfer-Encoding", "").lower() == "chunked"
