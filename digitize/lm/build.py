"""Build ``model.json``, the diacritics model's data, from what the set-up installs.

    .venv/bin/python -m digitize.lm.build            # writes digitize/lm/model.json

Sources, all openly licensed and all local (nothing is downloaded):

- Tesseract's own Vietnamese word list (Apache-2.0), unpacked from the installed
  ``vie.traineddata`` with ``combine_tessdata -u`` and ``dawg2wordlist`` (package
  ``tesseract-ocr``): which syllables exist.
- ``corpus.txt`` beside this script, administrative phrases written for this project, and the
  project's phrase and name lists (``classifiers/vocabulary.yaml``, ``classifiers/names.yaml``):
  which syllables follow which (bigram counts) and how often each is used in official text.

General-language syllable frequencies (``wordfreq``, CC-BY-SA 4.0 data) are not copied into the
model: :mod:`digitize.diacritics` reads them from the installed package when it loads.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import yaml

from digitize.lm.syllables import form, is_syllable, nfc

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CORPUS = HERE / "corpus.txt"
MODEL = HERE / "model.json"
VOCABULARY = ROOT / "classifiers" / "vocabulary.yaml"
NAMES = ROOT / "classifiers" / "names.yaml"

_CONTEXT_BREAK = re.compile(r"[,;:.!?()\[\]\"“”'‘’/–—]|\s-\s")
"""Punctuation that ends a context: words either side of it are not neighbours."""


def tessdata_file(lang: str = "vie") -> Path:
    """Where the installed ``<lang>.traineddata`` is, as Tesseract itself reports it."""
    out = subprocess.run(
        ["tesseract", "--list-langs"], capture_output=True, text=True, check=True
    ).stdout
    m = re.search(r'"([^"]+)"', out)
    if m is None:
        raise RuntimeError("tesseract --list-langs did not name its data folder")
    path = Path(m.group(1)) / f"{lang}.traineddata"
    if not path.exists():
        raise RuntimeError(f"{path} is missing: install tesseract-ocr-{lang}")
    return path


def tesseract_words(lang: str = "vie") -> list[str]:
    """Tesseract's word list for ``lang`` (its LSTM word dawg), one word each."""
    for tool in ("combine_tessdata", "dawg2wordlist"):
        if shutil.which(tool) is None:
            raise RuntimeError(f"{tool} is missing: install tesseract-ocr")
    with tempfile.TemporaryDirectory(prefix="lm-build-") as tmp:
        prefix = str(Path(tmp) / f"{lang}.")
        subprocess.run(
            ["combine_tessdata", "-u", str(tessdata_file(lang)), prefix],
            capture_output=True,
            check=True,
        )
        words = Path(tmp) / "words.txt"
        subprocess.run(
            ["dawg2wordlist", f"{prefix}lstm-unicharset", f"{prefix}lstm-word-dawg", str(words)],
            capture_output=True,
            check=True,
        )
        return [nfc(w.strip()) for w in words.read_text(encoding="utf-8").splitlines()]


def corpus_lines() -> list[str]:
    """The project's administrative phrases: corpus.txt, vocabulary.yaml, names.yaml."""
    lines = [ln for ln in CORPUS.read_text(encoding="utf-8").splitlines() if not ln.startswith("#")]
    vocab = yaml.safe_load(VOCABULARY.read_text(encoding="utf-8")) or {}
    for group in ("organs", "phrases"):
        lines.extend(str(p) for p in vocab.get(group) or [])
    return [nfc(ln) for ln in lines if ln.strip()]


def name_syllables() -> list[str]:
    data = yaml.safe_load(NAMES.read_text(encoding="utf-8")) or {}
    return [nfc(str(s)) for group in ("surnames", "syllables") for s in data.get(group) or []]


def count(lines: list[str]) -> tuple[Counter[str], Counter[str], dict[str, int], dict[str, str]]:
    """Unigram and bigram counts of syllable forms; per bigram, which of its words were
    written with a capital in a line not all in capitals (bit 1 the first, bit 2 the second:
    a title-case word read by OCR may be a name, and only a phrase that capitalises it too
    speaks for it); a spelling seen for each form."""
    uni: Counter[str] = Counter()
    big: Counter[str] = Counter()
    caps: dict[str, int] = {}
    spelled: dict[str, str] = {}
    for line in lines:
        letters_ = [c for c in line if c.isalpha()]
        upper_line = sum(c.isupper() for c in letters_) * 10 >= 7 * len(letters_)
        for chunk in _CONTEXT_BREAK.split(line):
            prev: tuple[str, bool] | None = None
            for word in chunk.split():
                if not is_syllable(word):
                    prev = None
                    continue
                f = form(word)
                cap = word[:1].isupper() and not upper_line
                spelled.setdefault(f, word.lower())
                uni[f] += 1
                if prev is not None:
                    pair = f"{prev[0]} {f}"
                    big[pair] += 1
                    bits = (1 if prev[1] else 0) | (2 if cap else 0)
                    if bits:
                        caps[pair] = caps.get(pair, 0) | bits
                prev = (f, cap)
    return uni, big, caps, spelled


def build() -> dict[str, object]:
    lines = corpus_lines()
    uni, big, caps, spelled = count(lines)
    spelling = dict(spelled)
    for word in tesseract_words():
        if is_syllable(word):
            spelling.setdefault(form(word), word.lower())
    names = sorted({form(n) for n in name_syllables() if is_syllable(n)})
    for n in name_syllables():
        spelling.setdefault(form(n), n.lower())
    return {
        "about": "Syllables (Tesseract vie word list, Apache-2.0; project phrase lists) and "
        "bigram counts of administrative phrases written for digitize. Built by "
        "python -m digitize.lm.build.",
        "spelling": dict(sorted(spelling.items())),
        "unigrams": dict(sorted(uni.items())),
        "bigrams": dict(sorted(big.items())),
        "capitalised": dict(sorted(caps.items())),
        "names": names,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--out", type=Path, default=MODEL)
    args = ap.parse_args(argv)
    model = build()
    args.out.write_text(json.dumps(model, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(
        f"{args.out}: {len(model['spelling'])} syllables, {len(model['bigrams'])} bigrams, "
        f"{args.out.stat().st_size // 1024} KiB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
