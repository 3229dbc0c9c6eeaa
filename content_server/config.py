"""Settings, and the one place that knows the layout of the data root."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

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
        for path in (self.root, self.uploads, self.renditions, self.posters, self.work):
            path.mkdir(parents=True, exist_ok=True)


@dataclass
class Settings:
    data: Path = Path("media")
    host: str = "127.0.0.1"
    port: int = 8080
    public_url: str = ""  # absolute base for URLs handed to boxes; empty: relative URLs
    max_upload_bytes: int = 8 * 1024**3
    upload_expiry_seconds: int = 24 * 3600
    max_open_uploads_per_editor: int = 20
    max_json_bytes: int = 64 * 1024
    session_hours: int = 12
    tls_proxy: bool = False  # behind a TLS-terminating proxy: mark cookies Secure
    device_registrations_per_minute: int = 30
    login_attempts_per_15_minutes: int = 10
    transcode_workers: int = 1
    claim_lease_minutes: int = 15  # a callback claim lapses unless the desk page renews it
    phone_retention_days: int = 30  # phone numbers are erased this long after a question ends
    # a connection must deliver a whole request head this soon after connecting or after its
    # previous answer, else it is closed: a client sending a header line every 20 s holds nothing
    header_timeout_seconds: float = 30.0
    body_timeout_seconds: float = 30.0  # longest silence while a JSON or form body arrives
    extra: dict = field(default_factory=dict)

    @property
    def root(self) -> DataRoot:
        return DataRoot(self.data)
