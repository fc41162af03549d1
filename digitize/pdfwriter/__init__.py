"""A streaming writer of searchable PDFs: scanned page images under invisible text, with pikepdf.

See :class:`SearchablePDF`. The pieces are small modules by concept: page images (the file's
own where possible), the glyphless font, page content, PDF/A and metadata, and the writer.
"""

from digitize.pdfwriter.font import find_glyphless_font
from digitize.pdfwriter.pdfa import PROFILES, ArchiveMetadata
from digitize.pdfwriter.writer import SearchablePDF

__all__ = ["PROFILES", "ArchiveMetadata", "SearchablePDF", "find_glyphless_font"]
