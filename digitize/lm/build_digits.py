"""Build ``digits.npz``, the examples of handwritten digits that :mod:`digitize.glyphs` compares
pen strokes with.

    .venv/bin/python -m digitize.lm.build_digits [--from PNG]   # writes digitize/lm/digits.npz

Source: ``digits.png`` of OpenCV's samples (5,000 handwritten digits, 500 of each, 20 x 20
pixels, white on black; a subset of the MNIST digits), shipped by Debian's ``opencv-doc``
package under OpenCV's licence (Apache-2.0 for OpenCV 4.5 and later, BSD-3-Clause before):
``apt-get install opencv-doc`` puts it in ``/usr/share/doc/opencv-doc/examples/data/``. The
file is read once here; the examples' pixels and their features (:func:`digitize.glyphs.features`,
with the digits as Vietnamese hands write them added: :func:`digitize.glyphs.as_written_here`)
are stored compressed, so the set-up need not install that package and a worker need not
compute them. Nothing is downloaded. Rebuild after changing the features.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import cv2
import numpy as np

DEFAULT_SOURCE = Path("/usr/share/doc/opencv-doc/examples/data/digits.png")
OUT = Path(__file__).with_name("digits.npz")
CELL = 20


def cells(source: Path) -> tuple[np.ndarray, np.ndarray]:
    """The sheet's digits (n x 20 x 20, uint8) and their labels (the sheet holds each digit's
    examples in order, 0 to 9, the same number of each)."""
    sheet = cv2.imread(str(source), cv2.IMREAD_GRAYSCALE)
    if sheet is None:
        raise SystemExit(f"{source}: not found; install Debian's opencv-doc or pass --from")
    rows = np.vsplit(sheet, sheet.shape[0] // CELL)
    digits = np.array([np.hsplit(r, sheet.shape[1] // CELL) for r in rows]).reshape(-1, CELL, CELL)
    labels = np.repeat(np.arange(10, dtype=np.uint8), len(digits) // 10)
    return digits, labels


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from", dest="source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    from digitize import glyphs

    digits, labels = cells(args.source)
    examples, example_labels = glyphs.as_written_here(digits, labels)
    feats = np.array([glyphs.features(d) for d in examples], dtype=np.float16)
    np.savez_compressed(
        args.out, digits=digits, labels=labels, features=feats, feature_labels=example_labels
    )
    print(f"{args.out}: {len(digits)} digits, {len(feats)} examples")


if __name__ == "__main__":
    main()
