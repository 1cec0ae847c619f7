"""PostgreSQL for tests, as pytest-postgresql does it: the local server when it answers, else a
throwaway cluster started from the installed binaries. Every test run works in a database of its
own, created here and dropped at the end, so no other data is ever touched.

``CIVREG_TEST_PG`` picks the server: ``auto`` (default: local if reachable, else throwaway),
``local`` (fail if unreachable) or ``throwaway``. ``CIVREG_TEST_PG_URL`` names the local server's
maintenance database (default ``postgresql+psycopg://postgres@127.0.0.1:5432/postgres``);
``CIVREG_PG_BIN`` the folder holding ``initdb`` and ``pg_ctl``.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url

DEFAULT_LOCAL_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
PG_BIN_GLOB = "/usr/lib/postgresql/*/bin"
SERVER_USER = "postgres"  # who runs a throwaway cluster when we are root (postgres refuses root)


@dataclass(frozen=True)
class PgServer:
    admin_url: URL  # the maintenance database, for CREATE/DROP DATABASE
    kind: str  # "local" | "throwaway"

    def url(self, database: str) -> URL:
        return self.admin_url.set(database=database)


def reachable(url: URL | str, timeout_s: int = 3) -> bool:
    engine = sa.create_engine(
        url, connect_args={"connect_timeout": timeout_s}, poolclass=sa.pool.NullPool
    )
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
        return True
    except sa.exc.OperationalError:
        return False
    finally:
        engine.dispose()


def find_pg_bin() -> Path:
    """The folder with ``initdb`` and ``pg_ctl``: $CIVREG_PG_BIN, the PATH, or Debian's newest."""
    candidates: list[Path] = []
    if env := os.environ.get("CIVREG_PG_BIN"):
        candidates.append(Path(env))
    if on_path := shutil.which("pg_ctl"):
        candidates.append(Path(on_path).parent)

    def version(path: Path) -> tuple[int, ...]:
        return tuple(int(p) for p in path.parent.name.split(".") if p.isdigit())

    candidates += sorted(Path("/").glob(PG_BIN_GLOB.lstrip("/")), key=version, reverse=True)
    for folder in candidates:
        if _has_server_binaries(folder):
            return folder
    raise RuntimeError(
        "no PostgreSQL server binaries (initdb, pg_ctl) found: install the postgresql package "
        "or set CIVREG_PG_BIN"
    )


def _has_server_binaries(folder: Path) -> bool:
    return all((folder / name).is_file() for name in ("initdb", "pg_ctl", "postgres"))


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextlib.contextmanager
def throwaway_cluster(pg_bin: Path | None = None) -> Iterator[PgServer]:
    """A fresh PostgreSQL cluster in a temporary folder, reached by a unix socket there; stopped
    and removed on exit. Run as the ``postgres`` user when we are root."""
    pg_bin = pg_bin or find_pg_bin()
    if not _has_server_binaries(pg_bin):
        raise RuntimeError(f"no PostgreSQL server binaries (initdb, pg_ctl) in {pg_bin}")
    tmp = Path(tempfile.mkdtemp(prefix="civreg-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        runuser = shutil.which("runuser")
        if runuser is None:
            raise RuntimeError("running as root and no runuser to start PostgreSQL as postgres")
        entry = pwd.getpwnam(SERVER_USER)
        os.chown(tmp, entry.pw_uid, entry.pw_gid)
        as_user = [runuser, "-u", SERVER_USER, "--"]
    data, log, port = tmp / "data", tmp / "server.log", _free_port()

    def run(*args: str) -> None:
        done = subprocess.run([*as_user, *args], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            server_log = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(
                f"{Path(args[0]).name} failed ({done.returncode}): {done.stderr[-2000:]}"
                f"{server_log}"
            )

    started = False
    try:
        initdb = [str(pg_bin / "initdb"), "-D", str(data), "-U", SERVER_USER, "--auth=trust"]
        run(*initdb, "--encoding=UTF8", "--no-locale", "--no-sync")
        options = f"-p {port} -k {tmp} -c listen_addresses='' -c fsync=off"
        run(str(pg_bin / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options, "-w", "start")
        started = True
        yield PgServer(
            admin_url=URL.create(
                "postgresql+psycopg",
                username=SERVER_USER,
                database="postgres",
                query={"host": str(tmp), "port": str(port)},
            ),
            kind="throwaway",
        )
    finally:
        if started:
            run(str(pg_bin / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(tmp, ignore_errors=True)


@contextlib.contextmanager
def postgres_server(mode: str | None = None) -> Iterator[PgServer]:
    """The server tests use; see the module docstring for ``mode`` / ``CIVREG_TEST_PG``."""
    mode = mode or os.environ.get("CIVREG_TEST_PG", "auto")
    if mode not in {"auto", "local", "throwaway"}:
        raise ValueError(f"CIVREG_TEST_PG={mode!r}: use auto, local or throwaway")
    if mode != "throwaway":
        local = make_url(os.environ.get("CIVREG_TEST_PG_URL", DEFAULT_LOCAL_URL))
        if reachable(local):
            yield PgServer(admin_url=local, kind="local")
            return
        if mode == "local":
            raise RuntimeError(f"no PostgreSQL server answers at {local!r}")
    with throwaway_cluster() as server:
        yield server


@contextlib.contextmanager
def scratch_database(server: PgServer, prefix: str = "civreg_test") -> Iterator[URL]:
    """A new, uniquely named database on ``server``, dropped (with its connections) on exit."""
    name = f"{prefix}_{os.getpid()}_{secrets.token_hex(4)}"
    admin = sa.create_engine(
        server.admin_url, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool
    )
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        try:
            yield server.url(name)
        finally:
            with admin.connect() as connection:
                connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@contextlib.contextmanager
def scratch_schema(database_url: URL, prefix: str = "t") -> Iterator[URL]:
    """A new schema in a scratch database; the URL puts it first on the search path."""
    name = f"{prefix}_{secrets.token_hex(6)}"
    engine = sa.create_engine(database_url, poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as connection:
            connection.execute(sa.text(f'CREATE SCHEMA "{name}"'))
        try:
            yield database_url.update_query_dict({"options": f"-csearch_path={name}"})
        finally:
            with engine.begin() as connection:
                connection.execute(sa.text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
    finally:
        engine.dispose()
