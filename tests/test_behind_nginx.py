"""A province behind one nginx: each household is its own client for the limits, and no household
can pass for another by writing X-Forwarded-For itself.

Real nginx (Debian's) on 127.0.0.1 in front of a real `content-server serve` that trusts it;
households connect from their own loopback addresses (127.0.0.2, …), as boxes from their own IPs.
"""
import http.client
import json
import os
import shutil
import socket
import subprocess
import time

import pytest

from .conftest import free_port

pytestmark = pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed")

NGINX_CONF = """
{user}
worker_processes 1;
pid {dir}/nginx.pid;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {dir}/body; proxy_temp_path {dir}/proxy; fastcgi_temp_path {dir}/fcgi;
    uwsgi_temp_path {dir}/uwsgi; scgi_temp_path {dir}/scgi;
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://127.0.0.1:{origin};
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
        }}
    }}
}}
"""


@pytest.fixture
def province(server_process, tmp_path, monkeypatch):
    """(nginx port, origin port): the origin trusts only nginx's address, two boxes a minute each."""
    monkeypatch.setenv("LEGAL_TV_TRUSTED_PROXIES", "127.0.0.1")
    monkeypatch.setenv("LEGAL_TV_DEVICE_REGISTRATIONS_PER_MINUTE", "2")
    origin = server_process()
    folder, port = tmp_path / "nginx", free_port()
    folder.mkdir()
    user = "user root;" if os.geteuid() == 0 else ""
    (folder / "nginx.conf").write_text(NGINX_CONF.format(user=user, dir=folder, origin=origin.port, port=port))
    proc = subprocess.Popen(["nginx", "-p", str(folder), "-c", str(folder / "nginx.conf"), "-e",
                             str(folder / "error.log"), "-g", "daemon off;"])
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, (folder / "error.log").read_text()
                time.sleep(0.05)
        yield port, origin.port
    finally:
        proc.terminate()
        proc.wait(10)


def register(port: int, household: str, forwarded_for: str | None = None) -> int:
    """POST /api/v1/devices from the loopback address `household`."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=(household, 0))
    headers = {"Content-Type": "application/json"}
    if forwarded_for:
        headers["X-Forwarded-For"] = forwarded_for
    try:
        conn.request("POST", "/api/v1/devices", body=json.dumps({"region": "152500", "language": "mn"}),
                     headers=headers)
        return conn.getresponse().status
    finally:
        conn.close()


def test_through_nginx_every_household_has_its_own_limit(province):
    nginx, _origin = province
    # six households register through the one proxy: the limit of two is each one's, not the proxy's
    assert [register(nginx, f"127.0.0.{n}") for n in range(2, 8)] == [201] * 6
    # one household trying to pass for others by writing the header itself is still itself
    spoofing = [register(nginx, "127.0.0.9", forwarded_for=f"203.0.113.{n}") for n in range(3)]
    assert spoofing == [201, 201, 429]


def test_the_same_header_sent_straight_to_the_origin_is_not_believed(province):
    _nginx, origin = province
    direct = [register(origin, "127.0.0.10", forwarded_for=f"203.0.113.{n}") for n in range(3)]
    assert direct == [201, 201, 429]
