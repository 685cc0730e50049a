"""Checking and storing uploaded dossier files.

The type is read from the file's first bytes, never from its name or the browser's claim; the
stored name is random (the original is kept only as a label); files go to MEDIA_ROOT, which no URL
serves, and leave only through a view that checks the user's scope. Kept apart from the views so
that a shared upload helper can replace it in one place.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from registry.text import normalize_text

DEFAULT_MAX_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class FileType:
    content_type: str
    extension: str
    label: str


# Magic numbers of the accepted formats.
SIGNATURES: tuple[tuple[bytes, FileType], ...] = (
    (b"%PDF-", FileType("application/pdf", "pdf", "PDF")),
    (b"\x89PNG\r\n\x1a\n", FileType("image/png", "png", "PNG")),
    (b"\xff\xd8\xff", FileType("image/jpeg", "jpg", "JPEG")),
)


def max_upload_bytes() -> int:
    return int(getattr(settings, "CERTIFICATION_ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def sniff(head: bytes) -> FileType | None:
    for signature, file_type in SIGNATURES:
        if head.startswith(signature):
            return file_type
    return None


def check_upload(upload: UploadedFile) -> FileType:
    """The file's real type, or a ValidationError in the user's language."""
    limit = max_upload_bytes()
    if upload.size is None or upload.size > limit:
        raise ValidationError(_("Tệp quá lớn: tối đa %(size)s MB.") % {"size": limit // (1024 * 1024) or 1})
    if upload.size == 0:
        raise ValidationError(_("Tệp rỗng."))
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    file_type = sniff(head)
    if file_type is None:
        raise ValidationError(
            _("Chỉ nhận tệp PDF, PNG hoặc JPEG (kiểm tra theo nội dung tệp, không theo tên).")
        )
    return file_type


def random_name(file_type: FileType) -> str:
    return f"{secrets.token_hex(16)}.{file_type.extension}"


def display_name(name: str) -> str:
    """The uploader's file name as a label only: no path, no control characters, bounded length."""
    name = normalize_text(name.replace("\\", "/").rsplit("/", 1)[-1])
    name = "".join(ch for ch in name if ch.isprintable())
    return name[:200] or "tep-dinh-kem"
