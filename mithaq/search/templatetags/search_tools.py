"""The inbox's search tools: `{% load search_tools %}{% inbox_tools %}` under its filters."""

from django import template
from django.utils.formats import number_format

from mithaq.accounts.access import access_for
from mithaq.common.recent import page_params
from mithaq.search.export import EXPORT_LIMIT
from mithaq.search.forms import clean_inbox_query

register = template.Library()


@register.inclusion_tag("search/_inbox_tools.html", takes_context=True)
def inbox_tools(context):
    request = context["request"]
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        # The filter as the inbox's address carries it (its search by key, `s`), for the
        # export links, the bulk form's way back and the saved filter to be.
        "query": clean_inbox_query(page_params(context).urlencode()),
        # Grouped in the page's language: 50,000 in English, 50 000 in French and Spanish.
        "export_limit": number_format(EXPORT_LIMIT, force_grouping=True),
        "export_count": EXPORT_LIMIT,
        "may_act": not access_for(request).is_read_only(),
    }
