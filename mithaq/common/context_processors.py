"""Values every template needs: the institution's name and the text direction."""

from django.conf import settings
from django.core.cache import cache
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language, get_language_bidi


def _institution_name():
    from mithaq.accounts.models import OrgUnit

    def load():
        root = OrgUnit.objects.filter(parent=None, is_active=True).order_by("path").first()
        return root.name if root else ""

    # Every page shows it and it hardly ever changes: five minutes in the cache.
    return cache.get_or_set(f"mithaq:institution-name:{get_language()}", load, 300)


def site(request):
    return {
        # Lazy: a page that does not show the name does not pay for its query.
        "institution_name": settings.MITHAQ_INSTITUTION_NAME or SimpleLazyObject(_institution_name),
        "text_dir": "rtl" if get_language_bidi() else "ltr",
    }
