"""The document-type catalogue, loaded from data (``catalogue.yaml`` beside this file).

A province can point ``DIGITIZE_CATALOGUE`` at its own copy with extra types; the file is read
once per process and checked, so a typo fails loudly at start, not silently per document.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

import yaml

from classifiers.vntext import fold
from digitize.errors import ConfigError

DEFAULT_PATH = Path(__file__).with_name("catalogue.yaml")

FIELD_KINDS = {
    "name",
    "date",
    "sex",
    "id_number",
    "digits",
    "phone",
    "text",
    "address",
    "enterprise_code",
    "document_number",
    "serial",
    "nationality",
    "money",
    "organ",
    "company",
    "licence_class",
    "plate",
    "engine_number",
    "chassis_number",
    "words",
    "area",
    "brand",
}
MRZ_FORMATS = ("", "td1")
"""Machine-readable zones a type may carry (ICAO 9303 TD1: the back of a chip ID card)."""
DECREE30_FIELDS = ("document_number", "issue_date", "issuer", "subject", "signer")
"""Metadata a type may ask to be read from the Decree 30 layout (header, subject, signature)."""


@dataclass(frozen=True)
class FieldSpec:
    name: str
    labels: tuple[str, ...]
    kind: str
    length: int = 0
    """The number of characters a value always has (a 12-digit licence number), or 0."""
    after: str = ""
    """The field whose label opens this one's section (the husband's name for his date of
    birth): the label is looked for from there on, in that label's column, up to the next
    section's; "" for a label anywhere."""

    @property
    def folded_labels(self) -> tuple[tuple[str, ...], ...]:
        return tuple(tuple(fold(label).split()) for label in self.labels)


@dataclass(frozen=True)
class DocType:
    code: str
    label: str
    titles: tuple[str, ...]
    keywords: tuple[str, ...]
    fields: tuple[FieldSpec, ...]
    decree30: tuple[str, ...] = ()
    subject_prefix: str = ""
    mrz: str = ""
    """Machine-readable zone printed on the document (``td1``: chip ID cards), or none."""
    notation: tuple[str, ...] = ()
    """Type abbreviations of its Decree 30 notation ("QĐ" in ``123/QĐ-UBND``)."""
    implied: tuple[tuple[str, str], ...] = ()
    """Field values the type itself fixes (only Vietnamese citizens hold a citizen ID card):
    given where the page's own reading of the field is missing or doubtful."""
    generic: bool = False
    """The type of a document whose Decree 30 header was read but whose kind is none of the
    catalogue's (a province's own kind): it still gets its metadata. At most one."""

    @property
    def administrative(self) -> bool:
        """A Decree 30 kind: its number, date, organ, subject and signer stand in the Decree
        30 layout, its kind in the title and in the notation."""
        return self.generic or bool(self.notation) or self.titleless

    @property
    def titleless(self) -> bool:
        """A type printed without a title (an official letter), known by its subject prefix."""
        return bool(self.subject_prefix) and not self.titles

    @cached_property
    def folded_titles(self) -> tuple[str, ...]:
        return tuple(fold(t) for t in self.titles)

    @cached_property
    def folded_keywords(self) -> tuple[str, ...]:
        return tuple(fold(k) for k in self.keywords)


@dataclass(frozen=True)
class Catalogue:
    types: tuple[DocType, ...]
    ignore_lines: frozenset[str]
    stop_labels: tuple[str, ...] = ()

    def get(self, code: str) -> DocType | None:
        return next((t for t in self.types if t.code == code), None)

    def field_names(self, code: str) -> set[str]:
        t = self.get(code)
        """Every field name ``code`` can carry: labelled fields and Decree 30 metadata."""
        if t is None:
            return set()
        return {f.name for f in t.fields} | set(t.decree30)


def _strings(value: object, what: str, source: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{source}: {what} must be a list of strings, not {value!r}.")
    return tuple(value)


def _parse(data: object, source: str) -> Catalogue:
    if not isinstance(data, dict) or not isinstance(data.get("types"), list):
        raise ConfigError(f"{source}: expected a mapping with a 'types' list.")
    types = []
    seen: set[str] = set()
    for raw in data["types"]:
        code = raw.get("code") if isinstance(raw, dict) else None
        if not code or not isinstance(code, str):
            raise ConfigError(f"{source}: a type has no code: {raw!r}.")
        if code in seen:
            raise ConfigError(f"{source}: type {code!r} is listed twice.")
        seen.add(code)
        fields = []
        raw_fields = raw.get("fields") or {}
        if not isinstance(raw_fields, dict):
            raise ConfigError(f"{source}: fields of {code!r} must be a mapping.")
        for name, spec in raw_fields.items():
            if not isinstance(spec, dict):
                raise ConfigError(f"{source}: field {name!r} of {code!r} must be a mapping.")
            kind = spec.get("kind", "text")
            if kind not in FIELD_KINDS:
                raise ConfigError(
                    f"{source}: field {name!r} of {code!r} has unknown kind {kind!r}; "
                    f"use one of {', '.join(sorted(FIELD_KINDS))}."
                )
            labels = _strings(spec.get("labels"), f"labels of {code}.{name}", source)
            length = spec.get("length", 0)
            if not isinstance(length, int) or isinstance(length, bool) or length < 0:
                raise ConfigError(
                    f"{source}: length of {code}.{name} must be a whole number, not {length!r}."
                )
            after = spec.get("after", "")
            if not isinstance(after, str) or (after and after not in raw_fields):
                raise ConfigError(
                    f"{source}: after of {code}.{name} must name another field of {code!r}, "
                    f"not {after!r}."
                )
            fields.append(FieldSpec(name, labels, kind, length, after))
        decree30 = _strings(raw.get("decree30"), f"decree30 of {code!r}", source)
        for name in decree30:
            if name not in DECREE30_FIELDS:
                raise ConfigError(
                    f"{source}: decree30 of {code!r} lists {name!r}; "
                    f"use some of {', '.join(DECREE30_FIELDS)}."
                )
        mrz = str(raw.get("mrz") or "")
        if mrz not in MRZ_FORMATS:
            raise ConfigError(
                f"{source}: mrz of {code!r} is {mrz!r}; use one of {', '.join(MRZ_FORMATS[1:])}."
            )
        implied = raw.get("implied") or {}
        if not isinstance(implied, dict) or not all(
            isinstance(v, str) and k in {f.name for f in fields} for k, v in implied.items()
        ):
            raise ConfigError(
                f"{source}: implied of {code!r} must map some of its fields to a value, "
                f"not {implied!r}."
            )
        types.append(
            DocType(
                code,
                str(raw.get("label", code)),
                _strings(raw.get("titles"), f"titles of {code!r}", source),
                _strings(raw.get("keywords"), f"keywords of {code!r}", source),
                tuple(fields),
                decree30,
                str(raw.get("subject_prefix") or ""),
                mrz,
                _strings(raw.get("notation"), f"notation of {code!r}", source),
                tuple(implied.items()),
                bool(raw.get("generic", False)),
            )
        )
    if sum(t.generic for t in types) > 1:
        raise ConfigError(f"{source}: more than one type is marked generic.")
    return Catalogue(
        tuple(types),
        frozenset(fold(x) for x in _strings(data.get("ignore_lines"), "ignore_lines", source)),
        _strings(data.get("stop_labels"), "stop_labels", source),
    )


@lru_cache(maxsize=4)
def load(path: str | None = None) -> Catalogue:
    """The catalogue at ``path``, ``$DIGITIZE_CATALOGUE`` or the built-in one."""
    chosen = Path(path or os.environ.get("DIGITIZE_CATALOGUE") or DEFAULT_PATH)
    try:
        data = yaml.safe_load(chosen.read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise ConfigError(f"The document-type catalogue {chosen} cannot be read: {exc}.") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(
            f"The document-type catalogue {chosen} is not valid YAML: {exc}."
        ) from exc
    return _parse(data, str(chosen))
