"""The real-page captures of the benchmark: what each writes, and what it refuses."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from bench.realcapture import CAPTURES, capture
from digitize.intake import open_document
from tests.pages import draw_page


def _pdf(tmp_path, dpi: int, pages: int = 2):
    frames = [draw_page(dpi=dpi) for _ in range(pages)]
    path = tmp_path / f"scan{dpi}.pdf"
    frames[0].save(path, save_all=True, append_images=frames[1:], resolution=dpi)
    return path


@pytest.mark.parametrize("kind", CAPTURES)
def test_each_capture_keeps_its_pages_and_is_made_once(tmp_path, kind):
    src = _pdf(tmp_path, 300)
    out = capture(src, kind, tmp_path / "captures")
    assert out is not None and out.exists()
    doc = open_document(out, None, max_pixels=120_000_000, pdf_dpi=300, name=out.name)
    pages = list(doc.pages())
    assert len(pages) == (1 if kind == "top" else 2)  # a page's head is the first page's
    width = pages[0].image.shape[1]
    if kind == "top":
        assert width == 800 and pages[0].image.shape[0] < 0.5 * 800 * 11.69 / 8.27
    if kind == "web":
        assert Image.open(io.BytesIO(out.read_bytes())).mode == "P"
    if kind in ("lowres", "showthrough"):
        # a page 6 inches wide at 100 or 90 dpi, however intake renders it
        assert pages[0].dpi is not None and width / pages[0].dpi == pytest.approx(6.0, rel=0.05)
    made = out.stat().st_mtime_ns
    assert capture(src, kind, tmp_path / "captures") == out
    assert out.stat().st_mtime_ns == made


def test_a_file_already_under_150_dpi_is_not_captured_again(tmp_path):
    assert capture(_pdf(tmp_path, 100, pages=1), "lowres", tmp_path / "captures") is None


def _letter_captured(evaldata, tmp_path, kind: str):
    """The first page of a real letter captured as ``kind``, read (skips without the set)."""
    from digitize.reading import read_page

    src = evaldata / "vie-real" / "official_letter_quangngai_507-2025.pdf"
    if not src.exists():
        pytest.skip(f"{src} is absent")
    out = capture(src, kind, tmp_path)
    assert out is not None
    doc = open_document(out, None, max_pixels=120_000_000, pdf_dpi=300, name=out.name)
    return read_page(next(iter(doc.pages())), lang="vie", timeout=300, name=out.name).result


def test_a_black_and_white_copy_is_read_around_its_black_seal(evaldata, tmp_path):
    """The seal of a real letter, turned black by a black-and-white scan, is found by its ring;
    its lettering no longer pulls the recipients' lines together, and two lines of the subject
    set close together are not erased as one picture."""
    read = _letter_captured(evaldata, tmp_path, "bilevel")
    assert read.quality["seal_removed"] == 1
    lines = read.text.splitlines()
    assert "- Bộ Thông tin và Truyền thông (b/cáo);" in lines
    assert any(re.match(r"^đ.i, b. sung một s. điều của$", line) for line in lines)


def test_a_snapshots_signer_beside_a_pale_seals_remnant_is_read(evaldata, tmp_path):
    """A phone snapshot of a real letter: its red seal photographed too pale to be taken off
    whole, a crescent of it stays beside the signer's name, and neither the cleaned page's
    reading nor the plain page's found the name. The row of print no word covers is read."""
    read = _letter_captured(evaldata, tmp_path, "snapshot")
    assert read.quality.get("lines_passed_over", 0) >= 1
    assert any(line.endswith("Phùng Tô Long") for line in read.text.splitlines())
