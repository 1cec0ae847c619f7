"""Load on the agency API over loopback, against the registry of 1,000,000 generated persons.

The registry is ``bench.registry_scale``'s database (built there, or reused when it holds the
same population). The app (the API at ``/api/v1``) is started as ``civreg serve --workers N``
starts it (``review_ui.app.serve``; 2 processes by default, one a core) on 127.0.0.1 with a
throwaway signing CA made here; an API client with the
scopes ``person:read`` and ``extract:issue`` and a rate limit above the load is created for the
run. Then, from this process (an asyncio load generator over raw keep-alive HTTP/1.1 for the
look-ups, httpx for the extracts: the machine has 2 cores, so the client shares the CPU with
the server and PostgreSQL):

1. person look-up ``GET /api/v1/persons/{personal_id}`` at a fixed arrival rate (open loop,
   200 requests/s by default, for a bounded number of requests), personal numbers drawn from the
   registry's birth and death records, one in twenty unknown (404). Latency is measured from each
   request's *scheduled* start (a late client counts against the server, no coordinated
   omission) and from its actual send;
2. extract issue ``POST /api/v1/extracts`` (number taken, PDF/A rendered, PAdES-signed, stored),
   one request after another, for birth records with a personal number.

Every loop is bounded in count and time, targets only 127.0.0.1, and the server is stopped at
the end whatever happens.

    flock /tmp/civreg-heavy.lock .venv/bin/python -m bench.service_load [--rate 200] [--seconds 30]

Writes ``bench/results/service_load.json`` and ``service_load.md``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import sqlalchemy as sa

from bench.registry_scale import DB_NAME, bench_url, ensure_registry, percentiles
from registry_db import repository as repo

ROOT = Path(__file__).resolve().parent
RESULTS = ROOT / "results"
HOST = "127.0.0.1"  # the only address this benchmark ever sends to
PURPOSE = "load benchmark"
START_TIMEOUT_S = 120.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def serve(port: int, workers: int) -> None:
    """The app on 127.0.0.1:``port`` (settings from the environment) as ``civreg serve
    --workers`` runs it."""
    from civreg_cli.settings import Settings
    from review_ui.app import serve as serve_app

    serve_app(Settings(), host=HOST, port=port, workers=workers, log_level="warning")


def setup_client(url: str) -> tuple[str, str]:
    """A fresh API client for this run; returns its name and key."""
    from certify import agency

    engine = repo.make_engine(url)
    try:
        with repo.session_factory(engine)() as s:
            name = f"bench-load-{secrets.token_hex(4)}"
            _client, key = agency.create_client(
                s,
                name,
                ["person:read", "extract:issue"],
                by="bench.service_load",
                rate_per_minute=1_000_000,
            )
            return name, key
    finally:
        engine.dispose()


def sample_numbers(url: str, n: int, seed: int) -> tuple[list[str], list[str]]:
    """Personal numbers to ask for: of births and deaths (``n``), and of births only (for
    extracts; each names one final birth record)."""
    from registry_db.models import FieldValueRow

    engine = repo.make_engine(url)
    try:
        with repo.session_factory(engine)() as s:
            fv = FieldValueRow
            found: list[tuple[str, str]] = [
                (k, v)
                for k, v in s.execute(
                    sa.select(fv.key, fv.value)
                    .where(fv.key.in_(("child.personal_id", "deceased.personal_id")))
                    .order_by(sa.func.random())  # setup, not timed: a uniform sample
                    .limit(2 * n)
                )
                if v and len(v) == 12 and v.isdigit()
            ]
            rng = random.Random(seed)
            rng.shuffle(found)
            found = found[:n]
            births = list(dict.fromkeys(v for k, v in found if k == "child.personal_id"))
            counts = dict(
                s.execute(
                    sa.select(fv.value, sa.func.count())
                    .where(fv.key == "child.personal_id", fv.value.in_(births))
                    .group_by(fv.value)
                ).all()
            )
            return [v for _, v in found], [b for b in births if counts.get(b) == 1]
    finally:
        engine.dispose()


def start_server(url: str, port: int, work: Path, workers: int) -> subprocess.Popen[bytes]:
    from certify.signing import make_test_pki

    pki = make_test_pki(work / "pki")
    env = {
        **os.environ,
        "CIVREG_DB_URL": url,
        "CIVREG_DATA_DIR": str(work / "data"),
        "CIVREG_EXTRACT_KEY_FILE": str(pki.office_key),
        "CIVREG_EXTRACT_CERT_FILE": str(pki.office_cert),
        "CIVREG_PUBLIC_BASE_URL": f"http://{HOST}:{port}",
        "CIVREG_EXTRACT_SIGNER_NAME": "Lê Văn Bình",
        "CIVREG_COOKIE_SECURE": "false",
    }
    log = (work / "server.log").open("wb")
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bench.service_load",
            "--serve",
            str(port),
            "--workers",
            str(workers),
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=ROOT.parent,
    )


def wait_ready(base: str, server: subprocess.Popen[bytes]) -> float:
    t0 = time.monotonic()
    while time.monotonic() - t0 < START_TIMEOUT_S:
        if server.poll() is not None:
            raise RuntimeError(f"the server stopped at start (exit {server.returncode})")
        try:
            if httpx.get(f"{base}/api/v1/openapi.json", timeout=2).status_code == 200:
                return time.monotonic() - t0
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"the server did not answer within {START_TIMEOUT_S:.0f} s")


def cpu_seconds(pid: int) -> float | None:
    """CPU seconds (user + system) process ``pid`` and its live children (a multi-process
    server's workers) have used so far; None off Linux."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        children = [
            int(c)
            for task in Path(f"/proc/{pid}/task").iterdir()
            for c in (task / "children").read_text().split()
        ]
    except OSError:
        return None
    own = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return own + sum(cpu_seconds(c) or 0.0 for c in children)


def stop_server(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


def _headers(key: str) -> dict[str, str]:
    return {"X-Api-Key": key, "X-Request-Id": secrets.token_hex(12)}


class RawHttp:
    """A lean HTTP/1.1 client over keep-alive loopback connections, for the look-up load.

    httpx costs about a millisecond of CPU a request, and on this 2-core machine the load
    generator shares the CPU with the server and PostgreSQL: the client would be measured as
    much as the server. This one writes a request and reads ``Content-Length`` bytes back
    (what uvicorn sends for a JSON answer), a fraction of that cost, as wrk would in C.
    Connections are reused; a new one is opened when none is free (up to ``max_connections``).
    """

    def __init__(self, port: int, max_connections: int = 64) -> None:
        self.port = port
        self.max_connections = max_connections
        self.opened = 0
        self.idle: asyncio.Queue[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = (
            asyncio.Queue()
        )

    async def _connection(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        if self.idle.empty() and self.opened < self.max_connections:
            self.opened += 1
            return await asyncio.open_connection(HOST, self.port)
        return await self.idle.get()

    async def get(self, target: str, headers: dict[str, str]) -> int:
        """GET ``target`` (path and query); the status code."""
        reader, writer = await self._connection()
        lines = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        writer.write(f"GET {target} HTTP/1.1\r\nHost: {HOST}\r\n{lines}\r\n".encode())
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            length = CONTENT_LENGTH.search(head)
            if length is None:
                raise RuntimeError(f"an answer without Content-Length: {head[:200]!r}")
            await reader.readexactly(int(length.group(1)))
        except BaseException:
            writer.close()
            self.opened -= 1
            raise
        if CONNECTION_CLOSE.search(head):
            writer.close()
            self.opened -= 1
        else:
            self.idle.put_nowait((reader, writer))
        return int(head[9:12])

    async def close(self) -> None:
        while not self.idle.empty():
            _reader, writer = self.idle.get_nowait()
            writer.close()


CONTENT_LENGTH = re.compile(rb"(?im)^content-length:\s*(\d+)")
CONNECTION_CLOSE = re.compile(rb"(?im)^connection:\s*close")


async def lookup_load(
    base: str, key: str, numbers: list[str], *, rate: float, count: int, limit_s: float
) -> dict[str, Any]:
    """``count`` look-ups at ``rate`` a second (open loop); stops at ``limit_s`` whatever is
    still outstanding (counted as timed out)."""
    url = httpx.URL(base)
    assert url.host == HOST and url.port is not None
    from_schedule: list[float] = []
    from_send: list[float] = []
    by_second: dict[int, list[float]] = {}
    statuses: dict[str, int] = {}
    query = urlencode({"purpose": PURPOSE})
    client = RawHttp(url.port)
    t0 = time.perf_counter() + 0.2

    async def one(i: int) -> None:
        scheduled = t0 + i / rate
        delay = scheduled - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        sent = time.perf_counter()
        try:
            code = await client.get(
                f"/api/v1/persons/{numbers[i % len(numbers)]}?{query}", _headers(key)
            )
            status = str(code)
        except (OSError, asyncio.IncompleteReadError, RuntimeError) as exc:
            status = type(exc).__name__
        done = time.perf_counter()
        statuses[status] = statuses.get(status, 0) + 1
        by_second.setdefault(int(scheduled - t0), []).append((done - scheduled) * 1000)
        from_schedule.append((done - scheduled) * 1000)
        from_send.append((done - sent) * 1000)

    tasks = [asyncio.create_task(one(i)) for i in range(count)]
    _done, pending = await asyncio.wait(tasks, timeout=limit_s)
    for task in pending:
        task.cancel()
    if pending:
        await asyncio.gather(*pending, return_exceptions=True)
    elapsed = time.perf_counter() - t0
    await client.close()
    return {
        "target_rate_per_s": rate,
        "requests": count,
        "completed": len(from_schedule),
        "timed_out": len(pending),
        "seconds": round(elapsed, 2),
        "achieved_rate_per_s": round(len(from_schedule) / elapsed, 1),
        "connections": client.opened,
        "statuses": statuses,
        "latency_ms_from_schedule": percentiles(from_schedule),
        "latency_ms_from_send": percentiles(from_send),
        # the worst latency of each second of the run (a stall shows where it happened)
        "max_ms_by_second": [round(max(v), 1) for _, v in sorted(by_second.items())],
    }


def issue_load(
    base: str, key: str, births: list[str], *, count: int, limit_s: float
) -> dict[str, Any]:
    """``count`` extract issues, one after another (stops at ``limit_s``)."""
    assert httpx.URL(base).host == HOST
    times: list[float] = []
    statuses: dict[str, int] = {}
    sizes: list[int] = []
    t_end = time.monotonic() + limit_s
    with httpx.Client(base_url=base, timeout=30.0) as client:
        for pid in births[:count]:
            if time.monotonic() > t_end:
                break
            t = time.perf_counter()
            r = client.post(
                "/api/v1/extracts",
                json={"personal_id": pid, "kind": "birth", "purpose": PURPOSE},
                headers=_headers(key),
            )
            times.append((time.perf_counter() - t) * 1000)
            statuses[str(r.status_code)] = statuses.get(str(r.status_code), 0) + 1
            if r.status_code == 200 and len(sizes) < 3:  # fetch a few PDFs to see them whole
                pdf = client.get(
                    f"/api/v1/extracts/{r.json()['code']}/pdf",
                    params={"purpose": PURPOSE},
                    headers=_headers(key),
                )
                sizes.append(len(pdf.content) if pdf.status_code == 200 else -pdf.status_code)
    return {
        "requests": len(times),
        "statuses": statuses,
        "latency_ms": percentiles(times),
        "pdf_bytes": sizes,
    }


def markdown(result: dict[str, Any]) -> str:
    look, issue, reg = result["lookup"], result["issue"], result["registry"]
    ls, lsend = look["latency_ms_from_schedule"], look["latency_ms_from_send"]
    il = issue["latency_ms"]
    rate = look["target_rate_per_s"]
    look_met = ls["p99"] <= 50 and look["achieved_rate_per_s"] >= 0.97 * rate
    return (
        "# Agency API under load (loopback, 1,000,000 generated persons)\n\n"
        f"`{result['command']}` — `{reg.get('database', DB_NAME)}`: {reg['persons']:,} persons, "
        f"{reg['rows_record']:,} final records, {reg['rows_field_value']:,} field values. The "
        f"app as `civreg serve --workers {result.get('workers', 1)}` runs it (uvicorn, "
        f"{result.get('workers', 1)} process(es)) on 127.0.0.1; the load generator "
        "(asyncio over raw keep-alive HTTP/1.1, open loop) runs on the same 2-core machine and "
        "shares the CPU with the server and PostgreSQL. Load average before / after the run "
        "(1, 5, 15 min): "
        f"{result['load_average_before_after']}."
        + (f" Conditions: {result['conditions']}." if result.get("conditions") else "")
        + "\n\n"
        "| load | requests | achieved /s | statuses | p50 ms | p95 ms | p99 ms | max ms |\n"
        "|---|---|---|---|---|---|---|---|\n"
        f"| person look-up at {look['target_rate_per_s']:g}/s (from scheduled start) "
        f"| {look['completed']} | {look['achieved_rate_per_s']} | {look['statuses']} "
        f"| {ls['p50']} | {ls['p95']} | {ls['p99']} | {ls['max']} |\n"
        f"| the same, from actual send | | | | {lsend['p50']} | {lsend['p95']} "
        f"| {lsend['p99']} | {lsend['max']} |\n"
        f"| CPU a look-up (ms): server {look.get('server_cpu_ms_per_request', '?')}, load "
        f"generator {look.get('client_cpu_ms_per_request', '?')} | | | | | | | |\n"
        f"| extract issue (signed PDF/A), one at a time | {issue['requests']} | "
        f"| {issue['statuses']} | {il['p50']} | {il['p95']} | {il['p99']} | {il['max']} |\n\n"
        f"Targets (issue 6): look-up p99 ≤ 50 ms at 200 requests/s — **{ls['p99']} ms** "
        f"({'met' if look_met and rate >= 200 else 'not met'}); "
        f"extract issue median ≤ 150 ms — **{il['p50']} ms** "
        f"({'met' if il['p50'] <= 150 else 'not met'}).\n"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--serve", type=int, help=argparse.SUPPRESS)  # the server process itself
    ap.add_argument("--persons", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=4242)
    ap.add_argument("--db-name", default=DB_NAME)
    ap.add_argument("--rate", type=float, default=200.0, help="look-ups a second")
    ap.add_argument("--seconds", type=float, default=30.0, help="look-up phase length")
    ap.add_argument("--extracts", type=int, default=100)
    ap.add_argument("--workers", type=int, default=2, help="server processes (civreg serve)")
    ap.add_argument("--conditions", default="", help="how the machine was held, for the record")
    args = ap.parse_args()
    if args.serve:
        serve(args.serve, args.workers)
        return
    load_before = os.getloadavg()  # others' work on the machine, for the record
    registry = ensure_registry(args.persons, args.seed, name=args.db_name)
    url = bench_url(args.db_name)
    numbers, births = sample_numbers(url, 4000, args.seed)
    rng = random.Random(args.seed)
    # one in twenty asks for a number nobody has (a 404, logged like the rest)
    numbers = [n if rng.random() > 0.05 else f"099{rng.randrange(10**9):09d}" for n in numbers]
    _name, key = setup_client(url)
    port = _free_port()
    base = f"http://{HOST}:{port}"
    with tempfile.TemporaryDirectory(prefix="civreg-load-") as tmp:
        server = start_server(url, port, Path(tmp), args.workers)
        try:
            started = wait_ready(base, server)
            count = int(args.rate * args.seconds)
            warm = asyncio.run(  # a short warm-up at a quarter of the rate, not counted
                lookup_load(base, key, numbers[::-1], rate=args.rate / 4, count=count // 20,
                            limit_s=30)
            )  # fmt: skip
            server_cpu, client_cpu = cpu_seconds(server.pid), time.process_time()
            look = asyncio.run(
                lookup_load(
                    base, key, numbers, rate=args.rate, count=count, limit_s=args.seconds + 30
                )
            )
            server_cpu_after = cpu_seconds(server.pid)
            if server_cpu is not None and server_cpu_after is not None and look["completed"]:
                look["server_cpu_ms_per_request"] = round(
                    1000 * (server_cpu_after - server_cpu) / look["completed"], 2
                )
            look["client_cpu_ms_per_request"] = round(
                1000 * (time.process_time() - client_cpu) / max(1, look["completed"]), 2
            )
            issue = issue_load(base, key, births, count=args.extracts, limit_s=300)
        finally:
            stop_server(server)
            log_tail = (Path(tmp) / "server.log").read_text(errors="replace")[-2000:]
    result = {
        "command": "flock /tmp/civreg-heavy.lock .venv/bin/python -m bench.service_load"
        + (f" --rate {args.rate:g}" if args.rate != 200 else "")
        + (f" --seconds {args.seconds:g}" if args.seconds != 30 else "")
        + (f" --workers {args.workers}" if args.workers != 2 else ""),
        "workers": args.workers,
        "conditions": args.conditions,
        "registry": registry,
        "server_start_s": round(started, 1),
        "warm_up": {k: warm[k] for k in ("completed", "statuses")},
        "lookup": look,
        "issue": issue,
        "cpu_cores": os.cpu_count(),
        "load_average_before_after": [load_before, os.getloadavg()],
        "server_log_tail": log_tail,
    }
    RESULTS.mkdir(exist_ok=True)
    suffix = "" if args.persons == 1_000_000 else f"_{args.persons}"
    (RESULTS / f"service_load{suffix}.json").write_text(
        json.dumps(result, indent=1, default=str), encoding="utf-8"
    )
    (RESULTS / f"service_load{suffix}.md").write_text(markdown(result), encoding="utf-8")
    print(markdown(result))


if __name__ == "__main__":
    main()
