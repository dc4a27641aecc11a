"""The case page's panel of related cases: merged into, merged here, linked, and the lazy
list of possible duplicates. One query of ids; the cases only when there are some."""

from django import template

from mithaq.accounts.access import access_for
from mithaq.cases.services.duplicates import relations
from mithaq.cases.states import Action

register = template.Library()


@register.inclusion_tag("citizens/_case_panel.html", takes_context=True)
def case_relations(context, case):
    request = context["request"]
    access = access_for(request)
    found = relations(case)
    others = [o for o in (found["survivor"], *found["absorbed"], *found["linked"]) if o]
    may_link_here = bool(others) and Action.LINK in access.case_actions(case)
    for other in others:
        other.visible = access.may_see_case(other)
        other.unlinkable = (
            may_link_here and other.visible and Action.LINK in access.case_actions(other)
        )
    return {
        "request": request,
        "case": case,
        "csrf_token": context.get("csrf_token"),
        "show_identity": context.get("show_identity", False),
        **found,
    }
