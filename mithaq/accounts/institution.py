"""Values every template needs (a context processor): the institution's name and the text
direction."""

import time

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language, get_language_bidi

from .models import OrgUnit

# The institution's name per language, kept in this process: every page shows it and it
# hardly ever changes, and asking the shared cache for it was a round trip to Redis on
# every page (a sixth of the inbox's own work). A rename shows at once in the process that
# made it and within NAME_MAX_AGE seconds in the others.
NAME_MAX_AGE = 60.0
_names: dict[str, tuple[float, str]] = {}


def _institution_name() -> str:
    language = get_language() or ""
    hit = _names.get(language)
    now = time.monotonic()
    if hit is not None and now - hit[0] < NAME_MAX_AGE:
        return hit[1]
    root = OrgUnit.objects.filter(parent=None, is_active=True).order_by("path").first()
    name = root.name if root else ""
    _names[language] = (now, name)
    return name


def forget_institution_name(sender=None, instance=None, **kwargs) -> None:
    """Drop the kept name (a root unit saved or deleted, a test starting afresh)."""
    if instance is None or instance.parent_id is None:
        _names.clear()


def connect_signals() -> None:
    post_save.connect(forget_institution_name, sender=OrgUnit, dispatch_uid="mithaq-name-saved")
    post_delete.connect(forget_institution_name, sender=OrgUnit, dispatch_uid="mithaq-name-gone")


def institution_name() -> str:
    """The institution's name in the active language: the configured one, else the root
    unit's (what every page shows, and what citizens' emails end with)."""
    return settings.MITHAQ_INSTITUTION_NAME or _institution_name()


def site(request):
    return {
        # Lazy: a page that does not show the name does not pay for it.
        "institution_name": settings.MITHAQ_INSTITUTION_NAME or SimpleLazyObject(_institution_name),
        "text_dir": "rtl" if get_language_bidi() else "ltr",
    }
