"""A scanned PDF page's own image stream, to be stored as it is in the searchable PDF.

A scanner's PDF holds each page as one image (CCITT G4 or JBIG2 for black-and-white, JPEG for
grey and colour), often a tenth of what the same page costs decoded and encoded again. When a
page draws exactly one image and nothing visible besides (an earlier invisible text layer is
allowed: it is replaced by ours), that image's stream is carried over with its filter and its
decode parameters, placed where PDFium rendered it. Streams that an archival (PDF/A-2) file
may not hold as they are (LZW, JPEG 2000, CMYK colour, masks) are left to be encoded again.
"""

from __future__ import annotations

import base64
import binascii
import io
import logging

import pikepdf
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pikepdf import Name

from digitize.placement import Affine, SourceImage, compose

log = logging.getLogger(__name__)

CARRIED_FILTERS = frozenset({"/DCTDecode", "/CCITTFaxDecode", "/JBIG2Decode", "/FlateDecode"})
"""Filters a stored page image may keep: each is lossless for what it holds, or (JPEG) is
the scanner's own loss, and each is allowed in PDF/A-2."""

_TEXT_FILTERS = frozenset({"/ASCII85Decode", "/ASCIIHexDecode"})
"""Filters that only spell binary data in text (as some PDF libraries write every stream): they
are undone, and the image underneath is carried over."""
_DEVICE_SPACES = frozenset({"/DeviceGray", "/DeviceRGB"})
_DROPPED_KEYS = ("/Interpolate", "/Alternates", "/OPI", "/Metadata", "/StructParent")
"""Entries a carried image loses: hints and references PDF/A forbids or that point into the
scanned file (its metadata, its structure tree)."""


def _colour_space_ok(space: pikepdf.Object | None) -> bool:
    """DeviceGray, DeviceRGB, a grey or RGB ICC profile, or a palette over one of those."""
    if space is None:
        return False
    if isinstance(space, pikepdf.Name):
        return str(space) in _DEVICE_SPACES
    if isinstance(space, pikepdf.Array) and len(space) >= 2:
        family = str(space[0])
        if family == "/ICCBased":
            return int(space[1].get("/N", 0)) in (1, 3)
        if family == "/Indexed":
            return _colour_space_ok(space[1])
    return False


def _filters(image: pikepdf.Object) -> list[str]:
    value = image.get("/Filter")
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, pikepdf.Array) else [str(value)]


def carried(image: pikepdf.Object) -> bool:
    """Whether an image XObject can be stored in the searchable PDF as it is."""
    if image.get("/ImageMask", False) or "/SMask" in image or "/Mask" in image:
        return False
    filters = _filters(image)
    if not filters or filters[-1] not in CARRIED_FILTERS:
        return False
    if any(f not in _TEXT_FILTERS for f in filters[:-1]):
        return False
    return _colour_space_ok(image.get("/ColorSpace"))


def _carry(holder: pikepdf.Pdf, value: object) -> object:
    """``value`` of an image dictionary as an object of ``holder``: what it refers to (an ICC
    profile, a palette, a JBIG2 page's global symbols, all small) is copied along."""
    if isinstance(value, pikepdf.Object) and value.is_indirect:
        return holder.copy_foreign(value)
    if isinstance(value, pikepdf.Array):
        return pikepdf.Array([_carry(holder, v) for v in value])
    if isinstance(value, pikepdf.Dictionary):
        return pikepdf.Dictionary({k: _carry(holder, v) for k, v in value.items()})
    return value


def _untext(name: str, data: bytes) -> bytes:
    """The binary data that an ASCII85 or ASCIIHex filter spells."""
    text = b"".join(data.split())
    if name == "/ASCIIHexDecode":
        text = text.split(b">", 1)[0]
        return bytes.fromhex((text + b"0" * (len(text) % 2)).decode("ascii"))
    if text.startswith(b"<~"):
        text = text[2:]
    return base64.a85decode(text.split(b"~>", 1)[0])


def _only_image(page: pdfium.PdfPage) -> pdfium.PdfObject | None:
    """The one image the page draws, when it draws nothing visible besides."""
    found = None
    for obj in page.get_objects(max_depth=1):
        if obj.type == pdfium_c.FPDF_PAGEOBJ_IMAGE and found is None:
            found = obj
        elif obj.type == pdfium_c.FPDF_PAGEOBJ_TEXT:
            mode = pdfium_c.FPDFTextObj_GetTextRenderMode(obj.raw)
            if mode != pdfium_c.FPDF_TEXTRENDERMODE_INVISIBLE:
                return None
        else:
            return None
    return found


def _draws_annotations(page: pikepdf.Page) -> bool:
    """Whether the page has annotations with an appearance (stamps, signatures, form fields)
    that the rendering draws over its image; links draw nothing."""
    for annot in page.obj.get("/Annots", None) or []:
        if annot.get("/Subtype") != "/Link" and "/AP" in annot:
            return True
    return False


def page_to_pixels(page: pdfium.PdfPage, dpi: float) -> Affine:
    """The map from the page's user space to the pixels of PDFium's rendering at ``dpi``
    (the crop box, turned by the page's ``/Rotate``)."""
    s = dpi / 72.0
    left, bottom, right, top = (float(v) for v in page.get_bbox())
    turn = page.get_rotation() % 360
    if turn == 90:
        return (0.0, s, s, 0.0, -bottom * s, -left * s)
    if turn == 180:
        return (-s, 0.0, 0.0, s, right * s, -bottom * s)
    if turn == 270:
        return (0.0, -s, -s, 0.0, top * s, right * s)
    return (s, 0.0, 0.0, -s, -left * s, top * s)


def scan_image(
    page: pdfium.PdfPage, document: pikepdf.Pdf | None, index: int, dpi: float
) -> SourceImage | None:
    """The page's scanned image as a :class:`SourceImage` of kind ``"pdf"``, or ``None`` when
    the page is not one carried-over image (see the module's doc)."""
    if document is None:
        return None
    try:
        drawn = _only_image(page)
        if drawn is None:
            return None
        if _draws_annotations(document.pages[index]):
            return None  # a stamp or a signature drawn over the scan belongs in the stored page
        xobjects = document.pages[index].Resources.get("/XObject", {})
        images = [x for x in xobjects.values() if x.get("/Subtype") == "/Image"]
        if len(images) != 1:
            return None
        (image,) = images
        if not carried(image):
            return None
        width, height = int(image.Width), int(image.Height)
        bits = int(image.get("/BitsPerComponent", 1))
        placed = tuple(float(v) for v in drawn.get_matrix().get())
        matrix = compose(placed, page_to_pixels(page, dpi))  # type: ignore[arg-type]
        holder = pikepdf.new()
        # The image's data is copied as bytes: qpdf's copy of a foreign stream keeps the data
        # it read in the source document for as long as that stays open (the whole document).
        copy = pikepdf.Stream(holder, bytes(image.read_raw_bytes()))
        for key, value in image.items():
            if key != "/Length" and key not in _DROPPED_KEYS:
                copy[key] = _carry(holder, value)
        if len(_filters(copy)) > 1:  # the text spelling is dropped, the codec kept
            data = bytes(copy.read_raw_bytes())
            for name in _filters(copy)[:-1]:
                data = _untext(name, data)
            parms = copy.get("/DecodeParms")
            last_parms = parms[-1] if isinstance(parms, pikepdf.Array) else None
            copy.write(data, filter=Name(_filters(copy)[-1]), decode_parms=last_parms)
        holder.Root.DigitizeImage = copy
        buffer = io.BytesIO()
        holder.save(buffer, stream_decode_level=pikepdf.StreamDecodeLevel.none)
    except (
        pikepdf.PdfError,
        pdfium.PdfiumError,
        ValueError,
        TypeError,
        KeyError,
        binascii.Error,  # a damaged ASCII85 or ASCIIHex spelling
        AttributeError,  # a key missing from a damaged image dictionary (/Height)
        IndexError,  # qpdf counts fewer pages than PDFium in a damaged file
    ) as exc:
        log.debug("page %d: scanned image not carried over (%s)", index + 1, type(exc).__name__)
        return None
    notes = {"filter": _filters(image)[-1].lstrip("/"), "bits": bits}
    return SourceImage("pdf", buffer.getvalue(), width, height, matrix, notes=notes)


__all__ = ["CARRIED_FILTERS", "carried", "page_to_pixels", "scan_image"]
