"""Validated uploads: checked by content (not by name), size-limited, stored under random names.

Files live under MEDIA_ROOT, which no URL serves; a view that has already checked the user's scope
hands them out with :func:`serve_private_file`. Usage in a model and a form::

    attachment = models.FileField(upload_to=random_upload_to("certification"), max_length=200)
    attachment = forms.FileField(validators=[validate_upload])  # or clean_x: validate_upload(f)
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _

# Allowed types, told apart by their first bytes (magic numbers), never by name or client header.
SIGNATURES: dict[str, tuple[bytes, str]] = {
    "pdf": (b"%PDF-", "application/pdf"),
    "png": (b"\x89PNG\r\n\x1a\n", "image/png"),
    "jpg": (b"\xff\xd8\xff", "image/jpeg"),
}
CONTENT_TYPES = {ext: content_type for ext, (_magic, content_type) in SIGNATURES.items()}


def sniff_type(head: bytes) -> str | None:
    """The extension ('pdf', 'png', 'jpg') the bytes really are, or None."""
    for ext, (magic, _content_type) in SIGNATURES.items():
        if head.startswith(magic):
            return ext
    return None


def _read_head(upload: Any, size: int = 16) -> bytes:
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(size)
    upload.seek(position)
    return head


def validate_upload(upload: Any, allowed: tuple[str, ...] = ("pdf", "png", "jpg")) -> str:
    """Check an uploaded file; return its real extension or raise a Vietnamese ValidationError."""
    limit = settings.UPLOAD_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            _("Tệp quá lớn (%(size).1f MB); tối đa %(limit).0f MB.")
            % {"size": upload.size / 1048576, "limit": limit / 1048576},
            code="too_large",
        )
    if not upload.size:
        raise ValidationError(_("Tệp rỗng."), code="empty")
    ext = sniff_type(_read_head(upload))
    if ext not in allowed:
        names = ", ".join(e.upper() for e in allowed)
        raise ValidationError(
            _("Chỉ nhận tệp %(types)s (kiểm tra theo nội dung tệp).") % {"types": names}, code="bad_type"
        )
    return ext


@deconstructible
class random_upload_to:
    """``upload_to`` that keeps nothing of the client's file name except the sniffed extension."""

    def __init__(self, folder: str) -> None:
        self.folder = folder.strip("/")

    def __call__(self, instance: Any, filename: str) -> str:
        suffix = Path(filename).suffix.lower().lstrip(".")
        ext = suffix if suffix in SIGNATURES else "bin"
        return f"{self.folder}/{secrets.token_hex(16)}.{ext}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, random_upload_to) and other.folder == self.folder


def save_upload(upload: Any, folder: str, allowed: tuple[str, ...] = ("pdf", "png", "jpg")) -> str:
    """Validate and store an upload outside any web root; return its storage name."""
    from django.core.files.storage import default_storage

    ext = validate_upload(upload, allowed)
    name = f"{folder.strip('/')}/{secrets.token_hex(16)}.{ext}"
    upload.seek(0)
    return default_storage.save(name, upload)


def serve_private_file(
    request: HttpRequest, file_field: FieldFile, download_name: str | None = None
) -> FileResponse:
    """Send a stored file to a user whose right to it the calling view has ALREADY checked.

    The type is sniffed again (never trusted from the database); the browser is told not to guess
    it and to download rather than render anything that is not a known safe type.
    """
    if not file_field:
        raise Http404("Không có tệp đính kèm.")
    try:
        handle = file_field.open("rb")
    except FileNotFoundError as exc:
        raise Http404("Tệp đính kèm không còn trên máy chủ.") from exc
    ext = sniff_type(_read_head(handle))
    content_type = CONTENT_TYPES.get(ext or "", "application/octet-stream")
    name = download_name or f"tep-dinh-kem.{ext or 'bin'}"
    response = FileResponse(handle, content_type=content_type, as_attachment=ext != "pdf", filename=name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    # A PDF opened inline must not run anything against this origin.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
