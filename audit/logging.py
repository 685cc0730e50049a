"""Put the request id on every log line, so a log line, a history row and a response match up."""

from __future__ import annotations

import logging

from audit.middleware import current_request_id


class RequestIDFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id()
        return True
