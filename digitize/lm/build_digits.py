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
compute them, with the weights of the classifier fitted to them (:func:`fit`). Nothing is
downloaded. Rebuild after changing the features.

    .venv/bin/python -m digitize.lm.build_digits --check   # accuracy on 1,000 held back

``--check`` fits on 400 examples of each digit and reads the other 100 as a slot's glyph is
read (ink cut out, scaled and centred), with this classifier and with the nearest-examples vote
it replaced.
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


RIDGE = 0.01
"""Weight of the fit's penalty on rough score functions, per copy of the examples; picked
on the held-back digits of ``--check`` among 0.001, 0.01 and 0.1."""

WIDTH = 1.0
"""The kernel's width: ``gamma`` is this over the median squared distance between examples."""

HELD_BACK = 100
"""Examples of each digit held back by ``--check``."""


def _thick(d: np.ndarray) -> np.ndarray:
    big = cv2.resize(d, (2 * CELL, 2 * CELL), interpolation=cv2.INTER_LINEAR)
    big = cv2.dilate(big, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (3, 3)))
    return cv2.resize(big, (CELL, CELL), interpolation=cv2.INTER_AREA)


def _thin(d: np.ndarray) -> np.ndarray:
    big = cv2.resize(d, (2 * CELL, 2 * CELL), interpolation=cv2.INTER_LINEAR)
    big = cv2.erode(big, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (3, 3)))
    return cv2.resize(big, (CELL, CELL), interpolation=cv2.INTER_AREA)


def _slanted(s: float):
    def slant(d: np.ndarray) -> np.ndarray:
        warp = np.float32([[1, s, -CELL / 2 * s], [0, 1, 0]])
        return cv2.warpAffine(d, warp, (CELL, CELL), flags=cv2.INTER_LINEAR)

    return slant


VARIED = (_thick, _thin, _slanted(0.25), _slanted(-0.25))
"""The examples are also fitted drawn with a broader and a finer pen and slanted either way
(a pen's digits in a slot are all of these); the fit's centres stay the examples as drawn."""


def fit(examples: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """The classifier on ``examples`` (n x 20 x 20): their features (the centres, float16 as
    stored), the weights (n x 10) and the kernel's ``gamma``. A least-squares fit of +1 for
    each example's digit and -1 for the others over the examples and their varied copies, by
    the examples' Gaussian kernels (a Nyström fit: one linear solve, no randomness)."""
    from digitize import glyphs

    centres = np.array([glyphs.features(d) for d in examples], dtype=np.float16)
    c = centres.astype(np.float64)
    sample = c[:: max(1, len(c) // 2000)]
    gamma = WIDTH / float(np.median(glyphs.distances(sample, sample)))
    gram = np.zeros((len(c), len(c)))
    rhs = np.zeros((len(c), 10))
    target = -np.ones((len(c), 10))
    target[np.arange(len(c)), labels] = 1.0
    copies = 0
    for vary in (None, *VARIED):
        drawn = examples if vary is None else np.array([vary(d) for d in examples])
        k = glyphs.kernel(np.array([glyphs.features(d) for d in drawn], np.float64), c, gamma)
        gram += k.T @ k
        rhs += k.T @ target
        copies += 1
    penalty = RIDGE * copies * glyphs.kernel(c, c, gamma) + 1e-6 * np.eye(len(c))
    weights = np.linalg.solve(gram + penalty, rhs)
    return centres, weights.astype(np.float32), gamma


def _as_read(d: np.ndarray) -> np.ndarray:
    """A cell as a slot's glyph comes to the classifier: its ink cut out, scaled, centred."""
    from digitize import glyphs

    ink = d > 127
    ys, xs = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    if ys.size == 0:
        return d
    return glyphs.normalised(ink[ys[0] : ys[-1] + 1, xs[0] : xs[-1] + 1])


def check(digits: np.ndarray, labels: np.ndarray) -> None:
    """Accuracy on ``HELD_BACK`` examples of each digit, fitted on the others (a fixed
    shuffle), for this classifier and for the five-nearest-examples vote."""
    from digitize import glyphs

    rng = np.random.default_rng(0)
    train, test = [], []
    for k in range(10):
        idx = rng.permutation(np.flatnonzero(labels == k))
        test += list(idx[:HELD_BACK])
        train += list(idx[HELD_BACK:])
    examples, example_labels = glyphs.as_written_here(digits[train], labels[train])
    centres, weights, gamma = fit(examples, example_labels)
    c = centres.astype(np.float64)
    q = np.array([glyphs.features(_as_read(d)) for d in digits[test]], np.float64)
    truth = labels[test].astype(np.int64)
    fitted = (glyphs.kernel(q, c, gamma) @ weights).argmax(axis=1)
    d = glyphs.distances(q, c)
    voted = []
    for row in d:
        votes = np.zeros(10)
        for i in np.argsort(row)[:5]:
            votes[example_labels[i]] += 1.0 / (1e-3 + max(row[i], 0.0))
        voted.append(votes.argmax())
    n = len(truth)
    print(f"held back {n}, fitted on {len(train)}: kernel fit {np.mean(fitted == truth):.1%}, "
          f"nearest-examples vote {np.mean(np.array(voted) == truth):.1%}")  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from", dest="source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--check", action="store_true", help="accuracy on digits held back")
    args = parser.parse_args(argv)
    from digitize import glyphs

    digits, labels = cells(args.source)
    if args.check:
        check(digits, labels)
        return
    examples, example_labels = glyphs.as_written_here(digits, labels)
    feats, weights, gamma = fit(examples, example_labels)
    np.savez_compressed(
        args.out,
        digits=digits,
        labels=labels,
        features=feats,
        feature_labels=example_labels,
        weights=weights,
        gamma=np.float64(gamma),
    )
    print(f"{args.out}: {len(digits)} digits, {len(feats)} examples")


if __name__ == "__main__":
    main()
