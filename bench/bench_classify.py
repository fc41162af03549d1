"""Benchmark of the classifiers: document types and fields on generated, degraded pages.

Run: ``.venv/bin/python -m bench.bench_classify --pages 4 --seed 1 --profiles clean,office``

Per degradation profile it reports type accuracy, the accuracy of confident type answers
(confidence >= 0.9, a calibration check), field exact match over the fields the truth type's
catalogue entry extracts (missing and wrong counted apart), wrong values handed out without
``needs_review`` per 100 fields (the outcome that must not happen), values for fields the page
does not print, the share of right values still flagged (the desk's workload: flagging
everything would empty the unflagged-wrong column and make the tool useless), and the share
of blank and unrelated pages that come out ``unknown``. Per review reason code it reports how
often the code fired on a field the truth knows and how often that value was really wrong
(missing from the page counts as wrong): a check that never catches a wrong value is a
clerk's time wasted. Flagged fields without a reason are counted (there must be none).
Readings are cached (see ``bench.classify_data``); use one seed range for tuning and another
for the final, held-out figures.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from bench.classify_data import CACHE_DIR, load_all, page_results, specs

CONFIDENT = 0.9
REPORT = CACHE_DIR.parent / "classify_report.json"


def measured_fields(code: str) -> set[str]:
    """Contract field names the catalogue says ``code`` carries (Decree 30 metadata included)."""
    from classifiers.catalogue import load

    catalogue = load()
    return catalogue.field_names(code) if catalogue.get(code) else set()


def score(entries: list[dict[str, Any]], details: list[str] | None = None) -> dict[str, Any]:
    """The figures of one profile's pages."""
    from classifiers import classify

    c: Counter[str] = Counter()
    reasons: dict[str, Counter[str]] = defaultdict(Counter)
    per_field: dict[str, Counter[str]] = defaultdict(Counter)
    confusion: Counter[tuple[str, str]] = Counter()
    for e in entries:
        out = classify(page_results(e))
        truth, got = e["doc_type"], out.document_type["code"]
        conf = out.document_type["confidence"]
        c["pages"] += 1
        c["type_ok"] += truth == got
        if got != "unknown" and conf >= CONFIDENT:
            c["confident"] += 1
            c["confident_ok"] += truth == got
        if truth != got:
            confusion[(truth, got)] += 1
            if details is not None:
                details.append(f"TYPE {e['key']}: {truth} -> {got} ({conf})")
        if truth == "unknown":
            c["negatives"] += 1
            c["negatives_unknown"] += got == "unknown"
            continue
        wanted = measured_fields(truth)
        for name in sorted(wanted & set(e["fields"])):
            want = e["fields"][name]
            have = out.fields.get(name) or {}
            value, review = have.get("value"), have.get("needs_review", True)
            _count_reasons(have, value != want, reasons, c)
            c["fields"] += 1
            per_field[name]["n"] += 1
            if value is None:
                c["missing"] += 1
                per_field[name]["missing"] += 1
                state = "MISSING"
            elif value == want:
                c["exact"] += 1
                per_field[name]["exact"] += 1
                c["flagged_right"] += bool(review)
                state = ""
            else:
                c["wrong"] += 1
                per_field[name]["wrong"] += 1
                c["wrong_unflagged"] += not review
                per_field[name]["wrong_unflagged"] += not review
                state = "WRONG" if review else "WRONG-UNFLAGGED"
            if state and details is not None:
                details.append(f"{state} {e['key']} {name}: want {want!r} got {value!r}")
        # A value where the page prints none (e.g. no expiry date) is also a wrong value.
        for name in sorted(wanted - set(e["fields"])):
            have = out.fields.get(name)
            if have and have.get("value") is not None:
                _count_reasons(have, True, reasons, c)
                c["spurious"] += 1
                c["spurious_unflagged"] += not have.get("needs_review", True)
                if details is not None:
                    details.append(f"SPURIOUS {e['key']} {name}: got {have.get('value')!r}")
    return {
        "counts": dict(c),
        "per_field": {k: dict(v) for k, v in per_field.items()},
        "confusion": {f"{a}->{b}": n for (a, b), n in confusion.items()},
        "reasons": {k: dict(v) for k, v in sorted(reasons.items())},
    }


def _count_reasons(
    have: dict[str, Any], wrong: bool, reasons: dict[str, Counter[str]], c: Counter[str]
) -> None:
    """Counts each reason of a field value that was read, and whether the value was wrong."""
    if not have or have.get("value") is None:
        return
    codes = have.get("review_reasons") or []
    c["review_without_reason"] += bool(have.get("needs_review")) and not codes
    for code in codes:
        reasons[code]["fired"] += 1
        reasons[code]["wrong"] += wrong


def reasons_table(results: dict[str, dict[str, Any]]) -> str:
    """Per reason code over all profiles: how often it fired, how often the value was wrong."""
    total: dict[str, Counter[str]] = defaultdict(Counter)
    for r in results.values():
        for code, n in r.get("reasons", {}).items():
            total[code].update(n)
    rows = ["| reason | fired | really wrong | wrong % |", "|---|---|---|---|"]
    for code, n in sorted(total.items(), key=lambda kv: (-kv[1]["fired"], kv[0])):
        rows.append(
            f"| {code} | {n['fired']} | {n['wrong']} | {_pct(n['wrong'], n['fired']).strip()} |"
        )
    without = sum(r["counts"].get("review_without_reason", 0) for r in results.values())
    rows.append(f"\nflagged fields without a reason: {without}")
    return "\n".join(rows)


def _pct(a: int, b: int) -> str:
    return f"{100.0 * a / b:5.1f}" if b else "  n/a"


def table(results: dict[str, dict[str, Any]]) -> str:
    """The per-profile summary as a Markdown table."""
    head = (
        "| profile | pages | type acc % | acc at conf>=0.9 % (share) | field exact % | missing % "
        "| wrong % | wrong unflagged /100 | spurious unflagged | right but flagged % "
        "| blank/unrelated unknown % |"
    )
    rows = [head, "|" + "---|" * 11]
    for profile, r in results.items():
        c = r["counts"]
        n = c.get("fields", 0)
        rows.append(
            f"| {profile} | {c.get('pages', 0)} | {_pct(c.get('type_ok', 0), c.get('pages', 0))} "
            f"| {_pct(c.get('confident_ok', 0), c.get('confident', 0))} "
            f"({_pct(c.get('confident', 0), c.get('pages', 0)).strip()}) "
            f"| {_pct(c.get('exact', 0), n)} | {_pct(c.get('missing', 0), n)} "
            f"| {_pct(c.get('wrong', 0), n)} | {_pct(c.get('wrong_unflagged', 0), n)} "
            f"| {c.get('spurious_unflagged', 0)} "
            f"| {_pct(c.get('flagged_right', 0), c.get('exact', 0))} "
            f"| {_pct(c.get('negatives_unknown', 0), c.get('negatives', 0))} |"
        )
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> None:
    from bench.synth import KINDS

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=3, help="pages per kind and profile")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument(
        "--seeds",
        default="",
        help="several seeds, comma-separated, pooled in one table (and scored one by one)",
    )
    ap.add_argument("--profiles", default="clean,office,poor,photo")
    ap.add_argument("--kinds", default=",".join(KINDS))
    ap.add_argument("--dpi", type=int, default=300, help="render resolution before damage")
    ap.add_argument("--jobs", type=int, default=2, help="OCR processes")
    ap.add_argument("--ocr-tag", default="v1", help="cache tag; change it when OCR changes")
    ap.add_argument("--details", action="store_true", help="list every wrong answer")
    ap.add_argument("--per-field", action="store_true", help="per-field figures")
    ap.add_argument("--cached-only", action="store_true", help="score only pages already read")
    args = ap.parse_args(argv)
    profiles = [p for p in args.profiles.split(",") if p]
    kinds = [k for k in args.kinds.split(",") if k]
    seeds = [int(x) for x in args.seeds.split(",") if x] or [args.seed]
    todo = [
        spec
        for seed in seeds
        for spec in specs(seed, args.pages, profiles, kinds, args.dpi, args.ocr_tag)
    ]
    if args.cached_only:
        todo = [s for s in todo if s.path.exists()]
    t0 = time.monotonic()
    entries = load_all(todo, args.jobs)
    t1 = time.monotonic()
    results: dict[str, dict[str, Any]] = {}
    details: list[str] | None = [] if args.details else None
    for profile in profiles:
        mine = [e for e, s in zip(entries, todo, strict=True) if s.profile == profile]
        results[profile] = score(mine, details)
    t2 = time.monotonic()
    if details:
        print("\n".join(details))
    if args.per_field:
        for profile, r in results.items():
            print(f"\n{profile}: confusion {r['confusion']}")
            for name, f in sorted(r["per_field"].items()):
                print(f"  {name:26s} {f}")
    if len(seeds) > 1:
        for seed in seeds:
            one = {
                profile: score(
                    [
                        e
                        for e, s in zip(entries, todo, strict=True)
                        if s.profile == profile and s.seed == seed
                    ]
                )
                for profile in profiles
            }
            print(f"\nseed {seed}\n{table(one)}")
        print(f"\npooled over seeds {', '.join(map(str, seeds))}")
    print(table(results))
    print("\n" + reasons_table(results))
    print(f"\nreading {t1 - t0:.0f} s, classifying {t2 - t1:.1f} s ({len(entries)} pages)")
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    Path(REPORT).write_text(
        json.dumps({"args": vars(args), "results": results}, ensure_ascii=False, indent=1),
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
