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
    # Names, dates and personal numbers read with a confidence under this are keyed twice, blind.
    double_entry_below: float = 0.5

    def database_url(self) -> str:
        return self.db_url or f"sqlite:///{(self.data_dir / 'civreg.sqlite').resolve()}"
