"""Broken and hostile submissions, built on the fly: what a desk or an attacker may hand in.

Each builder returns the file's bytes; :data:`EXPECTED` says how each must end (status and
error code). The bombs are real: the PNG decodes to 40000 x 40000 pixels, the PDF's one page
draws ten forms that each draw ten more, nine levels down (10^9 drawings).
"""

from __future__ import annotations

import functools
import io
import struct
import zlib
from pathlib import Path

from PIL import Image

from tests.pages import draw_page, encode

GOOD_LINES = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")


def good_png(n: int = 1) -> bytes:
    """A small one-page scan that reads quickly."""
    return encode(draw_page((*GOOD_LINES, f"Số: {n}/2024"), dpi=150), "PNG", dpi=150)


def scanned_pdf(pages: int) -> bytes:
    images = [draw_page((*GOOD_LINES, f"Trang {i + 1}"), dpi=150) for i in range(pages)]
    buf = io.BytesIO()
    images[0].save(buf, "PDF", save_all=True, append_images=images[1:], resolution=150)
    return buf.getvalue()


def pdf_with_unreadable_page() -> bytes:
    """Three pages; the page tree's second kid is not a page, so PDFium cannot load it."""
    import pikepdf

    with pikepdf.open(io.BytesIO(scanned_pdf(3))) as pdf:
        pdf.Root.Pages.Kids[1] = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Foo))
        out = io.BytesIO()
        pdf.save(out)
        return out.getvalue()


def pdf_with_broken_xref() -> bytes:
    """A one-page scan whose cross-reference offsets all point to the wrong place."""
    data = bytearray(scanned_pdf(1))
    start = data.rindex(b"xref")
    entries = data[start:].split(b"\n")
    for i, line in enumerate(entries):
        if line.endswith(b" n ") or line.endswith(b" n"):
            entries[i] = b"0000000007" + line[10:]
    return bytes(data[:start] + b"\n".join(entries))


def pdf_with_password() -> bytes:
    import pikepdf

    with pikepdf.open(io.BytesIO(scanned_pdf(1))) as pdf:
        out = io.BytesIO()
        pdf.save(out, encryption=pikepdf.Encryption(user="mật-khẩu", owner="owner"))
        return out.getvalue()


def raw_pdf(objects: list[bytes], *, size: int | None = None) -> bytes:
    """A PDF from object bodies (object 1 is the catalog), with a correct xref table."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        size or len(objects) + 1,
        xref,
    )
    return bytes(out)


CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
ONE_KID = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
CONTENT = b"<< /Length 10 >>\nstream\n0 0 m 1 1 l\nendstream"


def pdf_without_pages() -> bytes:
    return raw_pdf([CATALOG, b"<< /Type /Pages /Kids [] /Count 0 >>"])


def pdf_form_bomb(levels: int = 9, fan: int = 10) -> bytes:
    """One page drawing a form that draws ``fan`` copies of the next, ``levels`` deep."""
    page = (
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R "
        b"/Resources << /XObject << /X 5 0 R >> >> >>"
    )
    objects = [CATALOG, ONE_KID, page, b"<< /Length 5 >>\nstream\n/X Do\nendstream"]
    for level in range(levels):
        last = level == levels - 1
        body = b"0 0 1 1 re f" if last else b"/X Do " * fan
        res = b"" if last else b"/Resources << /XObject << /X %d 0 R >> >>" % (6 + level)
        objects.append(
            b"<< /Type /XObject /Subtype /Form /BBox [0 0 200 200] %s /Length %d >>\n"
            b"stream\n%s\nendstream" % (res, len(body), body)
        )
    return raw_pdf(objects)


def pdf_deeply_nested(depth: int = 100_000) -> bytes:
    """A page holding an array nested ``depth`` deep."""
    nested = b"[" * depth + b"]" * depth
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R /Foo %s >>"
    return raw_pdf([CATALOG, ONE_KID, page % nested, CONTENT])


def pdf_deep_page_tree(depth: int = 3000) -> bytes:
    objects = [CATALOG]
    for level in range(depth):
        objects.append(b"<< /Type /Pages /Kids [%d 0 R] /Count 1 >>" % (level + 3))
    objects.append(b"<< /Type /Page /MediaBox [0 0 200 200] >>")
    return raw_pdf(objects)


def pdf_huge_object_count() -> bytes:
    """A small file whose trailer declares two billion objects."""
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>"
    return raw_pdf([CATALOG, ONE_KID, page, CONTENT], size=2**31 - 1)


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


@functools.cache
def png_bomb(side: int = 40_000) -> bytes:
    """A valid black-and-white PNG of ``side`` x ``side`` pixels: under a megabyte that would
    decode to 1.6 billion pixels. Every row is the same, so it is compressed once and its
    compressed form repeated (a stored deflate stream may be cut into blocks anywhere)."""
    row = b"\x00" + b"\xff" * ((side + 7) // 8)
    rows = row * 1000
    raw = zlib.compressobj(1, zlib.DEFLATED, -15)  # bare deflate: the zlib framing is ours
    block = raw.compress(rows) + raw.flush(zlib.Z_FULL_FLUSH)  # self-contained, repeatable
    tail = zlib.compressobj(1, zlib.DEFLATED, -15)
    checksum = 1
    for _ in range(side // 1000):
        checksum = zlib.adler32(rows, checksum)
    rest = row * (side % 1000)
    checksum = zlib.adler32(rest, checksum)
    parts = [b"\x78\x01", block * (side // 1000), tail.compress(rest), tail.flush()]
    parts.append(struct.pack(">I", checksum))
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", b"".join(parts))
        + _png_chunk(b"IEND", b"")
    )


def tiff_pages(count: int) -> bytes:
    frames = [Image.new("1", (16, 16), 1) for _ in range(count)]
    buf = io.BytesIO()
    frames[0].save(buf, "TIFF", save_all=True, append_images=frames[1:], compression="group4")
    return buf.getvalue()


def truncated_jpeg() -> bytes:
    data = encode(draw_page(GOOD_LINES, dpi=150), "JPEG", quality=85)
    return data[: len(data) * 2 // 3]


def gif() -> bytes:
    buf = io.BytesIO()
    draw_page(GOOD_LINES, dpi=100).convert("P").save(buf, "GIF")
    return buf.getvalue()


HEIC_HEAD = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64
DOCX_HEAD = b"PK\x03\x04\x14\x00\x06\x00" + b"[Content_Types].xml" + b"\x00" * 64

BUILDERS = {
    "good.png": good_png,
    "three pages, one bad.pdf": pdf_with_unreadable_page,
    "broken xref.pdf": pdf_with_broken_xref,
    "empty.pdf": lambda: b"",
    "notes.png": lambda: "Ghi chú: nộp bản chính.\n".encode(),
    "cut.jpg": truncated_jpeg,
    "locked.pdf": pdf_with_password,
    "no pages.pdf": pdf_without_pages,
    "huge.png": png_bomb,
    "long.tif": lambda: tiff_pages(500),
    "bomb.pdf": pdf_form_bomb,
    "photo.heic": lambda: HEIC_HEAD,
    "letter.docx": lambda: DOCX_HEAD,
    "anim.gif": gif,
}

EXPECTED = {
    "good.png": ("done", None),
    # PDFium rebuilds a damaged cross-reference table from the objects themselves: it reads.
    "broken xref.pdf": ("done", None),
    "three pages, one bad.pdf": ("done", None),
    "empty.pdf": ("failed", "empty_file"),
    "notes.png": ("failed", "unsupported_format"),
    "cut.jpg": ("failed", "corrupt_file"),
    "locked.pdf": ("failed", "pdf_password_required"),
    "no pages.pdf": ("failed", "corrupt_file"),
    "huge.png": ("failed", "too_large"),
    "long.tif": ("failed", "too_many_pages"),
    "bomb.pdf": ("failed", "pdf_too_complex"),
    "photo.heic": ("failed", "unsupported_format"),
    "letter.docx": ("failed", "unsupported_format"),
    "anim.gif": ("failed", "unsupported_format"),
}


def write_all(folder: Path, names: list[str] | None = None) -> dict[str, Path]:
    """Write the named files (all by default) into ``folder``; their paths by name."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name in names or list(BUILDERS):
        path = folder / name
        path.write_bytes(BUILDERS[name]())
        paths[name] = path
    return paths
