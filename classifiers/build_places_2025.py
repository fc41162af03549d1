"""Builds ``places_2025.json``: the provinces and their wards after the 2025 reorganization.

From 1 July 2025 Vietnam has 34 provinces and two levels of local government: a ward or
commune belongs to its province directly, with no district between them. Papers issued since
then print addresses and organs so ("Phường Hồng Hà, Thành phố Hà Nội"). The names come from
the data of the ``vietnamadminunits`` package (MIT licence, © 2025 Tran Ngoc Minh Hieu), read
as a file, without importing the package or what it depends on:

    .venv/bin/pip install --no-deps vietnamadminunits==1.0.4
    .venv/bin/python -m classifiers.build_places_2025

Nothing reads the package at run time: the JSON is the project's file.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import unicodedata
from pathlib import Path

OUT = Path(__file__).with_name("places_2025.json")
SOURCE = "parser_from_2025.json"


def _data_file() -> Path:
    spec = importlib.util.find_spec("vietnamadminunits")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(
            "vietnamadminunits is not installed: "
            ".venv/bin/pip install --no-deps vietnamadminunits==1.0.4"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "data" / SOURCE


def build(source: Path) -> dict[str, object]:
    """Province -> its wards' official names (NFC, sorted), from the package's parser data."""
    data = json.loads(source.read_text(encoding="utf-8"))
    provinces = data["DICT_PROVINCE"]
    wards = data["DICT_PROVINCE_WARD_NO_ACCENTED"]
    out: dict[str, list[str]] = {}
    for key, province in provinces.items():
        name = unicodedata.normalize("NFC", province["province"])
        names = {unicodedata.normalize("NFC", w["ward"]) for w in wards.get(key, {}).values()}
        out[name] = sorted(names)
    return {
        "source": (
            "Provinces and wards after the 2025 reorganization (34 provinces, two levels), "
            "names only, from the data of the vietnamadminunits package 1.0.4 (MIT licence)"
        ),
        "provinces": out,
    }


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--source", type=Path, help=f"the package's {SOURCE} (default: installed)")
    args = ap.parse_args(argv)
    built = build(args.source or _data_file())
    text = json.dumps(built, ensure_ascii=False, indent=0, sort_keys=True)
    OUT.write_text(text + "\n", encoding="utf-8")
    count = sum(len(w) for w in built["provinces"].values())  # type: ignore[union-attr]
    print(f"{OUT.name}: {len(built['provinces'])} provinces, {count} wards")  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
