"""Server settings, read from ``FIELDSALES_*`` environment variables and validated at start.

The defaults run an embedded server on a SQLite file with no set-up at all (``env=development``);
anything else must bring its own secret key, so a forgotten default never reaches production.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from platformdirs import user_data_dir
from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SECRET_KEY = "development-only-secret-key-change-me"


def default_database_url() -> str:
    path = Path(user_data_dir("fieldsales-server", appauthor=False)) / "server.sqlite3"
    return f"sqlite:///{path}"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FIELDSALES_", extra="ignore")

    env: Literal["development", "test", "production"] = "development"
    database_url: str = Field(default_factory=default_database_url)
    secret_key: SecretStr = SecretStr(DEFAULT_SECRET_KEY)
    access_token_seconds: int = Field(default=3600, ge=60)
    refresh_token_seconds: int = Field(default=30 * 24 * 3600, ge=300)
    #: Largest request body accepted, both as sent and after gzip decompression.
    max_request_bytes: int = Field(default=64 * 1024 * 1024, ge=1024)
    login_max_failures: int = Field(default=5, ge=1)
    login_window_seconds: int = Field(default=15 * 60, ge=1)
    pull_default_limit: int = Field(default=2000, ge=1)
    #: Large enough that a first pull of a whole portfolio (~30k records) can be one page.
    pull_max_limit: int = Field(default=50_000, ge=1)
    max_mutations_per_push: int = Field(default=50_000, ge=1)
    #: zlib level for gzipped responses. Level 1 shrinks a pull page ~17x (level 4: ~20x) at
    #: half the CPU time, which is what limits a busy server: 28k records cost 0.13 s vs 0.22 s.
    gzip_level: int = Field(default=1, ge=1, le=9)
    #: zlib level for pull pages, compressed by the pull route itself: a first pull is ~18 MB of
    #: JSON sent to phones, whose bytes must stay within 1.3x the gzip floor (level 9), while
    #: its CPU is paid on the server for every device that pulls. Level 3 is the cheapest that
    #: does with a margin: 1.21x on 28k records (1.25x on text stored before migration 0004) for
    #: ~0.11 s of CPU; level 2 is 1.26x (1.30x), level 1 1.29x (1.33x) for about the same CPU,
    #: level 6 1.05x for ~0.27 s. Figures: docs/sync-protocol.md, performance notes.
    pull_gzip_level: int = Field(default=3, ge=1, le=9)
    #: zstd level for pull pages to clients that accept zstd (the app does): on the same 28k
    #: records level 3 gives 0.79x the gzip floor for ~0.03 s of CPU; levels 1-4 cost and give
    #: about the same, level 6 0.70x for ~0.11 s (see ``server.encoding``).
    pull_zstd_level: int = Field(default=3, ge=1, le=19)
    #: argon2 cost; production keeps the library's defaults, tests lower them.
    argon2_time_cost: int = Field(default=3, ge=1)
    argon2_memory_kib: int = Field(default=65536, ge=8)
    argon2_parallelism: int = Field(default=4, ge=1)
    #: Number of connections per worker process (PostgreSQL).
    db_pool_size: int = Field(default=10, ge=1)
    migrate_on_start: bool = True
    #: Largest attachment (voice memo, photo, quote PDF), checked on the declared size before a
    #: byte is stored; the app refuses larger files itself with the same limit.
    attachment_max_bytes: int = Field(default=25 * 1024 * 1024, ge=1)
    #: Largest chunk of an attachment upload; must stay below ``max_request_bytes``.
    attachment_chunk_max_bytes: int = Field(default=1024 * 1024, ge=1024)

    @model_validator(mode="after")
    def _refuse_default_secret(self) -> Settings:
        if self.env != "development" and (
            self.secret_key.get_secret_value() == DEFAULT_SECRET_KEY
            or len(self.secret_key.get_secret_value()) < 16
        ):
            raise ValueError(
                "FIELDSALES_SECRET_KEY must be set to a secret of at least 16 characters "
                f"when FIELDSALES_ENV={self.env}"
            )
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")
