"""Turn a lost database connection into a clean 503 page, wherever in the request it happens."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.template import loader
from django.utils import translation

from config.views import DB_DOWN_ERRORS


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DB_DOWN_ERRORS):
            connection.close_if_unusable_or_obsolete()
            return HttpResponse(
                loader.render_to_string("503.html"), status=503, headers={"Retry-After": "30"}
            )
        return None


class VietnameseFirstLocaleMiddleware(LocaleMiddleware):
    """Vietnamese unless the user chose English with the language switch.

    Django's LocaleMiddleware follows the browser's Accept-Language, so an English-language browser
    would get Vietnamese pages with English number formats ("97.1%" instead of "97,1%").
    """

    def process_request(self, request: HttpRequest) -> None:
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class SessionRefreshMiddleware:
    """Push a signed-in user's session expiry forward at most once a minute.

    Expiry counts from the session's last save, so saving on every request (Django's
    SESSION_SAVE_EVERY_REQUEST) gives exact inactivity expiry at the cost of a database write and
    commit per page view. Saving when the last refresh is a minute old keeps expiry within a minute
    of the inactivity limit and leaves reads as reads.
    """

    KEY = "_refreshed_at"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        # Only signed-in sessions: a stale cookie from a visitor must not create a session row.
        if user is not None and user.is_authenticated:
            now = int(time.time())
            if now - request.session.get(self.KEY, 0) >= settings.SESSION_REFRESH_SECONDS:
                request.session[self.KEY] = now  # marks the session modified: saved with a new expiry
        return response
