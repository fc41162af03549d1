"""The Vietnamese words the desk page and the archivist's view show for the record's codes.

A record speaks in stable codes (field names, review reasons, error codes, type codes) so that
dossier systems can rely on them; a clerk reads sentences. The review reasons' sentences are
the ones written with each reason in ``classifiers/lists/reasons.yaml``; type labels come from
the catalogue in use (a province's own catalogue included); field names of the public contract
have a fixed label here, and a field only a province's catalogue knows is shown by its first
printed label.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from classifiers.catalogue import load as load_catalogue
from classifiers.review import reasons

FIELD_LABELS = {
    "full_name": "Họ và tên",
    "date_of_birth": "Ngày sinh",
    "sex": "Giới tính",
    "nationality": "Quốc tịch",
    "id_number": "Số định danh / CCCD",
    "old_id_number": "Số CMND cũ",
    "place_of_origin": "Quê quán",
    "place_of_birth": "Nơi đăng ký khai sinh",
    "place_of_residence": "Nơi thường trú",
    "address": "Địa chỉ",
    "phone": "Số điện thoại",
    "document_number": "Số, ký hiệu",
    "issue_date": "Ngày ban hành / ngày cấp",
    "issuer": "Cơ quan ban hành / nơi cấp",
    "signer": "Người ký",
    "subject": "Trích yếu",
    "enterprise_code": "Mã số doanh nghiệp",
    "company_name": "Tên doanh nghiệp",
    "owner_name": "Người đại diện / chủ sở hữu",
    "charter_capital": "Vốn điều lệ",
    "first_registration_date": "Ngày đăng ký lần đầu",
    "mother_name": "Họ tên mẹ",
    "father_name": "Họ tên cha",
    "registration_date": "Ngày đăng ký",
    "expiry_date": "Có giá trị đến",
    "license_class": "Hạng",
}
"""Labels of the contract's field names, as a clerk calls them."""

ERROR_TEXTS = {
    "empty_file": "Tệp rỗng: quét hoặc chọn lại tệp.",
    "corrupt_file": "Tệp bị hỏng: quét lại hoặc xuất lại tệp.",
    "unsupported_format": "Định dạng không hỗ trợ: dùng PDF, JPEG, PNG, TIFF, BMP hoặc WebP.",
    "pdf_password_required": "PDF có mật khẩu: gỡ mật khẩu rồi gửi lại.",
    "too_large": "Tệp quá lớn hoặc quá nhiều trang: chia nhỏ tệp rồi gửi lại.",
    "unreadable_file": "Không đọc được tệp: kiểm tra tệp rồi gửi lại.",
    "invalid_name": "Tên hoặc mã không hợp lệ: sửa mã hồ sơ hoặc tên tệp.",
    "ocr_failed": "Nhận dạng chữ thất bại: quét lại trang rõ hơn.",
    "ocr_timeout": "Nhận dạng chữ quá thời gian: hệ thống sẽ tự thử lại.",
    "pdf_write_failed": "Không tạo được PDF: báo cho quản trị hệ thống.",
    "tesseract_missing": "Máy chủ thiếu phần mềm nhận dạng chữ: báo cho quản trị hệ thống.",
    "tesseract_language_missing": "Máy chủ thiếu dữ liệu tiếng Việt: báo cho quản trị hệ thống.",
    "storage_unavailable": "Kho lưu trữ không phản hồi: hệ thống sẽ tự thử lại.",
    "storage_error": "Lỗi kho lưu trữ: báo cho quản trị hệ thống.",
}
"""What a failed document's error code means to a clerk, and what to do about it."""


def field_label(name: str) -> str:
    """The label of a field name: the contract's, else the catalogue's first printed label."""
    if name in FIELD_LABELS:
        return FIELD_LABELS[name]
    return _catalogue_labels().get(name) or name


@lru_cache(maxsize=1)
def _catalogue_labels() -> dict[str, str]:
    out: dict[str, str] = {}
    for doc_type in load_catalogue().types:
        for spec in doc_type.fields:
            if spec.labels and spec.name not in out:
                out[spec.name] = spec.labels[0].split(" / ")[0].strip()
    return out


def type_label(code: str) -> str:
    """The Vietnamese name of a document type code, or the code when the catalogue lacks it."""
    if code == "unknown":
        return "Chưa xác định"
    doc_type = load_catalogue().get(code)
    return doc_type.label if doc_type is not None else code


def reason_text(code: str) -> str:
    """The clerk's sentence for a review reason; an unregistered code is shown as it is."""
    reason = reasons().get(code)
    return reason.vi if reason is not None else code


def all_terms() -> dict[str, Any]:
    """Every word the pages need, in one answer: the page caches it for the session."""
    catalogue = load_catalogue()
    fields = dict(_catalogue_labels())
    fields.update(FIELD_LABELS)
    return {
        "fields": fields,
        "types": {"unknown": type_label("unknown")} | {t.code: t.label for t in catalogue.types},
        "reasons": {code: r.vi for code, r in reasons().items()},
        "errors": dict(ERROR_TEXTS),
    }
