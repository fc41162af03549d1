"""The invisible text layer's font: Tesseract's glyphless TrueType font as a Type0/Identity-H font.

The font dictionaries are pikepdf objects; the font program is Tesseract's own ``pdf.ttf``
(Apache-2.0), whose one glyph has an advance of half an em and no outline, embedded whole.

Every character is written as its Unicode code point (a 2-byte CID). The CIDToGIDMap sends
every CID to glyph 1 of ``pdf.ttf``, a glyph with a fixed advance and no outline, so any
Vietnamese text can be laid out without embedding a real font, and the ToUnicode CMap maps each
CID back to the same code point, so extraction and search return the real text. This is the
construction Tesseract's own PDF renderer uses, which all common readers handle.
"""

from __future__ import annotations

import functools
import glob
import os
import re
import shutil
import subprocess
import zlib
from pathlib import Path

import pikepdf
from pikepdf import Name

FONT_FILE_NAME = "pdf.ttf"
#: Glyph advance of every CID, in thousandths of the font size. A fixed width lets the writer
#: compute the horizontal scaling that stretches a word over its box.
GLYPH_WIDTH = 500
#: Folders where distributions and Homebrew put Tesseract's data, searched last.
_COMMON_TESSDATA_GLOBS = (
    "/usr/share/tesseract-ocr/*/tessdata",
    "/usr/share/tesseract-ocr/tessdata",
    "/usr/share/tessdata",
    "/usr/local/share/tesseract-ocr/*/tessdata",
    "/usr/local/share/tessdata",
    "/opt/homebrew/share/tessdata",
)
#: Seconds allowed for ``tesseract --list-langs``; it answers in milliseconds when healthy.
_LIST_LANGS_TIMEOUT_S = 10.0


def _tessdata_from_env() -> list[Path]:
    """Folders named by ``TESSDATA_PREFIX`` (Tesseract 4+ means the tessdata folder itself,
    Tesseract 3 its parent, so both are tried)."""
    prefix = os.environ.get("TESSDATA_PREFIX")
    if not prefix:
        return []
    return [Path(prefix), Path(prefix) / "tessdata"]


def _tessdata_from_tesseract() -> list[Path]:
    """The folder that ``tesseract --list-langs`` reports, i.e. the one OCR really uses."""
    exe = shutil.which("tesseract")
    if exe is None:
        return []
    try:
        done = subprocess.run(
            [exe, "--list-langs"],
            capture_output=True,
            text=True,
            timeout=_LIST_LANGS_TIMEOUT_S,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return []
    match = re.search(r'"([^"]+)"', done.stdout + done.stderr)
    return [Path(match.group(1))] if match else []


def _tessdata_common() -> list[Path]:
    found: list[Path] = []
    for pattern in _COMMON_TESSDATA_GLOBS:
        # Newest version folder first: /usr/share/tesseract-ocr/5 before .../4.00.
        found.extend(Path(p) for p in sorted(glob.glob(pattern), reverse=True))
    return found


@functools.cache
def find_glyphless_font() -> Path | None:
    """Where ``pdf.ttf`` is, looking where Tesseract itself would look; ``None`` if nowhere.

    Cached: the answer cannot change while a process runs, and asking Tesseract costs a
    subprocess.
    """
    for finder in (_tessdata_from_env, _tessdata_from_tesseract, _tessdata_common):
        for folder in finder():
            candidate = folder / FONT_FILE_NAME
            if candidate.is_file():
                return candidate
    return None


@functools.cache
def glyphless_font_bytes() -> bytes | None:
    """The TrueType bytes of the glyphless font, or ``None`` when it is missing or unreadable.

    Without it the text layer still works: the font dictionaries stay the same and readers
    substitute a font for glyphs nobody sees.
    """
    path = find_glyphless_font()
    if path is None:
        return None
    try:
        data = path.read_bytes()
    except OSError:
        return None
    return data if data[:4] in (b"\x00\x01\x00\x00", b"true") else None


@functools.cache
def cid_to_gid_map() -> bytes:
    """The Flate-compressed CIDToGIDMap: every one of the 65536 CIDs drawn with glyph 1."""
    return zlib.compress(b"\x00\x01" * 65536, 9)


@functools.cache
def to_unicode_cmap(high_bytes: frozenset[int] | None = None) -> bytes:
    """A ToUnicode CMap that maps each 2-byte code to the same UTF-16 code unit.

    Written as one bfrange per high byte because a range must not carry into the high byte;
    the surrogate block is left out since the writer never emits those codes. With
    ``high_bytes`` only those blocks are written (a Vietnamese page uses four or five of the
    256), which keeps the map a tenth of its full size.
    """
    wanted = range(256) if high_bytes is None else sorted(high_bytes)
    ranges = [f"<{hi:02X}00> <{hi:02X}FF> <{hi:02X}00>" for hi in wanted if not 0xD8 <= hi <= 0xDF]
    blocks = []
    for start in range(0, len(ranges), 100):  # at most 100 entries per block
        chunk = ranges[start : start + 100]
        blocks.append(f"{len(chunk)} beginbfrange\n" + "\n".join(chunk) + "\nendbfrange")
    cmap = (
        "/CIDInit /ProcSet findresource begin\n"
        "12 dict begin\n"
        "begincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n"
        "/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        + "\n".join(blocks)
        + "\nendcmap\n"
        "CMapName currentdict /CMap defineresource pop\n"
        "end\n"
        "end\n"
    )
    return zlib.compress(cmap.encode("ascii"), 9)


def glyphless_font(pdf: pikepdf.Pdf, high_bytes: frozenset[int] | None = None) -> pikepdf.Object:
    """The Type0 font of the text layer, added to ``pdf`` once and shared by every page.

    ``high_bytes`` are the high bytes of the codes the pages use (all, when ``None``).
    Without Tesseract's ``pdf.ttf`` the font program is left out; an archival (PDF/A) file
    must embed every font it uses, so the writer then does not call the file PDF/A.
    """
    data = glyphless_font_bytes()
    descriptor = pikepdf.Dictionary(
        Type=Name.FontDescriptor,
        FontName=Name.GlyphLessFont,
        Flags=5,
        FontBBox=[0, 0, GLYPH_WIDTH, 1000],
        ItalicAngle=0,
        Ascent=1000,
        Descent=-1,
        CapHeight=1000,
        StemV=80,
    )
    if data is not None:
        program = pikepdf.Stream(pdf, zlib.compress(data, 9))
        program.Filter = Name.FlateDecode
        program.Length1 = len(data)
        descriptor.FontFile2 = pdf.make_indirect(program)
    cid_to_gid = pikepdf.Stream(pdf, cid_to_gid_map())
    cid_to_gid.Filter = Name.FlateDecode
    to_unicode = pikepdf.Stream(pdf, to_unicode_cmap(high_bytes))
    to_unicode.Filter = Name.FlateDecode
    cid_font = pikepdf.Dictionary(
        Type=Name.Font,
        Subtype=Name.CIDFontType2,
        BaseFont=Name.GlyphLessFont,
        CIDSystemInfo=pikepdf.Dictionary(Registry="Adobe", Ordering="Identity", Supplement=0),
        FontDescriptor=pdf.make_indirect(descriptor),
        CIDToGIDMap=pdf.make_indirect(cid_to_gid),
        DW=GLYPH_WIDTH,
    )
    font = pikepdf.Dictionary(
        Type=Name.Font,
        Subtype=Name.Type0,
        BaseFont=Name.GlyphLessFont,
        Encoding=Name("/Identity-H"),
        DescendantFonts=[pdf.make_indirect(cid_font)],
        ToUnicode=pdf.make_indirect(to_unicode),
    )
    return pdf.make_indirect(font)
