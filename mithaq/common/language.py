"""Which language a page is in: the visitor's own choice (the language switch's cookie), else
the institution's default (settings.LANGUAGE_CODE, Arabic unless MITHAQ_DEFAULT_LANGUAGE says
otherwise). Used instead of Django's LocaleMiddleware, which would follow the browser's
Accept-Language: an Arabic institution's site opens in Arabic on an English-language phone,
and the visitor switches if they wish."""

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.deprecation import MiddlewareMixin


def chosen_language(request) -> str:
    code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) or ""
    try:
        return translation.get_supported_language_variant(code) if code else settings.LANGUAGE_CODE
    except LookupError:
        return settings.LANGUAGE_CODE


class SiteLanguageMiddleware(MiddlewareMixin):
    def process_request(self, request):
        translation.activate(chosen_language(request))
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        # The language follows the cookie, so a shared cache must key on it.
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response
