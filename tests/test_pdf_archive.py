"""The PDF/A-2b rules that concern the searchable PDF, checked on the pipeline's output; the
plain profile; an incremental update (as the unit's signature adds) keeps them; veraPDF when
``DIGITIZE_VERAPDF`` names it.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pikepdf
import pytest

from digitize.pdfwriter.pdfa import NAMESPACE, PREFIX, PROPERTIES
from digitize.settings import Settings
from storage.local import LocalStore
from tests.scans import (
    DOSSIER,
    fetch,
    run,
    stored_images,
)

XMP = {
    "x": "adobe:ns:meta/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
    "pdfaSchema": "http://www.aiim.org/pdfa/ns/schema#",
    "pdfaProperty": "http://www.aiim.org/pdfa/ns/property#",
    PREFIX: NAMESPACE,
}


def xmp_tree(pdf: pikepdf.Pdf):  # noqa: ANN201 - an lxml element
    from lxml import etree

    return etree.fromstring(pdf.Root.Metadata.read_bytes())


def values_of(tree, name: str) -> list[str]:  # noqa: ANN001 - an lxml element
    """Every value of an XMP field in the packet, written as an attribute or as an element."""
    prefix, local = name.split(":")
    qualified = f"{{{XMP[prefix]}}}{local}"
    found = []
    for element in tree.iter():
        if qualified in element.attrib:
            found.append(element.attrib[qualified])
        if element.tag == qualified:
            found.append(element.text or "")
    return found


def prop(tree, name: str) -> str | None:  # noqa: ANN001 - an lxml element
    """An XMP simple property, written as an attribute of a description or as an element."""
    prefix, local = name.split(":")
    qualified = f"{{{XMP[prefix]}}}{local}"
    for description in tree.iter(f"{{{XMP['rdf']}}}Description"):
        if qualified in description.attrib:
            return description.attrib[qualified]
    return tree.findtext(f".//{name}", namespaces=XMP)


def test_pdfa_2b_rules_that_concern_this_file(tiff_result: tuple[dict, Path]) -> None:
    record, pdf_path = tiff_result
    head = pdf_path.read_bytes()[:16]
    assert head.startswith(b"%PDF-1.") and head[7:8] in b"4567"  # PDF 1.4 to 1.7
    assert all(b > 127 for b in head.split(b"\n")[1][1:5])  # binary comment line
    with pikepdf.open(pdf_path) as pdf:
        assert not pdf.is_encrypted and "/Encrypt" not in pdf.trailer
        ids = pdf.trailer.ID
        assert len(ids) == 2 and len(bytes(ids[0])) == 16
        # XMP: unfiltered, identifies PDF/A-2B, and agrees with the Info dictionary.
        metadata = pdf.Root.Metadata
        assert "/Filter" not in metadata and metadata.Subtype == "/XML"
        with pdf.open_metadata() as meta:
            assert meta.pdfa_status == "2B"
            assert meta["pdf:Producer"] == str(pdf.docinfo.Producer)
            assert meta["dc:title"] == str(pdf.docinfo.Title) == "chi_thi_g4.tif"
        tree = xmp_tree(pdf)
        created = prop(tree, "xmp:CreateDate")
        info_date = str(pdf.docinfo.CreationDate)  # D:YYYYMMDDHHmmSS+00'00'
        assert created is not None
        assert created[:19].replace("-", "").replace(":", "").replace("T", "") == info_date[2:16]
        # Every own property is declared by the extension schema.
        declared = set(values_of(tree, "pdfaProperty:name"))
        used = {
            key.split("}")[1]
            for el in tree.iter()
            for key in [el.tag, *el.attrib]
            if key.startswith(f"{{{NAMESPACE}}}")
        }
        assert used and used <= declared == {p[0] for p in PROPERTIES}
        assert values_of(tree, "pdfaSchema:namespaceURI") == [NAMESPACE]
        assert values_of(tree, "pdfaSchema:prefix") == [PREFIX]
        categories = values_of(tree, "pdfaProperty:category")
        assert len(categories) == len(PROPERTIES) == len(values_of(tree, "pdfaProperty:valueType"))
        # The Decree 30 metadata of the document.
        own = {k: prop(tree, f"{PREFIX}:{k}") for k in declared}
        assert own["FileCode"] == DOSSIER
        assert own["OriginalSHA256"] == record["sha256"]
        assert own["PageAmount"] == str(record["pages"]) == "1"
        assert own["DigitizedAt"] is not None and own["DigitizedAt"].endswith("+00:00")
        # sRGB output intent with an ICC profile PDF/A accepts (display class, version <= 4).
        (intent,) = pdf.Root.OutputIntents
        assert intent.S == "/GTS_PDFA1"
        icc = intent.DestOutputProfile
        profile = icc.read_bytes()
        assert int(icc.N) == 3 and profile[12:20] == b"mntrRGB " and profile[36:40] == b"acsp"
        assert profile[8] <= 4
        # Every font embedded; no image feature PDF/A forbids.
        for page in pdf.pages:
            for font in page.Resources.Font.values():
                for descendant in font.DescendantFonts:
                    assert "/FontFile2" in descendant.FontDescriptor
            for image in page.Resources.XObject.values():
                assert not image.get("/Interpolate", False)
                assert str(image.get("/Filter")) not in ("/LZWDecode", "/JPXDecode")
                assert "/SMask" not in image and "/Alternates" not in image


def test_the_plain_profile_makes_no_pdfa_claim(
    g4_tiff: tuple[bytes, bytes], tmp_path: Path
) -> None:
    settings = Settings(store=str(tmp_path / "s"), pdf_profile="pdf")
    store = LocalStore(tmp_path / "store")
    record = run(g4_tiff[0], "plain.tif", store, settings)
    pdf_path = fetch(store, record, "searchable.pdf", tmp_path)
    with pikepdf.open(pdf_path) as pdf:
        assert "/OutputIntents" not in pdf.Root
        with pdf.open_metadata() as meta:
            assert meta.pdfa_status == ""
        assert prop(xmp_tree(pdf), f"{PREFIX}:FileCode") == DOSSIER


def test_a_bad_profile_setting_is_refused() -> None:
    with pytest.raises(ValueError, match="pdf_profile"):
        Settings(pdf_profile="pdfa-1a")


def test_pyhanko_can_add_an_incremental_update(
    tiff_result: tuple[dict, Path], tmp_path: Path
) -> None:
    # A signature is added to the finished file as an incremental update: the file must open
    # for one, and what it had (PDF/A identity, pages, image) must survive it.
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign.fields import SigFieldSpec, append_signature_field

    target = tmp_path / "updated.pdf"
    original = tiff_result[1].read_bytes()
    with open(target, "wb") as out:
        out.write(original)
    with open(target, "rb+") as f:
        writer = IncrementalPdfFileWriter(f)
        append_signature_field(writer, SigFieldSpec(sig_field_name="Signature1"))
        writer.write_in_place()
    updated = target.read_bytes()
    assert updated.startswith(original) and len(updated) > len(original)
    with pikepdf.open(target) as pdf:
        assert len(pdf.pages) == 1
        with pdf.open_metadata() as meta:
            assert meta.pdfa_status == "2B"
    assert stored_images(target) == stored_images(tiff_result[1])


@pytest.mark.skipif(not os.environ.get("DIGITIZE_VERAPDF"), reason="DIGITIZE_VERAPDF not set")
def test_verapdf_finds_the_file_pdfa_2b(tiff_result: tuple[dict, Path]) -> None:
    done = subprocess.run(
        [
            os.environ["DIGITIZE_VERAPDF"],
            "--flavour",
            "2b",
            "--format",
            "text",
            str(tiff_result[1]),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.stdout.startswith("PASS"), done.stdout + done.stderr
