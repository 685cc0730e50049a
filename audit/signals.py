"""Stamp each historical row with the IP address and request id of the change."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

from audit.middleware import client_ip
from audit.models import AuditFields


def request_context() -> dict[str, Any]:
    """IP address and request id of the request being served (empty outside a request)."""
    request = getattr(HistoricalRecords.context, "request", None)
    if request is None:
        return {}
    return {"ip_address": client_ip(request), "request_id": getattr(request, "request_id", "")}


@receiver(pre_create_historical_record)
def stamp_request(sender: type, history_instance: Any, **kwargs: Any) -> None:
    if not isinstance(history_instance, AuditFields):
        return
    for field, value in request_context().items():
        setattr(history_instance, field, value)
