"""``civreg serve --workers 2``: two server processes, one rate limit (counted in the database)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from certify import agency
from registry_db import make_engine, session_factory, upgrade


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _worker_pids(pid: int) -> set[int]:
    """The server's worker processes (multiprocessing's spawned children; not its tracker)."""
    children = {
        int(child)
        for task in Path(f"/proc/{pid}/task").iterdir()
        for child in (task / "children").read_text().split()
    }
    return {c for c in children if b"spawn_main" in Path(f"/proc/{c}/cmdline").read_bytes()}


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads /proc (Linux)")
def test_two_workers_share_the_rate_limit(db_url: str, tmp_path: Path) -> None:
    engine = make_engine(db_url)
    upgrade(engine)
    with session_factory(engine)() as s:
        _client, key = agency.create_client(
            s, "two-workers", ["person:read"], by="t", rate_per_minute=4
        )
    engine.dispose()
    port = _free_port()
    env = {**os.environ, "CIVREG_COOKIE_SECURE": "false", "CIVREG_SECRET_KEY": ""}
    cmd = [sys.executable, "-m", "civreg_cli.main", "serve", "--port", str(port), "--workers", "2"]
    server = subprocess.Popen(
        [*cmd, "--db", db_url, "--data-dir", str(tmp_path / "data")],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, server.stderr.read().decode() if server.stderr else ""
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/v1/openapi.json").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.3)
        assert len(_worker_pids(server.pid)) == 2
        statuses = []
        for i in range(7):  # a new connection each: the calls spread over both workers
            r = httpx.get(
                f"http://127.0.0.1:{port}/api/v1/persons/001099000001",
                params={"purpose": "two workers test"},
                headers={"X-Api-Key": key, "X-Request-Id": f"two-workers-{i:04d}"},
            )
            statuses.append(r.status_code)
        assert statuses == [404] * 4 + [429] * 3
        # the key file was made once, before the workers started
        assert (tmp_path / "data" / "secret_key").exists()
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_workers_must_be_positive(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from civreg_cli.errors import InputError
    from civreg_cli.main import app

    result = CliRunner().invoke(app, ["serve", "--workers", "0", "--data-dir", str(tmp_path)])
    assert result.exit_code != 0
    assert isinstance(result.exception, InputError)
    assert "--workers must be 1 or more" in str(result.exception)
