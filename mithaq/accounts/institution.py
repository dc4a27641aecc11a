"""Values every template needs (a context processor): the institution's name and the text
direction."""

from django.conf import settings
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language_bidi

from mithaq.common.cache import ProcessCopy

from .models import OrgUnit


def _load_root() -> OrgUnit | None:
    return (
        OrgUnit.objects.filter(parent=None, is_active=True)
        .order_by("path")
        .only("name_ar", "name_en", "parent_id", "path")
        .first()
    )


# The institution (the first active root unit) whose name heads every page, kept in each
# process (mithaq.common.cache.ProcessCopy): asking the shared cache for the name was a round
# trip on every page (a sixth of the inbox's own work). A write of units (through
# accounts.services, which says units_changed()) drops it once the change commits: at once in
# that process, within a second in the others; a rolled-back rename is never kept.
INSTITUTION = ProcessCopy(
    "mithaq:institution:version", _load_root, changed_by=("accounts.OrgUnit",)
)


def _institution_name() -> str:
    root = INSTITUTION.get()
    return root.name if root is not None else ""


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
