"""What an archivist sees of a backlog run: the progress line and the final report.

The report lists every document the run met, one row each, so a failure or a skipped folder is
never silent: CSV for a spreadsheet (UTF-8 with a BOM, so Excel shows Vietnamese names right),
and the same rows as JSON for scripts. Progress goes to stderr: a tqdm bar on a terminal, plain
lines every few seconds otherwise (a log file or a cron mail must not fill with bar redraws).
"""

from __future__ import annotations

import csv
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any, TextIO

PLAIN_INTERVAL_S = 10.0
"""Seconds between two plain progress lines when stderr is not a terminal."""


@dataclass
class Row:
    """One document of a backlog run; ``status`` is done, failed, skipped or queued."""

    dossier_code: str
    source_name: str
    path: str
    doc_id: str = ""
    status: str = ""
    document_type: str = ""
    pages: int = 0
    mean_word_confidence: float | None = None
    error_code: str = ""
    error_message: str = ""
    job_id: str = ""

    def fill_from(self, record: dict[str, Any], status: str | None = None) -> Row:
        """Take doc_id, status, type, pages, confidence and error from a stored record."""
        error = record.get("error") or {}
        self.doc_id = record.get("doc_id") or self.doc_id
        self.status = status or record.get("status") or "failed"
        self.document_type = (record.get("document_type") or {}).get("code") or ""
        self.pages = int(record.get("pages") or 0)
        self.mean_word_confidence = (record.get("quality") or {}).get("mean_word_confidence")
        self.error_code = error.get("code") or ""
        self.error_message = error.get("message") or ""
        return self


COLUMNS = [f.name for f in fields(Row)]


def write_csv(rows: list[Row], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        write_csv_to(fh, rows)


def write_csv_to(fh: TextIO, rows: Sequence[Row], columns: Sequence[str] = COLUMNS) -> None:
    """The report's CSV on an open text stream; a ``Row`` subclass passes its own ``columns``
    (the archivist's view adds what clerks flagged and corrected after the report's own)."""
    writer = csv.DictWriter(fh, fieldnames=list(columns))
    writer.writeheader()
    for row in rows:
        writer.writerow(asdict(row))


def write_json(rows: list[Row], path: Path, summary: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    body = {"summary": summary, "documents": [asdict(r) for r in rows]}
    path.write_text(json.dumps(body, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def counts(rows: list[Row]) -> dict[str, int]:
    out = {"total": len(rows), "done": 0, "failed": 0, "skipped": 0, "queued": 0}
    for r in rows:
        out[r.status] = out.get(r.status, 0) + 1
    return out


class Progress:
    """Documents done out of the total, pages per minute and an estimate of the time left.

    The estimate uses only documents actually processed in this run: skipped ones (already
    done) take milliseconds and would make a resumed run look ten times faster than it is.
    """

    def __init__(self, total: int, *, stream: TextIO | None = None, label: str = "backlog"):
        self.total = total
        self.stream = stream or sys.stderr
        self.label = label
        self.started = time.monotonic()
        self.seen = self.worked = self.pages = 0
        self.work_seconds = 0.0
        self._last_line = self.started
        self._bar = None
        if self.stream.isatty():
            from tqdm import tqdm

            self._bar = tqdm(total=total, unit="doc", file=self.stream, desc=label, leave=True)

    def advance(self, *, pages: int = 0, worked: bool = True, seconds: float = 0.0) -> None:
        self.seen += 1
        self.pages += pages
        if worked:
            self.worked += 1
            self.work_seconds += seconds
        if self._bar is not None:
            self._bar.set_postfix_str(
                f"{self.pages_per_minute():.1f} pages/min, {_minutes(self.seconds_left())} left",
                refresh=False,
            )
            self._bar.update(1)
            return
        now = time.monotonic()
        if now - self._last_line >= PLAIN_INTERVAL_S or self.seen == self.total:
            self._last_line = now
            print(self.line(), file=self.stream, flush=True)

    def pages_per_minute(self) -> float:
        elapsed = time.monotonic() - self.started
        return self.pages * 60.0 / elapsed if elapsed > 0 else 0.0

    def seconds_left(self) -> float | None:
        if not self.seen:
            return None
        if self.worked and self.work_seconds > 0:
            per_doc = self.work_seconds / self.worked
        else:  # queued mode: the workers' time is not seen here, only the pace
            per_doc = (time.monotonic() - self.started) / self.seen
        return per_doc * (self.total - self.seen)

    def line(self) -> str:
        return (
            f"{self.label}: {self.seen}/{self.total} documents, {self.pages} pages, "
            f"{self.pages_per_minute():.1f} pages/min, {_minutes(self.seconds_left())} left"
        )

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


def _minutes(seconds: float | None) -> str:
    if seconds is None:
        return "time"
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"
