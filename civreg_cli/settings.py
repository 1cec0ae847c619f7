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

    def database_url(self) -> str:
        return self.db_url or f"sqlite:///{(self.data_dir / 'civreg.sqlite').resolve()}"
