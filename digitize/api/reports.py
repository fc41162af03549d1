"""Reports over a unit's stored records: clerks' corrections, and the Index 766 indicators.

Both read the records as stored, so they need nothing but the store and agree with what a
dossier system fetches. A unit's dossiers are listed by the prefix of their codes
(``dossiers/<unit>-``), so a report reads only its own unit's objects; codes that merely start
with the same letters (unit ``A-B`` for unit ``A``) are dropped by :func:`~.auth.unit_of`.
A report reads every record of the unit: fine for a unit's thousands of dossiers, and the
reason reports are separate endpoints from the desk's.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from digitize.errors import InputError, NotFound
from storage import Store, layout

from .app_state import backends
from .auth import CallerDep, received_on, unit_of
from .indicators import COLUMNS, Doc, digitization_row, doc_from_record, periods
from .models import ERRORS, ErrorBody
from .uploads import SUBMISSION

router = APIRouter(prefix="/v1/reports", tags=["reports"], responses=ERRORS)

CORRECTION_COLUMNS = (
    "dossier_code",
    "doc_id",
    "field",
    "document_type",
    "read_value",
    "corrected_value",
    "unit",
    "clerk",
    "at",
)


class BadPeriod(InputError):
    code = "bad_period"
    hint = "Give from and to as dates, YYYY-MM-DD, with from not after to."


def unit_records(store: Store, unit: str) -> list[tuple[dict[str, Any], dict[str, Any] | None]]:
    """Every stored record of ``unit``'s dossiers, each with its upload sidecar (or None)."""
    keys: dict[tuple[str, str], set[str]] = {}
    for key in store.list(f"{layout.DOSSIERS}/{unit}-"):
        parts = key.split("/")
        if len(parts) != 5 or parts[2] != "documents" or unit_of(parts[1]) != unit:
            continue
        keys.setdefault((parts[1], parts[3]), set()).add(parts[4])
    out = []
    for (code, doc_id), names in sorted(keys.items()):
        if layout.RECORD not in names:
            continue
        record = _json(store, layout.record_key(code, doc_id))
        if record is None:
            continue
        sidecar = (
            _json(store, layout.document_key(code, doc_id, SUBMISSION))
            if SUBMISSION in names
            else None
        )
        out.append((record, sidecar))
    return out


def _json(store: Store, key: str) -> dict[str, Any] | None:
    try:
        body = json.loads(store.get_bytes(key))
    except (NotFound, ValueError):
        return None
    return body if isinstance(body, dict) else None


MAX_ROWS = 400
"""Most rows in one digitization report (more than seven years of weeks)."""

ANSWERS: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {}}},
    400: {"model": ErrorBody, "description": "a period that runs backwards or is too long"},
}


def _period(start: date | None, end: date | None) -> None:
    if start and end and start > end:
        raise BadPeriod(f"the period runs backwards: from={start} is after to={end}.")


def _csv(columns: tuple[str, ...], rows: list[dict[str, Any]], name: str) -> Response:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    # A byte order mark, so that a spreadsheet opens the Vietnamese names as UTF-8.
    return Response(
        "\ufeff" + out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )


Format = Literal["json", "csv"]
From = Annotated[date | None, Query(alias="from", description="first day, YYYY-MM-DD (inclusive)")]
To = Annotated[date | None, Query(description="last day, YYYY-MM-DD (inclusive)")]


@router.get("/corrections", responses=ANSWERS)
def corrections(
    request: Request,
    who: CallerDep,
    start: From = None,
    to: To = None,
    format: Format = "json",  # noqa: A002 (the query parameter's public name)
) -> Any:
    """Every clerk's correction in the unit's records (by the day it was made), oldest first."""
    _period(start, to)
    rows = []
    for record, _ in unit_records(backends(request).store, who.unit):
        doc_type = (record.get("document_type") or {}).get("code")
        for c in record.get("corrections") or []:
            day = date.fromisoformat(str(c.get("at", ""))[:10])
            if (start and day < start) or (to and day > to):
                continue
            rows.append(
                {
                    "dossier_code": record["dossier_code"],
                    "doc_id": record["doc_id"],
                    "field": c.get("field"),
                    "document_type": doc_type,
                    "read_value": c.get("read_value"),
                    "corrected_value": c.get("value"),
                    "unit": c.get("unit"),
                    "clerk": c.get("clerk"),
                    "at": c.get("at"),
                }
            )
    rows.sort(key=lambda r: (r["at"] or "", r["dossier_code"], r["doc_id"]))
    if format == "csv":
        return _csv(CORRECTION_COLUMNS, rows, "corrections")
    return {"unit": who.unit, "corrections": rows}


@router.get("/digitization", responses=ANSWERS)
def digitization(
    request: Request,
    who: CallerDep,
    start: From = None,
    to: To = None,
    format: Format = "json",  # noqa: A002
    by: Annotated[
        Literal["period", "week", "month"],
        Query(description="one row for the period, or one per calendar week or month"),
    ] = "period",
) -> Any:
    """Index 766 group 4 for the caller's unit and the period (by dossier receipt date)."""
    _period(start, to)
    docs: list[Doc] = []
    for record, sidecar in unit_records(backends(request).store, who.unit):
        received = received_on(record["dossier_code"])
        if received is not None:
            docs.append(doc_from_record(record, received, sidecar))
    spans = periods(start, to, by, docs)
    if len(spans) > MAX_ROWS:
        raise BadPeriod(
            f"{len(spans)} rows of one {by} each: at most {MAX_ROWS} are made in one report.",
            hint="Ask for a shorter period, or by=month instead of by=week.",
        )
    rows = [digitization_row(who.unit, docs, s, e) for s, e in spans]
    if format == "csv":
        return _csv(COLUMNS, rows, "digitization")
    return {"rows": rows}
