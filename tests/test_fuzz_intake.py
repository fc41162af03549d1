"""Fuzzing intake: real small files (PNG, JPEG, TIFF, PDF), mutated, must open and read or be
refused with one of the project's typed errors; never a raw exception, never a hang.

Hypothesis draws a seed file and a few mutations (bytes overwritten, a cut, bytes inserted, a
run duplicated); the number of examples is bounded so the test keeps to a few seconds in CI,
and each example runs under an alarm that turns a hang into a failure.
"""

from __future__ import annotations

import io
import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from digitize import intake
from digitize.errors import DigitizeError
from tests.pages import draw_page, encode

EXAMPLES = int(os.environ.get("DIGITIZE_FUZZ_EXAMPLES", "150"))
"""Mutated files tried per run: a few seconds on one core. Set DIGITIZE_FUZZ_EXAMPLES to hunt
longer (with DIGITIZE_FUZZ_RANDOM=1 for new examples each run)."""
HANG_S = 20
"""An example still running after this many seconds is a hang."""


def _seeds() -> dict[str, bytes]:
    page = draw_page(("Cộng hòa", "Số 12/2024"), dpi=60, width_in=3.0)
    tiff = io.BytesIO()
    page.convert("1").save(
        tiff, "TIFF", save_all=True, append_images=[page.convert("1")], compression="group4"
    )
    pdf = io.BytesIO()
    page.save(pdf, "PDF", resolution=60)
    return {
        "png": encode(page, "PNG", dpi=60),
        "jpeg": encode(page, "JPEG", dpi=60, quality=70),
        "tiff": tiff.getvalue(),
        "pdf": pdf.getvalue(),
        "bmp": encode(page.convert("L"), "BMP", dpi=60),
    }


SEEDS = _seeds()


def _two_bytes(n: int) -> bytes:
    return n.to_bytes(2, "big")


_mutation = st.one_of(
    st.tuples(st.just("set"), st.floats(0, 1), st.binary(min_size=1, max_size=8)),
    st.tuples(st.just("cut"), st.floats(0, 1), st.just(b"")),
    st.tuples(st.just("insert"), st.floats(0, 1), st.binary(min_size=1, max_size=64)),
    st.tuples(st.just("repeat"), st.floats(0, 1), st.integers(1, 512).map(_two_bytes)),
)


def mutate(data: bytes, mutations: list[tuple[str, float, bytes]]) -> bytes:
    """Apply the mutations in turn; positions are fractions of the current length, so a
    header is hit as often as the pixels."""
    out = bytearray(data)
    for kind, where, payload in mutations:
        at = min(int(where * len(out)), max(len(out) - 1, 0))
        if kind == "set":
            out[at : at + len(payload)] = payload
        elif kind == "cut":
            del out[at:]
        elif kind == "insert":
            out[at:at] = payload
        else:  # repeat a run of the file in place (a chunk or a table written twice)
            size = int.from_bytes(payload, "big")
            out[at:at] = out[at : at + size]
    return bytes(out)


@contextmanager
def hang_alarm(seconds: int) -> Iterator[None]:
    def hung(_signum: int, _frame: object) -> None:
        raise TimeoutError(f"intake still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def read_all(data: bytes, name: str) -> int:
    """Open and decode every page as the pipeline would (without OCR); the pages read."""
    doc = intake.open_document(Path(name), data, max_pixels=4_000_000, pdf_dpi=72, max_pages=20)
    return sum(1 for _ in doc.pages())


@settings(
    max_examples=EXAMPLES,
    deadline=None,  # a slow example is not a failure; a hung one is (see hang_alarm)
    # The same examples in every CI run, so that a failure is reproducible.
    derandomize=not os.environ.get("DIGITIZE_FUZZ_RANDOM"),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    kind=st.sampled_from(sorted(SEEDS)),
    mutations=st.lists(_mutation, min_size=1, max_size=4),
)
def test_mutated_files_give_pages_or_typed_errors(kind, mutations):
    data = mutate(SEEDS[kind], mutations)
    with hang_alarm(HANG_S):
        try:
            read_all(data, f"scan.{kind}")
        except DigitizeError as exc:
            assert exc.code != "internal_error"
            assert "scan." in exc.message  # the message names the file


@pytest.mark.parametrize("kind", sorted(SEEDS))
def test_the_seeds_themselves_read(kind):
    assert read_all(SEEDS[kind], f"scan.{kind}") == (2 if kind == "tiff" else 1)


def test_mutations_change_the_file():
    data = SEEDS["png"]
    assert mutate(data, [("cut", 0.5, b"")]) == data[: len(data) // 2]
    assert mutate(data, [("set", 0.0, b"X")])[:1] == b"X"
    assert len(mutate(data, [("insert", 0.1, b"abc")])) == len(data) + 3
    assert len(mutate(data, [("repeat", 0.5, _two_bytes(10))])) == len(data) + 10
