"""Build ``model.json``, the diacritics model's data, from what the set-up installs.

    .venv/bin/python -m digitize.lm.build            # writes digitize/lm/model.json

Sources, all openly licensed and all local (nothing is downloaded):

- Tesseract's own Vietnamese word list (Apache-2.0), unpacked from the installed
  ``vie.traineddata`` with ``combine_tessdata -u`` and ``dawg2wordlist`` (package
  ``tesseract-ocr``): which syllables exist.
- ``corpus.txt`` beside this script, administrative phrases written for this project: which
  syllables follow which (bigram counts) and how often each is used in official text, and the
  abbreviations it writes in capitals (UBND, TNDN).

Two sources are read when the model loads instead (:func:`digitize.lm.model.load`), so they are
never stale: the classifiers' phrase and name lists (``vocabulary.yaml``, ``names.yaml``), which
change with the classifiers, and general-language syllable frequencies (``wordfreq``, whose
CC-BY-SA 4.0 data is used where it is installed, not copied here).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from digitize.lm.syllables import acronyms, count_phrases, form, is_syllable, nfc

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus.txt"
MODEL = HERE / "model.json"


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
    """The administrative phrases written for this project (``corpus.txt``)."""
    text = CORPUS.read_text(encoding="utf-8")
    return [nfc(ln) for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build() -> dict[str, object]:
    lines = corpus_lines()
    uni, big, caps, spelled = count_phrases(lines)
    spelling = dict(spelled)
    for word in tesseract_words():
        if is_syllable(word):
            spelling.setdefault(form(word), word.lower())
    traineddata = tessdata_file()
    return {
        "about": "Syllables of Tesseract's vie word list (Apache-2.0) and of corpus.txt, with "
        "the unigram and bigram counts and the abbreviations of corpus.txt (administrative "
        "phrases written for digitize). Built by python -m digitize.lm.build.",
        "tessdata": {"file": traineddata.name, "sha256": _sha256(traineddata)},
        "spelling": dict(sorted(spelling.items())),
        "unigrams": dict(sorted(uni.items())),
        "bigrams": dict(sorted(big.items())),
        "capitalised": dict(sorted(caps.items())),
        "acronyms": sorted(acronyms(lines)),
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
