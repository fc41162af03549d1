"""What makes the searchable PDF an archival PDF/A-2b file, and the document's own metadata.

PDF/A-2b asks, for what this writer puts in a file: XMP metadata in the catalog (unfiltered)
that names the conformance (``pdfaid:part`` 2, ``pdfaid:conformance`` B) and agrees with the
Info dictionary; every custom XMP property described by an extension schema in the same
packet; an output intent with an ICC profile for device colours (sRGB here, built by
LittleCMS through Pillow, so no profile file is needed); every font embedded; no encryption;
a file identifier in the trailer (pikepdf always writes one). The Decree 30 / Circular 01/2023
metadata of the digitized document (dossier code, type, number and notation, issue date,
issuing organ, subject, page count, time of digitization, SHA-256 of the original) goes into
the XMP packet in the namespace below, under the element names of Decree 30's Appendix VI.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from xml.sax.saxutils import escape

import pikepdf
from pikepdf import Name
from PIL import ImageCms

PROFILES = ("pdfa-2b", "pdf")
"""``pdfa-2b``: archival PDF/A-2b (the default); ``pdf``: a plain PDF with the same content."""

NAMESPACE = "urn:digitize:ns:decree30:1.0#"
PREFIX = "d30"
PRODUCER = "digitize"

#: (XMP property, value type, description) of the document's Decree 30 metadata.
PROPERTIES = (
    ("FileCode", "Text", "Dossier code"),
    ("TypeCode", "Text", "Type code"),
    ("TypeName", "Text", "Type name"),
    ("CodeNumber", "Text", "Number"),
    ("CodeNotation", "Text", "Notation"),
    ("IssuedDate", "Text", "Issue date, YYYY-MM-DD"),
    ("OrganName", "Text", "Issuing organ"),
    ("Subject", "Text", "Subject"),
    ("PageAmount", "Integer", "Pages"),
    ("DigitizedAt", "Date", "Digitized, UTC"),
    ("OriginalSHA256", "Text", "SHA-256 of the original"),
)
#: Appendix VI's lengths, in characters.
MAX_LENGTHS = {"CodeNumber": 11, "CodeNotation": 30, "OrganName": 200, "Subject": 500}


@dataclass(frozen=True)
class ArchiveMetadata:
    """The digitized document's metadata; empty strings are left out of the file."""

    file_code: str = ""
    type_code: str = ""
    type_name: str = ""
    code_number: str = ""
    code_notation: str = ""
    issued_date: str = ""
    organ_name: str = ""
    subject: str = ""
    original_sha256: str = ""
    digitized_at: datetime | None = None

    def values(self, pages: int, now: datetime) -> dict[str, str]:
        """The XMP property values, NFC and cut to Appendix VI's lengths."""
        raw = {
            "FileCode": self.file_code,
            "TypeCode": self.type_code,
            "TypeName": self.type_name,
            "CodeNumber": self.code_number,
            "CodeNotation": self.code_notation,
            "IssuedDate": self.issued_date,
            "OrganName": self.organ_name,
            "Subject": self.subject,
            "PageAmount": str(pages),
            "DigitizedAt": xmp_date(self.digitized_at or now),
            "OriginalSHA256": self.original_sha256,
        }
        out = {}
        for key, value in raw.items():
            text = unicodedata.normalize("NFC", " ".join(str(value).split()))
            if text:
                out[key] = text[: MAX_LENGTHS.get(key, len(text))]
        return out


def xmp_date(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def pdf_date(moment: datetime) -> str:
    return f"D:{moment.astimezone(UTC):%Y%m%d%H%M%S}+00'00'"


@functools.cache
def srgb_profile() -> bytes:
    """An sRGB display profile (ICC version 4, class ``mntr``) made by LittleCMS."""
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def add_output_intent(pdf: pikepdf.Pdf) -> None:
    """The sRGB output intent that gives the pages' device colours their meaning."""
    icc = pikepdf.Stream(pdf, srgb_profile())
    icc.N = 3
    intent = pikepdf.Dictionary(
        Type=Name.OutputIntent,
        S=Name.GTS_PDFA1,
        OutputConditionIdentifier="sRGB IEC61966-2.1",
        Info="sRGB IEC61966-2.1",
        DestOutputProfile=pdf.make_indirect(icc),
    )
    pdf.Root.OutputIntents = pikepdf.Array([pdf.make_indirect(intent)])


def _text(value: str) -> str:
    return escape(value, {'"': "&quot;"})


def _extension_schema() -> str:
    """The PDF/A extension schema that declares the Decree 30 properties (each property's
    fields as attributes of its list item, the short form XMP allows)."""
    props = "".join(
        f'<rdf:li pdfaProperty:name="{name}" pdfaProperty:valueType="{kind}"'
        f' pdfaProperty:category="external" pdfaProperty:description="{_text(about)}"/>'
        for name, kind, about in PROPERTIES
    )
    return (
        '<rdf:Description rdf:about=""'
        ' xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"'
        ' xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#"'
        ' xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">'
        "<pdfaExtension:schemas><rdf:Bag>"
        '<rdf:li rdf:parseType="Resource">'
        "<pdfaSchema:schema>Decree 30/2020 metadata of a digitized document</pdfaSchema:schema>"
        f"<pdfaSchema:namespaceURI>{NAMESPACE}</pdfaSchema:namespaceURI>"
        f"<pdfaSchema:prefix>{PREFIX}</pdfaSchema:prefix>"
        f"<pdfaSchema:property><rdf:Seq>{props}</rdf:Seq></pdfaSchema:property>"
        "</rdf:li></rdf:Bag></pdfaExtension:schemas></rdf:Description>"
    )


def _attributes(values: dict[str, str]) -> str:
    return "".join(f' {name}="{_text(value)}"' for name, value in values.items())


def xmp_packet(
    *, title: str | None, created: datetime, values: dict[str, str], pdfa: bool
) -> bytes:
    """The XMP packet: Dublin Core, XMP basic and PDF properties agreeing with the Info
    dictionary, the PDF/A identification and extension schema, and the Decree 30 values.

    Simple properties are written as attributes of their description (RDF's short form,
    which every XMP reader takes): the packet may not be compressed in an archival file, and
    this keeps it to about half the size of one element per property.
    """
    when = xmp_date(created)
    simple = {
        "dc:format": "application/pdf",
        "xmp:CreateDate": when,
        "xmp:ModifyDate": when,
        "xmp:MetadataDate": when,
        "pdf:Producer": PRODUCER,
    }
    if pdfa:
        simple.update({"pdfaid:part": "2", "pdfaid:conformance": "B"})
    simple.update({f"{PREFIX}:{k}": v for k, v in values.items()})
    title_element = (
        f'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{_text(title)}</rdf:li>'
        "</rdf:Alt></dc:title>"
        if title
        else ""
    )
    body = (
        '<rdf:Description rdf:about=""'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/"'
        ' xmlns:xmp="http://ns.adobe.com/xap/1.0/"'
        ' xmlns:pdf="http://ns.adobe.com/pdf/1.3/"'
        ' xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"'
        f' xmlns:{PREFIX}="{NAMESPACE}"'
        + _attributes(simple)
        + ">"
        + title_element
        + "</rdf:Description>"
        + (_extension_schema() if pdfa else "")
    )
    packet = (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        + body
        + "</rdf:RDF></x:xmpmeta>\n"
        + '<?xpacket end="w"?>'
    )
    return unicodedata.normalize("NFC", packet).encode("utf-8")


def add_metadata(
    pdf: pikepdf.Pdf,
    *,
    title: str | None,
    meta: ArchiveMetadata,
    pages: int,
    pdfa: bool,
    created: datetime | None = None,
) -> None:
    """The Info dictionary and the XMP packet of ``pdf``, with the same title, producer and
    dates in both (PDF/A requires them to agree)."""
    created = created or datetime.now(UTC)
    info = pikepdf.Dictionary(
        Producer=PRODUCER, CreationDate=pdf_date(created), ModDate=pdf_date(created)
    )
    if title:
        info.Title = unicodedata.normalize("NFC", title)
    pdf.trailer.Info = pdf.make_indirect(info)
    xmp = pikepdf.Stream(
        pdf, xmp_packet(title=title, created=created, values=meta.values(pages, created), pdfa=pdfa)
    )
    xmp.Type = Name.Metadata
    xmp.Subtype = Name.XML
    pdf.Root.Metadata = pdf.make_indirect(xmp)
