"""A password rule Django lacks: a mix of character kinds, so 'khanhhoa2026' alone is not enough."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class CharacterClassesValidator:
    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user: Any = None) -> None:
        classes = [
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        ]
        if sum(classes) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self) -> str:
        return _(
            "Mật khẩu phải có ít nhất %(min_classes)d trong 4 loại ký tự: chữ thường, chữ hoa, "
            "chữ số, ký hiệu."
        ) % {"min_classes": self.min_classes}
