"""Values every template needs: the institution's name and the text direction."""

from django.conf import settings
from django.utils.translation import get_language_bidi


def site(request):
    return {
        "institution_name": settings.MITHAQ_INSTITUTION_NAME,
        "text_dir": "rtl" if get_language_bidi() else "ltr",
    }
