"""A document's ``record.json`` and its manifest entry, as typed models with one writer.

Dossier systems read records as plain JSON, and several code paths write them: ``digitize run``,
a queued job, a job that could not even load its original. Written as dict literals in each
place they drifted apart, so the shape lives here once: :class:`Record` is the record,
:meth:`Record.manifest_entry` derives the manifest entry from it, and :func:`save_record` is
the only function that stores either. A record that breaks the model never reaches the store.
:func:`record_schema` gives consumers the same shape as JSON Schema.
"""

from __future__ import annotations

import logging
import unicodedata
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationInfo,
    field_serializer,
    model_validator,
)

from digitize import PIPELINE_VERSION
from storage import JSON_CONTENT_TYPE, Store, layout, upsert_manifest_entry
from storage.base import UnreadableJson, encode_json

log = logging.getLogger(__name__)

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
RECORD_SCHEMA_ID = "urn:digitize:schema:record"
MANIFEST_SCHEMA_ID = "urn:digitize:schema:manifest"

_CODE = r"^[a-z][a-z0-9_]*$"
"""Stable snake_case codes: error codes, document types, field names, review reasons."""
_OFFSET_TIME = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$"
"""ISO 8601 date and time with its offset from UTC: a time without one is ambiguous."""

UNKNOWN_LABEL = "Không xác định"


def utc_now() -> datetime:
    """Now, in UTC, to the second: record times read the same on every machine."""
    return datetime.now(UTC).replace(microsecond=0)


def _nfc(text: str | None) -> str | None:
    return None if text is None else unicodedata.normalize("NFC", text)


Code = Annotated[str, Field(pattern=_CODE)]
NfcText = Annotated[str, AfterValidator(_nfc)]
Confidence = Annotated[float, Field(ge=0.0, le=1.0)]
OffsetTime = Annotated[
    AwareDatetime,
    PlainSerializer(lambda t: t.isoformat(), return_type=str, when_used="json"),
    Field(json_schema_extra={"pattern": _OFFSET_TIME}),
]
LinksAre = Literal["paths", "presigned", "keys"]


class RecordStatus(StrEnum):
    """How a document ended; a failed document still has a record, with its ``error``."""

    DONE = "done"
    FAILED = "failed"


class _Closed(BaseModel):
    """Unknown keys are refused: a key the model does not know is a key no reader expects."""

    model_config = ConfigDict(extra="forbid")


class ErrorInfo(_Closed):
    """Why a document failed (``code`` is stable, see ``digitize.errors``) and what to do."""

    code: Code
    message: str
    hint: str | None = None


class DocumentType(_Closed):
    code: Code = "unknown"
    label: str = UNKNOWN_LABEL
    confidence: Confidence = 0.0


class FieldRecord(_Closed):
    """One field's value; ``review_reasons`` says why a clerk should check it."""

    model_config = ConfigDict(
        json_schema_extra={
            "if": {"properties": {"needs_review": {"const": True}}, "required": ["needs_review"]},
            "then": {"properties": {"review_reasons": {"minItems": 1}}},
        }
    )

    value: Annotated[str | None, AfterValidator(_nfc)]
    confidence: Confidence
    needs_review: bool
    review_reasons: list[Code]

    @model_validator(mode="after")
    def _review_has_a_reason(self) -> FieldRecord:
        # A flag without a reason sends a clerk to a value with nothing to look for.
        if self.needs_review and not self.review_reasons:
            raise ValueError("a field with needs_review true must give at least one review reason")
        return self


class Correction(_Closed):
    """A clerk's correction of one field. The field's read value, confidence and reasons stay
    as read in ``fields``: what was read and what the clerk wrote are both needed to measure
    the reading in real use. The last correction of a field is its value."""

    field: Code
    value: Annotated[str | None, AfterValidator(_nfc)]
    read_value: Annotated[str | None, AfterValidator(_nfc)] = None
    unit: str = Field(pattern=r"^[A-Za-z0-9.-]{1,64}$")
    clerk: Annotated[str, AfterValidator(_nfc), Field(min_length=1, max_length=100)]
    at: OffsetTime


class Quality(BaseModel):
    """How the pages were read. Known keys are typed; others (added by cleanup) are kept."""

    model_config = ConfigDict(extra="allow")

    mean_word_confidence: Confidence | None = None
    rotation_applied: list[int] | None = None
    skew_deg: list[float] | None = None
    dpi: list[int] | None = None
    page_sources: list[str] | None = None
    low_resolution_pages: list[int] | None = None
    page_details: list[dict[str, Any]] | None = None
    unreadable_pages: list[Annotated[int, Field(ge=1)]] | None = None
    """Pages of the file (from 1) that could not be read and are missing from the results;
    present only when there are some."""


class Links(_Closed):
    """Where a document's results are; ``None`` for what was not (or could not be) stored."""

    original: str | None = None
    searchable_pdf: str | None = None
    text: str | None = None
    record: str


class ManifestEntry(_Closed):
    """A document's line in its dossier's ``manifest.json``; see :meth:`Record.manifest_entry`."""

    doc_id: str = Field(pattern=r"^[0-9a-f]{1,64}$")
    source_name: str
    document_type: Code
    status: RecordStatus
    pages: int = Field(ge=0)
    links: Links


class Manifest(BaseModel):
    """A dossier's ``manifest.json`` (written by ``storage.upsert_manifest_entry``)."""

    model_config = ConfigDict(extra="allow", title="digitize manifest.json")

    dossier_code: str = Field(pattern=r"^[A-Za-z0-9.-]{1,64}$")
    documents: list[ManifestEntry]
    updated_at: OffsetTime
    links_are: LinksAre


class Record(BaseModel):
    """One document's ``record.json``: identity, outcome, type, fields, text, quality, links.

    Key order is the order of the stored JSON; ``metadata`` appears only when the classifier
    found some, ``corrections`` only once a clerk corrected a field. A stored record also has
    its status and error agreeing (checked by :meth:`from_stored`, which :func:`save_record`
    uses): ``done`` without an error, ``failed`` with one. A record being built may not agree
    yet.
    """

    model_config = ConfigDict(
        extra="forbid",
        title="digitize record.json",
        json_schema_extra={
            "if": {"properties": {"status": {"const": "failed"}}, "required": ["status"]},
            "then": {"properties": {"error": {"type": "object"}}},
            "else": {"properties": {"error": {"type": "null"}}},
        },
    )

    doc_id: str = Field(pattern=r"^[0-9a-f]{1,64}$")
    dossier_code: str = Field(pattern=r"^[A-Za-z0-9.-]{1,64}$")
    source_name: str
    sha256: str | None = Field(pattern=r"^[0-9a-f]{64}$")
    """``None`` only when the original could not be loaded to hash it (a queued job)."""
    pages: int = Field(default=0, ge=0)
    pipeline_version: str = PIPELINE_VERSION
    status: RecordStatus = RecordStatus.FAILED
    error: ErrorInfo | None = None
    document_type: DocumentType = Field(default_factory=DocumentType)
    fields: dict[Code, FieldRecord] = Field(default_factory=dict)
    text: NfcText = ""
    quality: Quality = Field(default_factory=Quality)
    metadata: dict[str, Any] | None = None
    corrections: list[Correction] | None = None
    """Clerks' corrections, oldest first; absent until a clerk corrects a field."""
    created_at: OffsetTime = Field(default_factory=utc_now)
    links: Links
    links_are: LinksAre = "keys"

    @classmethod
    def start(
        cls, dossier_code: str, source_name: str, *, doc_id: str, sha256: str | None
    ) -> Record:
        """A record with nothing read yet; its links point at the record only."""
        record_key = layout.record_key(dossier_code, doc_id)
        return cls(
            doc_id=doc_id,
            dossier_code=dossier_code,
            source_name=source_name,
            sha256=sha256,
            links=Links(record=record_key),
        )

    @classmethod
    def from_stored(cls, data: Any) -> Record:
        """A record as it is (or is about to be) stored, with every rule checked."""
        return cls.model_validate(data, context={"stored": True})

    @model_validator(mode="after")
    def _status_agrees_with_error(self, info: ValidationInfo) -> Record:
        if not (info.context or {}).get("stored"):
            return self
        if self.status is RecordStatus.FAILED and self.error is None:
            raise ValueError("a failed record must say why in 'error'")
        if self.status is RecordStatus.DONE and self.error is not None:
            raise ValueError("a done record must have 'error': null")
        return self

    @field_serializer("quality")
    def _quality_as_given(self, quality: Quality) -> dict[str, Any]:
        # Only the keys that were set: a failed record's quality stays {}.
        return quality.model_dump(mode="json", exclude_unset=True)

    def fail(self, error: ErrorInfo | dict[str, Any]) -> None:
        """Mark the document failed for ``error`` (a :meth:`DigitizeError.to_dict` or model)."""
        self.status = RecordStatus.FAILED
        self.error = ErrorInfo.model_validate(error)

    def link(self, original_key: str | None) -> None:
        """Set ``links``: the original given, the results only when the document is done."""
        key = lambda name: layout.document_key(self.dossier_code, self.doc_id, name)  # noqa: E731
        done = self.status is RecordStatus.DONE
        self.links = Links(
            original=original_key,
            searchable_pdf=key("searchable.pdf") if done else None,
            text=key("text.txt") if done else None,
            record=key(layout.RECORD),
        )
        self.links_are = "keys"

    def manifest_entry(self) -> ManifestEntry:
        """This document's manifest entry, derived so that it cannot disagree with the record."""
        return ManifestEntry(
            doc_id=self.doc_id,
            source_name=self.source_name,
            document_type=self.document_type.code,
            status=self.status,
            pages=self.pages,
            links=self.links,
        )

    def object_metadata(self) -> dict[str, str]:
        """Metadata for every object stored for this document (no personal data in it)."""
        meta = {"dossier_code": self.dossier_code, "doc_id": self.doc_id}
        if self.sha256 is not None:
            meta["sha256"] = self.sha256
        meta["pipeline_version"] = self.pipeline_version
        return meta

    def to_json_dict(self) -> dict[str, Any]:
        """The record as consumers read it: plain JSON types, ``metadata`` only when found,
        ``corrections`` only when made."""
        data = self.model_dump(mode="json")
        for optional in ("metadata", "corrections"):
            if data[optional] is None:
                del data[optional]
        return data

    def to_json_bytes(self) -> bytes:
        """The bytes of ``record.json`` (UTF-8, Vietnamese letters as they are, indented), as
        every write of a record stores them (:func:`storage.base.encode_json`)."""
        return encode_json(self.to_json_dict())


def save_record(store: Store, record: Record, *, original_key: str | None) -> dict[str, Any]:
    """Store ``record.json`` and upsert its manifest entry; return the record as stored.

    This is the one writer of records and manifest entries. It first sets ``record.links``
    (``original_key`` is the stored original's key, ``None`` when there is none), then checks
    the whole record as it will be stored (:meth:`Record.from_stored`): a record that breaks a
    rule raises ``pydantic.ValidationError`` and nothing is written. Store failures raise the
    store's :class:`~digitize.errors.DigitizeError`.

    The record is written by one read-modify-write of its key (:meth:`Store.update_json`), with
    :meth:`Record.object_metadata`: a record without corrections of its own keeps those of the
    record it replaces (see :func:`_kept_corrections`), including a correction a clerk saves
    while the document is being read again, which a separate read and put could lose. Then the
    manifest entry: a manifest entry never points to a missing record.
    """
    record.link(original_key)
    checked = Record.from_stored(record.to_json_dict())
    key = layout.record_key(checked.dossier_code, checked.doc_id)
    meta = checked.object_metadata()

    def keep_corrections(current: dict[str, Any] | None) -> dict[str, Any]:
        if checked.corrections is not None:
            return checked.to_json_dict()
        earlier = _kept_corrections(current)
        return checked.model_copy(update={"corrections": earlier}).to_json_dict()

    try:
        stored = store.update_json(key, keep_corrections, metadata=lambda _new: meta)
    except UnreadableJson:
        # A record that is not even JSON has no corrections to keep (the pipeline reads the
        # document again for the same reason): the new reading replaces it.
        log.warning("%s/%s: unreadable record.json replaced", checked.dossier_code, checked.doc_id)
        store.put_bytes(key, checked.to_json_bytes(), content_type=JSON_CONTENT_TYPE, metadata=meta)
        stored = checked.to_json_dict()
    upsert_manifest_entry(
        store,
        checked.dossier_code,
        checked.manifest_entry().model_dump(mode="json"),
        links_are=checked.links_are,
    )
    return stored


def _kept_corrections(current: dict[str, Any] | None) -> list[Correction] | None:
    """The corrections stored with this document's current record, if any.

    A document is read again when it failed and is resubmitted, or with ``--force``; the
    clerks' corrections are about the paper, which has not changed, so a new reading must not
    drop them. A current record whose corrections do not pass the model has none to give.
    """
    earlier = (current or {}).get("corrections")
    if not earlier:
        return None
    try:
        return [Correction.model_validate(c) for c in earlier]
    except (ValueError, TypeError):
        return None


def _schema(model: type[BaseModel], schema_id: str) -> dict[str, Any]:
    body = model.model_json_schema(mode="validation")
    return {"$schema": SCHEMA_DIALECT, "$id": schema_id, **body}


def record_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) every stored ``record.json`` satisfies."""
    return _schema(Record, RECORD_SCHEMA_ID)


def manifest_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a dossier's ``manifest.json``."""
    return _schema(Manifest, MANIFEST_SCHEMA_ID)


__all__ = [
    "Correction",
    "DocumentType",
    "ErrorInfo",
    "FieldRecord",
    "Links",
    "Manifest",
    "ManifestEntry",
    "Quality",
    "Record",
    "RecordStatus",
    "manifest_schema",
    "record_schema",
    "save_record",
    "utc_now",
]
