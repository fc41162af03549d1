"""Diacritics correction measured on page readings already made, without running OCR.

    .venv/bin/python -m bench.bench_diacritics                  # vie-real dev part, cached pages
    .venv/bin/python -m bench.bench_diacritics --sweep          # thresholds against each other
    .venv/bin/python -m bench.bench_diacritics --split holdout  # held-out part: totals only
    .venv/bin/python -m bench.bench_diacritics --generated dia0 # generated pages (cache tag)
    .venv/bin/python -m bench.bench_diacritics --synth 200      # generated texts, no OCR

Real documents: the pipeline's cached page readings of ``vie-real`` (``bench/out/real/pages``,
tag ``--ocr-tag``) are corrected by :func:`digitize.diacritics.correct`; the truth's printed
lines are scored before and after (character error rate and exact lines, as ``bench_real``
does). Each changed word is checked against the truth where its letters and its neighbours'
letters (marks off) occur there: *fixed* when the truth spells it as changed, *broken* when as
read, *other* when neither, *unseen* when the truth has no such place. Text-layer pages are
correct text: their words are run with every confidence set to 0, so each change counts as a
word broken (what the model alone would do to right text). Generated pages (the classifier
benchmark's cache, ``bench/out/cache``, read under a tag) have their full truth regenerated and
are scored the same way on the whole page. ``--synth N`` runs the text of N generated pages
(names, places, labels: right text) at confidence 0.6: every change there is a word broken.
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


def _truth_index(lines: list[str]) -> dict[tuple[str, ...], set[str]]:
    """Letter n-grams (1 to 3 words, marks off) of the truth -> forms of their middle word."""
    index: dict[tuple[str, ...], set[str]] = {}
    for line in lines:
        toks = [_core(t) for t in line.split()]
        keys = [letters(t) for t in toks]
        for i, tok in enumerate(toks):
            for a, b in ((i - 1, i + 2), (i - 1, i + 1), (i, i + 2)):
                if a >= 0 and b <= len(toks):
                    index.setdefault((str(i - a), *keys[a:b]), set()).add(form(tok))
    return index


def _judge(index: dict[tuple[str, ...], set[str]], words: list[Word], i: int, new: str) -> str:
    keys = [letters(_core(w.text)) for w in words]
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


def real(args: argparse.Namespace) -> tuple[Tally, Tally, Tally, Any, Any]:
    """Lines before and after on vie-real; the changes on OCR pages, on text layers and on the
    truth's own lines (right text, run at confidence 0)."""
    from bench.bench_real import CACHE, DEFAULT_DATA, _sha, select
    from bench.realscore import LineScore, searchable

    truth_path = args.data / "truth.json"
    if not truth_path.exists():
        raise SystemExit(f"no truth.json in {args.data}")
    entries = select(json.loads(truth_path.read_text(encoding="utf-8")), args.split, args.data)
    ocr, layer, truth_lines = Tally(), Tally(), Tally()
    before, after = LineScore(), LineScore()
    for e in entries:
        cache = CACHE / "pages" / f"{_sha(args.data / e['file'])}-{args.ocr_tag}.json"
        if not cache.exists():
            print(f"not read yet (run bench_real first): {e['file']}", file=sys.stderr)
            continue
        pages = json.loads(cache.read_text(encoding="utf-8"))["pages"]
        index = _truth_index(e.get("lines") or [])
        texts_before, texts_after = [], []
        for p in pages:
            words = [Word(**w) for w in p["words"]]
            texts_before.append(p["text"])
            if p["source"] == "ocr":
                fixed = run_words(words, ocr, index, e["file"])
                texts_after.append(page_text(fixed, p["width"]))
            else:
                run_words([replace(w, conf=0.0) for w in words], layer, None, e["file"])
                texts_after.append(p["text"])
        lines = e.get("lines") or []
        for n, line in enumerate(lines):
            words = [Word(t, 10 * k, 0, 10, 10, 0.0, 0, 0, n) for k, t in enumerate(line.split())]
            run_words(words, truth_lines, None, e["file"])
        tb = searchable(document_text(texts_before))
        ta = searchable(document_text(texts_after))
        for line in e.get("lines") or []:
            before.add(line, tb)
            after.add(line, ta)
    if DEFAULT_DATA.resolve() == args.data.resolve() and args.split == "holdout":
        ocr.examples.clear()
        layer.examples.clear()
        truth_lines.examples.clear()
    return ocr, layer, truth_lines, before, after


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
    ap.add_argument("--synth", type=int, default=0, metavar="N", help="N generated texts")
    ap.add_argument("--max-conf", type=float, default=diacritics.MAX_CONF)
    ap.add_argument("--margin", type=float, default=diacritics.MARGIN)
    ap.add_argument("--sweep", action="store_true", help="several thresholds, dev part only")
    ap.add_argument("--examples", action="store_true", help="list every change")
    args = ap.parse_args(argv)
    diacritics.model()
    settings = [(args.max_conf, args.margin)]
    if args.sweep:
        if args.split == "holdout":
            print("--sweep is refused on the held-out part", file=sys.stderr)
            return 2
        settings = [(c, m) for c in (0.6, 0.7, 0.8, 0.9, 0.95) for m in (1.0, 2.0, 3.0)]
    for max_conf, margin in settings:
        diacritics.MAX_CONF, diacritics.MARGIN = max_conf, margin
        ocr, layer, truth_lines, before, after = real(args)
        print(f"\n{args.data.name} [{args.split}] max conf {max_conf}, margin {margin}")
        print(f"  OCR pages:  {ocr.row()}")
        print(f"  text layer (conf 0): {layer.row()}")
        print(f"  truth lines (conf 0): {truth_lines.row()}")
        print(
            f"  lines {before.lines}: CER {before.cer:.4f} -> {after.cer:.4f}, "
            f"exact {before.exact} -> {after.exact}"
        )
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
            print("\n".join(ocr.examples + layer.examples + truth_lines.examples))
    return 0


if __name__ == "__main__":
    sys.exit(main())
