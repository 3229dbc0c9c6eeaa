"""Every setting can be given on the command line and in the environment, from one list."""
import dataclasses
import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from content_server.cli import build_parser
from content_server.kernel.config import Settings, settings_from



def test_serve_help_lists_every_setting_with_its_environment_variable():
    text = subprocess.run([sys.executable, "-m", "content_server.cli", "serve", "--help"],
                          capture_output=True, text=True, timeout=60, check=True).stdout
    text = " ".join(text.split())  # argparse wraps lines
    for f in dataclasses.fields(Settings):
        assert f"--{f.name.replace('_', '-')}" in text, f.name
        assert f.metadata.get("env", f"LEGAL_TV_{f.name.upper()}") in text, f.name


def test_command_line_and_environment_become_typed_settings():
    environ = {"LEGAL_TV_PORT": "9000", "LEGAL_TV_TLS_PROXY": "yes", "LEGAL_TV_SESSION_HOURS": "4",
               "LEGAL_TV_TRUSTED_PROXIES": "10.0.0.0/8, 127.0.0.1", "LEGAL_TV_EXTRA": '{"x264_preset": "fast"}',
               "LEGAL_TV_METRICS_TOKEN": "scrape-me"}
    args = build_parser().parse_args(["serve", "--data", "/srv/legal-tv", "--port", "8081", "--host", "0.0.0.0",
                                      "--max-json-bytes", "1000"])
    settings = settings_from(args, environ)
    assert settings.data == Path("/srv/legal-tv") and settings.host == "0.0.0.0"
    assert settings.port == 8081  # the command line wins over the environment
    assert settings.max_json_bytes == 1000 and settings.session_hours == 4
    assert settings.tls_proxy is True and settings.metrics_token == "scrape-me"
    assert settings.trusted_proxies == ("10.0.0.0/8", "127.0.0.1")
    assert settings.extra == {"x264_preset": "fast"}
    # untouched settings keep their defaults
    assert settings.phone_retention_days == Settings().phone_retention_days
    # a boolean can be switched off on the command line even when the environment sets it
    assert settings_from(build_parser().parse_args(["serve", "--no-tls-proxy"]), environ).tls_proxy is False


def test_other_commands_take_the_settings_that_concern_them():
    args = build_parser().parse_args(["token", "list", "--data", "/srv/x"])
    assert settings_from(args, {}).data == Path("/srv/x")
    with pytest.raises(SystemExit):
        build_parser().parse_args(["token", "list", "--port", "1"])


@pytest.mark.parametrize("command", [["serve"], ["demo"], ["user", "add", "li", "--role", "staff"],
                                     ["token", "create", "li"], ["token", "list"], ["token", "revoke", "1"]])
def test_every_command_takes_the_database_url(command):
    """--database, else LEGAL_TV_DATABASE_URL, else the SQLite file in the data root."""
    url = "postgresql://legaltv@db.example/legaltv"
    given = settings_from(build_parser().parse_args([*command, "--data", "/srv/x", "--database", url]), {})
    assert given.database_url == url
    from_env = settings_from(build_parser().parse_args([*command, "--data", "/srv/x"]),
                             {"LEGAL_TV_DATABASE_URL": "postgresql://node@db.example/legaltv"})
    assert from_env.database_url == "postgresql://node@db.example/legaltv"
    default = settings_from(build_parser().parse_args([*command, "--data", "/srv/x"]), {})
    assert default.database_url == "sqlite:///" + str(Path("/srv/x").resolve() / "legal-tv.db")


def test_an_api_node_is_started_without_the_transcoder():
    assert settings_from(build_parser().parse_args(["serve", "--no-transcode"]), {}).transcode is False
    assert settings_from(build_parser().parse_args(["serve"]), {}).transcode is True


@pytest.mark.parametrize("variable, value", [("LEGAL_TV_PORT", "eighty"), ("LEGAL_TV_TLS_PROXY", "perhaps"),
                                             ("LEGAL_TV_EXTRA", "[1, 2]")])
def test_a_bad_environment_value_stops_the_command_and_names_the_variable(tmp_path, variable, value):
    result = subprocess.run([sys.executable, "-m", "content_server.cli", "token", "list", "--data", str(tmp_path)],
                            capture_output=True, text=True, timeout=60, env={**os.environ, variable: value})
    assert result.returncode == 2 and variable in result.stderr


def test_a_server_started_with_environment_settings_uses_them(server_process, monkeypatch):
    monkeypatch.setenv("LEGAL_TV_DEVICE_REGISTRATIONS_PER_MINUTE", "1")
    server = server_process()  # `content-server serve --data … --port …` with this environment

    def register() -> int:
        request = urllib.request.Request(f"{server.url}/api/v1/devices", data=b'{"region": "152500", "language": "mn"}',
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=30) as resp:
                return resp.status
        except urllib.error.HTTPError as refused:
            return refused.code
    assert [register(), register()] == [201, 429]
