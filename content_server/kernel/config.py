"""Settings, and the one place that knows the layout of the data root."""
from __future__ import annotations

import argparse
import functools
import json
import os
import re
import typing
from dataclasses import MISSING, dataclass, field, fields
from pathlib import Path

from aiohttp import web

_UPLOAD_ID = re.compile(r"[0-9a-f]{32}")


class DataRoot:
    """Where every file of the server lives under the data root."""

    def __init__(self, root: Path | str):
        self.root = Path(root).resolve()

    @property
    def database(self) -> Path:
        return self.root / "legal-tv.db"

    @property
    def uploads(self) -> Path:
        return self.root / "uploads"

    @property
    def renditions(self) -> Path:
        return self.root / "renditions"

    @property
    def posters(self) -> Path:
        return self.root / "posters"

    @property
    def work(self) -> Path:
        """Scratch space for half-made outputs; renamed into place when complete."""
        return self.root / "work"

    @property
    def slate(self) -> Path:
        """The channels' offline slate: a small stored rendition in the renditions layout."""
        return self.root / "slate"

    def rendition_dir(self, video_id: str) -> Path:
        return self.renditions / video_id

    def poster_dir(self, video_id: str) -> Path:
        return self.posters / video_id

    def upload_file(self, upload_id: str) -> Path:
        """The file of a tus upload. Raises ValueError unless the id is 32 lowercase hex digits."""
        if not _UPLOAD_ID.fullmatch(upload_id):
            raise ValueError("not an upload id")
        return self.uploads / f"{upload_id}.bin"

    def create(self) -> None:
        """Makes the folders; the root is for the server's own user only (0700): it holds
        households' phone numbers and unpublished uploads."""
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.root.chmod(0o700)  # also a root made by an older version or by hand
        for path in (self.uploads, self.renditions, self.posters, self.work):
            path.mkdir(mode=0o700, parents=True, exist_ok=True)


def setting(default, help: str, env: str = ""):
    """A Settings field: `help` is shown by `content-server serve --help`; `env` names its
    environment variable when it is not LEGAL_TV_<FIELD NAME>."""
    metadata = {"help": help, **({"env": env} if env else {})}
    if isinstance(default, (dict, list)):
        return field(default_factory=lambda: type(default)(default), metadata=metadata)
    return field(default=default, metadata=metadata)


@dataclass
class Settings:
    """Every field can be given as --field-name on the command line or LEGAL_TV_FIELD_NAME in
    the environment (`add_setting_options`, `settings_from`)."""
    data: Path = setting(Path("media"), "data root (database, uploads, renditions)")
    database: str = setting("", "where the database is: postgresql://user@host/name (province mode), or "
                                "sqlite:///<path>; empty: sqlite:///<data root>/legal-tv.db",
                       env="LEGAL_TV_DATABASE_URL")
    host: str = setting("127.0.0.1", "address to listen on")
    port: int = setting(8080, "port to listen on")
    public_url: str = setting("", "absolute base for URLs handed to boxes, e.g. https://tv.example.cn; "
                                  "empty: relative URLs. Also the origin the sign-in form must come from")
    max_upload_bytes: int = setting(8 * 1024**3, "largest video an editor may upload, in bytes")
    upload_expiry_seconds: int = setting(24 * 3600, "an unfinished upload is deleted after this many seconds")
    max_open_uploads_per_editor: int = setting(20, "unfinished uploads one editor may hold")
    max_json_bytes: int = setting(64 * 1024, "largest JSON body accepted, in bytes")
    session_hours: int = setting(12, "a console session lasts this many hours")
    tls_proxy: bool = setting(False, "behind a TLS-terminating proxy: mark cookies Secure")
    trusted_proxies: tuple[str, ...] = setting((), "comma-separated addresses or networks of reverse proxies whose "
                                         "X-Forwarded-For, Forwarded and X-Forwarded-Proto are believed")
    device_registrations_per_minute: int = setting(30, "box registrations per minute from one client address")
    login_attempts_per_15_minutes: int = setting(10, "failed sign-ins per 15 minutes from one client address")
    login_failures_before_backoff: int = setting(5, "failed sign-ins of one account, from anywhere, before "
                                                    "it must wait (1 s, doubling up to 15 minutes)")
    password_hash_workers: int = setting(max(1, (os.cpu_count() or 2) - 1),
                                         "threads hashing passwords (default leaves one core to the server)")
    password_hash_queue: int = setting(32, "password checks waiting for a thread before sign-ins are refused "
                                           "with 503")
    metrics_token: str = setting("", "Bearer token a Prometheus scraper sends to read /metrics "
                                     "(administrators may always read it)")
    transcode: bool = setting(True, "run ffmpeg transcodes in this process (--no-transcode: an API node only; "
                                    "workers elsewhere transcode)")
    transcode_workers: int = setting(1, "ffmpeg transcodes run at once")
    claim_lease_minutes: int = setting(15, "a callback claim lapses unless the desk page renews it")
    phone_retention_days: int = setting(30, "phone numbers are erased this long after a question ends")
    deleted_video_days: int = setting(30, "a deleted video's files are purged this many days after its deletion")
    min_free_bytes: int = setting(512 * 1024**2, "/healthz fails and ingest refuses below this much free space "
                                                 "on the data root's disk, in bytes")
    min_free_fraction: float = setting(0.05, "or below this share of that disk, whichever is less (small disks)")
    header_timeout_seconds: float = setting(30.0, "a connection must deliver a whole request head this soon after "
                                                  "connecting or after its previous answer, else it is closed")
    body_timeout_seconds: float = setting(30.0, "longest silence while a JSON or form body arrives (then 408)")
    playouts: dict = setting({}, "broadcast playouts run (and restarted) beside the server, as JSON "
                                 "{channel: output URL or {\"output\", \"muxrate\", \"rung\", \"audio\"}}, e.g. "
                                 "{\"legal\": \"udp://239.10.1.1:5000?pkt_size=1316&ttl=4\"}")
    extra: dict = setting({}, "tuning knobs as a JSON object, e.g. {\"x264_preset\": \"veryfast\"}")

    @property
    def root(self) -> DataRoot:
        return DataRoot(self.data)

    @property
    def database_url(self) -> str:
        """The database to open (`storage.Store(settings.database_url)`): the setting, else the
        data root's SQLite file."""
        return self.database or "sqlite:///" + str(self.root.database)


ENV_PREFIX = "LEGAL_TV_"


def add_setting_options(parser: argparse.ArgumentParser, names: tuple[str, ...] | None = None) -> None:
    """One --option per Settings field (all of them, or `names`), with its help and default."""
    hints = typing.get_type_hints(Settings)
    for f in fields(Settings):
        if names is not None and f.name not in names:
            continue
        kind = hints[f.name]
        option = "--" + f.name.replace("_", "-")
        described = f.metadata.get("help", f.name.replace("_", " "))  # a field declared without setting()
        help_text = f"{described} (default: {_shown(f)}; env {_env_name(f)})"
        if kind is bool:
            parser.add_argument(option, dest=f.name, action=argparse.BooleanOptionalAction,
                                default=None, help=help_text)
        else:
            parser.add_argument(option, dest=f.name, default=None, metavar=f.name.upper(),
                                type=functools.partial(_convert, kind, option), help=help_text)


def settings_from(args: argparse.Namespace | None = None, environ=None) -> Settings:
    """Settings from the command line, else LEGAL_TV_* environment variables, else the defaults.
    Raises argparse.ArgumentTypeError naming the variable when a value does not convert."""
    environ = os.environ if environ is None else environ
    hints = typing.get_type_hints(Settings)
    values = {}
    for f in fields(Settings):
        given = getattr(args, f.name, None) if args is not None else None
        if given is not None:
            values[f.name] = given
        elif _env_name(f) in environ:
            values[f.name] = _convert(hints[f.name], _env_name(f), environ[_env_name(f)])
    return Settings(**values)


def _env_name(f) -> str:
    return f.metadata.get("env", ENV_PREFIX + f.name.upper())


def _shown(f) -> str:
    default = f.default if f.default is not MISSING else f.default_factory()
    if isinstance(default, tuple):
        return ",".join(default)
    return json.dumps(default) if isinstance(default, dict) else str(default)


_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off", ""}


def _convert(kind, name: str, text: str):
    """A setting's text (command line or environment) as its declared type."""
    try:
        if kind is bool:
            if text.strip().lower() not in _TRUE | _FALSE:
                raise ValueError(text)
            return text.strip().lower() in _TRUE
        if kind is Path:
            return Path(text)
        if kind in (int, float, str):
            return kind(text)
        if typing.get_origin(kind) is tuple:
            return tuple(part.strip() for part in text.split(",") if part.strip())
        if kind is dict:
            value = json.loads(text)
            if not isinstance(value, dict):
                raise ValueError(text)
            return value
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{name}: {text!r} is not a valid {getattr(kind, '__name__', kind)}") from exc
    raise TypeError(f"no conversion for {kind}")


SETTINGS = web.AppKey("settings", Settings)  # the settings the app was made with
