"""The Decree 30 metadata of a digitized document, as an archive receives it.

`digitize export` hands an archive each document's searchable PDF with an XML file of the
metadata Decree 30/2020/ND-CP Appendix VI asks for (dossier code, ordinal, type, number and
notation, issue date, issuing organ, subject, language, page count, signer) and of the
digitization itself (when, by what, from which original, at what resolution, signed by whom).
The XML follows ``digitize/schemas/decree30-metadata.xsd``, shipped with the package so that a
receiving system can validate what it gets.

Values come from the stored record only; this module reads no store and no image. A field that
was not read is left out. A value longer than the Decree's limit is cut to the limit and marked
``truncated="true"`` (the record keeps it whole): the archive's schema is strict, and refusing
the document over a long subject would lose more than the cut. A value the record flags for
review keeps that flag as ``needsReview="true"``.
"""

from __future__ import annotations

import re
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from importlib import resources
from typing import Any

from digitize.signing import SignatureInfo

NAMESPACE = "urn:digitize:decree30-metadata:1"
SCHEMA_NAME = "decree30-metadata.xsd"
LANGUAGE = "vi"
"""Language of the documents (BCP 47): the pipeline reads Vietnamese."""

LIMITS: Mapping[str, int] = {
    "TypeName": 100,
    "CodeNumber": 11,
    "CodeNotation": 30,
    "OrganName": 200,
    "Subject": 500,
    "Description": 500,
    "Position": 100,
    "FullName": 100,
    "Priority": 100,
}
"""Longest value of each element, in characters (Appendix VI; names and positions: 100)."""

ORGAN_ID = 13
FILE_NOTATION = 20
_DOSSIER_CODE = re.compile(r"^(?P<organ>[A-Za-z0-9.]{13})-(?P<date>\d{6})-(?P<seq>\d{1,13})$")


@dataclass(frozen=True)
class FileCode:
    """The Appendix VI dossier code: OrganId (13) + FileCatalog (year, 4) + FileNotation."""

    organ_id: str
    catalog: str
    notation: str

    @property
    def code(self) -> str:
        return f"{self.organ_id}.{self.catalog}.{self.notation}"


def file_code(dossier_code: str) -> FileCode | None:
    """The Appendix VI parts of a one-stop dossier code ``<unit code>-<YYMMDD>-<NNNN>``
    (``000.00.12.H57-231221-0001``: organ ``000.00.12.H57``, year 2023, notation
    ``231221-0001``); ``None`` for a code of another shape (a backlog folder's name)."""
    m = _DOSSIER_CODE.match(dossier_code)
    if m is None:
        return None
    yymmdd = m["date"]
    try:
        date(2000 + int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:]))
    except ValueError:
        return None
    notation = f"{yymmdd}-{m['seq']}"
    if len(notation) > FILE_NOTATION:
        return None
    return FileCode(m["organ"], f"20{yymmdd[:2]}", notation)


def split_number(document_number: str) -> tuple[str | None, str | None]:
    """``123/QĐ-UBND`` as number ``123`` and notation ``QĐ-UBND``; a value without ``/`` is a
    number when it is digits, else a notation."""
    value = document_number.strip()
    if "/" in value:
        number, notation = value.split("/", 1)
        return number.strip() or None, notation.strip() or None
    return (value, None) if value.isdigit() else (None, value or None)


def schema_text() -> bytes:
    """The XSD the exported XML follows (packaged with digitize)."""
    return resources.files("digitize.schemas").joinpath(SCHEMA_NAME).read_bytes()


def metadata_xml(
    record: Mapping[str, Any], *, ordinal: int, signatures: Iterable[SignatureInfo] = ()
) -> bytes:
    """The Appendix VI metadata of one finished document as UTF-8 XML (see the module doc)."""
    ET.register_namespace("", NAMESPACE)
    root = ET.Element(_q("DocumentMetadata"))
    _text(root, "DossierCode", record["dossier_code"])
    code = file_code(record["dossier_code"])
    if code is not None:
        _text(root, "FileCode", code.code)
        _text(root, "OrganId", code.organ_id)
        _text(root, "FileCatalog", code.catalog)
        _text(root, "FileNotation", code.notation)
    _text(root, "DocOrdinal", str(ordinal))

    fields: Mapping[str, Any] = record.get("fields") or {}
    doc_type = record.get("document_type") or {}
    if doc_type.get("code") not in (None, "unknown") and doc_type.get("label"):
        _value(root, "TypeName", doc_type["label"], review=False)
    number = fields.get("document_number") or {}
    if number.get("value"):
        code_number, code_notation = split_number(str(number["value"]))
        review = bool(number.get("needs_review"))
        if code_number:
            _value(root, "CodeNumber", code_number, review=review)
        if code_notation:
            _value(root, "CodeNotation", code_notation, review=review)
    issued = _iso_date((fields.get("issue_date") or {}).get("value"))
    if issued:
        _flagged(root, "IssuedDate", issued, review=_review(fields, "issue_date"))
    for element, name in (("OrganName", "issuer"), ("Subject", "subject")):
        if (fields.get(name) or {}).get("value"):
            _value(root, element, fields[name]["value"], review=_review(fields, name))
    _text(root, "Language", LANGUAGE)
    _text(root, "PageAmount", str(int(record.get("pages") or 0)))
    if (fields.get("signer") or {}).get("value"):
        info = ET.SubElement(root, _q("SignerInfo"))
        _value(info, "FullName", fields["signer"]["value"], review=_review(fields, "signer"))
    _digitization(root, record, signatures)
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'.encode()


def _digitization(
    root: ET.Element, record: Mapping[str, Any], signatures: Iterable[SignatureInfo]
) -> None:
    block = ET.SubElement(root, _q("Digitization"))
    _text(block, "Time", record["created_at"])
    _text(block, "Software", f"digitize {record.get('pipeline_version', '')}".strip())
    _text(block, "SourceName", _cut(_nfc(record["source_name"]), 500)[0])
    _text(block, "Sha256", record["sha256"])
    dpis = [int(d) for d in (record.get("quality") or {}).get("dpi") or [] if d]
    if dpis:
        _text(block, "Resolution", str(min(dpis)))  # the page with the least detail
    _text(block, "PageAmount", str(int(record.get("pages") or 0)))
    for sig in signatures:
        entry = ET.SubElement(block, _q("Signature"))
        _text(entry, "Signer", _cut(_nfc(sig.signer) or sig.field, 200)[0])
        if sig.signed_at is not None:
            _text(entry, "SignedAt", sig.signed_at.isoformat())
        _text(entry, "Format", "PAdES" if sig.subfilter == "ETSI.CAdES.detached" else "PDF")


def _q(name: str) -> str:
    return f"{{{NAMESPACE}}}{name}"


def _text(parent: ET.Element, name: str, value: str) -> ET.Element:
    child = ET.SubElement(parent, _q(name))
    child.text = _nfc(value)
    return child


def _value(parent: ET.Element, name: str, value: Any, *, review: bool) -> None:
    """A text element cut to its limit, with its flags."""
    text, cut = _cut(" ".join(_nfc(str(value)).split()), LIMITS[name])
    if text:
        _flagged(parent, name, text, review=review, truncated=cut)


def _flagged(
    parent: ET.Element, name: str, text: str, *, review: bool, truncated: bool = False
) -> None:
    child = _text(parent, name, text)
    if truncated:
        child.set("truncated", "true")
    if review:
        child.set("needsReview", "true")


def _cut(text: str, limit: int) -> tuple[str, bool]:
    """``text`` within ``limit`` characters, cut at the last space that fits when there is
    one in the last fifth (a word is not split in two without need); whether it was cut."""
    if len(text) <= limit:
        return text, False
    head = text[:limit]
    space = head.rfind(" ")
    if space >= limit * 4 // 5:
        head = head[:space]
    return head.rstrip(), True


def _review(fields: Mapping[str, Any], name: str) -> bool:
    return bool((fields.get(name) or {}).get("needs_review"))


def _iso_date(value: Any) -> str | None:
    try:
        return date.fromisoformat(str(value)).isoformat() if value else None
    except ValueError:
        return None


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


__all__ = ["LIMITS", "NAMESPACE", "FileCode", "file_code", "metadata_xml", "schema_text"]
