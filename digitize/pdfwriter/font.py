"""The invisible text layer's font: Tesseract's glyphless TrueType font as a Type0/Identity-H font.

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
def to_unicode_cmap() -> bytes:
    """A ToUnicode CMap that maps each 2-byte code to the same UTF-16 code unit.

    Written as one bfrange per high byte because a range must not carry into the high byte;
    the surrogate block is left out since the writer never emits those codes.
    """
    ranges = [f"<{hi:02X}00> <{hi:02X}FF> <{hi:02X}00>" for hi in range(256)]
    ranges = [r for hi, r in enumerate(ranges) if not 0xD8 <= hi <= 0xDF]
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


def type0_font_dict(descendant: int, to_unicode: int) -> str:
    """The font that content streams select; it only routes to the CID font and the CMap."""
    return (
        "<< /Type /Font /Subtype /Type0 /BaseFont /GlyphLessFont /Encoding /Identity-H"
        f" /DescendantFonts [{descendant} 0 R] /ToUnicode {to_unicode} 0 R >>"
    )


def cid_font_dict(descriptor: int, cid_to_gid: int) -> str:
    return (
        "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /GlyphLessFont"
        " /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >>"
        f" /FontDescriptor {descriptor} 0 R /CIDToGIDMap {cid_to_gid} 0 R /DW {GLYPH_WIDTH} >>"
    )


def font_descriptor_dict(font_file: int | None) -> str:
    """Metrics of the glyphless font: the glyph spans the em square above the baseline, so a
    word's selection box is exactly its line box."""
    embedded = f" /FontFile2 {font_file} 0 R" if font_file is not None else ""
    return (
        "<< /Type /FontDescriptor /FontName /GlyphLessFont /Flags 5"
        f" /FontBBox [0 0 {GLYPH_WIDTH} 1000] /ItalicAngle 0 /Ascent 1000 /Descent -1"
        f" /CapHeight 1000 /StemV 80{embedded} >>"
    )
