"""Writes the sample dossier used by tests and demos: one file per capture kind.

Run: .venv/bin/python samples/make_samples.py  (fixed seeds: re-running rewrites the same
files). Each file exercises one input path of the pipeline: phone photo JPEG, office scan
PNG, multi-page bilevel TIFF, scanned image-only PDF, born-digital PDF with a text layer.
truth.json holds the expected document type, fields and drawn text of each file.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.synth.degrade import Degraded, degrade  # noqa: E402
from bench.synth.pdf import write_born_digital, write_image_pdf  # noqa: E402
from bench.synth.render import SynthPage, render_document  # noqa: E402

DOSSIER = "000.00.12.H57-261122-0001"
OUT = Path(__file__).resolve().parent / DOSSIER


def _params(d: Degraded | None) -> dict[str, Any] | None:
    """Degradation parameters worth keeping in truth (the transform is reproducible)."""
    return None if d is None else {k: v for k, v in d.params.items() if k != "transform"}


def _entry(
    page: SynthPage, pages: list[SynthPage], capture: str, degraded: list[Degraded | None]
) -> dict[str, Any]:
    return {
        "document_type": page.doc_type,
        "pages": len(pages),
        "capture": capture,
        "fields": page.fields,
        "lines": [p.lines for p in pages],
        "degradation": [_params(d) for d in degraded],
    }


def cccd_photo() -> dict[str, Any]:
    """Citizen ID card photographed on a desk with a phone."""
    page = render_document("citizen_id", random.Random(1101), variant="card")
    d = degrade(page, "photo", random.Random(1102))
    img = d.image
    scale = 1600 / max(img.shape[:2])
    img = cv2.resize(img, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    cv2.imwrite(str(OUT / "cccd_phone_photo.jpg"), img, [cv2.IMWRITE_JPEG_QUALITY, 82])
    d.params["resized_to_long_side"] = 1600
    d.params["dpi"] = round(d.dpi * scale)
    return _entry(page, [page], "phone photo, JPEG", [d])


def application_scan() -> dict[str, Any]:
    """Application form from an office scanner, saved as a compact 16-level grey PNG."""
    page = render_document("application", random.Random(2101))
    d = degrade(page, "office", random.Random(2102), rotation=0, target_dpi=200)
    grey = cv2.cvtColor(d.image, cv2.COLOR_BGR2GRAY)
    grey = (np.round(grey / 17.0) * 17).astype(np.uint8)
    Image.fromarray(grey).quantize(16).save(
        OUT / "don_de_nghi_office_scan.png", optimize=True, dpi=(200, 200)
    )
    return _entry(page, [page], "office scan, 16-level grey PNG, 200 dpi", [d])


def birth_certificate_tiff() -> dict[str, Any]:
    """Birth certificate and its extract (same child) as a bilevel Group 4 multi-page TIFF."""
    pages = [
        render_document("birth_certificate", random.Random(3101), variant=v)
        for v in ("original", "extract")
    ]
    images, degraded = [], []
    for i, page in enumerate(pages):
        d = degrade(page, "office", random.Random(3102 + i), rotation=0)
        grey = cv2.cvtColor(d.image, cv2.COLOR_BGR2GRAY)
        images.append(Image.fromarray(grey).point(lambda v: 255 if v > 150 else 0).convert("1"))
        degraded.append(d)
    images[0].save(
        OUT / "giay_khai_sinh_2_trang.tif",
        save_all=True,
        append_images=images[1:],
        compression="group4",
        dpi=(300, 300),
    )
    return _entry(pages[0], pages, "office scan, bilevel TIFF G4, 300 dpi, 2 pages", degraded)


def decision_pdf() -> dict[str, Any]:
    """Decision with a red seal, scanned in colour at 200 dpi into an image-only PDF."""
    page = render_document("decision", random.Random(4101))
    d = degrade(page, "office", random.Random(4102), rotation=0, target_dpi=200)
    write_image_pdf([(d.to_pil(), d.dpi)], str(OUT / "quyet_dinh_scan.pdf"), quality=70)
    return _entry(page, [page], "colour scan in image-only PDF, JPEG, 200 dpi", [d])


def letter_pdf() -> dict[str, Any]:
    """Official letter as a born-digital PDF: embedded Liberation Serif, real text layer."""
    rng = random.Random(5101)
    page = render_document("official_letter", rng)
    while page.font_family != "Liberation Serif":
        page = render_document("official_letter", rng)
    write_born_digital(page, str(OUT / "cong_van_born_digital.pdf"), page.fields["subject"])
    return _entry(page, [page], "born-digital PDF with text layer", [None])


def main() -> None:
    """Writes every sample file and truth.json."""
    OUT.mkdir(parents=True, exist_ok=True)
    files = {
        "cccd_phone_photo.jpg": cccd_photo(),
        "don_de_nghi_office_scan.png": application_scan(),
        "giay_khai_sinh_2_trang.tif": birth_certificate_tiff(),
        "quyet_dinh_scan.pdf": decision_pdf(),
        "cong_van_born_digital.pdf": letter_pdf(),
    }
    truth = {"dossier_code": DOSSIER, "files": files}
    text = json.dumps(truth, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
    (OUT / "truth.json").write_text(text, encoding="utf-8")
    for name in [*files, "truth.json"]:
        print(f"{(OUT / name).stat().st_size:>9,}  {name}")


if __name__ == "__main__":
    main()
