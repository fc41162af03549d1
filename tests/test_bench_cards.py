"""The capture conditions of the card-photo benchmark (``bench.bench_cards``), without OCR.

Each condition must model what it names (a light desk around the card, a card small in the
frame, glare on the card, fingertips over its edge) and nothing else, and adding the
conditions must leave the default phone photo, on which the other benchmarks and tests rely,
exactly as it was.
"""

from __future__ import annotations

import random
from functools import cache

import numpy as np
import pytest

from bench.synth.capture import CONDITIONS, Capture, add_fingers, capture
from bench.synth.cards import Card, render_card
from bench.synth.degrade import Degraded, _photo, _source, degrade


@cache
def _card() -> Card:
    return render_card("chip_front", random.Random("t/chip_front/0"), dpi=200)


def _rng() -> random.Random:
    """The state ``degrade`` photographs from for ``Random(5)``: after its draw of a quarter
    turn (a probability of 0 for photos), so a ``desk`` capture is ``degrade``'s photo."""
    rng = random.Random(5)
    rng.random()
    return rng


@cache
def _degraded() -> Degraded:
    card = _card()
    return degrade(card.image, "photo", random.Random(5), dpi=card.dpi)


@cache
def _shot(condition: str) -> Capture:
    card = _card()
    return capture(card.image, card.dpi, condition, _rng())


def _desk(shot: Capture, margin: int = 80) -> np.ndarray:
    """Pixels of the desk: the frame outside the card's box and its drop shadow."""
    x0, y0, x1, y1 = shot.box
    desk = np.ones(shot.image.shape[:2], bool)
    desk[max(0, y0 - margin) : y1 + margin, max(0, x0 - margin) : x1 + margin] = False
    return shot.image[desk]


def test_same_seed_gives_identical_bytes_and_every_condition_is_known() -> None:
    card = _card()
    assert _degraded().image.tobytes() == _shot("desk").image.tobytes()
    box = _shot("desk").box
    fingers = [add_fingers(_shot("desk").image, box, random.Random(9)) for _ in range(2)]
    assert fingers[0].tobytes() == fingers[1].tobytes()
    with pytest.raises(ValueError):
        capture(card.image, card.dpi, "underwater", random.Random(1))
    assert CONDITIONS == ("desk", "light", "far", "glare", "fingers", "sent")


def test_light_desk_is_bright_around_the_card() -> None:
    # The same photo's light and shadow fall on both desks: only the surface differs.
    light, dark = float(np.median(_desk(_shot("light")))), float(np.median(_desk(_shot("desk"))))
    assert light > 100 and light > 1.5 * dark
    assert _shot("light").box == _shot("desk").box


def test_a_sent_photo_is_the_desk_photo_made_small_and_compressed() -> None:
    import cv2

    from bench.synth.capture import SENT_QUALITY, SENT_SIDE

    sent, desk = _shot("sent"), _shot("desk")
    assert max(sent.image.shape[:2]) == SENT_SIDE < max(desk.image.shape[:2])
    f = SENT_SIDE / max(desk.image.shape[:2])
    assert all(abs(a - b * f) <= 1 for a, b in zip(sent.box, desk.box, strict=True))
    assert sent.quality == SENT_QUALITY < desk.quality
    small = cv2.resize(desk.image, (sent.image.shape[1], sent.image.shape[0]))
    assert np.abs(small.astype(int) - sent.image.astype(int)).mean() < 3
    assert len(sent.jpeg()) < len(desk.jpeg()) / 2


def test_far_card_takes_a_smaller_share_of_the_frame() -> None:
    def share(shot: Capture) -> float:
        x0, _, x1, _ = shot.box
        return (x1 - x0) / shot.image.shape[1]

    far, desk = share(_shot("far")), share(_shot("desk"))
    assert 0.3 < far < 0.62 < desk
    assert _shot("far").photo.params["page_fraction"] < 0.56
    assert _shot("far").dpi < _shot("desk").dpi


def test_glare_brightens_pixels_inside_the_card_only() -> None:
    glare, desk = _shot("glare"), _shot("desk")
    diff = glare.image.astype(int) - desk.image.astype(int)
    assert diff.min() >= 0
    x0, y0, x1, y1 = glare.box
    bright = np.argwhere(diff.max(axis=2) > 40)
    assert len(bright) > 500
    assert (bright[:, 0] >= y0).all() and (bright[:, 0] <= y1).all()
    assert (bright[:, 1] >= x0).all() and (bright[:, 1] <= x1).all()


def test_fingers_cover_the_card_edge() -> None:
    fingers, desk = _shot("fingers"), _shot("desk")
    changed = np.abs(fingers.image.astype(int) - desk.image.astype(int)).max(axis=2) > 30
    assert changed.sum() > 500
    x0, y0, x1, y1 = fingers.box
    edges = np.zeros_like(changed)
    pad = max(8, (x1 - x0) // 20)
    edges[y0:y1, x0 - pad : x0 + pad] = True
    edges[y0:y1, x1 - pad : x1 + pad] = True
    edges[y1 - pad : y1 + pad, x0:x1] = True
    assert (changed & edges).sum() > 200
    # Nothing far from the card is touched.
    far = np.ones_like(changed)
    far[max(0, y0 - 260) : y1 + 260, max(0, x0 - 260) : x1 + 260] = False
    assert not (changed & far).any()


def test_the_default_photo_is_unchanged() -> None:
    """``degrade(..., "photo")``, called without the photo's new keyword arguments, draws
    exactly what it drew before they were added: today's desk colours and frame share given
    explicitly give the same bytes."""
    card, got = _card(), _degraded()
    rng = _rng()
    src, dpi = _source(card.image, card.dpi)
    nrng = np.random.default_rng(rng.getrandbits(63))
    explicit = _photo(
        src,
        dpi,
        0,
        rng,
        nrng,
        desk_colours=[(45, 75, 110), (60, 60, 62), (35, 50, 70), (90, 95, 100)],
        frame_fraction=(0.7, 0.9),
    )
    assert got.image.tobytes() == explicit.image.tobytes()
    assert got.params == explicit.params


def test_every_card_kind_has_its_expected_type_and_vehicle_cards_are_photographed() -> None:
    from bench.bench_cards import EXPECTED_TYPE, VEHICLE_KINDS, photo_bytes
    from bench.synth.cards import KINDS

    assert set(EXPECTED_TYPE) == set(KINDS) | set(VEHICLE_KINDS)
    data, card = photo_bytes(3, "desk", "car", 0)
    assert data[:2] == b"\xff\xd8" and card.fields["chassis_number"]
    assert EXPECTED_TYPE["motorbike"] == "vehicle_registration"


def test_printed_lines_are_scored_against_raw_tesseract_per_condition() -> None:
    from bench.bench_cards import score, table

    def card(ours: int, raw: int) -> dict:
        lines = {"lines": 2, "exact": 1, "chars": 40}
        return {
            "condition": "sent",
            "kind": "chip_front",
            "index": 0,
            "type": "citizen_id",
            "fields": {},
            "lines": {"pipeline": {**lines, "edits": ours}, "raw": {**lines, "edits": raw}},
            "lines_worse": [["Date of expiry", ours, raw]] if ours > raw else [],
        }

    details: list[str] = []
    c = score([card(4, 1), card(0, 3)], details)
    assert (c["line_edits"], c["raw_line_edits"], c["line_chars"]) == (4, 4, 80)
    assert c["worse_than_raw"] == 1
    assert any("worse than raw: 4 edits, raw 1" in d for d in details)
    assert "| 0.0500 | 0.0500 | 1 |" in table({"sent": c})
