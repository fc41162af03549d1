"""Diacritics correction: misread marks put right in context, sure words and names left alone."""

from __future__ import annotations

import importlib.resources
import json
import shutil
import time
import unicodedata
from pathlib import Path

import pytest

from digitize import cleanup, diacritics
from digitize.lm import build
from digitize.lm import model as lm
from digitize.models import Word
from digitize.reading import _final_words, read_page
from tests.pages import as_array, draw_page

EVAL = Path(__file__).resolve().parents[2] / "shared" / "evaldata" / "vie-real"


def line(text: str, conf: float = 0.6) -> list[Word]:
    """One printed line as Tesseract gives it: words left to right on one line."""
    return [Word(t, 100 * i, 10, 80, 30, conf, 1, 1, 1) for i, t in enumerate(text.split())]


def corrected(text: str, conf: float = 0.6) -> str:
    words, _ = diacritics.correct(line(text, conf))
    return " ".join(w.text for w in words)


@pytest.mark.parametrize(
    ("read", "right"),
    [
        ("Ban Chỉ đạo phòng, chông dịch", "Ban Chỉ đạo phòng, chống dịch"),
        ("xử lý sự có môi trường", "xử lý sự cố môi trường"),
        ("kinh doanh xăng dâu", "kinh doanh xăng dầu"),
        ("Về việc bỗ nhiệm cán bộ", "Về việc bổ nhiệm cán bộ"),
        ("BAN CHÍ ĐẠO", "BAN CHỈ ĐẠO"),
        ("khân trương triển khai", "khẩn trương triển khai"),
        ("TÒA ÁN NHÂN DÂN TÓI CAO", "TÒA ÁN NHÂN DÂN TỐI CAO"),
        ("VIỆN KIỀM SÁT NHÂN DÂN", "VIỆN KIỂM SÁT NHÂN DÂN"),
        ("QUYÉT ĐỊNH", "QUYẾT ĐỊNH"),
        ("CỤC THUÉ", "CỤC THUẾ"),
        ("THỦ TƯỚNG CHÍNH PHÙ", "THỦ TƯỚNG CHÍNH PHỦ"),
        ("thay đôi, đôi mới", "thay đổi, đổi mới"),
        ("Tô công tác", "Tổ công tác"),
        ("CHÍNH SÁCH, THUẺ QUỐC TẾ", "CHÍNH SÁCH, THUẾ QUỐC TẾ"),
    ],
)
def test_known_misreadings_are_put_right(read: str, right: str) -> None:
    assert corrected(read) == right


@pytest.mark.parametrize(
    ("read", "right"),
    [
        ("đi làm bù địp nghỉ lễ", "đi làm bù dịp nghỉ lễ"),
        ("trong địp Tết Nguyên đán", "trong dịp Tết Nguyên đán"),
        ("Độc lập - Tự đo - Hạnh phúc", "Độc lập - Tự do - Hạnh phúc"),
        ("ĐỘC LẬP - TỰ ĐO", "ĐỘC LẬP - TỰ DO"),
        ("giao đự toán năm 2025", "giao dự toán năm 2025"),
        ("cơ sở đữ liệu", "cơ sở dữ liệu"),
    ],
)
def test_d_read_for_dd_and_back_is_put_right(read: str, right: str) -> None:
    """The stroke of đ is a letter, not a mark, yet Tesseract adds or loses it now and then."""
    assert corrected(read) == right


@pytest.mark.parametrize(
    "text",
    [
        "dường như không",
        "con đường giao thông",
        "đo lường chất lượng",
        "đi làm đúng giờ",
        "Đào tạo cán bộ",
        "ông Đỗ Văn Dũng",
        "Đồng chí Dương Văn Đạo",
    ],
)
def test_right_d_and_dd_stay(text: str) -> None:
    """Tesseract's own letter keeps the benefit of the doubt: real words with d or đ, and
    names, are left however unsure."""
    assert corrected(text, conf=0.3) == text


@pytest.mark.parametrize(
    ("read", "doubted"),
    [
        ("theo Luật Tô chức chính quyền địa phương", "Tô"),
        ("doanh nghiệp nộp thuê vào ngân sách", "thuê"),
        ("cơ cấu tô chức của Sở", "tô"),
    ],
)
def test_a_surely_read_word_the_phrases_would_respell_is_doubted_not_changed(read, doubted):
    """Tesseract reads a mark wrong at 0.97 and up now and then: the word stays as read, but
    its confidence falls below the classifiers' review thresholds, and the page counts it."""
    words = line(read, conf=0.99)
    out, changes = diacritics.correct(words)
    assert [w.text for w in out] == read.split() and not changes
    low = [w.text for w in out if w.conf < 0.85]
    assert low == [doubted]
    assert diacritics.doubted(words, out) == 1


@pytest.mark.parametrize(
    "text",
    [
        "theo Luật Tổ chức chính quyền địa phương",
        "nêu trên thì trường hợp này được miễn",
        "đối với lãnh đạo UBND tỉnh năm 2010",
        "Về việc tặng danh hiệu Chiến sĩ thi đua",
        "ông Tô Văn Hùng, bà Lê Thị Tầng",
    ],
)
def test_right_words_read_surely_are_not_doubted(text):
    words = line(text, conf=0.99)
    out, _ = diacritics.correct(words)
    assert [w.conf for w in out] == [w.conf for w in words]


@pytest.mark.parametrize(
    ("read", "right"),
    [
        ("kết quả thực biện công tác", "kết quả thực hiện công tác"),
        ("cải cách thủ tục bành chính", "cải cách thủ tục hành chính"),
    ],
)
def test_b_read_for_h_and_back_is_put_right(read: str, right: str) -> None:
    """A blurred photo closes the bowl of h or opens that of b: the phrase decides."""
    assert corrected(read) == right


@pytest.mark.parametrize(
    "text",
    [
        "biện pháp bảo đảm",
        "hồ sơ hành chính",
        "Bộ Tư pháp",
        "Bà Hoàng Thị Bình",
        "ông Hồ Văn Bảo",
        "hòa bình",
        "tình hình",
    ],
)
def test_right_b_and_h_stay(text: str) -> None:
    """Real words with b or h, and names (b and h never swap in a capitalised word), are left
    however unsure."""
    assert corrected(text, conf=0.3) == text


@pytest.mark.parametrize(
    ("read", "right"),
    [
        ("chính sách thuế TNIDN", "chính sách thuế TNDN"),
        ("Ủy ban nhân dân (ƯBND) tỉnh", "Ủy ban nhân dân (UBND) tỉnh"),
        ("thủ tục TỊHC tỉnh", "thủ tục TTHC tỉnh"),
    ],
)
def test_a_misread_abbreviation_is_put_right(read: str, right: str) -> None:
    assert corrected(read, conf=0.4) == right


@pytest.mark.parametrize(
    "text",
    [
        "thuế TNDN và thuế TNCN, thuế GTGT",  # known abbreviations
        "thuế TNEN",  # one letter from both TNCN and TNDN: no telling which
        "Ban BGH trường",  # too short: BCH is one letter away, and BGH is right
        "BAN CHỈ ĐẠO",  # words in capitals are syllables, not abbreviations
        "mã số XYZW",  # near no known abbreviation
    ],
)
def test_abbreviations_that_are_not_clearly_misread_stay(text: str) -> None:
    assert corrected(text, conf=0.4) == text


def test_a_surely_read_abbreviation_stays() -> None:
    assert corrected("chính sách thuế TNIDN", conf=0.98) == "chính sách thuế TNIDN"


def test_a_capitalised_word_that_is_no_name_takes_a_lower_case_phrase() -> None:
    """A sentence's first word is capitalised: when neither its spelling as read nor the new
    one is a name syllable, phrases written in lower case speak for it too."""
    assert corrected("Thâm định hồ sơ") == "Thẩm định hồ sơ"
    assert corrected("Bồ trí kinh phí") == "Bố trí kinh phí"
    assert corrected("ý kiến của ông Thâm về") == "ý kiến của ông Thâm về"


@pytest.mark.parametrize("text", ["chông dịch", "xăng dâu", "BAN CHÍ ĐẠO", "QUYÉT ĐỊNH"])
def test_sure_words_are_left_as_read(text: str) -> None:
    assert corrected(text, conf=0.98) == text


@pytest.mark.parametrize(
    "name",
    [
        "Nguyễn Văn Tô",
        "ông Tô Văn Dâu",
        "Phạm Thị Thanh Trà",
        "bà Lê Thị Ngoãn",
        "NGUYỄN VĂN TÔ",
        "Trần Thị Thuý",
        "ÔNG NIÊ KDAM",
    ],
)
def test_names_are_left_alone(name: str) -> None:
    """A capitalised word with no phrase that capitalises another spelling is never changed,
    however rare its own spelling: it may be a name."""
    assert corrected(name, conf=0.3) == name


@pytest.mark.parametrize(
    "text",
    ["ưu đãi thuế", "hình thức xử lý", "chủ động bố trí kinh phí", "phù hợp với quy định"],
)
def test_right_words_without_a_phrase_stay(text: str) -> None:
    assert corrected(text, conf=0.5) == text


@pytest.mark.parametrize(
    ("read", "right"),
    [
        ("I.KÉT QUÁ THỰC HIỆN", "I.KẾT QUẢ THỰC HIỆN"),
        ("II. KÉT QUÁ", "II. KẾT QUẢ"),
        ("UBND TĨNH TUYẾN QUANG", "UBND TỈNH TUYÊN QUANG"),
    ],
)
def test_words_in_capitals_that_are_no_names_pair_like_lower_case(read: str, right: str) -> None:
    """A heading in capitals with two misread words next to each other: each is weighed with
    the other in any spelling of its letters, as in lower case, and a list marker glued to the
    first ("I.") is no part of the word."""
    assert corrected(read, conf=0.8) == right


@pytest.mark.parametrize("name", ["PHƯỜNG AN PHÚ", "XÃ AN PHÚ", "PHƯỜNG AN HÒA", "NGUYỄN VĂN AN"])
def test_a_unit_and_its_name_in_capitals_stay(name: str) -> None:
    """ "PHƯỜNG AN" is no "PHƯƠNG ÁN": the word naming a unit keeps its neighbours as read."""
    assert corrected(name, conf=0.8) == name


@pytest.mark.parametrize(
    ("read", "right"),
    [
        ("Kính gửi. Thuế tỉnh Ninh Bình.", "Kính gửi: Thuế tỉnh Ninh Bình."),
        ("Kính gửi . Hội đồng nhân dân tỉnh", "Kính gửi : Hội đồng nhân dân tỉnh"),
        ("Kính gởi, CÔNG TY CP", "Kính gởi: CÔNG TY CP"),
        ("Nơi nhận;", "Nơi nhận:"),
        ("Kính gửi: Sở Tư pháp", "Kính gửi: Sở Tư pháp"),
        ("Kính gửi Sở Tư pháp", "Kính gửi Sở Tư pháp"),
        ("kính gửi. Tiếp theo", "kính gửi. Tiếp theo"),
        ("và nơi nhận, ghi rõ", "và nơi nhận, ghi rõ"),
    ],
)
def test_the_colon_of_a_line_opening_formula_is_put_back(read: str, right: str) -> None:
    """ "Kính gửi:" and "Nơi nhận:" open their lines with a colon: a stop, comma or semicolon
    read there is the colon, even on a line read surely; elsewhere nothing changes."""
    assert corrected(read, conf=0.98) == right


def test_case_punctuation_and_digits_are_kept() -> None:
    words = line("(QUYÉT ĐỊNH số 12/QĐ-UBND) xăng dâu, 2023", conf=0.4)
    out, changes = diacritics.correct(words)
    assert [w.text for w in out] == ["(QUYẾT", "ĐỊNH", "số", "12/QĐ-UBND)", "xăng", "dầu,", "2023"]
    got = [(c.index, c.old, c.new) for c in changes]
    assert got == [(0, "(QUYÉT", "(QUYẾT"), (5, "dâu,", "dầu,")]
    # Only the text changes: box, confidence and line of a corrected word are as read.
    assert out[5].left == words[5].left and out[5].conf == words[5].conf
    assert out[5].line == words[5].line


def test_punctuation_between_words_breaks_the_context() -> None:
    """'xăng. dâu' are not neighbours: nothing pairs 'dầu', and 'dâu' is a real word."""
    assert corrected("xăng. dâu") == "xăng. dâu"


def test_output_is_nfc_whatever_the_input() -> None:
    nfd = unicodedata.normalize("NFD", "kinh doanh xăng dâu")
    out, changes = diacritics.correct(line(nfd))
    assert changes
    for w in out:
        assert unicodedata.is_normalized("NFC", w.text)
    assert out[-1].text == "dầu"


def test_model_loads_from_the_installed_package_data() -> None:
    data = importlib.resources.files("digitize.lm").joinpath("model.json")
    assert data.is_file()
    m = diacritics.model()
    assert m is diacritics.model()  # once per process
    # Syllables of Tesseract's word list, of the project's phrases, and of wordfreq's data.
    assert {"kiểm", "sát", "quyết"} <= set(m.spelling.values())
    assert len(m.spelling) > 4000
    assert m.logp("co1") > m.logp("cô1") > m.logp("")  # "có" commoner than "cố", both known
    assert m.pairs  # phrase evidence is there
    assert {"UBND", "HĐND", "TNDN", "GTGT"} <= m.acronyms
    assert not {"BAN", "TỈNH", "ĐẮK"} & m.acronyms  # words in capitals, not abbreviations


def test_committed_model_is_what_the_build_script_makes(tmp_path: Path) -> None:
    """The committed counts are those of corpus.txt; the syllables are Tesseract's too when
    the same Vietnamese data is installed."""
    if not (shutil.which("combine_tessdata") and shutil.which("dawg2wordlist")):
        pytest.skip("Tesseract's training tools are not installed")
    out = tmp_path / "model.json"
    assert build.main(["--out", str(out)]) == 0
    made = json.loads(out.read_text(encoding="utf-8"))
    committed = json.loads(lm.MODEL_PATH.read_text(encoding="utf-8"))
    for part in ("unigrams", "bigrams", "capitalised", "acronyms"):
        assert made[part] == committed[part], f"{part}: run python -m digitize.lm.build"
    if made["tessdata"] == committed["tessdata"]:
        assert made["spelling"] == committed["spelling"]
    assert made["bigrams"]["xăng dâu2"] >= 1  # a phrase of the corpus, counted


def test_the_classifiers_name_list_is_never_corrected() -> None:
    """Every surname and name syllable of ``classifiers/names.yaml`` in a name, read unsure."""
    import yaml

    names = yaml.safe_load(Path("classifiers/names.yaml").read_text(encoding="utf-8"))
    for given in names["syllables"]:
        for text in (f"Ông Nguyễn Văn {given}", f"bà Lê Thị {given}", f"LÊ THỊ {given.upper()}"):
            assert corrected(text, conf=0.3) == text
    for surname in names["surnames"]:
        for text in (f"Ông {surname} Văn An", f"{surname.upper()} THỊ HOA"):
            assert corrected(text, conf=0.3) == text


def test_an_unreadable_model_changes_nothing(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setattr(lm, "MODEL_PATH", tmp_path / "missing.json")
    monkeypatch.setattr(diacritics, "_model", None)
    words = line("kinh doanh xăng dâu")
    out, changes = diacritics.correct(words)
    assert out == words and changes == []
    monkeypatch.setattr(diacritics, "_model", None)


def test_a_page_of_400_words_costs_milliseconds() -> None:
    diacritics.model()
    text = "Ban Chỉ đạo phòng, chông dịch tỉnh khân trương kiểm tra kinh doanh xăng dâu " * 33
    words = line(text, conf=0.7)[:400]
    diacritics.correct(words)
    t0 = time.perf_counter()
    for _ in range(5):
        diacritics.correct(words)
    per_page = (time.perf_counter() - t0) / 5
    assert per_page < 0.05, f"{per_page * 1000:.1f} ms for 400 words"


def test_final_words_corrects_the_page_and_counts() -> None:
    """The reading's last step puts marks right and records how many in the page quality."""
    image = as_array(draw_page(dpi=200))
    prep = cleanup.finish(cleanup.survey(image, 200.0), 0)
    words = line("Ban Chỉ đạo phòng, chông dịch; xăng dâu", conf=0.5)
    out, _ = _final_words(prep, words, lang="vie", timeout=60, what="test page")
    assert " ".join(w.text for w in out) == "Ban Chỉ đạo phòng, chống dịch; xăng dầu"
    assert prep.quality["diacritics_fixed"] == 2


def test_a_read_page_keeps_its_right_words_and_reports_the_count() -> None:
    """Real Tesseract on a clean page: the count is recorded, and names and places that were
    read right stay right."""
    from digitize.models import PageImage

    image = as_array(draw_page(dpi=200))
    result = read_page(PageImage(0, image, 200.0), lang="vie", timeout=60, name="t.png").result
    assert isinstance(result.quality["diacritics_fixed"], int)
    assert "Nguyễn Thị Hồng Nhung" in result.text
    assert "Đắk Lắk" in result.text
    assert all(unicodedata.is_normalized("NFC", w.text) for w in result.words)


def test_real_lines_are_not_broken() -> None:
    """The printed lines of real documents are right text: read unsure, almost none change."""
    truth = EVAL / "truth.json"
    if not truth.exists():
        pytest.skip("no real-document set beside the project")
    entries = json.loads(truth.read_text(encoding="utf-8"))
    words = changed = 0
    for e in entries:
        for text in e.get("lines") or []:
            ws = line(text, conf=0.5)
            words += len(ws)
            changed += len(diacritics.correct(ws)[1])
    assert words > 500
    assert changed <= words * 0.005


def test_a_name_beside_a_name_stays_unless_the_pair_is_a_phrase() -> None:
    """'Văn Tô' is a name even before 'chức vụ'; 'Luật Tổ chức' is a law, 'Luật' no name."""
    assert corrected("Ông Lê Văn Tô chức vụ Phó Giám đốc") == "Ông Lê Văn Tô chức vụ Phó Giám đốc"
    assert corrected("Căn cứ Luật Tố chức chính quyền") == "Căn cứ Luật Tổ chức chính quyền"


def test_generated_texts_with_their_names_come_through_unchanged() -> None:
    """The text of generated documents (names, places, labels, bilingual cards) is right
    text: read unsure, it keeps every word."""
    import random

    from bench.synth import render_random

    changed = []
    for seed in range(25):
        page = render_random(random.Random(seed), dpi=100, negatives=0.0)
        for text in page.text.splitlines():
            changed += diacritics.correct(line(text, conf=0.6))[1]
    assert changed == []


@pytest.mark.parametrize(
    ("read", "right"),
    [
        (
            "ỦY BAN NHÂN DÂN CÔNG HÒA XÃ HỌI CHỦ NGHĨA VIỆT NAM",
            "ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        ),
        ("Độc lập - Tự đo - Hạnh phúc", "Độc lập - Tự do - Hạnh phúc"),
    ],
)
def test_the_national_title_and_motto_are_spelled_as_printed_even_when_read_surely(read, right):
    assert corrected(read, conf=0.99) == right


def test_a_run_with_other_letters_is_not_the_national_title():
    assert corrected("CÔNG HÒA XÃ HỘI", conf=0.99) == "CÔNG HÒA XÃ HỘI"
    # The printed tone placement stays ("HOÀ" and "HÒA" are one spelling).
    assert corrected("CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM", conf=0.99).split()[1] == "HOÀ"
