"""A small tus 1.0.0 client for tests: upload bytes to /api/v1/uploads and get the upload id."""
from __future__ import annotations

import base64
import urllib.request

TUS = {"Tus-Resumable": "1.0.0"}
OFFSET_BODY = {"Content-Type": "application/offset+octet-stream"}


def metadata_header(**pairs: str) -> str:
    """Upload-Metadata: each value base64-encoded."""
    return ",".join(f"{key} {base64.b64encode(value.encode()).decode()}" for key, value in pairs.items())


async def tus_upload(client, headers: dict, data: bytes, filename: str = "x.mp4", chunk: int = 256 * 1024,
                     filetype: str = "") -> str:
    """Uploads `data` with the aiohttp test client in PATCHes of `chunk` bytes; returns the upload id."""
    meta = {"filename": filename, **({"filetype": filetype} if filetype else {})}
    resp = await client.post("/api/v1/uploads", headers={
        **headers, **TUS, "Upload-Length": str(len(data)), "Upload-Metadata": metadata_header(**meta)})
    assert resp.status == 201, (resp.status, await resp.text())
    location = resp.headers["Location"]
    offset = 0
    while offset < len(data):
        piece = data[offset:offset + chunk]
        resp = await client.patch(location, data=piece, headers={
            **headers, **TUS, **OFFSET_BODY, "Upload-Offset": str(offset)})
        assert resp.status == 204, (resp.status, await resp.text())
        offset = int(resp.headers["Upload-Offset"])
    return location.rsplit("/", 1)[-1]


def tus_upload_sync(base_url: str, headers: dict, data: bytes, filename: str = "x.mp4",
                    chunk: int = 256 * 1024, filetype: str = "") -> str:
    """The same with urllib, for a `server_process` URL; returns the upload id."""
    meta = {"filename": filename, **({"filetype": filetype} if filetype else {})}
    request = urllib.request.Request(f"{base_url}/api/v1/uploads", method="POST", data=b"", headers={
        **headers, **TUS, "Upload-Length": str(len(data)), "Upload-Metadata": metadata_header(**meta)})
    with urllib.request.urlopen(request, timeout=30) as resp:
        location = resp.headers["Location"]
    offset = 0
    while offset < len(data):
        request = urllib.request.Request(base_url + location, method="PATCH", data=data[offset:offset + chunk],
                                         headers={**headers, **TUS, **OFFSET_BODY, "Upload-Offset": str(offset)})
        with urllib.request.urlopen(request, timeout=30) as resp:
            offset = int(resp.headers["Upload-Offset"])
    return location.rsplit("/", 1)[-1]
