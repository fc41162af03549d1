"""The project's exceptions.

Every error a user or another system can meet is a :class:`DigitizeError`. Each subclass has a
stable ``code`` (it goes into ``record.json`` and into exit messages, so dossier systems can act
on it), says whether trying again can help (``retryable``) and tells the user what to do
(``hint``). The message names the file or object concerned; it never carries document text.
"""

from __future__ import annotations


class DigitizeError(Exception):
    """Base of every error the project raises on purpose."""

    code: str = "internal_error"
    retryable: bool = False
    hint: str = "This is a bug in digitize; please report it with the command you ran."

    def __init__(self, message: str, *, hint: str | None = None, path: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        if hint is not None:
            self.hint = hint

    def to_dict(self) -> dict[str, str]:
        """The ``error`` object of a failed record."""
        return {"code": self.code, "message": self.message, "hint": self.hint}

    def __str__(self) -> str:
        return self.message


# --- input -------------------------------------------------------------------------------------


class InputError(DigitizeError):
    """The input itself is unusable; trying again with the same bytes cannot help."""

    code = "bad_input"
    hint = "Check the file, scan it again or export it again, and resubmit it."


class UnsupportedFormat(InputError):
    code = "unsupported_format"
    hint = "Submit JPEG, PNG, TIFF, BMP, WebP or PDF files."


class CorruptFile(InputError):
    code = "corrupt_file"
    hint = "The file is damaged or truncated; copy or scan it again and resubmit it."


class UnreadableFile(InputError):
    """The file is there but cannot be read (permissions, a vanished network share)."""

    code = "unreadable_file"
    hint = "Check that the file exists and can be read by this user, then submit it again."


class EmptyFile(InputError):
    code = "empty_file"
    hint = "The file has no content; check that the scanner or the copy finished."


class EncryptedPDF(InputError):
    code = "pdf_password_required"
    hint = "The PDF needs a password to open; save an unprotected copy and resubmit it."


class TooLarge(InputError):
    code = "too_large"
    hint = "Split the document, or scan it at 300 dpi or less, and resubmit it."


class TooManyPages(TooLarge):
    code = "too_many_pages"
    hint = "Split the document into parts, or raise DIGITIZE_MAX_PAGES, and resubmit it."


class PDFTooComplex(InputError):
    """A PDF whose structure would cost unbounded time or memory to draw (a 'PDF bomb')."""

    code = "pdf_too_complex"
    hint = (
        "The PDF's structure is nested too deeply or is far too large for a document; print it "
        "to a new PDF (or scan the paper) and resubmit it."
    )


class InvalidName(InputError):
    """A dossier code or file name that cannot become part of a storage key."""

    code = "invalid_name"
    hint = "Dossier codes use only letters, digits, '.' and '-' (1-64 characters)."


# --- environment -------------------------------------------------------------------------------


class EnvironmentProblem(DigitizeError):
    """Something this machine lacks; `digitize check` says what to install."""

    code = "environment"
    hint = "Run `digitize check` to see what is missing and how to install it."


class TesseractMissing(EnvironmentProblem):
    code = "tesseract_missing"
    hint = "Install it: sudo apt-get install tesseract-ocr tesseract-ocr-vie"


class LanguageMissing(EnvironmentProblem):
    code = "tesseract_language_missing"
    hint = "Install the language data: sudo apt-get install tesseract-ocr-vie tesseract-ocr-osd"


# --- processing --------------------------------------------------------------------------------


class OCRError(DigitizeError):
    code = "ocr_failed"
    hint = "Tesseract failed on this page; run `digitize check`, then resubmit the document."


class OCRTimeout(OCRError):
    code = "ocr_timeout"
    retryable = True
    hint = "Tesseract took too long on a page; resubmit, or raise DIGITIZE_OCR_TIMEOUT."


# --- storage and queue -------------------------------------------------------------------------


class StorageError(DigitizeError):
    code = "storage_error"
    hint = "Check the store's settings (DIGITIZE_STORE, DIGITIZE_S3_*) and try again."


class StorageUnavailable(StorageError):
    code = "storage_unavailable"
    retryable = True
    hint = "The object store did not answer; check that it runs and is reachable, then retry."


class PDFWriteError(StorageError):
    """The searchable PDF could not be written to its path."""

    code = "pdf_write_failed"
    hint = "Check that the output folder exists, is writable and has free space, then run again."


class NotFound(StorageError):
    code = "not_found"
    hint = "Check the dossier code and that the documents were processed."


class DiskFull(StorageError):
    """A local write met ENOSPC: the temporary folder (or the output folder) is full."""

    code = "disk_full"
    retryable = True
    hint = (
        "The disk holding the temporary folder is full; free space there (or point TMPDIR at "
        "a larger disk), then resubmit the document."
    )


class WorkerLost(DigitizeError):
    """The worker processing a document died (killed, out of memory) more times than allowed."""

    code = "worker_lost"
    hint = (
        "The worker died every time it processed this document, most often for lack of memory; "
        "split the document or give the workers more memory, then resubmit it."
    )


class QueueUnavailable(DigitizeError):
    code = "queue_unavailable"
    retryable = True
    hint = "Redis did not answer; start it or set DIGITIZE_REDIS_URL, then retry."


class ConfigError(DigitizeError):
    code = "config_error"
    hint = "Check the DIGITIZE_* environment variables and the command's options."
