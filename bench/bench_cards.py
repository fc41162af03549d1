"""Benchmark of ID-card photos as desks take them: six capture conditions, one table.

Run: ``.venv/bin/python -m bench.bench_cards --cards 4 --seed 41``

Clerks photograph citizen ID cards and driving licences with a phone, and not always as the
default photo of ``bench.synth.degrade`` has it (a dark desk, the card filling most of the
frame). Each generated card (``bench.synth.cards``: chip card front and back, the 2024
front, the old 9-digit card's front and back, the driving licence; on request the vehicle
registration cards of ``bench.synth.vehicle``) is photographed under every condition of
``bench.synth.capture``: ``desk`` (the default photo), ``light`` (the card on a sheet of
paper or a pale counter, its edge barely standing out), ``far`` (from arm's length, 35-55%
of the frame's width), ``glare`` (a laminate or lamp reflection over part of the card),
``fingers`` (fingertips over an edge) and ``sent`` (the desk photo as a messaging app
forwards it: 1,280 pixels on its longest side, JPEG quality 70). The photo is read as a JPEG
file through the real intake and page reader and classified.

Per condition it reports the document type right (``citizen_id``, ``driving_license`` for
the licence), the card's truth fields read exactly, missing and wrong, wrong values handed
out without ``needs_review`` per 100 fields (the outcome that must not happen), the share of
right values still flagged (the desk's workload), and the card's printed lines (every line
drawn on it, labels included) as the record's text holds them and as raw ``tesseract IMG -
-l vie`` reads the same photo as intake opens it: lines exact, character error rate (CER) of
each, and photos whose lines read worse than raw (``--no-raw`` skips raw Tesseract). The
conditions are paired: a card and its photo's frame, position, light and noise are the same
in every condition, so a condition's figures differ from ``desk``'s only by what the
condition changes. Everything is deterministic per seed, condition, kind and index; nothing
is cached.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from bench.bench_real import page_to_json, raw_text
from bench.realscore import LineScore, searchable
from bench.synth.capture import CONDITIONS
from bench.synth.cards import KINDS

REPORT = Path(__file__).resolve().parent / "out" / "cards_report.json"
VEHICLE_KINDS = ("motorbike", "car")
"""The vehicle registration cards (``bench.synth.vehicle``), measured on request
(``--kinds motorbike,car``): the default table stays the identity cards'."""
EXPECTED_TYPE = (
    {kind: "citizen_id" for kind in KINDS}
    | {"licence": "driving_license"}
    | {kind: "vehicle_registration" for kind in VEHICLE_KINDS}
)
"""The document type each card kind must be classified as."""


def photo_bytes(seed: int, condition: str, kind: str, index: int) -> tuple[bytes, Any]:
    """The card ``index`` of ``kind`` for ``seed`` and its JPEG photo under ``condition``."""
    from bench.synth.capture import capture
    from bench.synth.cards import render_card
    from bench.synth.vehicle import render_vehicle_card

    rng = random.Random(f"{seed}/{kind}/{index}")
    card = render_vehicle_card(kind, rng) if kind in VEHICLE_KINDS else render_card(kind, rng)
    shot = capture(card.image, card.dpi, condition, random.Random(f"{seed}/{kind}/{index}/photo"))
    return shot.jpeg(), card


def read_card(job: tuple[int, str, str, int, str | None, bool]) -> dict[str, Any]:
    """Photographs, reads and classifies one card; the truth and the answer of every field,
    and its printed lines' edits as read and (``with_raw``) as raw Tesseract reads them."""
    seed, condition, kind, index, images, with_raw = job
    from bench.classify_data import page_results
    from classifiers import classify
    from digitize.intake import open_document
    from digitize.reading import read_page
    from digitize.text import document_text

    data, card = photo_bytes(seed, condition, kind, index)
    if images:
        out_dir = Path(images)
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / f"{condition}-{kind}-{index}.jpg").write_bytes(data)
    t0 = time.perf_counter()
    doc = open_document(Path("card.jpg"), data, max_pixels=120_000_000, pdf_dpi=300)
    pages = [
        page_to_json(read_page(image, lang="vie", timeout=180.0, name="card.jpg").result)
        for image in doc.pages()
    ]
    seconds = time.perf_counter() - t0
    out = classify(page_results({"pages": pages}))
    text = searchable(document_text(p["text"] for p in pages))  # the record's text
    raw = searchable(raw_text(doc)[0]) if with_raw else None
    ours, theirs, worse = LineScore(), LineScore(), []
    for line in card.lines:
        d = ours.add(line, text)
        if raw is not None:
            r = theirs.add(line, raw)
            if d > r:
                worse.append([line, d, r])
    fields = {}
    for name, want in card.fields.items():
        have = out.fields.get(name) or {}
        fields[name] = {
            "want": want,
            "got": have.get("value"),
            "needs_review": bool(have.get("needs_review", True)),
            "reasons": list(have.get("review_reasons") or []),
        }
    return {
        "seed": seed,
        "condition": condition,
        "kind": kind,
        "index": index,
        "type": out.document_type["code"],
        "type_confidence": out.document_type["confidence"],
        "fields": fields,
        "lines": {"pipeline": vars(ours), "raw": vars(theirs) if with_raw else None},
        "lines_worse": worse,
        "seconds": round(seconds, 2),
    }


def score(results: list[dict[str, Any]], details: list[str] | None = None) -> dict[str, int]:
    """The counts of one condition's cards; wrong and missing fields go to ``details``."""
    c: Counter[str] = Counter()
    for r in results:
        c["cards"] += 1
        want_type = EXPECTED_TYPE[r["kind"]]
        c["type_right"] += r["type"] == want_type
        where = f"{r['condition']} {r['kind']} {r['index']}"
        if r["type"] != want_type and details is not None:
            details.append(f"{where} TYPE: want {want_type!r} got {r['type']!r}")
        ours, raw = r["lines"]["pipeline"], r["lines"]["raw"]
        for key in ("lines", "exact", "chars", "edits"):
            c[f"line_{key}"] += ours[key]
            if raw is not None:
                c[f"raw_line_{key}"] += raw[key]
        if raw is not None:
            c["raw_cards"] += 1
            c["worse_than_raw"] += ours["edits"] > raw["edits"]
            if ours["edits"] > raw["edits"] and details is not None:
                details.append(
                    f"{where} LINES worse than raw: {ours['edits']} edits, raw {raw['edits']}"
                )
                for line, d, rd in r["lines_worse"]:
                    details.append(f"    edits {d:3} raw {rd:3}  {line!r}")
        for name, f in r["fields"].items():
            c["fields"] += 1
            want, got, review = f["want"], f["got"], f["needs_review"]
            if got is None:
                c["missing"] += 1
            elif got == want:
                c["exact"] += 1
                c["right_flagged"] += review
                continue
            else:
                c["wrong"] += 1
                c["wrong_unflagged"] += not review
            if details is not None:
                flag = "" if got is None or review else " NOT FLAGGED"
                reasons = f" [{', '.join(f['reasons'])}]" if f["reasons"] else ""
                details.append(f"{where} {name}: want {want!r} got {got!r}{reasons}{flag}")
    return dict(c)


def _pct(a: int, b: int) -> str:
    return f"{100.0 * a / b:.1f}" if b else "n/a"


def _cer(edits: int, chars: int) -> str:
    return f"{edits / chars:.4f}" if chars else "n/a"


def table(counts: dict[str, dict[str, int]]) -> str:
    """The per-condition summary as a Markdown table."""
    rows = [
        "| condition | cards | type right % | fields | exact % | missing | wrong "
        "| wrong without review /100 | right but flagged % | lines exact % (raw) "
        "| CER | raw CER | worse than raw |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for condition, c in counts.items():
        n, cards = c.get("fields", 0), c.get("cards", 0)
        has_raw = c.get("raw_cards", 0) > 0
        raw_exact = f" ({_pct(c.get('raw_line_exact', 0), c.get('raw_line_lines', 0))})"
        rows.append(
            f"| {condition} | {cards} | {_pct(c.get('type_right', 0), cards)} "
            f"| {n} | {_pct(c.get('exact', 0), n)} | {c.get('missing', 0)} | {c.get('wrong', 0)} "
            f"| {_pct(c.get('wrong_unflagged', 0), n)} "
            f"| {_pct(c.get('right_flagged', 0), c.get('exact', 0))} "
            f"| {_pct(c.get('line_exact', 0), c.get('line_lines', 0))}"
            f"{raw_exact if has_raw else ''} "
            f"| {_cer(c.get('line_edits', 0), c.get('line_chars', 0))} "
            f"| {_cer(c.get('raw_line_edits', 0), c.get('raw_line_chars', 0)) if has_raw else ''} "
            f"| {c.get('worse_than_raw', 0) if has_raw else ''} |"
        )
    return "\n".join(rows)


def _names(text: str, known: tuple[str, ...], what: str) -> list[str]:
    names = [x.strip() for x in text.split(",") if x.strip()]
    unknown = [x for x in names if x not in known]
    if unknown:
        raise SystemExit(f"unknown {what} {', '.join(unknown)}; expected some of {known}")
    return names


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cards", type=int, default=4, help="cards per kind and condition")
    ap.add_argument("--seed", type=int, default=41)
    ap.add_argument("--conditions", default=",".join(CONDITIONS))
    ap.add_argument("--kinds", default=",".join(KINDS))
    ap.add_argument("--jobs", type=int, default=2, help="OCR processes")
    ap.add_argument("--details", action="store_true", help="list every wrong or missing field")
    ap.add_argument("--images", help="also write every photo to this folder")
    ap.add_argument("--no-raw", action="store_true", help="skip raw Tesseract")
    ap.add_argument("--out", type=Path, default=REPORT, help="JSON report")
    args = ap.parse_args(argv)
    conditions = _names(args.conditions, CONDITIONS, "conditions")
    kinds = _names(args.kinds, KINDS + VEHICLE_KINDS, "kinds")
    todo = [
        (args.seed, condition, kind, i, args.images, not args.no_raw)
        for condition in conditions
        for kind in kinds
        for i in range(args.cards)
    ]
    t0 = time.monotonic()
    if args.jobs > 1:
        with ProcessPoolExecutor(args.jobs) as pool:
            results = list(pool.map(read_card, todo))
    else:
        results = [read_card(job) for job in todo]
    wall = time.monotonic() - t0
    details: list[str] | None = [] if args.details else None
    counts = {
        condition: score([r for r in results if r["condition"] == condition], details)
        for condition in conditions
    }
    if details:
        print("\n".join(details) + "\n")
    print(table(counts))
    print(f"\n{len(results)} photos, {wall:.0f} s")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    report = {
        "args": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
        "counts": counts,
        "cards": results,
    }
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
