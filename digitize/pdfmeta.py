"""The searchable PDF's Decree 30 metadata, taken from the document's record.

The PDF carries what an archive needs to file it without the record beside it (Decree 30,
Appendix VI; Circular 01/2023): the dossier code, the document's type, number and notation,
issue date, issuing organ and subject as the classifiers read them, and the SHA-256 of the
original, so the PDF can be matched to the paper's scan it was made from. A value the
classifiers were unsure of is written all the same: the record says which need a look.
"""

from __future__ import annotations

from digitize.archive import split_number
from digitize.pdfwriter import ArchiveMetadata
from digitize.record import Record


def _value(record: Record, name: str) -> str:
    found = record.fields.get(name)
    return "" if found is None or found.value is None else str(found.value)


def archive_metadata(record: Record) -> ArchiveMetadata:
    """The PDF metadata of a record whose pages have been read and classified."""
    number, notation = split_number(_value(record, "document_number"))
    known = record.document_type.code != "unknown"
    return ArchiveMetadata(
        file_code=record.dossier_code,
        type_code=record.document_type.code if known else "",
        type_name=record.document_type.label if known else "",
        code_number=number or "",
        code_notation=notation or "",
        issued_date=_value(record, "issue_date"),
        organ_name=_value(record, "issuer"),
        subject=_value(record, "subject"),
        original_sha256=record.sha256 or "",
        digitized_at=record.created_at,
    )


__all__ = ["archive_metadata"]
