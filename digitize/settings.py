"""All configuration in one typed object.

Values come from ``DIGITIZE_*`` environment variables (see the README's configuration table);
command-line options override them with :meth:`Settings.with_overrides`. Secrets are
``SecretStr`` so that they never show up in a log line or a repr.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DIGITIZE_", extra="ignore", frozen=True)

    store: str = Field("./digitized", description="`s3`, `s3://bucket/prefix` or a local folder")
    s3_endpoint: str | None = Field(None, description="host:port of MinIO / S3")
    s3_access_key: SecretStr | None = None
    s3_secret_key: SecretStr | None = None
    s3_bucket: str = "dossiers"
    s3_secure: bool = False
    s3_region: str | None = None
    link_expiry_s: int = Field(7 * 24 * 3600, description="presigned link lifetime, seconds")

    redis_url: str = "redis://127.0.0.1:6379/0"
    redis_timeout_s: float = Field(
        5.0,
        gt=0,
        description="longest wait for Redis to accept a connection or answer a command, "
        "seconds (a worker's waits for jobs are allowed on top of it)",
    )

    lang: str = Field("vie", description="Tesseract languages, joined by '+'")
    ocr_timeout_s: float = Field(120.0, description="Tesseract time limit per page, seconds")
    job_timeout_s: int = Field(1800, description="RQ job time limit per document, seconds")
    job_retry_intervals_s: tuple[int, ...] = Field(
        (10, 60, 300),
        description="waits before each retry of a queued job that met a retryable error "
        "(object store unreachable, OCR timeout), seconds; one retry per value, JSON list",
    )
    worker_lost_after_s: int = Field(
        60, ge=3, description="a worker silent this long is dead and its job is taken up, seconds"
    )
    worker_reap_interval_s: int = Field(
        15, ge=1, description="how often live workers look for jobs of dead workers, seconds"
    )
    job_max_lost: int = Field(
        2, ge=0, description="times a job is taken up after its worker died before it fails"
    )
    pdf_render_dpi: int = Field(300, description="dpi used to rasterize scanned PDF pages")
    pdf_profile: Literal["pdfa-2b", "pdf"] = Field(
        "pdfa-2b", description="searchable PDF: archival PDF/A-2b, or a plain PDF"
    )
    max_pixels: int = Field(120_000_000, description="largest page accepted, in pixels")
    max_pages: int = Field(400, ge=1, description="most pages accepted in one document")

    sign_p12: Path | None = Field(
        None, description="PKCS#12 file of the digitizing unit's key: every PDF is signed"
    )
    sign_password: SecretStr | None = Field(None, description="password of sign_p12")

    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None

    api_max_upload_mb: float = Field(
        100.0, gt=0, description="largest file `digitize serve` accepts in one upload, megabytes"
    )
    api_max_pages: int = Field(
        300, ge=1, description="most pages `digitize serve` accepts in one uploaded file"
    )

    def with_overrides(self, **values: object) -> Settings:
        """A copy with the given values replaced; ``None`` means 'not given, keep'."""
        given = {k: v for k, v in values.items() if v is not None}
        return self.model_copy(update=given) if given else self


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()
