"""Scans for the searchable PDF's tests: pages drawn, turned and tilted, stored as a CCITT G4
TIFF or a scanned PDF, run through the pipeline; and what to read back from the PDF.

Its fixtures (a module's own store and settings, a turned G4 TIFF and its pipeline result) are
registered in ``tests/conftest.py``; ``test_pdf_source_image.py`` and ``test_pdf_archive.py``
use them.
"""

from __future__ import annotations

import io
import unicodedata
from pathlib import Path

import numpy as np
import pdfplumber
import pikepdf
import pypdfium2
import pytest
from PIL import Image

from digitize.pdfwriter import images
from digitize.pipeline import process_document
from digitize.settings import Settings
from storage import layout
from storage.local import LocalStore
from tests.pages import LINES, draw_page

DOSSIER = "000.00.12.H57-261130-0015"
DPI = 200


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def bilevel(im: Image.Image) -> Image.Image:
    return im.convert("L").point(lambda v: 255 if v >= 160 else 0).convert("1")


def g4_strip(page: Image.Image) -> tuple[bytes, bytes]:
    """A one-strip G4 TIFF of ``page`` and its strip's bytes."""
    buffer = io.BytesIO()
    page.save(
        buffer,
        format="TIFF",
        compression="group4",
        dpi=(DPI, DPI),
        tiffinfo={278: page.height},
    )
    data = buffer.getvalue()
    with Image.open(io.BytesIO(data)) as tiff:
        (offset,), (count,) = tiff.tag_v2[273], tiff.tag_v2[279]
    return data, data[offset : offset + count]


def turned_page() -> Image.Image:
    """A black-and-white page turned a quarter (sideways, as fed) and tilted by 2 degrees."""
    upright = bilevel(draw_page(LINES, dpi=DPI, width_in=6.5))
    tilted = upright.convert("L").rotate(2.0, expand=True, fillcolor=255)
    return bilevel(tilted.rotate(90, expand=True, fillcolor=255))


def run(data: bytes, name: str, store: LocalStore, settings: Settings) -> dict:
    outcome = process_document(
        data, source_name=name, dossier_code=DOSSIER, store=store, settings=settings
    )
    assert outcome.record["status"] == "done", outcome.record["error"]
    return outcome.record


def fetch(store: LocalStore, record: dict, name: str, to: Path) -> Path:
    key = layout.document_key(DOSSIER, record["doc_id"], name)
    target = to / f"{record['doc_id']}-{name}"
    store.get_file(key, target)
    return target


@pytest.fixture(scope="module")
def scan_store(tmp_path_factory: pytest.TempPathFactory) -> LocalStore:
    return LocalStore(tmp_path_factory.mktemp("archive") / "store")


@pytest.fixture(scope="module")
def scan_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(store=str(tmp_path_factory.mktemp("settings")))


@pytest.fixture(scope="module")
def g4_tiff() -> tuple[bytes, bytes]:
    return g4_strip(turned_page())


@pytest.fixture(scope="module")
def tiff_result(
    g4_tiff: tuple[bytes, bytes],
    scan_store: LocalStore,
    scan_settings: Settings,
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[dict, Path]:
    record = run(g4_tiff[0], "chi_thi_g4.tif", scan_store, scan_settings)
    return record, fetch(scan_store, record, "searchable.pdf", tmp_path_factory.mktemp("out"))


def syntax(value: object) -> str:
    """A PDF value as written in the file (numbers come back from pikepdf as Python's)."""
    return value.unparse().decode() if isinstance(value, pikepdf.Object) else str(value)


def stored_images(path: Path) -> list[tuple[bytes, dict[str, str]]]:
    with pikepdf.open(path) as pdf:
        out = []
        for page in pdf.pages:
            image = page.Resources.XObject.Im0
            entries = {k: syntax(v) for k, v in image.items()}
            out.append((image.read_raw_bytes(), entries))
        return out


def ink_under_words(path: Path, dpi: float) -> list[tuple[str, float]]:
    """Each extracted word (three letters or more) with the share of dark pixels under its
    box on the page as rendered: a word placed off its print sits on white paper."""
    out = []
    document = pypdfium2.PdfDocument(path)
    try:
        with pdfplumber.open(path) as pdf:
            for index, page in enumerate(pdf.pages):
                grey = document[index].render(scale=dpi / 72, grayscale=True).to_numpy()
                grey = grey if grey.ndim == 2 else grey[:, :, 0]
                f = dpi / 72
                for w in page.extract_words():
                    if len(w["text"]) < 3:
                        continue
                    box = grey[
                        int(w["top"] * f) : int(w["bottom"] * f) + 1,
                        int(w["x0"] * f) : int(w["x1"] * f) + 1,
                    ]
                    out.append((w["text"], float((box < 128).mean()) if box.size else 0.0))
    finally:
        document.close()
    return out


def assert_words_on_ink(path: Path, dpi: float) -> None:
    found = ink_under_words(path, dpi)
    assert len(found) >= 15, found
    on_ink = [text for text, share in found if share > 0.04]
    assert len(on_ink) >= 0.9 * len(found), found


def scanned_pdf(page: Image.Image) -> tuple[bytes, bytes]:
    """A two-page scanner's PDF of one G4 image: page 1 drawn tilted by 1.5 degrees through
    its matrix, page 2 drawn sideways on a landscape page that /Rotate 90 turns upright."""
    _, strip = g4_strip(page)
    pdf = pikepdf.new()
    image = images.ccitt_stream(pdf, strip, page.width, page.height, black_is_zero=True)
    image = pdf.make_indirect(image)
    w_pt, h_pt = page.width * 72 / DPI, page.height * 72 / DPI
    t = np.radians(1.5)
    cx, cy = w_pt / 2, h_pt / 2
    a, b, c, d = w_pt * np.cos(t), w_pt * np.sin(t), -h_pt * np.sin(t), h_pt * np.cos(t)
    e, f = cx - (a + c) / 2, cy - (b + d) / 2
    placements = [
        ([0, 0, w_pt, h_pt], 0, [a, b, c, d, e, f]),
        ([0, 0, h_pt, w_pt], 90, [0, w_pt, -h_pt, 0, h_pt, 0]),
    ]
    for box, rotate, matrix in placements:
        content = ("q " + " ".join(f"{v:.4f}" for v in matrix) + " cm /Im0 Do Q").encode()
        page_dict = pikepdf.Dictionary(
            Type=pikepdf.Name.Page,
            MediaBox=box,
            Rotate=rotate,
            Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image)),
            Contents=pdf.make_stream(content),
        )
        pdf.pages.append(pikepdf.Page(page_dict))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue(), strip
