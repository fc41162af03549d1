"""A hand-written streaming writer of searchable PDFs: scanned page images under invisible text.

See :class:`SearchablePDF`. No PDF library is needed; the pieces are small modules by concept:
PDF syntax, JPEG headers, page images, the glyphless font, page content, and the writer.
"""

from digitize.pdfwriter.font import find_glyphless_font
from digitize.pdfwriter.writer import SearchablePDF

__all__ = ["SearchablePDF", "find_glyphless_font"]
