"""Cleanup stages on arrays, and page reading on real rotated and skewed scans."""

from __future__ import annotations

import random
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from digitize import cleanup
from digitize.cleanup.despeckle import remove_rules, remove_specks
from digitize.intake import open_document
from digitize.reading import read_page
from tests.pages import LINES, as_array, draw_page

LONG_LINES = LINES + tuple(
    f"Dòng thứ {i}: Ủy ban nhân dân phường Bến Nghé, Quận 1" for i in range(8)
)


@pytest.mark.parametrize("angle", [-4.0, -1.5, 0.7, 2.5, 5.0])
def test_skew_is_found_within_a_quarter_degree(angle):
    gray = cleanup.to_gray(as_array(draw_page(LONG_LINES, dpi=150, width_in=7)))
    turned = cleanup.rotate_by(gray, angle)
    assert cleanup.estimate_skew(turned) == pytest.approx(-angle, abs=0.25)


def test_blank_page_has_no_skew():
    assert cleanup.estimate_skew(np.full((800, 600), 250, np.uint8)) == 0.0


def test_quarter_turns_are_lossless_and_compose():
    img = np.arange(12, dtype=np.uint8).reshape(3, 4)
    assert np.array_equal(cleanup.rotate_quarter(cleanup.rotate_quarter(img, 90), 270), img)
    assert cleanup.rotate_quarter(img, 90).shape == (4, 3)


def test_background_flattening_removes_a_shadow_and_keeps_ink():
    gray = cleanup.to_gray(as_array(draw_page(LONG_LINES, dpi=150, width_in=7)))
    h, w = gray.shape
    shade = np.tile(np.linspace(0.35, 1.0, w), (h, 1))  # dark on the left, like a photo
    shaded = (gray * shade).astype(np.uint8)
    flat = cleanup.flatten_background(shaded)
    paper = gray > 200
    ink = gray < 80
    # Paper is even again across the page, and ink stays much darker than paper everywhere.
    assert np.percentile(flat[paper], 5) > 200
    left_ink = flat[:, : w // 3][ink[:, : w // 3]]
    assert np.median(left_ink) < 140


def test_prepare_upscales_very_low_resolution_pages_for_ocr():
    img = as_array(draw_page(LONG_LINES, dpi=100, width_in=7))
    prep = cleanup.prepare(img, 100.0)
    assert prep.scale == pytest.approx(1.5)
    assert prep.ocr.shape[0] == pytest.approx(img.shape[0] * 1.5, abs=2)
    assert prep.display.shape == img.shape  # the stored page keeps its own resolution
    assert prep.display.ndim == 3


def test_a_150_dpi_scan_is_read_at_its_own_size():
    # Tesseract reads 150-dpi body print as well as its 300-dpi enlargement, in a quarter of
    # the time: only smaller text is enlarged.
    img = as_array(draw_page(LONG_LINES, dpi=150, width_in=7))
    prep = cleanup.prepare(img, 150.0)
    assert prep.scale == 1.0
    assert prep.ocr.shape == img.shape[:2]


def _page(path):
    doc = open_document(path, path.read_bytes(), max_pixels=120_000_000, pdf_dpi=300)
    return list(doc.pages())


def _words(read):
    return " ".join(w.text for w in read.result.words)


@pytest.mark.parametrize(
    "name", ["phototest-rotated-L.png", "phototest-rotated-R.png", "phototest-rotated-180.png"]
)
def test_rotated_real_scans_are_read_upright(evaldata, name):
    (page,) = _page(evaldata / "eng" / name)
    read = read_page(page, lang="vie", timeout=60, name=name)
    assert "This is a lot of 12 point text" in _words(read)
    assert read.result.quality["rotation"] in (0, 90, 180, 270)


def test_upright_page_is_not_turned(evaldata):
    (page,) = _page(evaldata / "eng" / "phototest.tif")
    read = read_page(page, lang="vie", timeout=60, name="phototest.tif")
    assert read.result.quality["rotation"] == 0
    assert read.display is page.image  # untouched: no rotation, no resampling


def test_cardinal_pdf_pages_are_all_read_upright(evaldata):
    pages = _page(evaldata / "pdf" / "cardinal.pdf")
    assert len(pages) == 4
    for page in pages:
        small = cv2.resize(page.image, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
        page.image, page.dpi = small, 150.0
        read = read_page(page, lang="vie", timeout=60, name="cardinal.pdf")
        assert "LinnSequencer" in _words(read) or "Linn" in _words(read), page.index


EXPECTED_SKEW = {1: -1.0, 2: -2.0, 3: -6.0, 4: 7.0, 5: 3.0, 6: -3.0, 7: 3.0, 8: 15.0}


@pytest.mark.parametrize("n", sorted(EXPECTED_SKEW))
def test_real_skewed_scans_are_measured_within_half_a_degree(evaldata, n):
    gray = np.asarray(Image.open(evaldata / "deskew" / f"deskew-{n}.png").convert("L"))
    assert cleanup.estimate_skew(gray) == pytest.approx(EXPECTED_SKEW[n], abs=0.5)


# --- Stages on arrays -------------------------------------------------------------------------


def _long_page(dpi: int = 150) -> np.ndarray:
    return as_array(draw_page(LONG_LINES, dpi=dpi, width_in=7))


def test_perspective_correction_recovers_a_warped_page_quad():
    page = _long_page()
    h, w = page.shape[:2]
    frame = np.full((int(h * 1.5), int(w * 1.5), 3), (60, 70, 90), np.uint8)  # a dark desk
    corners = np.float32([[120, 90], [w + 160, 140], [w + 110, h + 170], [90, h + 120]])
    src = np.float32([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]])
    hom = cv2.getPerspectiveTransform(src, corners)
    cv2.warpPerspective(page, hom, frame.shape[1::-1], frame, borderMode=cv2.BORDER_TRANSPARENT)
    quad = cleanup.find_page_quad(frame)
    assert quad is not None
    assert np.abs(quad - corners).max() < 12
    flat = cleanup.warp_page(frame, quad)
    assert flat.shape[0] == pytest.approx(h, rel=0.05)
    assert flat.shape[1] == pytest.approx(w, rel=0.05)


def test_a_card_taken_from_arms_length_is_still_found_on_the_desk():
    """A card covering about an eighth of the photo: its outline is found, so the desk's
    grain is not read as text."""
    card = np.full((540, 856, 3), (225, 232, 236), np.uint8)
    cv2.putText(card, "CAN CUOC CONG DAN", (200, 120), cv2.FONT_HERSHEY_SIMPLEX, 1.4, (40,) * 3, 3)
    frame = np.full((2000, 2600, 3), (45, 70, 100), np.uint8)
    corners = np.float32([[900, 700], [1756, 730], [1740, 1270], [890, 1245]])
    src = np.float32([[0, 0], [855, 0], [855, 539], [0, 539]])
    hom = cv2.getPerspectiveTransform(src, corners)
    cv2.warpPerspective(card, hom, frame.shape[1::-1], frame, borderMode=cv2.BORDER_TRANSPARENT)
    area = cv2.contourArea(corners) / (2000 * 2600)
    assert 0.08 < area < 0.2
    quad = cleanup.find_page_quad(frame)
    assert quad is not None and np.abs(quad - corners).max() < 12


def test_a_card_on_a_desk_is_cut_out_not_warped_and_its_place_kept():
    """A card's outline (not an A4 page's shape) cuts the desk away; the card is not
    resampled, and the stored page still maps the file's own pixels onto it."""
    from digitize.placement import apply

    card = np.full((540, 900, 3), (225, 232, 236), np.uint8)
    cv2.putText(card, "CAN CUOC CONG DAN", (200, 120), cv2.FONT_HERSHEY_SIMPLEX, 1.4, (40,) * 3, 3)
    frame = np.full((2000, 2600, 3), (45, 70, 100), np.uint8)
    frame[700:1240, 900:1800] = card
    s = cleanup.survey(frame, None)
    assert s.quality.get("card_cut_out") and "perspective" not in s.quality
    x0, y0 = s.origin
    assert 860 <= x0 <= 900 and 670 <= y0 <= 700
    assert 900 <= s.display.shape[1] <= 960 and 540 <= s.display.shape[0] <= 580
    prep = cleanup.finish(s, 0)
    assert prep.placement is not None
    assert apply(prep.placement, 1000.0, 800.0) == pytest.approx((1000.0 - x0, 800.0 - y0))


def test_a_scan_that_fills_the_frame_has_no_quad():
    assert cleanup.find_page_quad(_long_page()) is None


def test_shading_across_a_photocopy_is_not_taken_for_the_page_outline():
    # The copier shaded the page's lower part; the threshold splits the page along the shade,
    # and a quad fitted to that boundary would warp the page by 16 degrees.
    from bench.classify_data import _encode
    from bench.synth import degrade, render_document

    rng = random.Random("3000/poor/official_letter/0")
    damaged = degrade(render_document("official_letter", rng, 300), "poor", rng)
    data, name = _encode(damaged.image, damaged.dpi, "poor")
    (page,) = open_document(Path(name), data, max_pixels=120_000_000, pdf_dpi=300).pages()
    assert page.image.ndim == 3  # the photo path's outline search runs on it
    assert cleanup.find_page_quad(page.image) is None
    s = cleanup.survey(page.image, page.dpi)
    assert "perspective" not in s.quality
    assert not s.axis.sideways


def _stamped(page: np.ndarray, centre: tuple[int, int], radius: int) -> np.ndarray:
    """Multiply a red seal (ring and filled star-like disc) onto the page, as ink over print."""
    ink = np.full_like(page, 255)
    cv2.circle(ink, centre, radius, (38, 32, 205), max(3, radius // 12))
    cv2.circle(ink, centre, radius // 4, (38, 32, 205), -1)
    return (page.astype(np.uint16) * ink // 255).astype(np.uint8)


def test_red_seal_is_suppressed_and_black_print_under_it_kept():
    page = _long_page()
    text = cleanup.to_gray(page) < 100
    centre, radius = (page.shape[1] // 3, page.shape[0] // 2), int(0.8 * 150)
    stamped = _stamped(page, centre, radius)
    s = cleanup.survey(stamped, 150.0)
    assert s.quality["seal_removed"] == 1
    seal = (cleanup.to_gray(stamped) < 150) & ~text
    assert np.median(s.gray[seal]) > 170  # the seal's red fades towards paper
    covered = text & (
        np.hypot(*np.indices(text.shape)[::-1] - np.array(centre)[:, None, None]) < radius
    )
    assert covered.sum() > 50
    assert np.median(s.gray[covered]) < 90  # the print under it stays black


def test_red_print_that_is_not_a_seal_stays():
    page = as_array(draw_page(colour=True))  # a red rule in the header: long, not round
    s = cleanup.survey(page, 200.0)
    assert "seal_removed" not in s.quality


def test_despeckle_keeps_a_diacritic_dot_and_removes_an_isolated_speck():
    binary = np.full((400, 600), 255, np.uint8)
    cv2.rectangle(binary, (100, 100), (118, 130), 0, -1)  # a letter body, 30 px tall
    cv2.circle(binary, (109, 140), 2, 0, -1)  # the dot below it (as in "ạ")
    cv2.circle(binary, (400, 300), 2, 0, -1)  # toner speck on bare paper
    removed, edge = remove_specks(binary, text_h=30)
    assert removed == 1 and not edge
    assert binary[140, 109] == 0
    assert binary[300, 400] == 255


def test_dotted_leaders_and_rules_go_but_letters_stay():
    binary = np.full((300, 1200), 255, np.uint8)
    cv2.putText(binary, "Ho ten", (20, 100), cv2.FONT_HERSHEY_SIMPLEX, 1.5, 0, 3)
    for x in range(300, 1150, 12):  # a dotted leader, 1 mm apart at 300 dpi
        cv2.circle(binary, (x, 100), 2, 0, -1)
    cv2.line(binary, (20, 200), (1150, 200), 0, 3)  # an underline rule
    letters_before = np.count_nonzero(binary[60:105, 20:250] == 0)
    assert remove_rules(binary, text_h=30)
    remove_specks(binary, text_h=30)
    assert np.count_nonzero(binary[190:210, :] == 0) == 0
    assert np.count_nonzero(binary[95:106, 400:1150] == 0) == 0
    assert np.count_nonzero(binary[60:105, 20:250] == 0) > 0.9 * letters_before


def test_a_card_is_enlarged_but_the_same_print_on_a_page_is_not():
    # Card print (about 7 pt) on a 300-dpi scan: a card-sized image costs little to enlarge;
    # on an A4 page the same enlargement would quadruple Tesseract's time.
    card = cleanup.to_gray(as_array(draw_page(LINES[:4], dpi=120, width_in=8)))
    assert cleanup.prepare(card, 300.0).scale > 1.8
    page = np.full((3508, 2480), 255, np.uint8)
    page[200 : 200 + card.shape[0], 200 : 200 + card.shape[1]] = card
    assert cleanup.prepare(page, 300.0).scale == 1.0


def test_dark_scanner_border_is_erased_from_the_ocr_image_only():
    page = _long_page()
    page[:, :40] = 30  # the copier lid's shadow along the left edge
    prep = cleanup.prepare(page, 150.0)
    assert prep.quality["border_cropped"] is True
    assert prep.ocr[:, : int(40 * prep.scale)].mean() > 250
    assert prep.display[:, :40].mean() < 60  # the stored page keeps what was scanned


@pytest.mark.parametrize("dpi", [150, 300])
def test_missing_dpi_is_estimated_from_the_text_height(dpi):
    s = cleanup.survey(as_array(draw_page(LONG_LINES, dpi=dpi, width_in=7)), None)
    assert s.quality["dpi_estimated"] is True
    assert s.dpi == pytest.approx(dpi, rel=0.3)


def test_low_resolution_page_without_dpi_is_upscaled_for_ocr():
    prep = cleanup.prepare(as_array(draw_page(LONG_LINES, dpi=100, width_in=7)), None)
    assert prep.scale > 1.3
    assert prep.quality["dpi_source"] == "text_height"


def test_shadowed_page_reads_as_white_paper_and_black_ink():
    gray = cleanup.to_gray(_long_page())
    shade = np.tile(np.linspace(0.35, 1.0, gray.shape[1]), (gray.shape[0], 1))
    prep = cleanup.prepare((gray * shade).astype(np.uint8), 150.0)
    ocr = cv2.resize(prep.ocr, gray.shape[::-1], interpolation=cv2.INTER_AREA)
    ink, paper = gray < 80, gray > 220
    left = np.zeros_like(ink)
    left[:, : gray.shape[1] // 3] = True
    assert np.percentile(ocr[paper & left], 10) > 220
    assert np.median(ocr[ink & left]) < 110
    assert prep.display.ndim == 2 and prep.quality["binarized"] == "sauvola"


@pytest.mark.parametrize("turn", [0, 90, 180, 270])
def test_line_direction_tells_sideways_pages_without_ocr(turn):
    words = " ".join(LONG_LINES).split()
    rng = random.Random(7)  # varied lines, as on a real page: no columns of equal letters
    lines = [" ".join(rng.sample(words, 9)) for _ in range(36)]
    gray = cleanup.rotate_quarter(cleanup.to_gray(as_array(draw_page(lines, dpi=100))), turn)
    s = cleanup.survey(gray, 100.0)
    assert s.axis.sideways == (turn in (90, 270))
    assert s.axis.across == (turn in (0, 180))


def test_blank_page_is_neither_sideways_nor_across():
    s = cleanup.survey(np.full((1100, 800), 245, np.uint8), 100.0)
    assert not s.axis.sideways and not s.axis.across


def test_cleanup_of_an_a4_300_dpi_page_stays_within_budget():
    page = cv2.resize(_long_page(), (2480, 3508), interpolation=cv2.INTER_CUBIC)
    tilted = cleanup.rotate_by(page, 1.2)
    cleanup.prepare(tilted, 300.0)  # warm-up: first calls pay for OpenCV's lazy set-up
    best = min(cleanup.prepare(tilted, 300.0).quality["cleanup_s"] for _ in range(3))
    assert best < 0.6  # 0.35 s budget on an idle core; shared CI machines are slower


# --- Real scans (skipped when ../shared/evaldata is absent) -----------------------------------


def test_sideways_text_on_a_landscape_page_is_turned(evaldata):
    page = _page(evaldata / "vie" / "vietsample2.tif")[0]
    read = read_page(page, lang="vie", timeout=60, name="vietsample2.tif")
    assert read.result.quality["rotation"] == 270
    assert "Rước đèn tháng tám" in _words(read)


# --- End to end on generated pages the pipeline was not tuned on -------------------------------


@pytest.mark.parametrize("profile", ["clean", "office", "poor", "photo"])
def test_generated_pages_are_read_with_high_word_recall(profile, tmp_path):
    from bench.bench_ocr import make_page, pipeline_read
    from bench.scoring import word_recall

    recalls = []
    for i in range(2):
        seed = f"{9500 + i}-{profile}"
        path, truth, _ = make_page(profile, seed, tmp_path, i, render_dpi=200)
        text, _, _, _ = pipeline_read(path)
        recalls.append(word_recall(truth, text))
    assert sum(recalls) / len(recalls) >= 0.9, recalls


def _bilevel_signature(
    name_x: int,
) -> tuple[np.ndarray, tuple[int, int], int, tuple[int, int, int, int]]:
    """A black-and-white signature block at 200 dpi: a title, a black seal (two rings, its
    lettering, a star), and the signer's name starting at ``name_x`` under the seal's right side.
    Returns the page, the seal's centre and radius, and the name's box."""
    from PIL import ImageDraw

    from tests.pages import font

    im = Image.new("L", (1400, 900), 255)
    d = ImageDraw.Draw(im)
    d.text((620, 80), "KT. CHỦ TỊCH", font=font(36), fill=0)
    d.text((560, 130), "PHÓ CHỦ TỊCH", font=font(36), fill=0)
    centre, r = (560, 450), 140
    d.ellipse([centre[0] - r, centre[1] - r, centre[0] + r, centre[1] + r], outline=0, width=6)
    r2 = r - 16
    d.ellipse([centre[0] - r2, centre[1] - r2, centre[0] + r2, centre[1] + r2], outline=0, width=2)
    d.text((centre[0] - 80, centre[1] - 100), "ỦY BAN NHÂN", font=font(24), fill=0)
    d.text((centre[0] - 110, centre[1] + 30), "TỈNH QUẢNG", font=font(24), fill=0)
    d.regular_polygon((centre[0], centre[1], 30), 5, fill=0)
    d.text((name_x, 520), "Nguyễn Văn Hoàng Long", font=font(36), fill=0)
    box = d.textbbox((name_x, 520), "Nguyễn Văn Hoàng Long", font=font(36))
    page = np.where(np.asarray(im) < 128, 0, 255).astype(np.uint8)
    return page, centre, r, box


def test_a_black_seal_goes_with_its_lettering_and_the_name_stamped_over_stays():
    page, (cx, cy), r, (nx0, ny0, nx1, ny1) = _bilevel_signature(name_x=600)
    s = cleanup.survey(page, 200.0)
    assert s.quality["seal_removed"] == 1 and len(s.seals) == 1
    yy, xx = np.indices(page.shape)
    dist = np.hypot(xx - cx, yy - cy)
    in_name = (yy >= ny0) & (yy < ny1) & (xx >= nx0) & (xx < nx1)
    # The ring beside the name's first letters stays with them: it cannot be told from them.
    name_rows = (yy >= ny0 - 20) & (yy < ny1)
    ring = (np.abs(dist - r) <= 3) & ~name_rows & (page == 0)
    assert ring.sum() > 1000
    assert (s.gray[ring] > 200).mean() > 0.97  # the ring is paper
    lettering = (dist < r - 20) & (page == 0) & ~name_rows
    assert lettering.sum() > 1000
    assert (s.gray[lettering] > 200).mean() > 0.97  # so are its words and star
    name_inside = in_name & (dist < r - 20) & (page == 0)
    assert name_inside.sum() > 150  # the name's first letters are under the seal...
    assert (s.gray[name_inside] < 100).mean() > 0.97  # ...and stay print
    title = (yy < 180) & (page == 0)
    assert (s.gray[title] < 100).mean() > 0.9


def test_lines_of_print_on_a_black_and_white_page_are_no_seal():
    page = cv2.cvtColor(as_array(draw_page(dpi=200)), cv2.COLOR_BGR2GRAY)
    page = np.where(page < 128, 0, 255).astype(np.uint8)
    s = cleanup.survey(page, 200.0)
    assert "seal_removed" not in s.quality and not s.seals
    assert np.array_equal(s.gray < 128, page < 128)


def test_a_red_seal_on_a_small_picture_with_no_resolution_is_found():
    """A web image 800 pixels wide states no resolution; its 35-mm seal is 140 pixels across,
    too small for a seal at the 300 dpi once assumed, and went as a picture with the letters
    it covers."""
    page = as_array(draw_page(LINES * 3, dpi=100, width_in=8.27))
    centre = (page.shape[1] // 2, page.shape[0] // 2)
    stamped = _stamped(page, centre, 70)
    s = cleanup.survey(stamped, None)
    assert s.quality["seal_removed"] == 1
    x, y, w, h = s.seals[0]
    assert x <= centre[0] <= x + w and y <= centre[1] <= y + h
