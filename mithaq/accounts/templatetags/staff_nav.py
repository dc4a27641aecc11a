"""The staff navigation's links, `{% load staff_nav %}{% staff_nav_links %}`: the same for
everyone with the same rights on the same page, so rendered once per language, rights and
page in this process (a dozen links with their conditions were 4% of a case page)."""

from django import template
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()

_RIGHTS = (
    "is_staff_member",
    "routes_cases",
    "sees_everything",
    "gives_opinions",
    "manages_configuration",
    "views_audit_log",
    "may_use_registry",
    "reads_reports",
    "sees_interviews",
    "reads_interview_records",
    "handles_data_rights",
)
_RENDERED: dict[tuple, str] = {}
_MAX = 2000


@register.simple_tag(takes_context=True)
def staff_nav_links(context):
    request = context["request"]
    access = context.get("staff_access")
    match = getattr(request, "resolver_match", None)
    values = {
        "name": match.url_name if match else "",
        "namespace": match.namespace if match else "",
        "may_register": bool(context.get("may_register")),
        "is_staff": bool(getattr(request.user, "is_staff", False)),
        **{right: bool(access is not None and getattr(access, right)) for right in _RIGHTS},
    }
    key = (get_language(), get_script_prefix(), *values.values())
    html = _RENDERED.get(key)
    if html is None:
        html = render_to_string("staff/_nav_links.html", values)
        if len(_RENDERED) >= _MAX:
            _RENDERED.clear()
        _RENDERED[key] = html
    return mark_safe(html)  # noqa: S308 - a template's own output
