"""The whole pipeline on one document at a time, into a local folder and into S3."""

from __future__ import annotations

import hashlib
import json
import os
import tracemalloc

import pdfplumber
import pytest

from digitize.pipeline import process_document
from storage import layout
from tests.pages import LINES, draw_page, encode

RECORD_KEYS = {
    "doc_id",
    "dossier_code",
    "source_name",
    "sha256",
    "pages",
    "pipeline_version",
    "status",
    "error",
    "document_type",
    "fields",
    "text",
    "quality",
    "created_at",
}
DOSSIER = "000.00.12.H57-261122-0001"


@pytest.fixture(scope="module")
def birth_png() -> bytes:
    return encode(draw_page(dpi=300, colour=True), "PNG", dpi=300)


def _run(data, store, settings, name="khai_sinh.png", **kw):
    return process_document(
        data, source_name=name, dossier_code=DOSSIER, store=store, settings=settings, **kw
    )


def test_a_scan_becomes_a_complete_record_and_files(birth_png, local_store, settings):
    outcome = _run(birth_png, local_store, settings)
    rec = outcome.record
    assert rec.keys() >= RECORD_KEYS
    assert rec["status"] == "done" and rec["error"] is None
    assert rec["doc_id"] == layout.doc_id_for(rec["sha256"])
    assert rec["pages"] == 1
    assert "Nguyễn Thị Hồng Nhung" in rec["text"]
    assert rec["document_type"]["code"] == "birth_certificate"
    assert rec["fields"]["full_name"]["value"] == "Nguyễn Thị Hồng Nhung"
    assert rec["fields"]["date_of_birth"]["value"] == "1992-03-05"
    assert rec["fields"]["sex"]["value"] == "Nữ"
    q = rec["quality"]
    assert q["rotation_applied"] == [0] and q["dpi"] == [300]
    assert 0.8 < q["mean_word_confidence"] <= 1.0
    assert rec["created_at"].endswith("+00:00") or "+" in rec["created_at"]

    prefix = layout.document_prefix(DOSSIER, rec["doc_id"])
    keys = set(local_store.list(prefix))
    for name in ("original.png", "searchable.pdf", "text.txt", "record.json", "pages/1.words.json"):
        assert f"{prefix}{name}" in keys, name
    stored = json.loads(local_store.get_bytes(f"{prefix}record.json"))
    assert stored["text"] == rec["text"]
    assert local_store.get_bytes(f"{prefix}original.png") == birth_png


def test_searchable_pdf_holds_the_colour_page_and_the_text(
    birth_png, local_store, settings, tmp_path
):
    rec = _run(birth_png, local_store, settings).record
    prefix = layout.document_prefix(DOSSIER, rec["doc_id"])
    local_store.get_file(f"{prefix}searchable.pdf", tmp_path / "s.pdf")
    with pdfplumber.open(tmp_path / "s.pdf") as pdf:
        (page,) = pdf.pages
        words = [w["text"] for w in page.extract_words()]
        (image,) = page.images
        dpi = image["srcsize"][0] / (page.width / 72)
    assert words == rec["text"].split()
    assert "RGB" in str(image["colorspace"])
    assert dpi == pytest.approx(300, abs=1)


def test_same_file_twice_is_one_document_processed_once(birth_png, local_store, settings):
    first = _run(birth_png, local_store, settings)
    second = _run(birth_png, local_store, settings, name="copy_of_it.png")
    assert not first.skipped and second.skipped
    assert second.record["doc_id"] == first.record["doc_id"]
    manifest = json.loads(local_store.get_bytes(layout.manifest_key(DOSSIER)))
    assert len(manifest["documents"]) == 1


def test_a_broken_file_fails_alone_and_is_kept(birth_png, local_store, settings):
    good = _run(birth_png, local_store, settings).record
    bad = _run(birth_png[:500], local_store, settings, name="cut.png").record
    assert bad["status"] == "failed"
    assert bad["error"]["code"] == "corrupt_file"
    assert "cut.png" in bad["error"]["message"]
    manifest = json.loads(local_store.get_bytes(layout.manifest_key(DOSSIER)))
    states = {d["doc_id"]: d["status"] for d in manifest["documents"]}
    assert states == {good["doc_id"]: "done", bad["doc_id"]: "failed"}
    prefix = layout.document_prefix(DOSSIER, bad["doc_id"])
    assert local_store.get_bytes(f"{prefix}original.png") == birth_png[:500]


def test_unreadable_bytes_are_still_kept(local_store, settings):
    rec = _run(b"hello, not a scan", local_store, settings, name="note.txt").record
    assert rec["error"]["code"] == "unsupported_format"
    assert rec["links"]["original"].endswith("original.bin")


def test_invalid_dossier_code_is_refused_before_anything_is_stored(
    birth_png, local_store, settings
):
    from digitize.errors import InvalidName

    with pytest.raises(InvalidName, match=r"\.\./etc"):
        process_document(
            birth_png,
            source_name="a.png",
            dossier_code="../etc",
            store=local_store,
            settings=settings,
        )
    assert list(local_store.list("")) == []


def test_pipeline_stores_into_s3(birth_png, s3_store, settings):
    rec = _run(birth_png, s3_store, settings).record
    assert rec["status"] == "done"
    prefix = layout.document_prefix(DOSSIER, rec["doc_id"])
    info = s3_store.stat(f"{prefix}searchable.pdf")
    assert info.content_type == "application/pdf"
    assert info.metadata.get("sha256") == rec["sha256"]
    manifest = json.loads(s3_store.get_bytes(layout.manifest_key(DOSSIER)))
    assert manifest["documents"][0]["links"]["record"] == f"{prefix}record.json"


def test_born_digital_pdf_is_read_from_its_text_layer(evaldata, local_store, settings):
    path = evaldata / "vie" / "vietsample1.pdf"
    rec = _run(path.read_bytes(), local_store, settings, name=path.name).record
    assert rec["quality"]["page_sources"] == ["text_layer", "text_layer"]
    ref = (evaldata / "vie" / "vietsample1.pdf.textlayer.txt").read_text(encoding="utf-8")
    assert " ".join(rec["text"].split()) == " ".join(ref.split())


# --- a document given by its path ---------------------------------------------------------------


def _scanned_pdf(path, pages: int = 3):
    images = [draw_page((*LINES[:3], f"Trang {i + 1}"), dpi=150) for i in range(pages)]
    images[0].save(path, "PDF", save_all=True, append_images=images[1:], resolution=150)
    return path


def test_a_pdf_given_by_its_path_is_the_same_document_as_its_bytes(local_store, settings, tmp_path):
    path = _scanned_pdf(tmp_path / "hồ sơ.pdf")
    data = path.read_bytes()
    rec = _run(path, local_store, settings, name=path.name).record
    assert rec["status"] == "done" and rec["pages"] == 3
    assert rec["sha256"] == hashlib.sha256(data).hexdigest()
    assert rec["doc_id"] == layout.doc_id_for(rec["sha256"])
    assert "Trang 3" in rec["text"]
    prefix = layout.document_prefix(DOSSIER, rec["doc_id"])
    assert local_store.get_bytes(f"{prefix}original.pdf") == data
    assert local_store.exists(f"{prefix}pages/3.words.json")
    again = _run(data, local_store, settings, name="copy.pdf")
    assert again.skipped and again.record["doc_id"] == rec["doc_id"]


def test_a_file_given_by_its_path_is_never_read_whole(local_store, settings, tmp_path):
    """Python never holds the file: hashing, storing and reading go in pieces.

    The PDF carries 24 MB that no page uses (as a long scan's other pages would be); the
    Python heap's peak while the document is processed stays well under that.
    """
    pikepdf = pytest.importorskip("pikepdf")
    small = _scanned_pdf(tmp_path / "one.pdf", pages=1)
    path = tmp_path / "padded.pdf"
    with pikepdf.open(small) as pdf:
        pdf.Root.Padding = pikepdf.Stream(pdf, os.urandom(24 << 20))
        pdf.save(path, compress_streams=False)
    size = path.stat().st_size
    assert size > 24 << 20
    tracemalloc.start()
    try:
        rec = _run(path, local_store, settings, name="padded.pdf").record
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert rec["status"] == "done" and rec["pages"] == 1
    assert rec["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    prefix = layout.document_prefix(DOSSIER, rec["doc_id"])
    assert local_store.stat(f"{prefix}original.pdf").size == size
    assert peak < size / 2, f"peak {peak / 2**20:.1f} MB for a {size / 2**20:.1f} MB file"


def test_a_born_digital_pdf_by_path_is_stored_as_its_own_searchable_pdf(
    evaldata, local_store, settings
):
    path = evaldata / "vie" / "vietsample1.pdf"
    rec = _run(path, local_store, settings, name=path.name).record
    assert rec["quality"]["page_sources"] == ["text_layer", "text_layer"]
    prefix = layout.document_prefix(DOSSIER, rec["doc_id"])
    assert local_store.get_bytes(f"{prefix}searchable.pdf") == path.read_bytes()


def test_an_unreadable_path_is_a_typed_error_and_nothing_is_stored(local_store, settings, tmp_path):
    from digitize.intake import UnreadableFile

    with pytest.raises(UnreadableFile, match="gone.pdf"):
        _run(tmp_path / "gone.pdf", local_store, settings, name="gone.pdf")
    assert list(local_store.list("")) == []


def test_a_path_into_s3_stores_the_original_streamed(s3_store, settings, tmp_path):
    path = _scanned_pdf(tmp_path / "scan.pdf", pages=2)
    rec = _run(path, s3_store, settings, name=path.name).record
    assert rec["status"] == "done" and rec["pages"] == 2
    prefix = layout.document_prefix(DOSSIER, rec["doc_id"])
    assert s3_store.get_bytes(f"{prefix}original.pdf") == path.read_bytes()
    assert s3_store.stat(f"{prefix}original.pdf").metadata.get("sha256") == rec["sha256"]
