"""Field rules shared by the forms (through the models) and the imports (``dataio.resources``)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext

from registry.text import day_text


def not_after_today(value: datetime.date) -> None:
    """A day that has already come: a decision issued, a review held, a meeting met.

    A later day is a typing slip (2030 for 2023); kept, it would count in years not yet begun.
    """
    if value > timezone.localdate():
        raise ValidationError(
            gettext("Ngày %(day)s chưa đến: hãy kiểm tra lại."),
            code="future_day",
            params={"day": day_text(value)},
        )
