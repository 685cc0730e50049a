"""Turn a lost database connection into a clean 503 page, wherever in the request it happens."""

from __future__ import annotations

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
