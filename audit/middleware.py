"""Give every request an id: it is stamped on each history row and returned in ``X-Request-ID``."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from typing import Any

from django.core.signals import request_finished
from django.http import HttpRequest, HttpResponse

# The id of the request this thread serves, for log lines. Kept until the response is closed:
# Django logs 4xx/5xx responses after the middleware chain has returned.
_current = threading.local()


def current_request_id() -> str:
    return getattr(_current, "request_id", "-")


def _forget_request_id(**kwargs: Any) -> None:
    _current.request_id = "-"


request_finished.connect(_forget_request_id, dispatch_uid="audit_forget_request_id")


class RequestIDMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Generated here, never taken from the client: a forged id would let one request pass
        # for another in the audit trail.
        request.request_id = _current.request_id = uuid.uuid4().hex
        response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        return response


def client_ip(request: HttpRequest) -> str | None:
    """The peer address. Behind a reverse proxy, the proxy must set REMOTE_ADDR (e.g. gunicorn's
    --forwarded-allow-ips); X-Forwarded-For is not trusted here because any client can send it."""
    return request.META.get("REMOTE_ADDR") or None
