"""Diacritics correction measured on page readings already made, without running OCR.

    .venv/bin/python -m bench.bench_diacritics                  # vie-real dev part, cached pages
    .venv/bin/python -m bench.bench_diacritics --sweep          # thresholds against each other
    .venv/bin/python -m bench.bench_diacritics --split holdout  # held-out part: totals only
    .venv/bin/python -m bench.bench_diacritics --read 1500 --generated dia0  # read, then score
    .venv/bin/python -m bench.bench_diacritics --generated dia0 # generated pages (cache tag)
    .venv/bin/python -m bench.bench_diacritics --synth 200      # generated texts, no OCR

Real documents: the pipeline's cached page readings of ``vie-real`` (``bench/out/real/pages``,
tag ``--ocr-tag``) are corrected by :func:`digitize.diacritics.correct`; the truth's printed
lines are scored before and after (character error rate and exact lines, as ``bench_real``
does). Each changed word is checked against the truth (its printed lines and its issuer,
subject and signer) where its letters and its neighbours' letters (marks off, đ as d; an
abbreviation in capitals matches any) occur there: *fixed* when the truth spells it as
changed, *broken* when as read, *other* when neither, *unseen* when the truth has no such
place. The truth's lines and text fields themselves are run at confidence 0 (right text: a
change there is a word broken). Text-layer pages are correct text: their words are run with
every confidence set to 0, so each change counts as a word broken (what the model alone would
do to right text). Generated pages (the classifier
benchmark's cache, ``bench/out/cache``, read under a tag with the correction off: ``--read
SEED``, two pages of each kind with prose and each damaging profile, one process) have their
full truth regenerated and are scored the same way on the whole page. ``--fields`` classifies
the cached readings of vie-real as read and as corrected and scores types and fields (as
``bench_real`` does). ``--synth N`` runs the text of N generated pages (names, places, labels:
right text) at confidence 0.6: every change there is a word broken.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from digitize import diacritics
from digitize.lm.syllables import form, letters
from digitize.models import Word
from digitize.text import document_text, page_text

ROOT = Path(__file__).resolve().parents[1]

FIELD_FIGURES = (
    "type_acc_pct",
    "field_exact_pct",
    "fields_read_pct",
    "wrong_unflagged_per_100",
    "right_but_flagged_pct",
)


@dataclass
class Tally:
    words: int = 0
    unsure: int = 0
    changed: int = 0
    fixed: int = 0
    broken: int = 0
    other: int = 0
    unseen: int = 0
    seconds: float = 0.0
    examples: list[str] = field(default_factory=list)

    def row(self) -> str:
        ms = 1000 * self.seconds / max(1, self.words) * 400
        return (
            f"words {self.words}, below threshold {self.unsure}, changed {self.changed}: "
            f"fixed {self.fixed}, broken {self.broken}, other {self.other}, "
            f"unseen {self.unseen}; {ms:.1f} ms per 400 words"
        )


def _core(text: str) -> str:
    return diacritics._split(text)[1]


def _key(token: str) -> str:
    """What a word is matched on: its letters with marks off and đ as d (a change of marks or
    of d and đ keeps it), or ``*`` for a word in capitals that is no syllable (an
    abbreviation, whose letters a change may alter)."""
    if token.isupper() and _split_form(token) is None:
        return "*"
    return letters(token).replace("đ", "d")


def _split_form(token: str) -> str | None:
    return diacritics._split(token)[3]


def _truth_index(lines: list[str]) -> dict[tuple[str, ...], set[str]]:
    """Word n-grams (1 to 3 words, matched on :func:`_key`) of the truth -> forms of their
    middle word."""
    index: dict[tuple[str, ...], set[str]] = {}
    for line in lines:
        toks = [_core(t) for t in line.split()]
        keys = [_key(t) for t in toks]
        for i, tok in enumerate(toks):
            for a, b in ((i - 1, i + 2), (i - 1, i + 1), (i, i + 2)):
                if a >= 0 and b <= len(toks):
                    index.setdefault((str(i - a), *keys[a:b]), set()).add(form(tok))
    return index


def _judge(index: dict[tuple[str, ...], set[str]], words: list[Word], i: int, new: str) -> str:
    keys = [_key(_core(w.text)) for w in words]
    old = form(_core(words[i].text))
    for a, b in ((i - 1, i + 2), (i - 1, i + 1), (i, i + 2)):
        if a < 0 or b > len(words):
            continue
        truth = index.get((str(i - a), *keys[a:b]))
        if truth is None:
            continue
        if form(_core(new)) in truth and old not in truth:
            return "fixed"
        if old in truth and form(_core(new)) not in truth:
            return "broken"
        return "other"
    return "unseen"


def run_words(
    words: list[Word], tally: Tally, index: dict[tuple[str, ...], set[str]] | None, tag: str
) -> list[Word]:
    t0 = time.perf_counter()
    out, changes = diacritics.correct(words)
    tally.seconds += time.perf_counter() - t0
    tally.words += len(words)
    tally.unsure += sum(w.conf < diacritics.MAX_CONF for w in words)
    tally.changed += len(changes)
    for c in changes:
        verdict = "broken" if index is None else _judge(index, words, c.index, c.new)
        setattr(tally, verdict, getattr(tally, verdict) + 1)
        left = words[c.index - 1].text if c.index else ""
        right = words[c.index + 1].text if c.index + 1 < len(words) else ""
        tally.examples.append(
            f"{verdict:6} {tag}: {left} [{c.old} -> {c.new}] {right} ({words[c.index].conf:.2f})"
        )
    return out


TEXT_FIELDS = ("issuer", "subject", "signer")
"""Truth fields that are printed text (names, organs, subjects), not numbers or dates."""


def _text_fields(entry: dict[str, Any]) -> list[str]:
    """The truth's printed-text field values: right text, like its lines."""
    fields = entry.get("fields") or {}
    return [v for k in TEXT_FIELDS if isinstance(v := fields.get(k), str) and v]


@dataclass
class Real:
    ocr: Tally = field(default_factory=Tally)
    layer: Tally = field(default_factory=Tally)
    truth_lines: Tally = field(default_factory=Tally)
    before: Any = None
    after: Any = None
    fields_before: Any = None
    fields_after: Any = None


def real(args: argparse.Namespace) -> Real:
    """Lines before and after on vie-real; the changes on OCR pages (judged by the truth's lines
    and text fields), on text layers and on the truth's own lines and text fields (right text,
    run at confidence 0); with ``args.fields``, the records'
    types and fields before and after (the classifiers run on both readings)."""
    from bench.bench_real import CACHE, DEFAULT_DATA, _sha, record_for, select
    from bench.realscore import LineScore, Totals, score_file, searchable

    truth_path = args.data / "truth.json"
    if not truth_path.exists():
        raise SystemExit(f"no truth.json in {args.data}")
    entries = select(json.loads(truth_path.read_text(encoding="utf-8")), args.split, args.data)
    r = Real(before=LineScore(), after=LineScore())
    if args.fields:
        r.fields_before, r.fields_after = Totals(), Totals()
    for e in entries:
        cache = CACHE / "pages" / f"{_sha(args.data / e['file'])}-{args.ocr_tag}.json"
        if not cache.exists():
            print(f"not read yet (run bench_real first): {e['file']}", file=sys.stderr)
            continue
        pages = json.loads(cache.read_text(encoding="utf-8"))["pages"]
        right_text = (e.get("lines") or []) + _text_fields(e)
        index = _truth_index(right_text)
        corrected = []
        for p in pages:
            words = [Word(**w) for w in p["words"]]
            if p["source"] == "ocr":
                fixed = run_words(words, r.ocr, index, e["file"])
                words_json = [w.to_dict() for w in fixed]
                corrected.append(dict(p, words=words_json, text=page_text(fixed, p["width"])))
            else:
                run_words([replace(w, conf=0.0) for w in words], r.layer, None, e["file"])
                corrected.append(p)
        for n, line in enumerate(right_text):
            words = [Word(t, 10 * k, 0, 10, 10, 0.0, 0, 0, n) for k, t in enumerate(line.split())]
            run_words(words, r.truth_lines, None, e["file"])
        tb = searchable(document_text(p["text"] for p in pages))
        ta = searchable(document_text(p["text"] for p in corrected))
        for line in e.get("lines") or []:
            r.before.add(line, tb)
            r.after.add(line, ta)
        if args.fields:
            r.fields_before.add(score_file(e, record_for(pages, e["file"]), None))
            r.fields_after.add(score_file(e, record_for(corrected, e["file"]), None))
    if DEFAULT_DATA.resolve() == args.data.resolve() and args.split == "holdout":
        for t in (r.ocr, r.layer, r.truth_lines):
            t.examples.clear()
    return r


def generated(tag: str) -> tuple[Tally, float, float]:
    """Changes and whole-page CER before and after on the cached generated pages of ``tag``."""
    from bench.classify_data import CACHE_DIR
    from bench.scoring import cer
    from bench.synth import render_document

    tally = Tally()
    cer_before = cer_after = 0.0
    pages = 0
    for path in sorted(CACHE_DIR.glob(f"*-{tag}.json")):
        entry = json.loads(path.read_text(encoding="utf-8"))
        seed, profile, kind, i, dpi = entry["key"].split("-")[:5]
        rng = random.Random(f"{seed[1:]}/{profile}/{kind}/{i}")
        truth = render_document(kind, rng, int(dpi[1:])).text
        index = _truth_index(truth.splitlines())
        for p in entry["pages"]:
            if p["source"] != "ocr":
                continue
            words = [Word(**w) for w in p["words"]]
            fixed = run_words(words, tally, index, entry["key"])
            cer_before += cer(truth, p["text"])
            cer_after += cer(truth, page_text(fixed, p["width"]))
            pages += 1
    return tally, cer_before / max(1, pages), cer_after / max(1, pages)


GENERATED_KINDS = ("decision", "official_letter", "application", "declaration")
GENERATED_PROFILES = ("office", "poor", "photo")


def read_generated(seed: int, tag: str) -> None:
    """Read generated pages into the classifier benchmark's cache under ``tag``, with the
    correction off (one process: a page costs seconds of OCR)."""
    from bench.classify_data import cached, specs

    todo = specs(seed, 2, list(GENERATED_PROFILES), list(GENERATED_KINDS), 300, tag)
    kept = diacritics.MAX_CONF, diacritics.DOUBT
    diacritics.MAX_CONF, diacritics.DOUBT = 0.0, False
    try:
        for n, spec in enumerate(todo, 1):
            cached(spec)
            print(f"\rread {n}/{len(todo)} pages", end="", file=sys.stderr, flush=True)
    finally:
        diacritics.MAX_CONF, diacritics.DOUBT = kept
    print(file=sys.stderr)


def synthetic_truth(pages: int) -> Tally:
    """The generated pages' own text (right text, names included), run at confidence 0.6:
    every change is a word broken."""
    from bench.synth import render_random

    tally = Tally()
    for seed in range(pages):
        page = render_random(random.Random(seed), dpi=100, negatives=0.0)
        for n, text in enumerate(page.text.splitlines()):
            words = [Word(t, 10 * k, 0, 10, 10, 0.6, 0, 0, n) for k, t in enumerate(text.split())]
            run_words(words, tally, None, f"synth {seed}")
    return tally


def main(argv: list[str] | None = None) -> int:
    from bench.bench_real import DEFAULT_DATA

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder with truth.json")
    ap.add_argument("--split", choices=("dev", "holdout", "all"), default="dev")
    ap.add_argument("--ocr-tag", default="base040", help="page-reading cache tag of bench_real")
    ap.add_argument("--generated", metavar="TAG", help="also score generated pages of this tag")
    ap.add_argument("--read", type=int, metavar="SEED", help="first read generated pages")
    ap.add_argument("--fields", action="store_true", help="types and fields before and after")
    ap.add_argument("--synth", type=int, default=0, metavar="N", help="N generated texts")
    ap.add_argument("--max-conf", type=float, default=diacritics.MAX_CONF)
    ap.add_argument("--margin", type=float, default=diacritics.MARGIN)
    ap.add_argument("--sweep", action="store_true", help="several thresholds, dev part only")
    ap.add_argument("--examples", action="store_true", help="list every change")
    args = ap.parse_args(argv)
    diacritics.model()
    if args.read is not None:
        read_generated(args.read, args.generated or "dia0")
    settings = [(args.max_conf, args.margin)]
    if args.sweep:
        if args.split == "holdout":
            print("--sweep is refused on the held-out part", file=sys.stderr)
            return 2
        settings = [(c, m) for c in (0.6, 0.7, 0.8, 0.9, 0.95) for m in (1.0, 2.0, 3.0)]
    for max_conf, margin in settings:
        diacritics.MAX_CONF, diacritics.MARGIN = max_conf, margin
        r = real(args)
        print(f"\n{args.data.name} [{args.split}] max conf {max_conf}, margin {margin}")
        print(f"  OCR pages:  {r.ocr.row()}")
        print(f"  text layer (conf 0): {r.layer.row()}")
        print(f"  truth lines and fields (conf 0): {r.truth_lines.row()}")
        print(
            f"  lines {r.before.lines}: CER {r.before.cer:.4f} -> {r.after.cer:.4f}, "
            f"exact {r.before.exact} -> {r.after.exact}"
        )
        if args.fields:
            fb, fa = r.fields_before.row(), r.fields_after.row()
            for key in FIELD_FIGURES:
                print(f"  {key}: {fb[key]} -> {fa[key]}")
        if args.generated:
            gen, cb, ca = generated(args.generated)
            print(f"  generated pages: {gen.row()}; mean CER {cb:.4f} -> {ca:.4f}")
            if args.examples:
                print("\n".join(gen.examples))
        if args.synth:
            syn = synthetic_truth(args.synth)
            print(f"  generated texts (conf 0.6): {syn.row()}")
            if args.examples:
                print("\n".join(syn.examples))
        if args.examples:
            print("\n".join(r.ocr.examples + r.layer.examples + r.truth_lines.examples))
    return 0


if __name__ == "__main__":
    sys.exit(main())
