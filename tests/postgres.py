"""A real PostgreSQL for the tests: one server per session, one fresh database per test.

The server comes from Debian's `postgresql` package (scripts/setup.sh installs it). It runs as
the `postgres` user when the tests run as root (initdb refuses root), in a temporary directory,
on a free loopback port with a private socket directory, without fsync (a test database need
not survive a power cut), in memory (/dev/shm) where there is one: removing a cluster that has
held hundreds of databases from a disk mounted with `discard` took three minutes. Each test gets
`CREATE DATABASE … TEMPLATE` of a database that already holds the schema, which is a file copy,
dropped when the next test makes its own. Without PostgreSQL the tests that ask for it skip.
"""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

SERVER_SETTINGS = ("fsync=off", "synchronous_commit=off", "full_page_writes=off", "max_connections=200")
TEMPLATE = "legaltv_template"


def _bin_dir() -> Path | None:
    """The newest installed server's bin folder (Debian keeps them under /usr/lib/postgresql/<major>)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parent.parent.name))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _scratch_parent() -> str | None:
    """/dev/shm when it is a writable tmpfs (the cluster's files then never touch the disk), else the default."""
    shm = Path("/dev/shm")
    return str(shm) if shm.is_dir() and os.access(shm, os.W_OK) else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    """A throwaway cluster; `url(name)` addresses one of its databases."""

    def __init__(self, bin_dir: Path):
        self.bin_dir = bin_dir
        self.root = Path(tempfile.mkdtemp(prefix="legaltv-pg-", dir=_scratch_parent()))
        self.data = self.root / "data"
        self.sockets = self.root / "sockets"
        self.port = _free_port()
        self.user = "postgres"
        self._as_user: list[str] = []
        if os.geteuid() == 0:  # initdb and the server refuse to run as root
            owner = pwd.getpwnam("postgres")
            os.chown(self.root, owner.pw_uid, owner.pw_gid)
            self._as_user = ["runuser", "-u", "postgres", "--"]
        else:
            self.user = pwd.getpwuid(os.geteuid()).pw_name
        for folder in (self.data, self.sockets):
            self._run("mkdir", "-m", "700", str(folder))
        self._counter = 0
        self._made: list[str] = []

    def _run(self, *command: str) -> None:
        subprocess.run([*self._as_user, *command], check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        self._run(str(self.bin_dir / "initdb"), "-D", str(self.data), "-A", "trust", "-U", self.user,
                  "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")
        options = " ".join([f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.sockets}",
                            *(f"-c {setting}" for setting in SERVER_SETTINGS)])
        self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-l", str(self.root / "server.log"),
                  "-o", options, "-w", "-t", "60", "start")

    def stop(self) -> None:
        try:
            self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{database}"

    def create_database(self, template: str | None = None) -> str:
        """A new empty database (a copy of `template`); returns its URL. The earlier tests'
        databases are dropped first: their tests have ended, servers and apps closed (a drop at
        the fixture's own teardown could come before the app's, which still uses it)."""
        import psycopg
        self._counter += 1
        name = f"test_{os.getpid()}_{self._counter}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            for earlier in self._made:
                conn.execute(f'DROP DATABASE IF EXISTS "{earlier}" WITH (FORCE)')
            self._made.clear()
            conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        self._made.append(name)
        return self.url(name)

@pytest.fixture(scope="session")
def postgres_server():
    """The session's PostgreSQL server, stopped at the end even when tests fail."""
    bin_dir = _bin_dir()
    if bin_dir is None:
        pytest.skip("PostgreSQL is not installed (scripts/setup.sh installs Debian's postgresql package)")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("psycopg is not installed (pip install -e '.[dev]')")
    server = PostgresServer(bin_dir)
    try:
        server.start()
    except BaseException:
        server.stop()
        raise
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def postgres_template(postgres_server) -> str:
    """A database holding the whole schema, copied for every test that wants a migrated one."""
    import psycopg

    from content_server.storage import postgres
    with psycopg.connect(postgres_server.url(), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{TEMPLATE}"')
    postgres.migrate(postgres_server.url(TEMPLATE))
    return TEMPLATE


@pytest.fixture
def postgres_url(postgres_server) -> str:
    """The URL of a fresh, empty database (no schema)."""
    return postgres_server.create_database()


@pytest.fixture
def postgres_migrated_url(postgres_server, postgres_template) -> str:
    """The URL of a fresh database with the whole schema applied."""
    return postgres_server.create_database(postgres_template)
