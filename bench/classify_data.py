"""The labelled page set of the classifier benchmark: generated, degraded, read, cached.

Each page is drawn by ``bench.synth`` (so its type and field values are known), damaged with
one degradation profile, encoded as the file a desk would produce (PNG for scans, JPEG for
phone photos) and read by the real intake and page reader. Reading costs seconds per page, so
the reading is cached on disk by seed, profile, kind, index, resolution and a tag; the
classifiers can then be iterated on in seconds. Change ``ocr_tag`` (or delete the cache) when
the cleanup or OCR code changes.
"""

from __future__ import annotations

import io
import json
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CACHE_DIR = Path(__file__).resolve().parent / "out" / "cache"


@dataclass(frozen=True)
class PageSpec:
    """One page of the set; everything needed to regenerate it deterministically."""

    seed: int
    profile: str
    kind: str
    index: int
    dpi: int
    ocr_tag: str

    @property
    def key(self) -> str:
        return f"s{self.seed}-{self.profile}-{self.kind}-{self.index}-d{self.dpi}-{self.ocr_tag}"

    @property
    def path(self) -> Path:
        return CACHE_DIR / f"{self.key}.json"


def _encode(image: Any, dpi: int, profile: str) -> tuple[bytes, str]:
    """The file bytes a desk would produce: JPEG without resolution for phone photos."""
    from PIL import Image

    rgb = Image.fromarray(image[:, :, ::-1]) if image.ndim == 3 else Image.fromarray(image)
    buf = io.BytesIO()
    if profile == "photo":
        rgb.save(buf, "JPEG", quality=85)
        return buf.getvalue(), "page.jpg"
    rgb.save(buf, "PNG", dpi=(dpi, dpi))
    return buf.getvalue(), "page.png"


def read_spec(spec: PageSpec) -> dict[str, Any]:
    """Render, degrade, encode and read one page; the cached entry (truth and words)."""
    from bench.synth import degrade, render_document
    from digitize.intake import open_document
    from digitize.reading import read_page

    rng = random.Random(f"{spec.seed}/{spec.profile}/{spec.kind}/{spec.index}")
    page = render_document(spec.kind, rng, spec.dpi)
    damaged = degrade(page, spec.profile, rng)
    data, name = _encode(damaged.image, damaged.dpi, spec.profile)
    doc = open_document(Path(name), data, max_pixels=120_000_000, pdf_dpi=300)
    pages = []
    for image in doc.pages():
        result = read_page(image, lang="vie", timeout=180.0, name=name).result
        pages.append(
            {
                "index": result.index,
                "width": result.width,
                "height": result.height,
                "dpi": result.dpi,
                "text": result.text,
                "source": result.source,
                "quality": result.quality,
                "words": [w.to_dict() for w in result.words],
                "codes": list(result.codes),
            }
        )
    return {
        "key": spec.key,
        "doc_type": page.doc_type,
        "kind": page.kind,
        "fields": page.fields,
        "params": {k: v for k, v in damaged.params.items() if k != "transform"},
        "pages": pages,
    }


def cached(spec: PageSpec) -> dict[str, Any]:
    """The page from the cache, reading it first when it is not there (worker entry point)."""
    if spec.path.exists():
        return json.loads(spec.path.read_text(encoding="utf-8"))
    entry = read_spec(spec)
    spec.path.parent.mkdir(parents=True, exist_ok=True)
    tmp = spec.path.with_suffix(".tmp")
    tmp.write_text(json.dumps(entry, ensure_ascii=False, default=str), encoding="utf-8")
    tmp.replace(spec.path)
    return entry


def page_results(entry: dict[str, Any]) -> list[Any]:
    """The cached reading as the ``PageResult`` list that ``classifiers.classify`` takes."""
    from digitize.models import PageResult, Word

    return [
        PageResult(
            p["index"],
            p["width"],
            p["height"],
            p["dpi"],
            [Word(**w) for w in p["words"]],
            p["text"],
            p["source"],
            p["quality"],
            list(p.get("codes", [])),
        )
        for p in entry["pages"]
    ]


def specs(
    seed: int, pages: int, profiles: list[str], kinds: list[str], dpi: int, ocr_tag: str
) -> list[PageSpec]:
    """``pages`` pages of every kind for every profile."""
    return [
        PageSpec(seed, profile, kind, i, dpi, ocr_tag)
        for profile in profiles
        for kind in kinds
        for i in range(pages)
    ]


def load_all(todo: list[PageSpec], jobs: int, progress: bool = True) -> list[dict[str, Any]]:
    """Every page of ``todo``, reading the missing ones in ``jobs`` processes."""
    import os
    from concurrent.futures import ProcessPoolExecutor

    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    missing = [s for s in todo if not s.path.exists()]
    if missing:
        done = 0
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            for _ in pool.map(cached, missing, chunksize=1):
                done += 1
                if progress:
                    print(f"\rread {done}/{len(missing)} pages", end="", flush=True)
        if progress:
            print()
    return [cached(s) for s in todo]
