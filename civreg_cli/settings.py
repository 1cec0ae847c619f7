"""Settings from the environment (``CIVREG_…``) and the command line, built at the entry points."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CIVREG_", env_file=".env", extra="ignore")

    data_dir: Path = Path("data")
    db_url: str = ""  # default: SQLite file in data_dir
    workers: int = max(1, os.cpu_count() or 1)
    ocr_lang: str = "vie"
    max_page_pixels: int = 100_000_000
    # The review web app (``civreg serve``). secret_key signs session cookies; empty: a key is
    # made once and kept in <data_dir>/secret_key. cookie_secure: send cookies over HTTPS only
    # (turn off only for plain-HTTP tests on this machine).
    secret_key: str = ""
    cookie_secure: bool = True
    session_max_age_s: int = 8 * 3600
    upload_max_bytes: int = 8 * 1024**3
    serve_host: str = "127.0.0.1"
    serve_port: int = 8000
    # Threads that run the app's (synchronous) routes in each server process, and the database
    # connections kept open for them. Few threads measure best: Starlette's default of 40 made
    # them fight over the GIL under load (the agency API at 200 calls/s: p99 0.5 s with 12
    # threads a process, 25 ms with 6; bench.service_load). For more throughput, add processes.
    serve_threads: int = 6
    db_pool_size: int = 6
    serve_workers: int = 1  # server processes (``civreg serve --workers``)
    # Names, dates and personal numbers read with a confidence under this are keyed twice, blind.
    double_entry_below: float = 0.5
    # Certificate extracts (certify/): the office's signing key and certificate (PEM; the chain
    # up to the CA optional; unset: copies are issued unsigned), the public base URL printed in
    # the QR code, place of issue, signer, issuing office (empty: the register's office), the
    # fee of one copy, and how many verifications one address may make per minute.
    extract_key_file: Path | None = None
    extract_cert_file: Path | None = None
    extract_chain_file: Path | None = None
    extract_key_passphrase: str = ""
    public_base_url: str = "http://127.0.0.1:8000"
    extract_place: str = "Hà Nội"
    extract_signer_title: str = "Chủ tịch"
    extract_signer_name: str = ""
    extract_office: str = ""
    extract_fee_vnd: int = 8000
    verify_rate_per_minute: int = 30

    def database_url(self) -> str:
        return self.db_url or f"sqlite:///{(self.data_dir / 'civreg.sqlite').resolve()}"
