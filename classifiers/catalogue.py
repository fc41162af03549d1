"""The document-type catalogue, loaded from data (``catalogue.yaml`` beside this file).

A province can point ``DIGITIZE_CATALOGUE`` at its own copy with extra types; the file is read
once per process and checked, so a typo fails loudly at start, not silently per document.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
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
    "money",
}


@dataclass(frozen=True)
class FieldSpec:
    name: str
    labels: tuple[str, ...]
    kind: str

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

    @property
    def folded_titles(self) -> tuple[str, ...]:
        return tuple(fold(t) for t in self.titles)

    @property
    def folded_keywords(self) -> tuple[str, ...]:
        return tuple(fold(k) for k in self.keywords)


@dataclass(frozen=True)
class Catalogue:
    types: tuple[DocType, ...]
    administrative: frozenset[str]
    ignore_lines: frozenset[str]

    def get(self, code: str) -> DocType | None:
        return next((t for t in self.types if t.code == code), None)


def _parse(data: dict, source: str) -> Catalogue:
    types = []
    for raw in data.get("types") or []:
        code = raw.get("code")
        if not code or not isinstance(code, str):
            raise ConfigError(f"{source}: a type has no code.")
        fields = []
        for name, spec in (raw.get("fields") or {}).items():
            kind = spec.get("kind", "text")
            if kind not in FIELD_KINDS:
                raise ConfigError(
                    f"{source}: field {name!r} of {code!r} has unknown kind {kind!r}; "
                    f"use one of {', '.join(sorted(FIELD_KINDS))}."
                )
            fields.append(FieldSpec(name, tuple(spec.get("labels") or []), kind))
        types.append(
            DocType(
                code,
                raw.get("label", code),
                tuple(raw.get("titles") or []),
                tuple(raw.get("keywords") or []),
                tuple(fields),
            )
        )
    return Catalogue(
        tuple(types),
        frozenset(data.get("administrative_types") or []),
        frozenset(fold(x) for x in data.get("ignore_lines") or []),
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
