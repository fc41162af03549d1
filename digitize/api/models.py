"""Request and answer bodies of the API, as models: they are what ``/openapi.json`` publishes.

Records and manifests are answered as stored (their schema is ``digitize schema``); the models
here are the API's own small bodies.
"""

from __future__ import annotations

import unicodedata
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from digitize.record import Correction


def nfc(text: str | None) -> str | None:
    """``text`` in NFC without surrounding spaces (a page may send decomposed Vietnamese)."""
    return None if text is None else unicodedata.normalize("NFC", text).strip()


def name_of_clerk(text: str) -> str:
    """A clerk's name in NFC; refused when it is only spaces (a correction needs a who)."""
    clean = nfc(text) or ""
    if not clean:
        raise ValueError("the clerk's name is empty")
    return clean


class ErrorDetail(BaseModel):
    code: str
    message: str
    hint: str | None = None


class ErrorBody(BaseModel):
    """Every error answer: a stable ``code``, what went wrong, and what to do."""

    error: ErrorDetail


ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "no key, or a key this server does not know"},
    404: {"model": ErrorBody, "description": "not found (or another unit's: the same answer)"},
}


class Uploaded(BaseModel):
    doc_id: str
    job_id: str | None = Field(description="null when the same file is already done")
    source_name: str
    state: Literal["queued", "already_queued", "already_done"]
    links: dict[str, str]


class UploadAnswer(BaseModel):
    dossier_code: str
    documents: list[Uploaded]


LOST_HINT = (
    "The document's job is no longer in the queue (expired, deleted, or gone with a restart of "
    "Redis without persistence): no worker will read it. Upload the file again; its original "
    "is kept."
)


class Pending(BaseModel):
    status: Literal["queued", "started", "lost"]
    hint: str | None = None
    """Set when ``lost``: what to do."""


class JobAnswer(BaseModel):
    id: str
    status: Literal["queued", "started", "done", "failed", "lost"]
    dossier_code: str
    doc_id: str
    error_code: str | None = None


class CorrectionIn(BaseModel):
    """A clerk's correction of one field: the value they read on the paper, and who they are."""

    model_config = ConfigDict(extra="forbid")

    value: Annotated[str | None, AfterValidator(nfc), Field(max_length=2000)]
    clerk: Annotated[str, AfterValidator(name_of_clerk), Field(min_length=1, max_length=100)]


class FieldAnswer(BaseModel):
    """A field after a correction: the read value, confidence and reasons as they were read."""

    name: str
    value: str | None
    read_value: str | None
    confidence: float | None
    needs_review: bool
    review_reasons: list[str]
    correction: Correction
